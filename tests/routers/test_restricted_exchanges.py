"""GDPR Art. 18(2) for exchanges (GDPR-18.2): a transfer or share of a restricted record names an
Art. 18(2) ground beside its basis; consent is no ground for a third-country transfer (recital
43); an important public interest cites its law; an LED record stays refused (LED Art. 16(3));
the recipient is told the data are restricted (Art. 19). Bodies, stored rows and audit events."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import AuditEvent, Share, Transfer
from tests.factories import (
    PLAINTEXT,
    SUBJECT_DATA,
    Auth,
    Ilo,
    create_record,
    deployed_ilo,
    senegal_transfer,
)

SHARE = {
    "recipient_kind": "member_state_authority",
    "recipient_org": "FR",
    "recipient_authority": "Direction centrale de la police aux frontières",
    "fields_disclosed": ["surname", "nationality"],
    "justification": "The receiving authority must confirm the identity for the return.",
}


async def _restricted(client: httpx.AsyncClient, ilo: Ilo, ground: str = "c") -> str:
    record = await create_record(client, ilo)
    path = f"/v1/processing-records/{record['id']}"
    held = await client.post(f"{path}/restriction", json={"ground": ground}, headers=ilo.headers)
    assert held.status_code == 200, held.text
    return path


async def _count(session: AsyncSession, model: Any) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _denials(session: AsyncSession) -> list[AuditEvent]:
    return list(
        (
            await session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == "policy.denied")
                .order_by(AuditEvent.id)
            )
        ).all()
    )


def _only(response: httpx.Response, rule: str) -> dict[str, Any]:
    assert response.status_code == 403, response.text
    violations = response.json()["violations"]
    assert [v["rule"] for v in violations] == [rule], violations
    found: dict[str, Any] = violations[0]
    return found


async def test_gdpr_18_2_a_transfer_of_a_restricted_record_needs_its_ground(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    ilo = await deployed_ilo(client, auth)
    path = await _restricted(client, ilo, ground="c")
    url = f"{path}/transfers"

    bare = await client.post(url, json=senegal_transfer(), headers=ilo.headers)
    missing = _only(bare, "GDPR-18.2")
    assert missing["article"] == "Regulation (EU) 2016/679, Art. 18(2)"
    assert "name restricted_use" in missing["message"]
    consent = _only(
        await client.post(
            url, json=senegal_transfer(restricted_use="consent"), headers=ilo.headers
        ),
        "GDPR-18.2",
    )
    assert "recital 43" in consent["message"]
    no_law = _only(
        await client.post(
            url,
            json=senegal_transfer(restricted_use="important_public_interest"),
            headers=ilo.headers,
        ),
        "GDPR-18.2",
    )
    assert "restricted_use_law" in no_law["message"]
    assert await _count(session, Transfer) == 0
    denials = await _denials(session)
    assert [d.rules for d in denials[-3:]] == [["GDPR-18.2"]] * 3
    assert not any(p in str(d.details) for d in denials for p in PLAINTEXT)

    # the dry run tells the client what the recipient is to be told (Art. 19)
    grounded = senegal_transfer(restricted_use="legal_claims")
    dry = await client.post(
        "/v1/policy/evaluate",
        json={"action": "transfer.record", "target_id": path.rsplit("/", 1)[1], "body": grounded},
        headers=ilo.headers,
    )
    assert dry.status_code == 200, dry.text
    assert dry.json()["allowed"] is True
    notice = [o for o in dry.json()["obligations"] if o["kind"] == "tell_recipient_restricted"]
    assert len(notice) == 1
    assert "Art. 18(1)(c)" in notice[0]["detail"]
    assert "Regulation (EU) 2016/679, Art. 19" in notice[0]["detail"]
    trace = {t["rule"]: t for t in dry.json()["trace"]}
    assert trace["GDPR-18.2"]["result"] == "pass"

    made = await client.post(url, json=grounded, headers=ilo.headers)
    assert made.status_code == 201, made.text
    body = made.json()
    assert (body["restriction_ground"], body["restricted_use"]) == ("c", "legal_claims")
    assert body["basis"]["rule"] == "GDPR-49.1d"  # the 18(2) ground is no transfer basis
    row = await session.get(Transfer, uuid.UUID(body["id"]))
    assert row is not None
    assert (row.restriction_ground, row.restricted_use) == ("c", "legal_claims")
    event = (
        await session.scalars(select(AuditEvent).where(AuditEvent.action == "transfer.recorded"))
    ).one()
    assert event.details["restricted_use"] == "legal_claims"
    assert "GDPR-18.2" in event.rules
    # LED Art. 25(1): the disclosure's log names its recipient (an authority, no person)
    assert event.details["recipient"] == "Direction de la Police de l'Air et des Frontières"


async def test_gdpr_18_2_public_interest_with_its_law_and_consent_for_a_share(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    ilo = await deployed_ilo(client, auth)
    path = await _restricted(client, ilo, ground="a")
    law = "Vreemdelingenwet 2000, art. 107"
    transfer = await client.post(
        f"{path}/transfers",
        json=senegal_transfer(restricted_use="important_public_interest", restricted_use_law=law),
        headers=ilo.headers,
    )
    assert transfer.status_code == 201, transfer.text
    assert transfer.json()["restricted_use_law"] == law

    bare = await client.post(f"{path}/shares", json=SHARE, headers=ilo.headers)
    missing = _only(bare, "GDPR-18.2")
    assert "Art. 18(2)" in missing["message"]
    share = await client.post(
        f"{path}/shares", json={**SHARE, "restricted_use": "consent"}, headers=ilo.headers
    )
    assert share.status_code == 201, share.text
    assert (share.json()["restriction_ground"], share.json()["restricted_use"]) == (
        "a",
        "consent",
    )
    row = await session.get(Share, uuid.UUID(share.json()["id"]))
    assert row is not None
    assert (row.restriction_ground, row.restricted_use, row.restricted_use_law) == (
        "a",
        "consent",
        None,
    )
    event = (
        await session.scalars(select(AuditEvent).where(AuditEvent.action == "share.recorded"))
    ).one()
    assert event.details["restricted_use"] == "consent"
    assert event.details["recipient"] == {
        "officer_id": None,
        "network": None,
        "organisation": "FR",
        "authority": "Direction centrale de la police aux frontières",
    }


async def test_gdpr_18_2_an_unrestricted_record_keeps_no_ground(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    ilo = await deployed_ilo(client, auth)
    record = await create_record(client, ilo)
    share = await client.post(
        f"/v1/processing-records/{record['id']}/shares",
        json={**SHARE, "restricted_use": "legal_claims"},
        headers=ilo.headers,
    )
    assert share.status_code == 201, share.text
    assert (share.json()["restriction_ground"], share.json()["restricted_use"]) == (None, None)
    row = await session.get(Share, uuid.UUID(share.json()["id"]))
    assert row is not None
    assert row.restricted_use is None


async def test_gdpr_18_2_led_records_stay_refused(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    """LED Art. 16(3) has no list like Art. 18(2): a restricted law-enforcement record is only
    stored, whatever ground is named."""
    police = await deployed_ilo(
        client, auth, org="FR", authority_kind="police", tasks=("smuggling_trafficking",)
    )
    record = await create_record(
        client,
        police,
        purpose="smuggling_trafficking",
        data_categories=["e_smuggling_trafficking"],
        data_subject_category="suspected_smuggler",
        subject_data={**SUBJECT_DATA, "nationality": "AL", "role": "facilitator"},
        protection_status="none",
    )
    assert record["regime"] == "led"
    path = f"/v1/processing-records/{record['id']}"
    held = await client.post(f"{path}/restriction", json={"ground": "c"}, headers=police.headers)
    assert held.status_code == 200, held.text
    share = await client.post(
        f"{path}/shares",
        json={**SHARE, "recipient_org": "BE", "restricted_use": "legal_claims"},
        headers=police.headers,
    )
    violation = _only(share, "GDPR-18.2")
    assert "Directive (EU) 2016/680, Art. 16(3)" in violation["message"]
    assert await _count(session, Share) == 0
    assert (await _denials(session))[-1].rules == ["GDPR-18.2"]


async def test_gdpr_18_2_adversaries_cannot_exchange_a_restricted_record(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    ilo = await deployed_ilo(client, auth)
    path = await _restricted(client, ilo)
    grounded = {**SHARE, "restricted_use": "legal_claims"}
    # another organisation's ILO does not see the record at all
    other = await deployed_ilo(client, auth, org="BE")
    foreign = await client.post(f"{path}/shares", json=grounded, headers=other.headers)
    assert foreign.status_code == 404, foreign.text
    # the controller's DPO, a Board member and an auditor hold no exchange role
    for roles in (["dpo"], ["sb_member"], ["auditor"]):
        denied = await client.post(f"{path}/shares", json=grounded, headers=auth("NL", roles))
        assert denied.status_code in (403, 404), (roles, denied.text)
        if denied.status_code == 403:
            assert "ACL-ROLE" in [v["rule"] for v in denied.json()["violations"]]
    # hostile bodies: a ground outside Art. 18(2), an overlong law, an unknown field
    for body in (
        {**grounded, "restricted_use": "national_security"},
        {**grounded, "restricted_use_law": "x" * 5000},
        {**grounded, "restricted_use_ground": "legal_claims"},
    ):
        hostile = await client.post(f"{path}/shares", json=body, headers=ilo.headers)
        assert hostile.status_code == 422, hostile.text
        assert hostile.headers["content-type"].startswith("application/problem+json")
    assert await _count(session, Share) == 0


async def test_nr_1_still_holds_for_a_restricted_record_on_an_art_18_2_ground(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    """The 18(2) ground lets the decision read the record for NR-1, so an asylum applicant's
    restricted data never go to the authorities of their country of nationality."""
    ilo = await deployed_ilo(client, auth)
    record = await create_record(client, ilo, protection_status="application_pending")
    path = f"/v1/processing-records/{record['id']}"
    held = await client.post(f"{path}/restriction", json={"ground": "c"}, headers=ilo.headers)
    assert held.status_code == 200, held.text
    refused = await client.post(
        f"{path}/transfers",
        json=senegal_transfer(restricted_use="legal_claims"),
        headers=ilo.headers,
    )
    violation = _only(refused, "NR-1")
    assert "SN" in violation["message"]
    assert await _count(session, Transfer) == 0
    (read,) = (
        await session.scalars(
            select(AuditEvent).where(AuditEvent.action == "processing_record.read")
        )
    ).all()
    assert read.details["reason"] == "NR-1: transfer decision; GDPR-18(2): legal_claims"
    assert read.details["fields"] == ["nationality", "protection_status"]
