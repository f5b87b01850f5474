"""/v1/processing-records/{id}/transfers/{transfer_id}/follow-up: the answer to an
identification request (Visa Code Art. 25a) recorded and corrected by the organisation that sent
it (RA-1, RA-2, ACL-ROLE, ACL-ORG), with its audit and feed events and no subject data."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from app.models import AuditEvent, OutboxEvent, TransferFollowUp
from tests.factories import (
    SUBJECT_DATA,
    Auth,
    Ilo,
    create_record,
    days,
    deployed_ilo,
    made_earlier,
    senegal_transfer,
)

CONFIRMED = {
    "outcome": "confirmed",
    "answered_on": days(-20),
    "travel_document_issued_on": days(-10),
    "return_operation_accepted": True,
}


async def _transfer(
    connection: AsyncConnection,
    client: httpx.AsyncClient,
    ilo: Ilo,
    *,
    record: dict[str, Any] | None = None,
    **overrides: Any,
) -> tuple[str, str]:
    made = await create_record(client, ilo, **(record or {}))
    await made_earlier(connection, made["id"], 60)
    body = senegal_transfer(transfer_on=days(-40), **overrides)
    response = await client.post(
        f"/v1/processing-records/{made['id']}/transfers", json=body, headers=ilo.headers
    )
    assert response.status_code == 201, response.text
    return made["id"], response.json()["id"]


def _url(record_id: str, transfer_id: str) -> str:
    return f"/v1/processing-records/{record_id}/transfers/{transfer_id}/follow-up"


async def _count(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(TransferFollowUp)) or 0)


async def test_ra_1_ra_2_follow_up_recorded_with_audit_and_no_subject_data(
    connection: AsyncConnection, client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    ilo = await deployed_ilo(client, auth)
    record_id, transfer_id = await _transfer(connection, client, ilo)
    response = await client.post(_url(record_id, transfer_id), json=CONFIRMED, headers=ilo.headers)
    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["ETag"] == '"v1"'
    assert response.headers["Location"] == _url(record_id, transfer_id)
    assert body["transfer_id"] == transfer_id
    assert body["destination_country"] == "SN"
    assert body["requested_on"] == days(-40)
    assert (body["outcome"], body["answered_on"], body["response_days"]) == (
        "confirmed",
        days(-20),
        20,
    )
    assert body["travel_document_issued_on"] == days(-10)
    assert body["return_operation_accepted"] is True
    assert body["version"] == 1
    row = await session.get(TransferFollowUp, uuid.UUID(body["id"]))
    assert row is not None
    assert (row.outcome, row.organisation, str(row.processing_record_id)) == (
        "confirmed",
        "NL",
        record_id,
    )
    assert row.decision_id == body["decision_id"]
    event = (
        await session.scalars(
            select(AuditEvent).where(AuditEvent.action == "transfer_follow_up.recorded")
        )
    ).one()
    assert event.decision_id == body["decision_id"]
    assert {"ACL-ROLE", "ACL-ORG", "RA-1", "RA-2"} <= set(event.rules)
    assert event.details["transfer_id"] == transfer_id
    assert event.details["outcome"] == "confirmed"
    assert event.details["authorised_action"] == "transfer_follow_up.record"
    assert SUBJECT_DATA["surname"] not in str(event.details)
    feed = (
        await session.scalars(
            select(OutboxEvent).where(OutboxEvent.type == "transfer_follow_up.recorded")
        )
    ).one()
    assert feed.visibility == "organisation"
    read = await client.get(_url(record_id, transfer_id), headers=auth("NL", ["dpo"]))
    assert read.status_code == 200
    assert read.json()["id"] == body["id"]
    again = await client.post(_url(record_id, transfer_id), json=CONFIRMED, headers=ilo.headers)
    assert again.status_code == 409
    assert await _count(session) == 1


async def test_ra_2_answer_before_the_request_is_denied_and_stores_nothing(
    connection: AsyncConnection, client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    ilo = await deployed_ilo(client, auth)
    record_id, transfer_id = await _transfer(connection, client, ilo)
    early = {"outcome": "not_confirmed", "answered_on": days(-41)}
    response = await client.post(_url(record_id, transfer_id), json=early, headers=ilo.headers)
    assert response.status_code == 403, response.text
    problem = response.json()
    assert problem["type"] == "/problems/policy-denied"
    assert [v["rule"] for v in problem["violations"]] == ["RA-2"]
    assert "before the request was sent" in problem["violations"][0]["message"]
    assert await _count(session) == 0
    denied = (
        await session.scalars(select(AuditEvent).where(AuditEvent.action == "policy.denied"))
    ).one()
    assert (
        denied.details["violations"][0]["rule"] == "RA-2"
        if "violations" in denied.details
        else True
    )
    assert denied.outcome == "denied"


async def test_ra_1_no_follow_up_of_a_transfer_that_is_no_identification_request(
    connection: AsyncConnection, client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    ilo = await deployed_ilo(client, auth)
    record_id, transfer_id = await _transfer(
        connection, client, ilo, recipient={"name": "IOM Dakar", "type": "other"}
    )
    response = await client.post(_url(record_id, transfer_id), json=CONFIRMED, headers=ilo.headers)
    assert response.status_code == 403, response.text
    assert [v["rule"] for v in response.json()["violations"]] == ["RA-1"]
    assert await _count(session) == 0


async def test_acl_role_follow_up_by_another_role_is_denied(
    connection: AsyncConnection, client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    ilo = await deployed_ilo(client, auth)
    record_id, transfer_id = await _transfer(connection, client, ilo)
    dpo = auth("NL", ["dpo"])
    response = await client.post(_url(record_id, transfer_id), json=CONFIRMED, headers=dpo)
    assert response.status_code == 403
    assert [v["rule"] for v in response.json()["violations"]] == ["ACL-ROLE"]
    other = auth("FR", ["integration"], sub="fr-cms", scopes=["transfers:write"])
    hidden = await client.post(_url(record_id, transfer_id), json=CONFIRMED, headers=other)
    assert hidden.status_code == 404  # another organisation does not see the record at all
    assert await _count(session) == 0


async def test_follow_up_corrected_with_if_match(
    connection: AsyncConnection, client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    ilo = await deployed_ilo(client, auth)
    record_id, transfer_id = await _transfer(connection, client, ilo)
    url = _url(record_id, transfer_id)
    created = await client.post(url, json={"outcome": "no_answer"}, headers=ilo.headers)
    assert created.status_code == 201, created.text
    missing = await client.put(url, json=CONFIRMED, headers=ilo.headers)
    assert missing.status_code == 428
    stale = await client.put(url, json=CONFIRMED, headers={**ilo.headers, "If-Match": '"v7"'})
    assert stale.status_code == 412
    fixed = await client.put(url, json=CONFIRMED, headers={**ilo.headers, "If-Match": '"v1"'})
    assert fixed.status_code == 200, fixed.text
    assert fixed.headers["ETag"] == '"v2"'
    assert (fixed.json()["outcome"], fixed.json()["version"]) == ("confirmed", 2)
    row = await session.get(TransferFollowUp, uuid.UUID(created.json()["id"]))
    assert row is not None
    await session.refresh(row)
    assert (row.outcome, row.version, str(row.travel_document_issued_on)) == (
        "confirmed",
        2,
        days(-10),
    )
    updated = (
        await session.scalars(
            select(AuditEvent).where(AuditEvent.action == "transfer_follow_up.updated")
        )
    ).one()
    assert updated.details["outcome"] == "confirmed"
    assert updated.details["travel_document_issued"] is True
    elsewhere = await client.get(
        f"/v1/processing-records/{uuid.uuid4()}/transfers/{transfer_id}/follow-up",
        headers=ilo.headers,
    )
    assert elsewhere.status_code == 404
