"""Data-subject rights on a processing record: rectification (GDPR-16), restriction (GDPR-18),
the communication to recipients (GDPR-19), and transfers dated within the record's lifetime
(ILO-10.2). Bodies, stored rows and audit events."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.models import AuditEvent, OutboxEvent, ProcessingRecord, RecipientNotification
from app.services.retention_sweep import sweep_once
from tests.factories import (
    PLAINTEXT,
    TODAY,
    Auth,
    Ilo,
    create_record,
    days,
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


def _path(record: dict[str, Any]) -> str:
    return f"/v1/processing-records/{record['id']}"


async def _events(session: AsyncSession, action: str) -> list[AuditEvent]:
    return list(
        (
            await session.scalars(
                select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            )
        ).all()
    )


async def _exchanged(client: httpx.AsyncClient, ilo: Ilo) -> dict[str, Any]:
    """A record with one transfer (Senegal) and one share (France)."""
    record = await create_record(client, ilo)
    sent = await client.post(
        f"{_path(record)}/transfers", json=senegal_transfer(), headers=ilo.headers
    )
    assert sent.status_code == 201, sent.text
    shared = await client.post(f"{_path(record)}/shares", json=SHARE, headers=ilo.headers)
    assert shared.status_code == 201, shared.text
    return record


async def test_gdpr_16_rectification_reseals_the_named_fields_and_audits_their_names(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    ilo = await deployed_ilo(client, auth)
    record = await _exchanged(client, ilo)
    path = _path(record)
    before = await session.get(ProcessingRecord, uuid.UUID(record["id"]))
    assert before is not None
    old_ciphertext, old_key = before.ciphertext, before.wrapped_key
    body = {"subject_data": {"surname": "Quorvathyne", "place_of_birth": "Thiès"}}

    missing = await client.patch(path, json=body, headers=ilo.headers)
    assert missing.status_code == 428, missing.text
    stale = await client.patch(path, json=body, headers={**ilo.headers, "If-Match": '"v9"'})
    assert stale.status_code == 412, stale.text
    outside = await client.patch(
        path,
        json={"subject_data": {"unhcr_reference": "X-1"}},
        headers={**ilo.headers, "If-Match": '"v1"'},
    )
    assert outside.status_code == 403, outside.text
    assert [v["rule"] for v in outside.json()["violations"]] == ["ILO-10.3f"]

    done = await client.patch(path, json=body, headers={**ilo.headers, "If-Match": '"v1"'})
    assert done.status_code == 200, done.text
    assert done.headers["ETag"] == '"v2"'
    assert (done.json()["version"], done.json()["subject_data"]) == (2, None)
    await session.refresh(before)
    assert before.ciphertext != old_ciphertext
    assert before.wrapped_key != old_key
    read = (await client.get(path, headers=ilo.headers)).json()
    assert read["subject_data"]["surname"] == "Quorvathyne"
    assert read["subject_data"]["place_of_birth"] == "Thiès"
    assert read["subject_data"]["given_names"] == "Zelmiraxo"  # the others stay
    (event,) = await _events(session, "processing_record.rectified")
    assert event.details["fields_rectified"] == ["place_of_birth", "surname"]
    assert event.details["recipients_to_notify"] == 2
    assert event.legal_basis == "Regulation (EU) 2016/679, Art. 16"
    assert "GDPR-16" in event.rules
    assert not any(p in str(event.details) for p in (*PLAINTEXT, "Quorvathyne", "Thiès"))
    # GDPR-19: the transfer's and the share's recipients are to be told
    tasks = (await client.get(f"{path}/notifications", headers=ilo.headers)).json()["items"]
    assert sorted((t["cause"], t["exchange_kind"], t["done_at"]) for t in tasks) == [
        ("rectification", "share", None),
        ("rectification", "transfer", None),
    ]


async def test_gdpr_18_a_restricted_record_is_only_stored(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    """A read needs an Art. 18(2) ground recorded with it; so does a transfer or a share."""
    ilo = await deployed_ilo(client, auth)
    record = await create_record(client, ilo)
    path = _path(record)
    bad = await client.post(f"{path}/restriction", json={"ground": "e"}, headers=ilo.headers)
    assert bad.status_code == 422, bad.text
    held = await client.post(f"{path}/restriction", json={"ground": "a"}, headers=ilo.headers)
    assert held.status_code == 200, held.text
    assert (held.json()["restriction_ground"], held.json()["version"]) == ("a", 2)
    again = await client.post(f"{path}/restriction", json={"ground": "a"}, headers=ilo.headers)
    assert again.status_code == 409, again.text
    (event,) = await _events(session, "processing_record.restricted")
    assert (event.details["ground"], event.legal_basis) == (
        "a",
        "Regulation (EU) 2016/679, Art. 18(1)(a)",
    )

    reads_before = len(await _events(session, "processing_record.read"))
    plain = await client.get(path, headers=ilo.headers)
    assert plain.status_code == 200, plain.text
    assert plain.json()["subject_data"] is None
    assert len(await _events(session, "processing_record.read")) == reads_before
    grounded = await client.get(f"{path}?restriction_ground=legal_claims", headers=ilo.headers)
    assert grounded.json()["subject_data"]["surname"] == PLAINTEXT[0]
    assert grounded.headers["Cache-Control"] == "no-store"
    read = (await _events(session, "processing_record.read"))[-1]
    assert read.details["reason"] == "GDPR-18(2): legal_claims"

    # an exchange needs its own Art. 18(2) ground (GDPR-18.2, tests/routers/
    # test_restricted_exchanges.py)
    transfer = await client.post(f"{path}/transfers", json=senegal_transfer(), headers=ilo.headers)
    assert transfer.status_code == 403, transfer.text
    assert "GDPR-18.2" in [v["rule"] for v in transfer.json()["violations"]]
    share = await client.post(f"{path}/shares", json=SHARE, headers=ilo.headers)
    assert share.status_code == 403, share.text
    assert [v["rule"] for v in share.json()["violations"]] == ["GDPR-18.2"]


async def test_gdpr_18_lifting_needs_the_data_subject_informed_first(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    ilo = await deployed_ilo(client, auth)
    record = await create_record(client, ilo)
    path = _path(record)
    dpo = auth("NL", ["dpo"])
    held = await client.post(f"{path}/restriction", json={"ground": "d"}, headers=dpo)
    assert held.status_code == 200, held.text
    lifting = f"{path}/restriction/lifting"
    refused = await client.post(lifting, json={}, headers={**dpo, "If-Match": '"v2"'})
    assert refused.status_code == 403, refused.text
    (violation,) = refused.json()["violations"]
    assert violation["rule"] == "GDPR-18"
    assert "informed before the restriction is lifted" in violation["message"]
    stored = await session.get(ProcessingRecord, uuid.UUID(record["id"]))
    assert stored is not None
    assert stored.restriction_ground == "d"
    future = {"subject_informed_on": days(3)}
    assert (
        await client.post(lifting, json=future, headers={**dpo, "If-Match": '"v2"'})
    ).status_code == 403
    informed = {"subject_informed_on": TODAY.isoformat()}
    lifted = await client.post(lifting, json=informed, headers={**dpo, "If-Match": '"v2"'})
    assert lifted.status_code == 200, lifted.text
    assert (lifted.json()["restriction_ground"], lifted.json()["version"]) == (None, 3)
    (event,) = await _events(session, "processing_record.restriction_lifted")
    assert event.details["subject_informed_on"] == TODAY.isoformat()
    assert event.legal_basis == "Regulation (EU) 2016/679, Art. 18(3)"
    not_restricted = await client.post(lifting, json=informed, headers={**dpo, "If-Match": '"v3"'})
    assert not_restricted.status_code == 409


async def test_gdpr_18_the_sweep_keeps_records_restricted_under_b_or_c(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession, settings: Settings
) -> None:
    ilo = await deployed_ilo(client, auth)
    kept = {g: await create_record(client, ilo, retain_until=days(5)) for g in ("b", "c")}
    accuracy = await create_record(client, ilo, retain_until=days(5))
    for ground, record in (*kept.items(), ("a", accuracy)):
        held = await client.post(
            f"{_path(record)}/restriction", json={"ground": ground}, headers=ilo.headers
        )
        assert held.status_code == 200, held.text
    result = await sweep_once(session=session, settings=settings, on=TODAY + timedelta(days=6))
    assert result.records_erased == 1  # only the one restricted under (a)
    for record in kept.values():
        row = await session.get(ProcessingRecord, uuid.UUID(record["id"]))
        assert row is not None
        assert row.erased_at is None
        assert row.ciphertext is not None
    erased = await session.get(ProcessingRecord, uuid.UUID(accuracy["id"]))
    assert erased is not None
    assert erased.erasure_reason == "retention_expired"
    # nor does the controller erase it early while (b) holds: the subject opposed erasure
    early = await client.post(f"{_path(kept['b'])}/erasure", headers=ilo.headers)
    assert early.status_code == 403, early.text
    assert "GDPR-18" in [v["rule"] for v in early.json()["violations"]]


async def test_gdpr_19_each_change_lists_its_recipients_until_marked_done(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    ilo = await deployed_ilo(client, auth)
    record = await _exchanged(client, ilo)
    path = _path(record)
    erased = await client.post(f"{path}/erasure", headers=ilo.headers)
    assert erased.status_code == 200, erased.text
    tasks = (await client.get(f"{path}/notifications", headers=ilo.headers)).json()["items"]
    assert sorted((t["cause"], t["exchange_kind"]) for t in tasks) == [
        ("erasure", "share"),
        ("erasure", "transfer"),
    ]
    transfer = next(t for t in tasks if t["exchange_kind"] == "transfer")
    assert transfer["recipient"] == "Direction de la Police de l'Air et des Frontières"
    assert transfer["destination"] == "SN"
    share = next(t for t in tasks if t["exchange_kind"] == "share")
    assert share["recipient"] == "Direction centrale de la police aux frontières (FR)"
    done_path = f"{path}/notifications/{transfer['id']}/completion"
    auditor = await client.post(done_path, headers=auth("NL", ["auditor"]))
    assert auditor.status_code == 403
    assert "ACL-ROLE" in [v["rule"] for v in auditor.json()["violations"]]
    done = await client.post(done_path, headers=auth("NL", ["dpo"], sub="nl-dpo"))
    assert done.status_code == 200, done.text
    assert done.json()["done_by"] == "nl-dpo"
    assert done.json()["done_at"] is not None
    twice = await client.post(done_path, headers=auth("NL", ["dpo"]))
    assert twice.status_code == 409
    still_open = await client.get(f"{path}/notifications?open_only=true", headers=ilo.headers)
    assert [t["id"] for t in still_open.json()["items"]] == [share["id"]]
    elsewhere = await client.get(f"{path}/notifications", headers=auth("FR", ["dpo"]))
    assert elsewhere.status_code == 404
    row = await session.get(RecipientNotification, uuid.UUID(transfer["id"]))
    assert row is not None
    assert (row.done_by, row.version) == ("nl-dpo", 2)
    (event,) = await _events(session, "recipient_notification.completed")
    assert event.details["exchange_id"] == transfer["exchange_id"]
    assert "GDPR-19" in event.rules
    feed = (
        await session.scalars(
            select(OutboxEvent).where(OutboxEvent.type == "recipient_notification.completed")
        )
    ).one()
    assert (feed.organisation, feed.visibility) == ("NL", "organisation")


async def test_ilo_10_2_a_transfer_is_dated_within_the_record_lifetime(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    ilo = await deployed_ilo(client, auth)
    record = await create_record(client, ilo, retain_until=days(30))
    path = f"{_path(record)}/transfers"
    early = await client.post(
        path, json=senegal_transfer(transfer_on=days(-1)), headers=ilo.headers
    )
    assert early.status_code == 403, early.text
    messages = [v["message"] for v in early.json()["violations"] if v["rule"] == "ILO-10.2"]
    assert messages == [f"transfer_on {days(-1)} is before the record's processing began ({TODAY})"]
    late = await client.post(path, json=senegal_transfer(transfer_on=days(31)), headers=ilo.headers)
    assert late.status_code == 403, late.text
    messages = [v["message"] for v in late.json()["violations"] if v["rule"] == "ILO-10.2"]
    assert messages == [f"transfer_on {days(31)} is after the record's retain_until ({days(30)})"]
    within = await client.post(path, json=senegal_transfer(), headers=ilo.headers)
    assert within.status_code == 201, within.text
