"""LED Art. 25(2) and (3): a read of the logs names what it is for and is logged (LED-25.2); the
controller's DPO exports a record's logs for the supervisory authority, as JSON or CSV, and the
export is logged (LED-25.3). Bodies, stored rows and audit events."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import AuditEvent
from tests.factories import PLAINTEXT, Auth
from tests.routers.test_read_logs import REASON, _led_record

EVENTS = "/v1/audit/events"


async def _stored(session: AsyncSession, action: str) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    return list((await session.scalars(query)).all())


async def test_led_25_2_a_read_of_the_logs_names_its_use_and_is_logged(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    _police, path = await _led_record(client, auth)
    record_id = path.rsplit("/", 1)[1]
    dpo = auth("FR", ["dpo"], sub="fr-dpo")
    named = {"resource_type": "processing_record", "resource_id": record_id}

    bare = await client.get(EVENTS, params=named, headers=dpo)
    assert bare.status_code == 403, bare.text
    assert [v["rule"] for v in bare.json()["violations"]] == ["LED-25.2"]
    assert "verify_lawfulness" in bare.json()["violations"][0]["message"]
    (denied,) = await _stored(session, "policy.denied")
    assert (denied.rules, denied.details["attempted"]) == (["LED-25.2"], "audit.read")
    for use in ("curiosity", "", "SELF_MONITORING"):
        bad = await client.get(EVENTS, params={**named, "log_use": use}, headers=dpo)
        assert bad.status_code == 422, (use, bad.text)
    assert await _stored(session, "audit.consulted") == []

    read = await client.get(EVENTS, params={**named, "log_use": "verify_lawfulness"}, headers=dpo)
    assert read.status_code == 200, read.text
    assert [e["action"] for e in read.json()["items"]] == ["processing_record.created"]
    (consulted,) = await _stored(session, "audit.consulted")
    assert (consulted.actor["sub"], consulted.organisation, consulted.resource_id) == (
        "fr-dpo",
        "FR",
        "FR",
    )
    assert consulted.details["log_use"] == "verify_lawfulness"
    assert consulted.details["filters"] == ["resource_type", "resource_id"]
    assert consulted.details["resource_id"] == record_id
    assert "LED-25.2" in consulted.rules
    # an auditor reads for self-monitoring; a client's filter text is not logged
    hostile = {"log_use": "self_monitoring", "action": "Jansen", "resource_id": "Jansen Eva"}
    auditor = await client.get(EVENTS, params=hostile, headers=auth("FR", ["auditor"]))
    assert auditor.status_code == 200, auditor.text
    last = (await _stored(session, "audit.consulted"))[-1]
    assert last.details == {
        "subject_organisation": "FR",
        "log_use": "self_monitoring",
        "filters": ["action", "resource_id"],
    }
    # the roles that do not read the trail are refused before their use is asked
    for roles in (["ilo"], ["integration"], ["deploying_authority"]):
        refused = await client.get(EVENTS, headers=auth("FR", roles))
        assert [v["rule"] for v in refused.json()["violations"]] == ["ACL-ROLE"], roles


async def test_led_25_3_the_dpo_exports_a_records_logs_for_the_supervisory_authority(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    police, path = await _led_record(client, auth)
    record_id = path.rsplit("/", 1)[1]
    consulted = await client.get(path, params={"reason": REASON}, headers=police.headers)
    assert consulted.json()["subject_data"] is not None
    # a hostile subject on a read of the log: a formula is never a formula in the CSV
    formula = auth("FR", ["dpo"], sub="=HYPERLINK(1)")
    read = await client.get(
        EVENTS,
        params={"log_use": "integrity_security", "resource_id": record_id},
        headers=formula,
    )
    assert read.status_code == 200, read.text
    dpo = auth("FR", ["dpo"], sub="fr-dpo")

    exported = await client.get(f"{path}/logs", headers=dpo)
    assert exported.status_code == 200, exported.text
    assert exported.headers["cache-control"] == "no-store"
    body = exported.json()
    assert (body["record_id"], body["organisation"], body["regime"]) == (record_id, "FR", "led")
    assert [e["action"] for e in body["events"]] == [
        "processing_record.created",
        "processing_record.read",
        "audit.consulted",
    ]
    assert body["events"][1]["details"]["justification"] == REASON  # LED-25(1): the reason
    assert (body["events"][1]["actor"]["org"], body["events"][1]["actor"]["roles"]) == (
        "FR",
        ["ilo"],
    )
    assert not any(p in exported.text for p in PLAINTEXT)
    (logged,) = await _stored(session, "record_log.exported")
    assert (logged.resource_id, logged.actor["sub"], logged.decision_id) == (
        record_id,
        "fr-dpo",
        body["decision_id"],
    )
    assert "LED-25.3" in logged.rules
    assert logged.details["events"] == 3
    assert logged.details["recipient"] == "supervisory_authority"

    as_csv = await client.get(f"{path}/logs", params={"format": "csv"}, headers=dpo)
    assert as_csv.status_code == 200, as_csv.text
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    # the first export is now on the record's log too
    assert [r["action"] for r in rows] == [
        "processing_record.created",
        "processing_record.read",
        "audit.consulted",
        "record_log.exported",
    ]
    assert rows[2]["actor_sub"] == "'=HYPERLINK(1)"
    assert json.loads(rows[1]["details"])["justification"] == REASON

    # JSON a page at a time: every event once, in order (each page's export logged at the end)
    walked: list[dict[str, Any]] = []
    params: dict[str, Any] = {"limit": 2}
    while True:
        page = await client.get(f"{path}/logs", params=params, headers=dpo)
        assert page.status_code == 200, page.text
        assert len(page.json()["events"]) <= 2
        walked.extend(page.json()["events"])
        if page.json()["next_cursor"] is None:
            assert "link" not in page.headers
            break
        assert page.headers["link"].endswith('>; rel="next"')
        params["cursor"] = page.json()["next_cursor"]
    ids = [e["id"] for e in walked]
    assert ids == sorted(set(ids))
    assert [e["action"] for e in walked[:5]] == [r["action"] for r in rows] + [
        "record_log.exported"
    ]
    bad = await client.get(f"{path}/logs", params={"format": "xlsx"}, headers=dpo)
    assert bad.status_code == 422, bad.text


async def test_led_25_3_only_the_controllers_dpo_exports_the_logs(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    police, path = await _led_record(client, auth)
    for roles in (["auditor"], ["deploying_authority"], ["integration"], ["sb_member"]):
        refused = await client.get(f"{path}/logs", headers=auth("FR", roles))
        assert refused.status_code == 403, (roles, refused.text)
        assert [v["rule"] for v in refused.json()["violations"]] == ["ACL-ROLE"], roles
    own_ilo = await client.get(f"{path}/logs", headers=police.headers)
    assert [v["rule"] for v in own_ilo.json()["violations"]] == ["ACL-ROLE"]
    other_dpo = await client.get(f"{path}/logs", headers=auth("NL", ["dpo"]))
    assert other_dpo.status_code == 404, other_dpo.text
    assert await _stored(session, "record_log.exported") == []
