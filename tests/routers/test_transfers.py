"""POST/GET /v1/processing-records/{id}/transfers: Chapter V decided against the reference data
in the database (GDPR-45/46/49, LED-36, NR-1, ILO-10.4, DOC-1), recorded with its basis
(GDPR-30.1e); a denial lists every ground tried and stores no transfer."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import AuditEvent, OutboxEvent, Transfer
from app.policies import policy_version
from tests.factories import (
    SUBJECT_DATA,
    TODAY,
    Auth,
    create_record,
    deployed_ilo,
    senegal_transfer,
)


@dataclass(frozen=True)
class Case:
    """A record (made by an ILO of `org`/`authority_kind`) and a transfer of it."""

    record: dict[str, Any]
    transfer: dict[str, Any]
    org: str = "NL"
    authority_kind: str = "immigration"
    tasks: tuple[str, ...] = ("return",)


UK_POLICE = Case(
    org="FR",
    authority_kind="police",
    tasks=("smuggling_trafficking",),
    record={
        "purpose": "smuggling_trafficking",
        "data_categories": ["e_smuggling_trafficking"],
        "data_subject_category": "suspected_smuggler",
        "subject_data": {**SUBJECT_DATA, "nationality": "AL", "role": "facilitator"},
        "protection_status": "none",
    },
    transfer=senegal_transfer(
        recipient={
            "name": "National Crime Agency",
            "type": "public_authority",
            "is_law_enforcement": True,
        },
        destination_country="GB",
        basis="adequacy",
        details={"adequacy_decision_id": "2021/1773"},
        justification="Suspected facilitator of small-boat crossings: identity check by the NCA",
    ),
)
ALLOWED: dict[str, tuple[Case, dict[str, str]]] = {
    "gdpr-49-1d-return-to-senegal": (
        Case(record={}, transfer=senegal_transfer()),
        {
            "ground": "public_interest",
            "rule": "GDPR-49.1d",
            "reference": "Regulation (EU) 2019/1240, recital 25",
        },
    ),
    "led-36-uk-police": (
        UK_POLICE,
        {
            "ground": "adequacy",
            "rule": "LED-36",
            # the validity segment in force on the transfer date: the December 2025 renewal
            "reference": "Commission Implementing Decision (EU) 2021/1773 as renewed by the "
            "Commission on 19 December 2025 (LED), until 27 December 2031",
        },
    ),
}
LEGAL_MIGRATION = {
    "purpose": "legal_migration",
    "data_categories": ["c_legal_migration_identity"],
    "data_subject_category": "legal_migrant",
    "protection_status": "none",
}
DENIED: dict[str, tuple[Case, str, str]] = {
    "gdpr-49-1d-legal-migration-without-law": (
        Case(record=LEGAL_MIGRATION, transfer=senegal_transfer(), tasks=("legal_migration",)),
        "GDPR-49.1d",
        "public_interest for purpose legal_migration needs legal_reference",
    ),
    "gdpr-45-japan-ministry-private-sector-decision": (
        Case(
            record={},
            transfer=senegal_transfer(
                recipient={"name": "Ministry of Justice", "type": "public_authority"},
                destination_country="JP",
                basis="adequacy",
                details={"adequacy_decision_id": "2019/419"},
            ),
        ),
        "GDPR-45",
        "decision 2019/419 does not cover public authorities such as Ministry of Justice",
    ),
    "nr-1-resettlement-candidate-to-country-of-nationality": (
        Case(
            record={
                "purpose": "resettlement",
                "data_categories": ["d_resettlement_identity"],
                "data_subject_category": "resettlement_candidate",
                "subject_data": {**SUBJECT_DATA, "nationality": "ER", "unhcr_reference": "U-7"},
                "protection_status": "resettlement_candidate",
            },
            transfer=senegal_transfer(
                recipient={"name": "Eritrean Immigration Department", "type": "public_authority"},
                destination_country="ER",
                basis="vital_interests",
                details={"incapacity_reason": "subject is in intensive care"},
            ),
            tasks=("resettlement",),
        ),
        "NR-1",
        "must not be disclosed to the authorities of ER, their country of nationality",
    ),
    "ilo-10-4-field-not-in-record": (
        Case(record={}, transfer=senegal_transfer(fields_disclosed=["surname", "unhcr_reference"])),
        "ILO-10.4",
        "fields_disclosed unhcr_reference are not fields of the record",
    ),
    "gdpr-49-3-consent-never-for-public-authorities": (
        Case(record={}, transfer=senegal_transfer(basis="explicit_consent")),
        "GDPR-49.3",
        "explicit_consent is no basis for public authorities exercising public powers",
    ),
}


async def _record(client: httpx.AsyncClient, auth: Auth, case: Case) -> tuple[dict[str, Any], Any]:
    ilo = await deployed_ilo(
        client, auth, org=case.org, authority_kind=case.authority_kind, tasks=case.tasks
    )
    return await create_record(client, ilo, **case.record), ilo


@pytest.mark.parametrize("name", list(ALLOWED))
async def test_allowed_transfer_is_recorded_with_its_basis(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession, name: str
) -> None:
    case, basis = ALLOWED[name]
    record, ilo = await _record(client, auth, case)
    url = f"/v1/processing-records/{record['id']}/transfers"
    response = await client.post(url, json=case.transfer, headers=ilo.headers)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["basis"] == basis
    assert body["policy_version"].startswith(policy_version() + "+ref.")
    row = await session.get(Transfer, uuid.UUID(body["id"]))
    assert row is not None
    assert (row.basis_ground, row.basis_rule, row.basis_reference) == tuple(basis.values())
    assert row.decision_id == body["decision_id"]
    assert row.fields_disclosed == sorted(case.transfer["fields_disclosed"])
    assert row.justification == case.transfer["justification"]
    recorded = (
        await session.scalars(select(AuditEvent).where(AuditEvent.action == "transfer.recorded"))
    ).one()
    assert recorded.legal_basis == basis["rule"]
    assert recorded.decision_id == body["decision_id"]
    assert recorded.policy_version == body["policy_version"]
    assert recorded.details["processing_record_id"] == record["id"]
    assert "Quorvathine" not in str(recorded.details)
    feed = (
        await session.scalars(select(OutboxEvent).where(OutboxEvent.type == "transfer.recorded"))
    ).one()
    assert feed.visibility == "organisation"
    listed = await client.get(url, headers=auth(case.org, ["dpo"]))
    assert [t["id"] for t in listed.json()["items"]] == [body["id"]]


async def test_nr_1_decision_reads_nationality_and_status_audited(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    record, ilo = await _record(client, auth, ALLOWED["gdpr-49-1d-return-to-senegal"][0])
    url = f"/v1/processing-records/{record['id']}/transfers"
    await client.post(url, json=senegal_transfer(), headers=ilo.headers)
    read = (
        await session.scalars(
            select(AuditEvent).where(AuditEvent.action == "processing_record.read")
        )
    ).one()
    assert read.details == {
        "fields": ["nationality", "protection_status"],
        "reason": "NR-1: transfer decision",
        "subject_organisation": "NL",
    }
    assert read.purpose == "return"


@pytest.mark.parametrize("name", list(DENIED))
async def test_denied_transfer_lists_the_grounds_and_stores_nothing(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession, name: str
) -> None:
    case, rule, message = DENIED[name]
    record, ilo = await _record(client, auth, case)
    url = f"/v1/processing-records/{record['id']}/transfers"
    response = await client.post(url, json=case.transfer, headers=ilo.headers)
    assert response.status_code == 403, response.text
    problem = response.json()
    assert problem["type"] == "/problems/policy-denied"
    assert any(v["rule"] == rule and message in v["message"] for v in problem["violations"]), (
        problem
    )
    assert (await session.scalars(select(Transfer))).all() == []
    denial = (
        await session.scalars(select(AuditEvent).where(AuditEvent.action == "policy.denied"))
    ).one()
    assert denial.resource_id == record["id"]
    assert denial.details["attempted"] == "transfer.record"
    assert rule in denial.rules
    assert denial.decision_id == problem["decision_id"]
    # the work is rolled back, but the purpose-bound read made for the decision stays on record
    read = (
        await session.scalars(
            select(AuditEvent).where(AuditEvent.action == "processing_record.read")
        )
    ).one()
    assert (read.resource_id, read.details["reason"]) == (record["id"], "NR-1: transfer decision")


async def test_denial_lists_every_ground_tried(client: httpx.AsyncClient, auth: Auth) -> None:
    case = DENIED["gdpr-49-1d-legal-migration-without-law"][0]
    record, ilo = await _record(client, auth, case)
    response = await client.post(
        f"/v1/processing-records/{record['id']}/transfers", json=case.transfer, headers=ilo.headers
    )
    rules = [v["rule"] for v in response.json()["violations"]]
    assert rules == ["GDPR-45", "GDPR-46.2a", "GDPR-46.3b", "GDPR-49.1d"]


async def test_another_organisation_gets_404_and_the_attempt_is_audited(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    record, _ = await _record(client, auth, ALLOWED["gdpr-49-1d-return-to-senegal"][0])
    url = f"/v1/processing-records/{record['id']}/transfers"
    stranger = auth("FR", ["integration"], scopes=["transfers:write"])
    response = await client.post(url, json=senegal_transfer(), headers=stranger)
    assert response.status_code == 404
    assert (await session.scalars(select(Transfer))).all() == []
    denial = (
        await session.scalars(select(AuditEvent).where(AuditEvent.action == "policy.denied"))
    ).one()
    assert (denial.organisation, denial.resource_type, denial.resource_id) == (
        "FR",
        "processing_record",
        record["id"],
    )
    reads = await session.scalars(
        select(AuditEvent).where(AuditEvent.action == "processing_record.read")
    )
    assert reads.all() == []


async def test_transfer_on_a_date_without_deployment_is_ilo_10_2(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    record, ilo = await _record(client, auth, ALLOWED["gdpr-49-1d-return-to-senegal"][0])
    response = await client.post(
        f"/v1/processing-records/{record['id']}/transfers",
        json=senegal_transfer(transfer_on=TODAY.replace(year=TODAY.year + 3).isoformat()),
        headers=ilo.headers,
    )
    assert response.status_code == 403
    # no deployment on that date, and past the record's retain_until (its lifetime): one
    # violation of the rule with both reasons
    (violation,) = response.json()["violations"]
    assert violation["rule"] == "ILO-10.2"
    assert len(violation["reasons"]) == 2
    assert violation["message"] == "; ".join(violation["reasons"])


async def test_one_destination_is_required(client: httpx.AsyncClient, auth: Auth) -> None:
    record, ilo = await _record(client, auth, ALLOWED["gdpr-49-1d-return-to-senegal"][0])
    response = await client.post(
        f"/v1/processing-records/{record['id']}/transfers",
        json=senegal_transfer(destination_organisation="IOM"),
        headers=ilo.headers,
    )
    assert response.status_code == 422
