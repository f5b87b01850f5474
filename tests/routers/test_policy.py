"""POST /v1/policy/evaluate: the Decision a real write would get, with nothing stored."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import AuditEvent, Deployment, ProcessingRecord, Transfer
from tests import factories
from tests.factories import (
    Auth,
    create_record,
    deployed_ilo,
    record_body,
    senegal_transfer,
)


async def _officer(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    authority = await factories.create_authority(
        client, headers, name="KMar", authority_kind="border_guard"
    )
    officer = await factories.create_officer(
        client, headers, authority_id=authority["id"], surname="Bakker", given_names="Tom"
    )
    officer_id: str = officer["id"]
    return officer_id


def _plan(officer_id: str, **overrides: Any) -> dict[str, Any]:
    return {
        "officer_id": officer_id,
        "posting_type": "third_country_authority",
        "host_country": "TR",
        "city": "Ankara",
        "topics": ["a_border_management"],
        "starts_on": "2026-03-01",
        "ends_on": "2027-03-01",
        **overrides,
    }


async def test_dry_run_matches_the_real_write_and_stores_nothing(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    nl = auth("NL", ["deploying_authority"])
    officer_id = await _officer(client, nl)
    audit_before = await session.scalar(select(func.count()).select_from(AuditEvent))

    denied = await client.post(
        "/v1/policy/evaluate",
        json={"action": "deployment.plan", "body": _plan(officer_id, host_country="GR")},
        headers=nl,
    )
    assert denied.status_code == 200
    decision = denied.json()
    assert decision["allowed"] is False
    assert [v["rule"] for v in decision["violations"]] == ["ILO-2.2"]
    assert any(t["rule"] == "ILO-2.2" and t["result"] == "fail" for t in decision["trace"])
    real = await client.post(
        "/v1/deployments", json=_plan(officer_id, host_country="GR"), headers=nl
    )
    assert real.status_code == 403
    assert real.json()["violations"] == decision["violations"]

    allowed = await client.post(
        "/v1/policy/evaluate",
        json={"action": "deployment.plan", "body": _plan(officer_id)},
        headers=nl,
    )
    assert allowed.json()["allowed"] is True
    assert allowed.json()["violations"] == []
    assert allowed.json()["policy_version"]
    assert await session.scalar(select(func.count()).select_from(Deployment)) == 0
    # only the real denied write was audited; the dry runs were not writes
    assert await session.scalar(select(func.count()).select_from(AuditEvent)) == (
        (audit_before or 0) + 1
    )


async def test_dry_run_of_an_update_needs_a_visible_target(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    nl = auth("NL", ["deploying_authority"])
    no_target = await client.post(
        "/v1/policy/evaluate",
        json={"action": "deployment.transition", "body": {"to": "deployed", "on": "2026-03-01"}},
        headers=nl,
    )
    assert no_target.status_code == 422
    assert no_target.json()["errors"][0]["pointer"] == "/target_id"
    missing = await client.post(
        "/v1/policy/evaluate",
        json={
            "action": "deployment.transition",
            "target_id": "00000000-0000-4000-8000-000000000009",
            "body": {"to": "deployed", "on": "2026-03-01"},
        },
        headers=nl,
    )
    assert missing.status_code == 404


async def test_dry_run_validates_the_embedded_body(client: httpx.AsyncClient, auth: Auth) -> None:
    response = await client.post(
        "/v1/policy/evaluate",
        json={"action": "deployment.plan", "body": {"host_country": "Turkey"}},
        headers=auth("NL", ["deploying_authority"]),
    )
    assert response.status_code == 422
    pointers = {e["pointer"] for e in response.json()["errors"]}
    assert {"/body/host_country", "/body/officer_id"} <= pointers


async def test_unknown_action_is_a_validation_error(client: httpx.AsyncClient, auth: Auth) -> None:
    response = await client.post(
        "/v1/policy/evaluate",
        json={"action": "deployment.teleport", "body": {}},
        headers=auth("NL", ["deploying_authority"]),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/action"


async def test_dry_run_of_a_transfer_gives_the_real_decision_and_stores_nothing(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    ilo = await deployed_ilo(client, auth)
    record = await create_record(client, ilo)
    allowed = await client.post(
        "/v1/policy/evaluate",
        json={"action": "transfer.record", "target_id": record["id"], "body": senegal_transfer()},
        headers=ilo.headers,
    )
    assert allowed.status_code == 200, allowed.text
    assert allowed.json()["allowed"] is True
    assert allowed.json()["basis"]["rule"] == "GDPR-49.1d"
    consent = senegal_transfer(basis="explicit_consent")
    denied = await client.post(
        "/v1/policy/evaluate",
        json={
            "action": "transfer.record",
            "target_id": record["id"],
            "body": consent,
        },
        headers=ilo.headers,
    )
    assert denied.json()["allowed"] is False
    assert "GDPR-49.3" in [v["rule"] for v in denied.json()["violations"]]
    real = await client.post(
        f"/v1/processing-records/{record['id']}/transfers",
        json=consent,
        headers=ilo.headers,
    )
    assert real.status_code == 403
    assert [v["rule"] for v in real.json()["violations"]] == [
        v["rule"] for v in denied.json()["violations"]
    ]
    assert (await session.scalars(select(Transfer))).all() == []
    reads = (
        await session.scalars(
            select(AuditEvent).where(AuditEvent.action == "processing_record.read")
        )
    ).all()
    assert len(reads) == 3  # two dry runs and the real attempt each read the NR-1 facts


async def test_dry_run_on_a_record_of_another_organisation_is_404(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    ilo = await deployed_ilo(client, auth)
    record = await create_record(client, ilo)
    response = await client.post(
        "/v1/policy/evaluate",
        json={"action": "transfer.record", "target_id": record["id"], "body": senegal_transfer()},
        headers=auth("FR", ["dpo"]),
    )
    assert response.status_code == 404


async def test_ilo_10_3_dry_run_of_a_record_names_the_category(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    ilo = await deployed_ilo(client, auth)
    body = record_body(ilo.officer_id, data_categories=["e_smuggling_trafficking"])
    response = await client.post(
        "/v1/policy/evaluate",
        json={"action": "processing_record.create", "body": body},
        headers=ilo.headers,
    )
    assert response.status_code == 200, response.text
    decision = response.json()
    assert decision["allowed"] is False
    assert "ILO-10.3" in [v["rule"] for v in decision["violations"]]
    assert (await session.scalars(select(ProcessingRecord))).all() == []


async def test_dry_run_of_a_webhook_subscription(
    client: httpx.AsyncClient, auth: Auth, public_receiver: None
) -> None:
    body = {"url": "https://cms.example.nl/ilonet/webhooks", "event_types": []}
    allowed = await client.post(
        "/v1/policy/evaluate",
        json={"action": "webhook.create", "body": body},
        headers=auth("NL", ["integration"], scopes=["webhooks:write"]),
    )
    assert allowed.status_code == 200, allowed.text
    assert allowed.json()["allowed"] is True
    denied = await client.post(
        "/v1/policy/evaluate",
        json={"action": "webhook.create", "body": body},
        headers=auth("NL", ["integration"], scopes=["events:read"]),
    )
    assert [v["rule"] for v in denied.json()["violations"]] == ["ACL-ROLE"]
    listed = await client.get(
        "/v1/webhooks", headers=auth("NL", ["integration"], scopes=["webhooks:write"])
    )
    assert listed.json()["items"] == []
