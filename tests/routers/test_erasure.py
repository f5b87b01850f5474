"""Erasure by crypto-shredding (ILO-10.2) and the data-subject access export: the tombstone
keeps the metadata. That nothing anywhere keeps the subject data (a full dump, every row, every
log line) is the data-protection drill, tests/drills/test_data_protection.py."""

from __future__ import annotations

import uuid

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import AuditEvent, OutboxEvent, ProcessingRecord
from tests.factories import (
    SUBJECT_DATA,
    Auth,
    Ilo,
    create_officer_with_authority,
    create_record,
    deployed_ilo,
    senegal_transfer,
)


@pytest.fixture
async def ilo(client: httpx.AsyncClient, auth: Auth) -> Ilo:
    return await deployed_ilo(client, auth)


def _url(record: dict[str, str], path: str = "") -> str:
    return f"/v1/processing-records/{record['id']}{path}"


async def _actions(session: AsyncSession, resource_id: str) -> list[str]:
    rows = await session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.resource_id == resource_id)
        .order_by(AuditEvent.id)
    )
    return list(rows.all())


@pytest.mark.parametrize("who", ["ilo", "dpo"])
async def test_early_erasure_shreds_and_keeps_a_tombstone(
    client: httpx.AsyncClient, auth: Auth, ilo: Ilo, session: AsyncSession, who: str
) -> None:
    record = await create_record(client, ilo)
    headers = ilo.headers if who == "ilo" else auth("NL", ["dpo"])
    response = await client.post(_url(record, "/erasure"), headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["erasure_reason"] == "no_longer_necessary"
    assert body["erased_at"] is not None
    assert (body["subject_fields"], body["purpose"]) == (record["subject_fields"], "return")
    row = await session.get(ProcessingRecord, uuid.UUID(record["id"]))
    assert row is not None
    assert (row.ciphertext, row.wrapped_key, row.kek_id) == (None, None, None)
    erased = (
        await session.scalars(
            select(AuditEvent).where(AuditEvent.action == "processing_record.erased")
        )
    ).one()
    assert erased.legal_basis == "ILO-10.2"
    assert set(erased.rules) == {"ACL-ROLE", "ACL-ORG", "ILO-10.2"}
    assert erased.details["reason"] == "no_longer_necessary"
    feed = await session.scalars(
        select(OutboxEvent.type).where(OutboxEvent.resource_id == record["id"])
    )
    assert feed.all() == ["processing_record.created", "processing_record.erased"]

    again = await client.post(_url(record, "/erasure"), headers=headers)
    assert again.status_code == 409
    read = await client.get(_url(record), headers=ilo.headers)
    assert read.json()["subject_data"] is None
    assert "processing_record.read" not in await _actions(session, record["id"])
    transfer = await client.post(
        _url(record, "/transfers"), json=senegal_transfer(), headers=ilo.headers
    )
    assert transfer.status_code == 409


@pytest.mark.parametrize(
    ("org", "roles", "status"),
    [("NL", ["auditor"], 403), ("NL", ["ilo"], 404), ("FR", ["dpo"], 404)],
)
async def test_who_may_not_erase(
    client: httpx.AsyncClient,
    auth: Auth,
    ilo: Ilo,
    session: AsyncSession,
    org: str,
    roles: list[str],
    status: int,
) -> None:
    record = await create_record(client, ilo)
    # an ILO token names a real officer of its organisation (ACL-CLAIM), just not this one
    other = None
    if "ilo" in roles:
        manager = auth(org, ["deploying_authority"], sub="other-manager")
        _, officer = await create_officer_with_authority(client, manager, organisation=org)
        other = officer["id"]
    headers = auth(org, roles, officer_id=other)
    response = await client.post(_url(record, "/erasure"), headers=headers)
    assert response.status_code == status
    if status == 403:
        assert [v["rule"] for v in response.json()["violations"]] == ["ACL-ROLE"]
    row = await session.get(ProcessingRecord, uuid.UUID(record["id"]))
    assert row is not None
    assert row.ciphertext is not None


async def test_export_is_the_access_copy_and_is_audited(
    client: httpx.AsyncClient, auth: Auth, ilo: Ilo, session: AsyncSession
) -> None:
    record = await create_record(client, ilo)
    transfer = await client.post(
        _url(record, "/transfers"), json=senegal_transfer(), headers=ilo.headers
    )
    assert transfer.status_code == 201
    response = await client.get(_url(record, "/export"), headers=auth("NL", ["dpo"]))
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    copy = response.json()
    assert copy["record"]["subject_data"] == SUBJECT_DATA
    assert [t["basis"]["rule"] for t in copy["transfers"]] == ["GDPR-49.1d"]
    assert copy["shares"] == []
    assert [(a["action"], a["actor_sub"]) for a in copy["accesses"]] == [
        ("processing_record.created", f"ilo-{ilo.officer_id[:8]}"),
        ("processing_record.read", f"ilo-{ilo.officer_id[:8]}"),
        ("transfer.recorded", f"ilo-{ilo.officer_id[:8]}"),
    ]
    exported = (
        await session.scalars(
            select(AuditEvent).where(AuditEvent.action == "processing_record.exported")
        )
    ).one()
    assert exported.details["reason"] == "data-subject access"
    assert exported.organisation == "NL"
    auditor = await client.get(_url(record, "/export"), headers=auth("NL", ["auditor"]))
    assert auditor.status_code == 403


async def test_export_of_an_erased_record_is_its_tombstone(
    client: httpx.AsyncClient, ilo: Ilo, session: AsyncSession
) -> None:
    record = await create_record(client, ilo)
    await client.post(_url(record, "/erasure"), headers=ilo.headers)
    copy = (await client.get(_url(record, "/export"), headers=ilo.headers)).json()
    assert copy["record"]["subject_data"] is None
    assert copy["record"]["erasure_reason"] == "no_longer_necessary"
    assert [a["action"] for a in copy["accesses"]] == [
        "processing_record.created",
        "processing_record.erased",
    ]
    assert await _actions(session, record["id"]) == [
        "processing_record.created",
        "processing_record.erased",
        "processing_record.exported",
    ]
