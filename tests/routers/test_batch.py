"""Bulk onboarding: external references, and the batch routes for officers and deployments.

Each batch item is the single route's request: decided by the same action and written by the
same Writer (audit and feed events included), per item or all or nothing, or only judged."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import AuditEvent, Deployment, Officer, OutboxEvent
from tests import factories
from tests.factories import JSON, Auth


@pytest.fixture
def nl(auth: Auth) -> dict[str, str]:
    return auth("NL", ["deploying_authority"], sub="nl-ind")


@pytest.fixture
async def authority(client: httpx.AsyncClient, nl: dict[str, str]) -> JSON:
    return await factories.create_authority(client, nl)


async def _count(session: AsyncSession, model: Any, *where: Any) -> int:
    return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def _officers(authority_id: str, n: int, prefix: str = "IND-") -> list[JSON]:
    return [
        factories.officer_body(
            authority_id, surname=f"Jansen{i}", external_reference=f"{prefix}{i}"
        )
        for i in range(n)
    ]


async def test_external_reference_is_set_returned_filtered_and_unique_per_organisation(
    client: httpx.AsyncClient,
    nl: dict[str, str],
    auth: Auth,
    authority: JSON,
    session: AsyncSession,
) -> None:
    created = await factories.create_officer(
        client, nl, authority_id=authority["id"], external_reference="IND-42"
    )
    assert created["external_reference"] == "IND-42"
    stored = await session.get(Officer, created["id"])
    assert stored is not None
    assert stored.external_reference == "IND-42"
    listed = await client.get("/v1/officers?external_reference=IND-42", headers=nl)
    assert [o["id"] for o in listed.json()["items"]] == [created["id"]]
    assert (await client.get("/v1/officers?external_reference=IND-43", headers=nl)).json()[
        "items"
    ] == []
    # taken within the organisation: 409, nothing written
    again = await client.post(
        "/v1/officers",
        json=factories.officer_body(authority["id"], external_reference="IND-42"),
        headers=nl,
    )
    assert again.status_code == 409, again.text
    assert again.json()["type"] == "/problems/conflict"
    assert await _count(session, Officer, Officer.external_reference == "IND-42") == 1
    # another organisation may use the same reference
    be = auth("BE", ["deploying_authority"], sub="be-dvz")
    be_authority = await factories.create_authority(client, be, organisation="BE")
    other = await factories.create_officer(
        client, be, authority_id=be_authority["id"], external_reference="IND-42"
    )
    assert other["organisation"] == "BE"
    # deployments carry them too
    deployment = await factories.plan_deployment(
        client, nl, officer_id=created["id"], external_reference="DEP-1"
    )
    assert deployment["external_reference"] == "DEP-1"
    found = await client.get("/v1/deployments?external_reference=DEP-1", headers=nl)
    assert [d["id"] for d in found.json()["items"]] == [deployment["id"]]
    clash = await client.post(
        "/v1/deployments",
        json=factories.deployment_body(created["id"], external_reference="DEP-1"),
        headers=nl,
    )
    assert clash.status_code == 409, clash.text


async def test_external_reference_of_processing_records(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    from app.models import ProcessingRecord

    ilo = await factories.deployed_ilo(client, auth)
    record = await factories.create_record(client, ilo, external_reference="CASE-7")
    assert record["external_reference"] == "CASE-7"
    listed = await client.get(
        "/v1/processing-records?external_reference=CASE-7", headers=ilo.headers
    )
    assert [r["id"] for r in listed.json()["items"]] == [record["id"]]
    clash = await client.post(
        "/v1/processing-records",
        json=factories.record_body(ilo.officer_id, external_reference="CASE-7"),
        headers=ilo.headers,
    )
    assert clash.status_code == 409, clash.text
    assert await _count(session, ProcessingRecord) == 1


async def test_officer_batch_all_or_nothing_writes_every_item_with_its_events(
    client: httpx.AsyncClient, nl: dict[str, str], authority: JSON, session: AsyncSession
) -> None:
    response = await client.post(
        "/v1/officers:batch", json={"items": _officers(authority["id"], 3)}, headers=nl
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["mode"], body["committed"], body["created"]) == ("all_or_nothing", True, 3)
    assert [i["outcome"] for i in body["items"]] == ["created"] * 3
    assert [i["external_reference"] for i in body["items"]] == ["IND-0", "IND-1", "IND-2"]
    assert all(i["decision"]["allowed"] for i in body["items"])
    ids = [i["id"] for i in body["items"]]
    stored = (await session.scalars(select(Officer).where(Officer.id.in_(ids)))).all()
    assert sorted(o.external_reference or "" for o in stored) == ["IND-0", "IND-1", "IND-2"]
    events = await session.scalars(select(AuditEvent).where(AuditEvent.resource_id.in_(ids)))
    audited = events.all()
    assert {e.action for e in audited} == {"officer.created"}
    assert {e.decision_id for e in audited} == {i["decision"]["decision_id"] for i in body["items"]}
    assert all(e.details["authorised_action"] == "officer.create" for e in audited)
    assert await _count(session, OutboxEvent, OutboxEvent.resource_id.in_(ids)) == 3
    assert "Jansen0" not in str([e.details for e in audited])


async def test_deployment_batch_all_or_nothing_rolls_back_on_one_denial(
    client: httpx.AsyncClient, nl: dict[str, str], authority: JSON, session: AsyncSession
) -> None:
    officer = await factories.create_officer(client, nl, authority_id=authority["id"])
    items = [
        factories.deployment_body(officer["id"], external_reference="DEP-A"),
        factories.deployment_body(officer["id"], host_country="FR", external_reference="DEP-B"),
    ]
    before = await _count(session, Deployment)
    response = await client.post("/v1/deployments:batch", json={"items": items}, headers=nl)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["committed"], body["created"]) == (False, 0)
    first, second = body["items"]
    assert (first["outcome"], first["status"], first["id"]) == ("rolled_back", 424, None)
    assert first["decision"]["allowed"] is True
    assert (second["outcome"], second["status"]) == ("denied", 403)
    assert second["decision"]["allowed"] is False
    assert second["decision"]["violations"], second
    assert await _count(session, Deployment) == before
    assert await _count(session, AuditEvent, AuditEvent.action == "deployment.planned") == 0
    denied = (
        await session.scalars(select(AuditEvent).where(AuditEvent.action == "policy.denied"))
    ).all()
    assert [e.decision_id for e in denied] == [second["decision"]["decision_id"]]
    assert denied[0].details["attempted"] == "deployment.plan"


async def test_deployment_batch_per_item_keeps_the_allowed_items(
    client: httpx.AsyncClient, nl: dict[str, str], authority: JSON, session: AsyncSession
) -> None:
    officer = await factories.create_officer(client, nl, authority_id=authority["id"])
    items = [
        factories.deployment_body(officer["id"], external_reference="DEP-A"),
        factories.deployment_body(officer["id"], host_country="FR"),
        factories.deployment_body(officer["id"], external_reference="DEP-A"),  # taken by item 0
    ]
    response = await client.post(
        "/v1/deployments:batch?mode=per_item", json={"items": items}, headers=nl
    )
    body = response.json()
    assert (body["committed"], body["created"]) == (True, 1), body
    assert [(i["outcome"], i["status"]) for i in body["items"]] == [
        ("created", 201),
        ("denied", 403),
        ("failed", 409),
    ]
    assert body["items"][2]["problem"]["type"] == "/problems/conflict"
    stored = (await session.scalars(select(Deployment))).all()
    assert [d.external_reference for d in stored] == ["DEP-A"]
    assert str(stored[0].id) == body["items"][0]["id"]


async def test_batch_dry_run_decides_every_item_and_writes_nothing(
    client: httpx.AsyncClient, nl: dict[str, str], authority: JSON, session: AsyncSession
) -> None:
    officer = await factories.create_officer(
        client, nl, authority_id=authority["id"], external_reference="IND-1"
    )
    items = [
        factories.officer_body(authority["id"], external_reference="IND-2"),
        factories.officer_body(authority["id"], external_reference="IND-1"),
    ]
    before = await _count(session, Officer), await _count(session, AuditEvent)
    response = await client.post(
        "/v1/officers:batch?dry_run=true", json={"items": items}, headers=nl
    )
    body = response.json()
    assert (body["dry_run"], body["committed"]) == (True, False), body
    assert [(i["outcome"], i["status"]) for i in body["items"]] == [
        ("allowed", 201),
        ("failed", 409),
    ]
    assert all(i["decision"]["allowed"] for i in body["items"])
    assert (await _count(session, Officer), await _count(session, AuditEvent)) == before
    assert officer["external_reference"] == "IND-1"


async def test_batch_of_another_organisation_is_denied_item_by_item(
    client: httpx.AsyncClient, auth: Auth, authority: JSON, session: AsyncSession
) -> None:
    fr = auth("FR", ["deploying_authority"], sub="fr-dgef")
    response = await client.post(
        "/v1/officers:batch?mode=per_item",
        json={"items": _officers(authority["id"], 2)},
        headers=fr,
    )
    body = response.json()
    assert [i["outcome"] for i in body["items"]] == ["denied", "denied"], body
    assert all("ACL-ORG" in [v["rule"] for v in i["decision"]["violations"]] for i in body["items"])
    assert await _count(session, Officer) == 0
    assert await _count(session, AuditEvent, AuditEvent.action == "policy.denied") == 2


async def test_batch_is_limited_to_500_items(
    client: httpx.AsyncClient, nl: dict[str, str], authority: JSON
) -> None:
    small = factories.officer_body(authority["id"])
    small.pop("contact", None)
    response = await client.post("/v1/officers:batch", json={"items": [small] * 501}, headers=nl)
    assert response.status_code in (413, 422), response.text
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_batch_replays_with_its_idempotency_key(
    client: httpx.AsyncClient, nl: dict[str, str], authority: JSON, session: AsyncSession
) -> None:
    headers = {**nl, "Idempotency-Key": "onboarding-2026-12-02"}
    body = {"items": _officers(authority["id"], 2)}
    first = await client.post("/v1/officers:batch", json=body, headers=headers)
    second = await client.post("/v1/officers:batch", json=body, headers=headers)
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert second.json() == first.json()
    assert await _count(session, Officer) == 2


async def test_batch_idempotency_key_with_another_query_is_not_a_replay(
    client: httpx.AsyncClient, nl: dict[str, str], authority: JSON, session: AsyncSession
) -> None:
    headers = {**nl, "Idempotency-Key": "onboarding-dry-then-real"}
    body = {"items": _officers(authority["id"], 1)}
    dry = await client.post("/v1/officers:batch?dry_run=true", json=body, headers=headers)
    assert dry.json()["dry_run"] is True
    real = await client.post("/v1/officers:batch", json=body, headers=headers)
    assert real.status_code == 422, real.text  # the key names the dry run: reused, refused
    assert await _count(session, Officer) == 0
