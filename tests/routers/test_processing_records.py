"""/v1/processing-records: Art. 10 records through the guarded write path (ILO-10.2, ILO-10.3,
ILO-10.3f, ACL-ROLE, ACL-ORG), sealed subject data, audited reads, 404 for the invisible."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import AuditEvent, IdempotencyKey, OutboxEvent, ProcessingRecord
from tests.factories import (
    PLAINTEXT,
    SUBJECT_DATA,
    Auth,
    Ilo,
    create_officer_with_authority,
    create_record,
    days,
    deployed_ilo,
    record_body,
)

RECORDS = "/v1/processing-records"


@pytest.fixture
async def ilo(client: httpx.AsyncClient, auth: Auth) -> Ilo:
    return await deployed_ilo(client, auth)


async def _events(session: AsyncSession, action: str) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    return list((await session.scalars(query)).all())


def _has_plaintext(value: object) -> bool:
    text = value.decode(errors="replace") if isinstance(value, bytes) else str(value)
    return any(p in text for p in PLAINTEXT)


async def test_create_seals_subject_data_and_answers_metadata_only(
    client: httpx.AsyncClient, ilo: Ilo, session: AsyncSession
) -> None:
    response = await client.post(RECORDS, json=record_body(ilo.officer_id), headers=ilo.headers)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["subject_data"] is None
    assert body["protection_status"] is None
    assert not _has_plaintext(response.text)
    assert body["organisation"] == "NL"
    assert body["regime"] == "gdpr"
    assert body["special_category"] is False
    assert body["subject_fields"] == sorted({*SUBJECT_DATA, "protection_status"})
    assert {o["kind"] for o in body["obligations"]} == {"erase_by", "record_in_ropa"}
    assert response.headers["location"] == f"{RECORDS}/{body['id']}"
    assert response.headers["etag"] == '"v1"'

    row = await session.get(ProcessingRecord, uuid.UUID(body["id"]))
    assert row is not None
    assert row.ciphertext is not None
    assert row.wrapped_key is not None
    assert row.kek_id == "kek-1"
    assert not _has_plaintext(row.ciphertext)
    assert row.decision_id == body["decision_id"]

    (created,) = await _events(session, "processing_record.created")
    assert created.resource_id == body["id"]
    assert created.purpose == "return"
    assert created.legal_basis == "Regulation (EU) 2019/1240, Art. 10(2), 3(6)(a)"
    assert set(created.rules) >= {"ACL-ROLE", "ACL-ORG", "ILO-10.2", "ILO-10.3", "ILO-10.3f"}
    assert created.details["subject_fields"] == body["subject_fields"]
    assert not _has_plaintext(created.details)
    feed = (
        await session.scalars(select(OutboxEvent).where(OutboxEvent.resource_id == body["id"]))
    ).one()
    assert (feed.type, feed.visibility, feed.organisation) == (
        "processing_record.created",
        "organisation",
        "NL",
    )


async def test_own_ilo_reads_subject_data_audited_and_not_cached(
    client: httpx.AsyncClient, ilo: Ilo, session: AsyncSession
) -> None:
    record = await create_record(client, ilo)
    response = await client.get(f"{RECORDS}/{record['id']}", headers=ilo.headers)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    assert response.json()["subject_data"] == SUBJECT_DATA
    assert response.json()["protection_status"] == "return_decision"
    (read,) = await _events(session, "processing_record.read")
    assert read.resource_id == record["id"]
    assert read.purpose == "return"
    assert read.details["fields"] == record["subject_fields"]
    assert read.details["reason"] == "read"
    assert not _has_plaintext(read.details)


@pytest.mark.parametrize(
    ("roles", "scopes"),
    [(["dpo"], None), (["auditor"], None), (["integration"], ["processing:write"])],
    ids=["dpo", "auditor", "integration-without-read"],
)
async def test_metadata_readers_never_get_subject_data(
    client: httpx.AsyncClient,
    auth: Auth,
    ilo: Ilo,
    session: AsyncSession,
    roles: list[str],
    scopes: list[str] | None,
) -> None:
    record = await create_record(client, ilo)
    response = await client.get(
        f"{RECORDS}/{record['id']}", headers=auth("NL", roles, scopes=scopes)
    )
    assert response.status_code == 200, response.text
    assert response.json()["subject_data"] is None
    assert response.json()["subject_fields"] == record["subject_fields"]
    assert "no-store" not in response.headers.get("cache-control", "")
    assert await _events(session, "processing_record.read") == []


async def test_integration_with_processing_read_reads_subject_data(
    client: httpx.AsyncClient, auth: Auth, ilo: Ilo
) -> None:
    record = await create_record(client, ilo)
    headers = auth("NL", ["integration"], scopes=["processing:read"])
    response = await client.get(f"{RECORDS}/{record['id']}", headers=headers)
    assert response.json()["subject_data"] == SUBJECT_DATA


@pytest.mark.parametrize(
    ("org", "roles", "officer"),
    [
        ("FR", ["dpo"], None),
        ("FR", ["ilo"], "own"),
        ("NL", ["ilo"], "other"),
        ("NL", ["deploying_authority"], None),
        ("FR", ["integration"], None),
    ],
    ids=["other-org-dpo", "other-org-same-officer-claim", "other-ilo", "manager", "other-org-app"],
)
async def test_invisible_record_is_404_and_the_attempt_audited(
    client: httpx.AsyncClient,
    auth: Auth,
    ilo: Ilo,
    session: AsyncSession,
    org: str,
    roles: list[str],
    officer: str | None,
) -> None:
    record = await create_record(client, ilo)
    officer_id = await _officer_claim(client, auth, ilo, org, officer)
    headers = auth(org, roles, officer_id=officer_id, scopes=["processing:read"])
    # Another organisation's officer in the claim is untrue (ACL-CLAIM): refused at the token.
    untrue = officer == "own" and org != ilo.org
    for path in ("", "/transfers", "/shares", "/export"):
        response = await client.get(f"{RECORDS}/{record['id']}{path}", headers=headers)
        assert response.status_code == (401 if untrue else 404), response.text
        problem = "unauthenticated" if untrue else "not-found"
        assert response.json()["type"] == f"/problems/{problem}"
        assert not _has_plaintext(response.text)
    denials = await _events(session, "policy.denied")
    seen = ("request", None, org) if untrue else ("processing_record", record["id"], org)
    assert [(d.resource_type, d.resource_id, d.organisation) for d in denials] == [seen] * 4
    assert {tuple(d.rules) for d in denials} == ({("ACL-CLAIM",)} if untrue else {()})


async def _officer_claim(
    client: httpx.AsyncClient, auth: Auth, ilo: Ilo, org: str, officer: str | None
) -> str | None:
    """The officer a token names: the record's own ILO ("own"), another real officer of the
    token's organisation ("other"), or none."""
    if officer == "own":
        return ilo.officer_id
    if officer == "other":
        manager = auth(org, ["deploying_authority"], sub="other-manager")
        _, other = await create_officer_with_authority(client, manager, organisation=org)
        return str(other["id"])
    return None


async def test_list_shows_own_records_metadata_only(
    client: httpx.AsyncClient, auth: Auth, ilo: Ilo
) -> None:
    colleague = await deployed_ilo(client, auth)
    mine = await create_record(client, ilo)
    theirs = await create_record(client, colleague)
    response = await client.get(RECORDS, headers=ilo.headers)
    assert [r["id"] for r in response.json()["items"]] == [mine["id"]]
    dpo = await client.get(f"{RECORDS}?limit=1", headers=auth("NL", ["dpo"]))
    assert dpo.json()["next_cursor"] is not None
    second = await client.get(
        f"{RECORDS}?limit=1&cursor={dpo.json()['next_cursor']}", headers=auth("NL", ["dpo"])
    )
    ids = {dpo.json()["items"][0]["id"], second.json()["items"][0]["id"]}
    assert ids == {mine["id"], theirs["id"]}
    assert all(r["subject_data"] is None for r in response.json()["items"])
    assert (await client.get(RECORDS, headers=auth("FR", ["dpo"]))).json()["items"] == []
    manager = await client.get(RECORDS, headers=auth("NL", ["deploying_authority"]))
    assert manager.status_code == 403
    assert manager.json()["violations"][0]["rule"] == "ACL-ROLE"


CASES: list[tuple[str, dict[str, Any], str, str]] = [
    (
        "ILO-10.3",
        {"data_categories": ["e_smuggling_trafficking"]},
        "category e_smuggling_trafficking may only be processed for purpose "
        "smuggling_trafficking, not return",
        "Regulation (EU) 2019/1240, Art. 10(3)(e)",
    ),
    (
        "ILO-10.3f",
        {"subject_data": {**SUBJECT_DATA, "religion": "x", "unhcr_reference": "UNHCR-1"}},
        "subject data field 'religion' belongs to none of the categories",
        "Regulation (EU) 2019/1240, Art. 10(3) (ILONet product rule: closed field set per "
        "category)",
    ),
    (
        "ILO-10.2",
        {"retain_until": days(800)},
        "exceeds the 730-day cap for purpose return",
        "Regulation (EU) 2019/1240, Art. 10(2)",
    ),
    (
        "ILO-10.2",
        {"retain_until": days(0)},
        "is not after today",
        "Regulation (EU) 2019/1240, Art. 10(2)",
    ),
]


@pytest.mark.parametrize(("rule", "overrides", "message", "article"), CASES)
async def test_create_refused_by_rule(
    client: httpx.AsyncClient,
    ilo: Ilo,
    session: AsyncSession,
    rule: str,
    overrides: dict[str, Any],
    message: str,
    article: str,
) -> None:
    body = record_body(ilo.officer_id, **overrides)
    response = await client.post(RECORDS, json=body, headers=ilo.headers)
    assert response.status_code == 403, response.text
    problem = response.json()
    violations = [v for v in problem["violations"] if v["rule"] == rule]
    assert any(message in v["message"] for v in violations), problem
    assert violations[0]["article"] == article
    assert (await session.scalars(select(ProcessingRecord))).all() == []
    (denial,) = await _events(session, "policy.denied")
    assert rule in denial.rules
    assert denial.details["attempted"] == "processing_record.create"
    assert not _has_plaintext(denial.details)


async def test_ilo_10_3f_unknown_field_named_once_unhcr_is_of_category_d(
    client: httpx.AsyncClient, ilo: Ilo
) -> None:
    body = record_body(ilo.officer_id, subject_data={**SUBJECT_DATA, "unhcr_reference": "U-1"})
    response = await client.post(RECORDS, json=body, headers=ilo.headers)
    assert [v["rule"] for v in response.json()["violations"]] == ["ILO-10.3f"]
    assert "'unhcr_reference'" in response.json()["violations"][0]["message"]


async def test_ilo_10_2_officer_without_active_deployment(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    planned = await deployed_ilo(client, auth, deployed=False)
    response = await client.post(
        RECORDS, json=record_body(planned.officer_id), headers=planned.headers
    )
    assert response.status_code == 403
    assert [v["rule"] for v in response.json()["violations"]] == ["ILO-10.2"]
    assert "has no active deployment" in response.json()["violations"][0]["message"]


@pytest.mark.parametrize(
    ("org", "roles", "officer", "scopes", "rules"),
    [
        ("NL", ["ilo"], "other", None, ["ACL-ROLE"]),
        ("NL", ["dpo"], None, None, ["ACL-ROLE"]),
        ("FR", ["ilo"], "own", None, ["ACL-CLAIM"]),
        ("FR", ["integration"], None, ["processing:write"], ["ACL-ORG"]),
        ("NL", ["integration"], None, ["processing:read"], ["ACL-ROLE"]),
    ],
)
async def test_acl_who_records_for_the_officer(
    client: httpx.AsyncClient,
    auth: Auth,
    ilo: Ilo,
    org: str,
    roles: list[str],
    officer: str | None,
    scopes: list[str] | None,
    rules: list[str],
) -> None:
    officer_id = await _officer_claim(client, auth, ilo, org, officer)
    headers = auth(org, roles, officer_id=officer_id, scopes=scopes)
    response = await client.post(RECORDS, json=record_body(ilo.officer_id), headers=headers)
    if rules == ["ACL-CLAIM"]:
        assert response.status_code == 401, response.text
        assert "names no officer of FR" in response.json()["detail"]
        return
    assert response.status_code == 403
    assert [v["rule"] for v in response.json()["violations"]] == rules


async def test_integration_with_processing_write_records_for_its_officer(
    client: httpx.AsyncClient, auth: Auth, ilo: Ilo
) -> None:
    headers = auth("NL", ["integration"], scopes=["processing:write"])
    response = await client.post(RECORDS, json=record_body(ilo.officer_id), headers=headers)
    assert response.status_code == 201, response.text


async def test_police_smuggling_record_is_led_and_biometrics_special_category(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    police = await deployed_ilo(
        client, auth, org="FR", authority_kind="police", tasks=("smuggling_trafficking",)
    )
    subject = {
        **SUBJECT_DATA,
        "role": "facilitator",
        "aliases": ["Z."],
        "biometrics": {"facial_image_ref": "urn:fr:bio:face:7781"},
    }
    record = await create_record(
        client,
        police,
        purpose="smuggling_trafficking",
        data_categories=["e_smuggling_trafficking"],
        data_subject_category="suspected_smuggler",
        subject_data=subject,
        protection_status="none",
    )
    assert record["regime"] == "led"
    assert record["special_category"] is True
    assert "special_category_data" in {o["kind"] for o in record["obligations"]}


@pytest.mark.parametrize(
    "subject",
    [
        {"biometrics": {"facial_image_ref": "data:image/png;base64,iVBORw0KGgo="}},
        {"travel_document": {"type": "passport", "number": "X"}},
        {"nationality": "Senegal"},
        {"passengers": [{"given_names": "no surname"}]},
    ],
    ids=["image-in-json", "document-incomplete", "nationality-not-alpha2", "passenger-shape"],
)
async def test_known_fields_are_validated(
    client: httpx.AsyncClient, ilo: Ilo, subject: dict[str, Any]
) -> None:
    body = record_body(ilo.officer_id, subject_data={**SUBJECT_DATA, **subject})
    response = await client.post(RECORDS, json=body, headers=ilo.headers)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["pointer"].startswith("/subject_data/")


async def test_idempotent_replay_stores_no_plaintext(
    client: httpx.AsyncClient, ilo: Ilo, session: AsyncSession
) -> None:
    headers = {**ilo.headers, "Idempotency-Key": "rec-1"}
    body = record_body(ilo.officer_id)
    first = await client.post(RECORDS, json=body, headers=headers)
    again = await client.post(RECORDS, json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    stored = (await session.scalars(select(IdempotencyKey))).one()
    assert stored.body == first.content
    assert not _has_plaintext(stored.body)
    assert len((await session.scalars(select(ProcessingRecord))).all()) == 1
