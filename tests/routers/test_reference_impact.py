"""POST /v1/reference/impact: which recorded flows a proposed reference change would decide
differently (GDPR-45 re-run on stored facts, nothing changed, no subject data); and the
`reference.impact_detected` events of an applied change (GDPR-30.1)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import AdequacyDecisionEntry, AuditEvent, OutboxEvent, ReferenceImpact, Transfer
from app.rate_limit import RateLimiter
from app.services import reference_impact as impact_flows
from app.services import reference_impact_analysis as analysis
from app.services import reference_impact_detected as detected
from app.workers import run_bounded
from tests.factories import PLAINTEXT, TODAY, Auth, Ilo, create_record, deployed_ilo

ADEQUACY = "/v1/reference/adequacy-decisions"
HOME_OFFICE = {"name": "Home Office Immigration Enforcement", "type": "public_authority"}
BORDER_FORCE = {"name": "UK Border Force", "type": "public_authority"}
VISAS = {"name": "UK Visas and Immigration", "type": "public_authority"}
END_UK = {"kind": "adequacy_ended", "adequacy_decision_id": "2021/1772", "on": "2027-01-01"}


def uk_transfer(recipient: dict[str, Any], basis: str = "adequacy") -> dict[str, Any]:
    return {
        "recipient": recipient,
        "destination_country": "GB",
        "basis": basis,
        "details": {"adequacy_decision_id": "2021/1772"} if basis == "adequacy" else {},
        "fields_disclosed": ["surname", "given_names", "date_of_birth", "nationality"],
        "justification": "Identification and nationality confirmation for return under a "
        "return decision",
        "transfer_on": TODAY.isoformat(),
    }


async def _uk_flows(client: httpx.AsyncClient, ilo: Ilo, recipients: list[dict[str, Any]]) -> None:
    for recipient in recipients:
        record = await create_record(client, ilo)
        sent = await client.post(
            f"/v1/processing-records/{record['id']}/transfers",
            json=uk_transfer(recipient),
            headers=ilo.headers,
        )
        assert sent.status_code == 201, sent.text
        assert sent.json()["basis"]["rule"] == "GDPR-45"


async def test_gdpr_45_impact_of_ending_the_uk_adequacy_decision(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    nl = await deployed_ilo(client, auth)
    be = await deployed_ilo(client, auth, org="BE")
    await _uk_flows(client, nl, [HOME_OFFICE, HOME_OFFICE, BORDER_FORCE])
    await _uk_flows(client, be, [HOME_OFFICE])
    before = await session.get(AdequacyDecisionEntry, "2021/1772")
    assert before is not None
    version = before.version
    audit_before = len((await session.scalars(select(AuditEvent))).all())

    body = {"change": END_UK, "months": 6}
    dpo = await client.post(
        "/v1/reference/impact?include=transfer_ids", json=body, headers=auth("NL", ["dpo"])
    )
    assert dpo.status_code == 200, dpo.text
    answer = dpo.json()
    assert (answer["transfers_evaluated"], answer["affected_flows"]) == (3, 3)
    assert answer["organisations"] == [
        {"organisation": "NL", "affected_flows": 3, "still_covered": 3}
    ]
    groups = {g["recipient"]: g for g in answer["groups"]}
    home = groups["Home Office Immigration Enforcement"]
    assert (home["transfers"], home["destination"], home["purpose"]) == (2, "GB", "return")
    assert home["ground"]["rule"] == "GDPR-45"
    assert home["now_denied_by"] == "GDPR-45"
    assert "decision 2021/1772 expired on 2026-12-31" in home["reason"]
    assert home["still_holds"] is None
    assert (home["alternative"]["rule"], home["alternative"]["ground"]) == (
        "GDPR-49.1d",
        "public_interest",
    )
    stored = await session.scalars(
        select(Transfer.id).where(
            Transfer.recipient_name == HOME_OFFICE["name"], Transfer.organisation == "NL"
        )
    )
    assert home["transfer_ids"] == sorted(str(i) for i in stored)
    assert groups["UK Border Force"]["transfers"] == 1
    assert (answer["groups_total"], answer["next_cursor"]) == (2, None)
    # without include=transfer_ids: the same groups, no ids
    plain = await client.post("/v1/reference/impact", json=body, headers=auth("NL", ["dpo"]))
    assert [g["transfer_ids"] for g in plain.json()["groups"]] == [None, None]
    assert not any(p in dpo.text for p in PLAINTEXT)

    com = await client.post(
        "/v1/reference/impact?include=transfer_ids",
        json=body,
        headers=auth("COM", ["reference_admin"]),
    )
    assert com.status_code == 200, com.text
    assert com.json()["organisations"] == [
        {"organisation": "BE", "affected_flows": 1, "still_covered": 1},
        {"organisation": "NL", "affected_flows": 3, "still_covered": 3},
    ]
    assert com.json()["groups"] == []  # counts only: the flows are each DPO's
    assert (com.json()["groups_total"], com.json()["affected_flows"]) == (0, 4)

    # nothing changed: the decision, and no audit event or row was written
    await session.refresh(before)
    assert (before.version, str(before.valid_until)) == (version, "2031-12-27")
    assert len((await session.scalars(select(AuditEvent))).all()) == audit_before
    refused = await client.post("/v1/reference/impact", json=body, headers=nl.headers)
    assert refused.status_code == 403
    assert [v["rule"] for v in refused.json()["violations"]] == ["ACL-ROLE"]
    incomplete = {"change": {"kind": "adequacy_ended", "on": "2027-01-01"}}
    bad = await client.post("/v1/reference/impact", json=incomplete, headers=auth("NL", ["dpo"]))
    assert bad.status_code == 422


async def test_gdpr_45_impact_of_adding_an_instrument_changes_the_ground_not_the_outcome(
    app: FastAPI, client: httpx.AsyncClient, auth: Auth
) -> None:
    app.state.rate_limiter = RateLimiter(600, 3000, clock=lambda: 1000.0)  # no refill
    nl = await deployed_ilo(client, auth)
    record = await create_record(client, nl)
    to_uk = uk_transfer(HOME_OFFICE, basis="public_interest")
    sent = await client.post(
        f"/v1/processing-records/{record['id']}/transfers", json=to_uk, headers=nl.headers
    )
    assert sent.status_code == 201, sent.text
    assert sent.json()["basis"]["rule"] == "GDPR-45"  # adequacy comes first
    end = {"change": END_UK}
    ended = await client.post("/v1/reference/impact", json=end, headers=auth("NL", ["dpo"]))
    (group,) = ended.json()["groups"]
    # the named derogation still holds: decided differently, not stopped
    assert (group["now_denied_by"], group["still_holds"]["rule"]) == ("GDPR-45", "GDPR-49.1d")
    # charged one unit for the request and one per started 1,000 transfers judged
    assert ended.headers["RateLimit-Policy"] == '"default";q=600;w=60'
    assert ended.headers["RateLimit"] == '"default";r=598;t=1'


async def test_gdpr_30_1_an_applied_change_tells_each_affected_organisation(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    pooled: list[str] = []

    async def in_the_pool(fn: Any, *args: Any) -> Any:
        pooled.append(fn.__name__)
        return await run_bounded(fn, *args)

    monkeypatch.setattr(impact_flows, "run_bounded", in_the_pool)
    nl = await deployed_ilo(client, auth)
    await _uk_flows(client, nl, [HOME_OFFICE, BORDER_FORCE])
    com = auth("COM", ["reference_admin"])
    decision = (await client.get(f"{ADEQUACY}/2021/1772", headers=com)).json()
    fields = {
        k: v for k, v in decision.items() if k not in {"id", "version", "updated_by", "updated_at"}
    }
    ended = {**fields, "valid_until": (TODAY - timedelta(days=1)).isoformat()}
    put = await client.put(f"{ADEQUACY}/2021/1772", json=ended, headers={**com, "If-Match": '"v1"'})
    assert put.status_code == 200, put.text
    assert pooled == ["judge_batch"]  # the flows were judged in a worker, not on the loop

    (impact,) = (await session.scalars(select(ReferenceImpact))).all()
    assert (impact.organisation, impact.affected_flows, impact.reference_version) == ("NL", 2, 2)
    assert sorted(f["recipient"] for f in impact.flows) == [
        "Home Office Immigration Enforcement",
        "UK Border Force",
    ]
    feed = (
        await session.scalars(
            select(OutboxEvent).where(OutboxEvent.type == "reference.impact_detected")
        )
    ).one()
    assert (feed.organisation, feed.visibility) == ("NL", "organisation")
    event = (
        await session.scalars(
            select(AuditEvent).where(AuditEvent.action == "reference.impact_detected")
        )
    ).one()
    assert event.details["affected_flows"] == 2
    assert "GDPR-30.1" in event.rules
    assert event.organisation == "NL"  # in the DPO's own trail

    dpo = auth("NL", ["dpo"])
    listed = await client.get("/v1/reference/impacts", headers=dpo)
    assert listed.status_code == 200, listed.text
    (item,) = listed.json()["items"]
    assert item["affected_flows"] == 2
    assert {f["now_denied_by"] for f in item["flows"]} == {"GDPR-45"}
    counts = (await client.get("/v1/reference/impacts", headers=com)).json()["items"]
    assert [(i["organisation"], i["flows"]) for i in counts] == [("NL", None)]
    # an impact whose flows pass a page's part comes again, same id, with the flows that follow
    monkeypatch.setattr(detected, "IMPACT_FLOWS_MAX", 1)
    parts, cursor = [], None
    while True:
        params = {"limit": 1, **({"cursor": cursor} if cursor else {})}
        page = await client.get("/v1/reference/impacts", params=params, headers=dpo)
        assert page.status_code == 200, page.text
        parts.extend(page.json()["items"])
        cursor = page.json()["next_cursor"]
        if cursor is None:
            break
    assert [p["id"] for p in parts] == [item["id"], item["id"]]
    assert [f for p in parts for f in p["flows"]] == item["flows"]
    assert len((await client.get("/v1/reference/impacts", headers=com)).json()["items"]) == 1
    assert (await client.get("/v1/reference/impacts", headers=auth("FR", ["dpo"]))).json()[
        "items"
    ] == []


async def test_the_analysis_comes_in_pages_each_bounded_with_the_totals(
    app: FastAPI,
    client: httpx.AsyncClient,
    auth: Auth,
    session: AsyncSession,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    nl = await deployed_ilo(client, auth)
    await _uk_flows(client, nl, [HOME_OFFICE, BORDER_FORCE, HOME_OFFICE, VISAS, VISAS, VISAS])
    dpo = auth("NL", ["dpo"])
    body = {"change": END_UK}
    whole = (await client.post("/v1/reference/impact", json=body, headers=dpo)).json()
    assert [g["transfers"] for g in whole["groups"]] == [2, 1, 3]

    pages, cursor = [], ""
    while cursor is not None:
        url = "/v1/reference/impact?limit=1" + (f"&cursor={cursor}" if cursor else "")
        page = await client.post(url, json=body, headers=dpo)
        assert page.status_code == 200, page.text
        pages.append(page.json())
        cursor = page.json()["next_cursor"]
    assert [g for p in pages for g in p["groups"]] == whole["groups"]
    for page in pages:  # the totals on every page
        assert (page["transfers_evaluated"], page["affected_flows"], page["groups_total"]) == (
            6,
            6,
            3,
        )

    # A page over its byte budget: one id a page, the group going on under the same key; the
    # same under the cap on a group's ids a page shows (two a page).
    stored = (await session.scalars(select(Transfer.id))).all()
    settings = app.state.settings
    for max_bytes, cap, most, pages_seen in (
        (1024, analysis.TRANSFER_IDS_MAX, 1, 6),
        (None, 2, 2, 4),
    ):
        update = {"page_max_bytes": max_bytes} if max_bytes else {}
        app.state.settings = settings.model_copy(update=update)
        monkeypatch.setattr(analysis, "TRANSFER_IDS_MAX", cap)
        ids: dict[str, list[str]] = {}
        cursor, seen = "", 0
        while cursor is not None:
            url = "/v1/reference/impact?include=transfer_ids&limit=1"
            page = (
                await client.post(
                    url + (f"&cursor={cursor}" if cursor else ""), json=body, headers=dpo
                )
            ).json()
            (group,) = page["groups"]
            assert 1 <= len(group["transfer_ids"]) <= most
            ids.setdefault(group["key"], []).extend(group["transfer_ids"])
            cursor, seen = page["next_cursor"], seen + 1
        assert seen == pages_seen
        assert sorted(i for found in ids.values() for i in found) == sorted(str(i) for i in stored)
        assert [len(found) for found in ids.values()] == [2, 1, 3]
        assert all(found == sorted(found) for found in ids.values())
    app.state.settings = settings


async def test_a_cursor_of_another_analysis_or_caller_or_tampered_is_refused(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    nl = await deployed_ilo(client, auth)
    await _uk_flows(client, nl, [HOME_OFFICE, BORDER_FORCE])
    dpo = auth("NL", ["dpo"])
    first = await client.post("/v1/reference/impact?limit=1", json={"change": END_UK}, headers=dpo)
    cursor = first.json()["next_cursor"]
    assert cursor is not None
    url = f"/v1/reference/impact?limit=1&cursor={cursor}"
    other_body = {"change": END_UK, "months": 3}
    body, signature = cursor.split(".")
    tampered = f"{body[:-2]}{'A' if body[-2] != 'A' else 'B'}{body[-1]}.{signature}"
    for response in (
        await client.post(url, json=other_body, headers=dpo),
        await client.post(url, json={"change": END_UK}, headers=auth("NL", ["dpo"], sub="x")),
        await client.post(
            f"/v1/reference/impact?cursor={tampered}", json={"change": END_UK}, headers=dpo
        ),
        await client.post(
            "/v1/reference/impact?cursor=not-a.cursor", json={"change": END_UK}, headers=dpo
        ),
    ):
        assert response.status_code == 422, response.text
        assert response.json()["errors"] == [
            {"pointer": "/cursor", "in": "query", "detail": "invalid or foreign cursor"}
        ]
    assert (await client.post(url, json={"change": END_UK}, headers=dpo)).status_code == 200
    wrong = await client.post(
        "/v1/reference/impact?include=everything", json={"change": END_UK}, headers=dpo
    )
    assert wrong.status_code == 422


async def test_a_wrongly_typed_or_misplaced_change_field_is_refused(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    dpo = auth("NL", ["dpo"])
    instrument = {
        "id": "gb-2027",
        "kind": "binding_instrument",
        "title": "A readmission agreement",
        "parties": ["EU", "GB"],
        "destination_country": "GB",
        "recipient_authorities": ["*"],
        "purposes": ["return"],
        "regimes": ["gdpr"],
        "valid_from": "2027-01-01",
        "reference": "OJ L 1",
        "source_url": "https://example.eu/oj",
    }
    added = {"kind": "instrument_added", "on": "2027-01-01", "instrument": instrument}
    ok = await client.post("/v1/reference/impact", json={"change": added}, headers=dpo)
    assert ok.status_code == 200, ok.text
    assert ok.json()["change"]["instrument"]["id"] == "gb-2027"
    wrong: list[tuple[dict[str, Any], str]] = [
        ({"change": {**END_UK, "instrument": instrument}}, "/change/adequacy_ended/instrument"),
        ({"change": {**added, "instrument": "gb-2027"}}, "/change/instrument_added/instrument"),
        (
            {"change": {**added, "instrument": {**instrument, "valid_from": 1798761600}}},
            "/change/instrument_added/instrument/valid_from",
        ),
        (
            {"change": {**added, "instrument": {**instrument, "example": 1}}},
            "/change/instrument_added/instrument/example",
        ),
        ({"change": {**END_UK, "on": 20270101}}, "/change/adequacy_ended/on"),
        ({"change": END_UK, "months": "12"}, "/months"),
        (
            {"change": {"kind": "instrument_added", "on": "2027-01-01"}},
            "/change/instrument_added/instrument",
        ),
    ]
    for body, pointer in wrong:
        refused = await client.post("/v1/reference/impact", json=body, headers=dpo)
        assert refused.status_code == 422, (body, refused.text)
        assert pointer in [e["pointer"] for e in refused.json()["errors"]], refused.text


async def test_a_proposed_exclusion_is_echoed_as_its_schema_says(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    exclusion = {
        "id": "x-1",
        "article": "Art. 1(2)",
        "purposes": ["return"],
        "valid_from": "2027-01-01",
        "source_url": "https://example.eu/oj",
    }
    change = {
        "kind": "adequacy_narrowed",
        "adequacy_decision_id": "2021/1772",
        "on": "2027-01-01",
        "exclusion": exclusion,
    }
    answer = await client.post(
        "/v1/reference/impact", json={"change": change}, headers=auth("NL", ["dpo"])
    )
    assert answer.status_code == 200, answer.text
    echoed = answer.json()["change"]["exclusion"]
    assert echoed["note"] is None  # not "", which the schema (1-2000 characters) refuses
    assert {k: echoed[k] for k in exclusion} == exclusion


async def test_past_the_analyses_running_at_once_a_503_with_retry_after(
    app: FastAPI, client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    nl = await deployed_ilo(client, auth)
    await _uk_flows(client, nl, [HOME_OFFICE])
    gate = app.state.impact_gate
    assert gate.limit == 1  # ILONET_IMPACT_CONCURRENCY's default
    body = {"change": END_UK}
    dpo = auth("NL", ["dpo"])
    async with gate.hold():  # an analysis is running
        busy = await client.post("/v1/reference/impact", json=body, headers=dpo)
        assert busy.status_code == 503, busy.text
        assert busy.headers["Retry-After"] == "2"
        assert busy.headers["content-type"] == "application/problem+json"
        problem = busy.json()
        assert (problem["type"], problem["status"]) == ("/problems/service-unavailable", 503)
        assert "1 impact analyses already running" in problem["detail"]
        assert gate.inside == 1
    assert gate.inside == 0
    done = await client.post("/v1/reference/impact", json=body, headers=dpo)
    assert done.status_code == 200, done.text
    assert (done.json()["transfers_evaluated"], done.json()["affected_flows"]) == (1, 1)
    assert gate.inside == 0  # released after the answer
    # nothing is stored by either: the reference entry is as it was
    entry = await session.get(AdequacyDecisionEntry, "2021/1772")
    assert entry is not None
    assert str(entry.valid_until) == "2031-12-27"
