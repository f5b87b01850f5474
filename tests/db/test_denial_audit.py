"""404s: an attempt on a resource that exists is audited on its own; 404s for resources that do
not exist are counted and written as one aggregate event per client, method and route."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.db import denial_audit
from app.db.denial_audit import NotFoundTally
from app.models import AuditEvent

Auth = Callable[..., dict[str, str]]


async def _denials(session: AsyncSession) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.action == "policy.denied").order_by(AuditEvent.id)
    return list((await session.scalars(query)).all())


async def test_a_scanner_writes_one_event_per_route_and_interval(
    app: FastAPI,
    client: httpx.AsyncClient,
    auth: Auth,
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    start = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    ticks = iter(start + timedelta(seconds=n) for n in range(100))
    tally = app.state.not_found_tally = NotFoundTally(clock=lambda: next(ticks))
    nl = auth("NL", ["deploying_authority"], sub="nl-scanner")
    for _ in range(25):
        response = await client.get(f"/v1/officers/{uuid.uuid4()}", headers=nl)
        assert response.status_code == 404
        assert response.json()["type"] == "/problems/not-found"
    assert (await client.get(f"/v1/deployments/{uuid.uuid4()}", headers=nl)).status_code == 404
    assert (await client.get("/v1/organisations/ZZ", headers=nl)).status_code == 404
    long_id = "X" * 64  # the longest reference id there may be, and none is this one
    path = f"/v1/reference/adequacy-decisions/{long_id}"
    assert (await client.get(path, headers=nl)).status_code == 404

    assert await _denials(session) == []  # nothing written per request
    assert len(tally) == 4

    async with sessionmaker() as flushing:
        assert await denial_audit.flush(flushing, tally) == 4
    assert len(tally) == 0
    events = await _denials(session)
    summary = {(e.details["route"], e.resource_type, e.details["count"]) for e in events}
    assert summary == {
        ("/v1/officers/{officer_id}", "officer", 25),
        ("/v1/deployments/{deployment_id}", "deployment", 1),
        ("/v1/organisations/{code}", "request", 1),
        ("/v1/reference/adequacy-decisions/{decision_id:path}", "adequacy_decision", 1),
    }
    officers = next(e for e in events if e.resource_type == "officer")
    assert officers.actor == {
        "iss": officers.actor["iss"],
        "sub": "nl-scanner",
        "org": "NL",
        "roles": ["deploying_authority"],
    }
    assert officers.organisation == "NL"
    assert officers.outcome == "denied"
    assert officers.resource_id is None
    assert officers.details["aggregate"] is True
    assert officers.details["method"] == "GET"
    assert officers.details["first_at"] == start.isoformat(timespec="seconds")
    assert officers.details["last_at"] == (start + timedelta(seconds=24)).isoformat(
        timespec="seconds"
    )
    async with sessionmaker() as flushing:
        assert await denial_audit.flush(flushing, tally) == 0  # nothing new: nothing written


async def test_an_existing_resource_the_caller_may_not_see_is_audited_at_once(
    app: FastAPI,
    client: httpx.AsyncClient,
    auth: Auth,
    session: AsyncSession,
    public_receiver: None,
) -> None:
    nl = auth("NL", ["integration"], sub="nl-cms", scopes=["webhooks:write"])
    created = await client.post(
        "/v1/webhooks", json={"url": "https://cms.example.nl/ilonet"}, headers=nl
    )
    assert created.status_code == 201, created.text
    fr = auth("FR", ["integration"], sub="fr-cms", scopes=["webhooks:write"])
    hidden = await client.get(f"/v1/webhooks/{created.json()['id']}", headers=fr)
    assert hidden.status_code == 404
    missing = await client.get(f"/v1/webhooks/{uuid.uuid4()}", headers=fr)
    assert missing.status_code == 404
    # The two 404s look alike to FR, but only the one on NL's subscription is on record now.
    assert hidden.json()["detail"].startswith("No webhook subscription")
    events = await _denials(session)
    assert [(e.organisation, e.resource_id, e.details["status"]) for e in events] == [
        ("FR", created.json()["id"], 404)
    ]
    assert len(app.state.not_found_tally) == 1
