"""Loading existing cases (`POST /v1/processing-records:batch`, ILO-10.2, GDPR-5.2): a record that
began before today with the transfers it made and the answers to them, each decided as its single
route would; a refused past transfer is reported to the controller, never dropped and never
written as a transfer. Bodies, stored rows and audit events."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import AuditEvent, ProcessingRecord, Transfer, TransferFollowUp
from tests.factories import TODAY, Auth, Ilo, days, deployed_ilo, record_body, senegal_transfer

URL = "/v1/processing-records:batch"
ANSWER = {"outcome": "confirmed", "answered_on": days(-20), "return_operation_accepted": True}
# GDPR-45: Senegal has no adequacy decision, so this past transfer had no ground
UNLAWFUL = senegal_transfer(basis="adequacy", transfer_on=days(-25))


def _case(ilo: Ilo, reference: str, *transfers: dict[str, Any], **record: Any) -> dict[str, Any]:
    return {
        "record": record_body(
            ilo.officer_id, began_on=days(-40), external_reference=reference, **record
        ),
        "transfers": list(transfers),
    }


def _lawful(**answer: Any) -> dict[str, Any]:
    return {
        "transfer": senegal_transfer(transfer_on=days(-30)),
        "follow_up": {**ANSWER, **answer},
    }


async def _count(session: AsyncSession, model: Any) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _events(session: AsyncSession, action: str) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    return list((await session.scalars(query)).all())


async def test_ilo_10_2_gdpr_5_2_a_case_loads_and_its_refused_transfer_is_reported(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    ilo = await deployed_ilo(client, auth)
    case = _case(ilo, "CASE-1", _lawful(), {"transfer": UNLAWFUL, "follow_up": ANSWER})
    loaded = await client.post(URL, json={"items": [case]}, headers=ilo.headers)
    assert loaded.status_code == 200, loaded.text
    body = loaded.json()
    assert (body["committed"], body["created"], body["reported"]) == (True, 1, 1)
    (item,) = body["items"]
    assert (item["outcome"], item["status"], item["external_reference"]) == (
        "created",
        201,
        "CASE-1",
    )
    assert item["decision"]["allowed"] is True
    lawful, unlawful = item["transfers"]
    assert (lawful["outcome"], lawful["status"], lawful["decision"]["basis"]["ground"]) == (
        "created",
        201,
        "public_interest",
    )
    assert (lawful["follow_up"]["outcome"], lawful["follow_up"]["status"]) == ("created", 201)
    assert (unlawful["outcome"], unlawful["status"], unlawful["id"]) == ("reported", 403, None)
    assert "GDPR-45" in [v["rule"] for v in unlawful["decision"]["violations"]]
    assert unlawful["follow_up"]["outcome"] == "skipped"

    record = await session.get(ProcessingRecord, uuid.UUID(item["id"]))
    assert record is not None
    assert record.began_on == TODAY - timedelta(days=40)
    (stored,) = (await session.scalars(select(Transfer))).all()  # never the refused one
    assert (str(stored.id), stored.transfer_on) == (lawful["id"], TODAY - timedelta(days=30))
    (answer,) = (await session.scalars(select(TransferFollowUp))).all()
    assert (str(answer.id), answer.transfer_id) == (lawful["follow_up"]["id"], stored.id)

    (created,) = await _events(session, "processing_record.created")
    assert (created.details["began_on"], created.details["after_the_fact"]) == (days(-40), True)
    (recorded,) = await _events(session, "transfer.recorded")
    assert recorded.details["after_the_fact"] is True
    assert len(await _events(session, "transfer_follow_up.recorded")) == 1
    (finding,) = await _events(session, "transfer.violation_reported")
    assert (finding.outcome, finding.organisation, finding.resource_id) == (
        "denied",
        "NL",
        item["id"],
    )
    assert "GDPR-45" in finding.rules
    assert finding.decision_id == unlawful["decision"]["decision_id"]
    assert finding.details["transfer_on"] == days(-25)
    assert finding.details["after_the_fact"] is True
    assert finding.details["attempted"] == "transfer.record"
    assert "Police" not in str(finding.details)  # the recipient's name is not logged
    assert await _events(session, "policy.denied") == []  # a finding, not a refused request

    # the controller's DPO reads it on the log, and in the record's export (LED-25.2/25.3)
    dpo = auth("NL", ["dpo"])
    read = await client.get(
        "/v1/audit/events",
        params={"action": "transfer.violation_reported", "log_use": "verify_lawfulness"},
        headers=dpo,
    )
    assert [e["resource_id"] for e in read.json()["items"]] == [item["id"]]
    logs = await client.get(f"/v1/processing-records/{item['id']}/logs", headers=dpo)
    assert "transfer.violation_reported" in [e["action"] for e in logs.json()["events"]]


async def test_ilo_10_2_ra_2_a_refused_answer_fails_its_case_and_all_or_nothing_undoes_all(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    ilo = await deployed_ilo(client, auth)
    good = _case(ilo, "CASE-1", _lawful())
    # RA-2: an answer dated before its request
    bad = _case(ilo, "CASE-2", _lawful(answered_on=days(-35)))
    both = {"items": [good, bad]}
    undone = await client.post(URL, json=both, headers=ilo.headers)
    assert undone.status_code == 200, undone.text
    body = undone.json()
    assert (body["committed"], body["created"]) == (False, 0)
    first, second = body["items"]
    assert (first["outcome"], first["status"], first["id"]) == ("rolled_back", 424, None)
    assert first["transfers"][0]["outcome"] == "rolled_back"
    assert (second["outcome"], second["status"]) == ("denied", 403)
    assert second["transfers"][0]["outcome"] == "rolled_back"
    answer = second["transfers"][0]["follow_up"]
    assert answer["outcome"] == "denied"
    assert "RA-2" in [v["rule"] for v in answer["decision"]["violations"]]
    for model in (ProcessingRecord, Transfer, TransferFollowUp):
        assert await _count(session, model) == 0, model
    (denied,) = await _events(session, "policy.denied")
    assert (denied.rules, denied.details["attempted"]) == (["RA-2"], "transfer_follow_up.record")
    # the NR-1 reads of the transfer decisions stay on record though their work was undone
    assert len(await _events(session, "processing_record.read")) == 2

    kept = await client.post(f"{URL}?mode=per_item", json=both, headers=ilo.headers)
    first, second = kept.json()["items"]
    assert (first["outcome"], second["outcome"]) == ("created", "denied")
    records = (await session.scalars(select(ProcessingRecord))).all()
    assert [r.external_reference for r in records] == ["CASE-1"]
    assert await _count(session, Transfer) == 1


async def test_ilo_10_2_a_dry_run_says_what_would_load_and_writes_nothing(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    ilo = await deployed_ilo(client, auth)
    case = _case(ilo, "CASE-1", _lawful(), {"transfer": UNLAWFUL})
    dry = await client.post(f"{URL}?dry_run=true", json={"items": [case]}, headers=ilo.headers)
    assert dry.status_code == 200, dry.text
    body = dry.json()
    assert (body["dry_run"], body["committed"], body["created"], body["reported"]) == (
        True,
        False,
        0,
        0,
    )
    (item,) = body["items"]
    assert (item["outcome"], item["id"]) == ("allowed", None)
    assert [t["outcome"] for t in item["transfers"]] == ["allowed", "reported"]
    assert item["transfers"][0]["follow_up"]["outcome"] == "allowed"
    for model in (ProcessingRecord, Transfer, TransferFollowUp):
        assert await _count(session, model) == 0, model
    assert await _events(session, "transfer.violation_reported") == []
    assert await _events(session, "processing_record.created") == []


async def test_acl_org_acl_role_another_organisation_and_every_role_load_nothing(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    ilo = await deployed_ilo(client, auth)
    other = await deployed_ilo(client, auth, org="BE")
    case = _case(ilo, "CASE-1", _lawful())
    callers = {
        "BE ilo": other.headers,
        "BE integration": auth("BE", ["integration"], scopes=["processing:write"]),
        "NL dpo": auth("NL", ["dpo"]),
        "NL auditor": auth("NL", ["auditor"]),
        "NL deploying authority": auth("NL", ["deploying_authority"]),
        "NL integration without scope": auth("NL", ["integration"]),
    }
    for name, headers in callers.items():
        refused = await client.post(f"{URL}?mode=per_item", json={"items": [case]}, headers=headers)
        assert refused.status_code == 200, (name, refused.text)
        (item,) = refused.json()["items"]
        assert (item["outcome"], item["status"]) == ("denied", 403), name
        rules = {v["rule"] for v in item["decision"]["violations"]}
        assert rules & {"ACL-ORG", "ACL-ROLE"}, (name, rules)
        assert item["transfers"][0]["outcome"] == "skipped", name
    assert await _count(session, ProcessingRecord) == 0
    assert len(await _events(session, "policy.denied")) == len(callers)

    # an integration that may record but not transfer: its refusal is of the caller, not of
    # the past transfer, so the case fails rather than report a violation
    records_only = auth("NL", ["integration"], scopes=["processing:write"])
    refused = await client.post(URL, json={"items": [case]}, headers=records_only)
    (item,) = refused.json()["items"]
    assert (item["outcome"], item["status"]) == ("denied", 403)
    step = item["transfers"][0]
    assert (step["outcome"], step["follow_up"]["outcome"]) == ("denied", "skipped")
    assert "ACL-ROLE" in [v["rule"] for v in step["decision"]["violations"]]
    assert await _count(session, ProcessingRecord) == 0
    assert await _events(session, "transfer.violation_reported") == []


async def test_ilo_10_2_hostile_bodies_are_422(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    ilo = await deployed_ilo(client, auth)
    case = _case(ilo, "CASE-1", _lawful())
    hostile: list[Any] = [
        {"items": []},
        {"items": [{**case, "transfers": [_lawful()] * 51}]},
        {"items": [{**case, "extra": 1}]},
        {"items": [{**case, "transfers": [{**_lawful(), "follow_up": {"outcome": "maybe"}}]}]},
        {"items": [{**case, "transfers": [{"follow_up": ANSWER}]}]},
        {"items": [{"record": {**case["record"], "began_on": "2026-13-01"}}]},
        {"items": [{}] * 501},
        [case],
    ]
    for number, body in enumerate(hostile):
        bad = await client.post(URL, json=body, headers=ilo.headers)
        assert bad.status_code == 422, (number, bad.text[:300])
        assert bad.headers["content-type"].startswith("application/problem+json")
    assert await _count(session, ProcessingRecord) == 0
