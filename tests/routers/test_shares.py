"""POST/GET /v1/processing-records/{id}/shares: exchanges inside the Union (Art. 3(6)(d),
recital 26) limited to what is strictly necessary (ILO-10.4)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import AuditEvent, Share
from tests.factories import Auth, Ilo, create_record, deployed_ilo

JUSTIFICATION = "The receiving ILO handles the same return case at the airport of departure."


@pytest.fixture
async def ilo(client: httpx.AsyncClient, auth: Auth) -> Ilo:
    return await deployed_ilo(client, auth)


def share_body(**overrides: Any) -> dict[str, Any]:
    return {
        "recipient_kind": "member_state_authority",
        "recipient_org": "FR",
        "recipient_authority": "Direction centrale de la police aux frontières",
        "fields_disclosed": ["surname", "nationality"],
        "justification": JUSTIFICATION,
        **overrides,
    }


async def test_share_with_another_ilo_is_recorded(
    client: httpx.AsyncClient, auth: Auth, ilo: Ilo, session: AsyncSession
) -> None:
    colleague = await deployed_ilo(client, auth, org="BE")
    record = await create_record(client, ilo)
    url = f"/v1/processing-records/{record['id']}/shares"
    body = {
        "recipient_kind": "officer",
        "recipient_officer_id": colleague.officer_id,
        "fields_disclosed": ["surname", "travel_document"],
        "justification": JUSTIFICATION,
    }
    response = await client.post(url, json=body, headers=ilo.headers)
    assert response.status_code == 201, response.text
    share = response.json()
    row = await session.get(Share, uuid.UUID(share["id"]))
    assert row is not None
    assert (row.recipient_kind, str(row.recipient_officer_id)) == ("officer", colleague.officer_id)
    assert row.fields_disclosed == ["surname", "travel_document"]
    assert row.decision_id == share["decision_id"]
    event = (
        await session.scalars(select(AuditEvent).where(AuditEvent.action == "share.recorded"))
    ).one()
    assert (event.legal_basis, event.purpose) == ("ILO-10.4", "return")
    assert event.details["fields_disclosed"] == ["surname", "travel_document"]
    listed = await client.get(url, headers=auth("NL", ["auditor"]))
    assert [s["id"] for s in listed.json()["items"]] == [share["id"]]


async def test_share_with_a_member_state_authority(client: httpx.AsyncClient, ilo: Ilo) -> None:
    record = await create_record(client, ilo)
    response = await client.post(
        f"/v1/processing-records/{record['id']}/shares", json=share_body(), headers=ilo.headers
    )
    assert response.status_code == 201, response.text
    assert response.json()["recipient_org"] == "FR"


@pytest.mark.parametrize(
    ("overrides", "rule", "message"),
    [
        (
            {"recipient_org": "NO"},
            "ILO-10.4",
            "recipient_org 'NO' is not an EU Member State",
        ),
        (
            {"fields_disclosed": ["surname", "aliases"]},
            "ILO-10.4",
            "fields_disclosed aliases are not fields of the record",
        ),
        ({"justification": "needed"}, "ILO-10.4", "justification of strict necessity"),
    ],
    ids=["schengen-associated-is-not-inside-the-union", "field-not-in-record", "no-reason"],
)
async def test_ilo_10_4_share_refused(
    client: httpx.AsyncClient,
    ilo: Ilo,
    session: AsyncSession,
    overrides: dict[str, Any],
    rule: str,
    message: str,
) -> None:
    record = await create_record(client, ilo)
    response = await client.post(
        f"/v1/processing-records/{record['id']}/shares",
        json=share_body(**overrides),
        headers=ilo.headers,
    )
    assert response.status_code == 403, response.text
    assert [v["rule"] for v in response.json()["violations"]] == [rule]
    assert message in response.json()["violations"][0]["message"]
    assert (await session.scalars(select(Share))).all() == []


async def test_acl_role_dpo_sees_but_does_not_share(
    client: httpx.AsyncClient, auth: Auth, ilo: Ilo
) -> None:
    record = await create_record(client, ilo)
    response = await client.post(
        f"/v1/processing-records/{record['id']}/shares",
        json=share_body(),
        headers=auth("NL", ["dpo"]),
    )
    assert response.status_code == 403
    assert [v["rule"] for v in response.json()["violations"]] == ["ACL-ROLE"]


async def test_recipient_fields_must_match_the_kind(client: httpx.AsyncClient, ilo: Ilo) -> None:
    record = await create_record(client, ilo)
    response = await client.post(
        f"/v1/processing-records/{record['id']}/shares",
        json=share_body(recipient_kind="network"),
        headers=ilo.headers,
    )
    assert response.status_code == 422
    assert "recipient_kind network needs recipient_network" in response.text


async def test_dry_run_of_a_share_stores_nothing(
    client: httpx.AsyncClient, auth: Auth, ilo: Ilo, session: AsyncSession
) -> None:
    record = await create_record(client, ilo)
    request = {
        "action": "share.record",
        "target_id": record["id"],
        "body": share_body(recipient_org="NO"),
    }
    response = await client.post("/v1/policy/evaluate", json=request, headers=ilo.headers)
    assert response.status_code == 200, response.text
    decision = response.json()
    assert decision["allowed"] is False
    assert [v["rule"] for v in decision["violations"]] == ["ILO-10.4"]
    allowed = await client.post(
        "/v1/policy/evaluate", json={**request, "body": share_body()}, headers=ilo.headers
    )
    assert allowed.json()["allowed"] is True
    assert (await session.scalars(select(Share))).all() == []
    stranger = await client.post("/v1/policy/evaluate", json=request, headers=auth("FR", ["dpo"]))
    assert stranger.status_code == 404
