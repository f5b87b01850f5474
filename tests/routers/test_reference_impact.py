"""POST /v1/reference/impact: which recorded flows a proposed reference change would decide
differently (GDPR-45 re-run on stored facts, nothing changed, no subject data); and the
`reference.impact_detected` events of an applied change (GDPR-30.1)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import AdequacyDecisionEntry, AuditEvent, OutboxEvent, ReferenceImpact
from tests.factories import PLAINTEXT, TODAY, Auth, Ilo, create_record, deployed_ilo

ADEQUACY = "/v1/reference/adequacy-decisions"
HOME_OFFICE = {"name": "Home Office Immigration Enforcement", "type": "public_authority"}
BORDER_FORCE = {"name": "UK Border Force", "type": "public_authority"}
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
    dpo = await client.post("/v1/reference/impact", json=body, headers=auth("NL", ["dpo"]))
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
    assert len(home["transfer_ids"]) == 2
    assert groups["UK Border Force"]["transfers"] == 1
    assert not any(p in dpo.text for p in PLAINTEXT)

    com = await client.post(
        "/v1/reference/impact", json=body, headers=auth("COM", ["reference_admin"])
    )
    assert com.status_code == 200, com.text
    assert com.json()["organisations"] == [
        {"organisation": "BE", "affected_flows": 1, "still_covered": 1},
        {"organisation": "NL", "affected_flows": 3, "still_covered": 3},
    ]
    assert com.json()["groups"] == []  # counts only: the flows are each DPO's

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
    client: httpx.AsyncClient, auth: Auth
) -> None:
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


async def test_gdpr_30_1_an_applied_change_tells_each_affected_organisation(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
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

    listed = await client.get("/v1/reference/impacts", headers=auth("NL", ["dpo"]))
    assert listed.status_code == 200, listed.text
    (item,) = listed.json()["items"]
    assert item["affected_flows"] == 2
    assert {f["now_denied_by"] for f in item["flows"]} == {"GDPR-45"}
    counts = (await client.get("/v1/reference/impacts", headers=com)).json()["items"]
    assert [(i["organisation"], i["flows"]) for i in counts] == [("NL", None)]
    assert (await client.get("/v1/reference/impacts", headers=auth("FR", ["dpo"]))).json()[
        "items"
    ] == []
