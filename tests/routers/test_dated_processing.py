"""Dated processing (Art. 10(2), ILO-10.2): a record carries the day its processing began, so a
case system loads an existing case with the transfers it made before today (GDPR Art. 30(1)(e));
the deployment, the retention and every transfer and share are dated from it. Bodies, stored rows
and audit events."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import AuditEvent, ProcessingRecord, Share, Transfer
from tests.factories import (
    TODAY,
    Auth,
    create_record,
    days,
    deployed_ilo,
    record_body,
    senegal_transfer,
)

SHARE = {
    "recipient_kind": "member_state_authority",
    "recipient_org": "FR",
    "recipient_authority": "Direction centrale de la police aux frontières",
    "fields_disclosed": ["surname", "nationality"],
    "justification": "The receiving authority must confirm the identity for the return.",
}


def _ilo_10_2_reasons(response: httpx.Response) -> list[str]:
    assert response.status_code == 403, response.text
    (violation,) = [v for v in response.json()["violations"] if v["rule"] == "ILO-10.2"]
    reasons: list[str] = violation["reasons"]
    return reasons


async def test_ilo_10_2_a_case_that_began_earlier_is_loaded_with_its_past_transfer(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    ilo = await deployed_ilo(client, auth)  # deployed 60 days ago
    record = await create_record(client, ilo, began_on=days(-30), retain_until=days(150))
    assert record["began_on"] == days(-30)
    # recorded when it was loaded, by the database's clock (the run's day, or the next one for
    # a run past midnight), not on the day the processing began
    assert record["created_at"][:10] >= TODAY.isoformat()
    row = await session.get(ProcessingRecord, uuid.UUID(record["id"]))
    assert row is not None
    assert row.began_on == TODAY - timedelta(days=30)
    created = (
        await session.scalars(
            select(AuditEvent).where(AuditEvent.action == "processing_record.created")
        )
    ).one()
    assert created.details["began_on"] == days(-30)
    assert created.details["after_the_fact"] is True  # loaded after the fact, at occurred_at
    assert created.occurred_at.date() >= TODAY

    path = f"/v1/processing-records/{record['id']}"
    past = await client.post(
        f"{path}/transfers", json=senegal_transfer(transfer_on=days(-20)), headers=ilo.headers
    )
    assert past.status_code == 201, past.text
    assert past.json()["transfer_on"] == days(-20)
    before = await client.post(
        f"{path}/transfers", json=senegal_transfer(transfer_on=days(-31)), headers=ilo.headers
    )
    assert _ilo_10_2_reasons(before) == [
        f"transfer_on {days(-31)} is before the record's processing began ({days(-30)})"
    ]
    transfers = (await session.scalars(select(Transfer))).all()
    assert [t.transfer_on for t in transfers] == [TODAY - timedelta(days=20)]
    recorded = (
        await session.scalars(select(AuditEvent).where(AuditEvent.action == "transfer.recorded"))
    ).one()
    assert (recorded.details["transfer_on"], recorded.details["after_the_fact"]) == (
        days(-20),
        True,
    )


async def test_ilo_10_2_began_on_is_never_future_nor_before_the_deployment(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    ilo = await deployed_ilo(client, auth)
    url = "/v1/processing-records"
    future = await client.post(
        url, json=record_body(ilo.officer_id, began_on=days(1)), headers=ilo.headers
    )
    assert f"began_on {days(1)} is in the future (today is {TODAY})" in _ilo_10_2_reasons(future)
    undeployed = await client.post(
        url, json=record_body(ilo.officer_id, began_on=days(-90)), headers=ilo.headers
    )
    assert (
        f"officer {ilo.officer_id} has no active deployment on {days(-90)}: no Art. 3(6) task "
        "to serve"
    ) in _ilo_10_2_reasons(undeployed)
    ended = await client.post(
        url,
        json=record_body(ilo.officer_id, began_on=days(-50), retain_until=days(-1)),
        headers=ilo.headers,
    )
    assert any("erased, not loaded" in r for r in _ilo_10_2_reasons(ended))
    # the cap is counted from began_on: 730 days for return in the test settings
    capped = await client.post(
        url,
        json=record_body(ilo.officer_id, began_on=days(-50), retain_until=days(700)),
        headers=ilo.headers,
    )
    assert any(f"counted from {days(-50)}" in r for r in _ilo_10_2_reasons(capped))
    assert await session.scalar(select(func.count()).select_from(ProcessingRecord)) == 0
    denials = (
        await session.scalars(select(AuditEvent).where(AuditEvent.action == "policy.denied"))
    ).all()
    assert [d.rules for d in denials][-4:] == [["ILO-10.2"]] * 4
    # hostile bodies: no date, a timestamp, a year 0
    for value in ("", "2026-13-01", "0000-01-01", 20261201):
        bad = await client.post(
            url, json=record_body(ilo.officer_id, began_on=value), headers=ilo.headers
        )
        assert bad.status_code == 422, (value, bad.text)


async def test_ilo_10_2_another_organisation_cannot_load_a_case_for_the_officer(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    ilo = await deployed_ilo(client, auth)
    other = await deployed_ilo(client, auth, org="BE")
    body = record_body(ilo.officer_id, began_on=days(-30))
    for headers in (other.headers, auth("BE", ["integration"], scopes=["processing:write"])):
        denied = await client.post("/v1/processing-records", json=body, headers=headers)
        assert denied.status_code == 403, denied.text
        assert {v["rule"] for v in denied.json()["violations"]} & {"ACL-ORG", "ACL-ROLE"}
    for roles in (["dpo"], ["deploying_authority"], ["auditor"]):
        denied = await client.post("/v1/processing-records", json=body, headers=auth("NL", roles))
        assert denied.status_code == 403, (roles, denied.text)
        assert "ACL-ROLE" in [v["rule"] for v in denied.json()["violations"]]
    assert await session.scalar(select(func.count()).select_from(ProcessingRecord)) == 0


async def test_ilo_10_2_a_share_is_dated_within_the_records_life(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    """As a transfer is: a share dated after retain_until is refused, and so is one dated before
    the processing began."""
    ilo = await deployed_ilo(client, auth)
    record = await create_record(client, ilo, began_on=days(-10), retain_until=days(30))
    url = f"/v1/processing-records/{record['id']}/shares"
    late = await client.post(url, json={**SHARE, "shared_on": days(31)}, headers=ilo.headers)
    assert _ilo_10_2_reasons(late) == [
        f"shared_on {days(31)} is after the record's retain_until ({days(30)})"
    ]
    dry = await client.post(
        "/v1/policy/evaluate",
        json={
            "action": "share.record",
            "target_id": record["id"],
            "body": {**SHARE, "shared_on": days(31)},
        },
        headers=ilo.headers,
    )
    assert dry.json()["allowed"] is False  # the dry run agrees
    early = await client.post(url, json={**SHARE, "shared_on": days(-11)}, headers=ilo.headers)
    assert _ilo_10_2_reasons(early) == [
        f"shared_on {days(-11)} is before the record's processing began ({days(-10)})"
    ]
    assert await session.scalar(select(func.count()).select_from(Share)) == 0
    within = await client.post(url, json={**SHARE, "shared_on": days(-5)}, headers=ilo.headers)
    assert within.status_code == 201, within.text
    row = await session.get(Share, uuid.UUID(within.json()["id"]))
    assert row is not None
    assert row.shared_on == date.fromisoformat(days(-5))
