"""The retention sweep (ILO-10.2, ILO-9.3): erases what expired, as the controller's system
principal, idempotently, and without two instances erasing the same row."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import asyncpg
import httpx
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.background import JOBS, run_job, sweep_retention
from app.cli.maintenance import run_sweep
from app.config import Settings
from app.models import AuditEvent, Officer, OutboxEvent, ProcessingRecord
from app.services.retention_sweep import SWEEPER_SUB, sweep_once
from tests.conftest import FreshDatabase
from tests.factories import TODAY, Auth, create_record, days, deployed_ilo


async def test_ilo_10_2_sweep_erases_expired_records_once(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession, settings: Settings
) -> None:
    ilo = await deployed_ilo(client, auth)
    soon = await create_record(client, ilo, retain_until=days(10))
    later = await create_record(client, ilo, retain_until=days(200))

    assert (await sweep_once(session=session, settings=settings, on=TODAY)).records_erased == 0
    result = await sweep_once(session=session, settings=settings, on=TODAY + timedelta(days=11))
    assert (result.records_erased, result.contacts_erased) == (1, 0)
    erased = await session.get(ProcessingRecord, uuid.UUID(soon["id"]))
    kept = await session.get(ProcessingRecord, uuid.UUID(later["id"]))
    assert erased is not None
    assert kept is not None
    assert (erased.ciphertext, erased.wrapped_key, erased.erasure_reason) == (
        None,
        None,
        "retention_expired",
    )
    assert kept.ciphertext is not None
    event = (
        await session.scalars(
            select(AuditEvent).where(AuditEvent.action == "processing_record.erased")
        )
    ).one()
    assert event.actor["sub"] == SWEEPER_SUB
    assert event.actor["iss"] == "ilonet"
    # on the controller's behalf: its DPO sees the erasure in its own trail; ACL-ROLE proves
    # that ILONet itself, not a token, took the decision (a system action)
    assert (event.organisation, event.resource_id, event.rules) == (
        "NL",
        soon["id"],
        ["ACL-ROLE", "ILO-10.2"],
    )
    assert event.details["authorised_action"] == "processing_record.expire"
    again = await sweep_once(session=session, settings=settings, on=TODAY + timedelta(days=11))
    assert again.total == 0
    tombstone = await client.get(
        f"/v1/processing-records/{soon['id']}", headers=auth("NL", ["dpo"])
    )
    assert tombstone.json()["erasure_reason"] == "retention_expired"


async def test_ilo_9_3_contact_details_erased_after_the_last_deployment(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession, settings: Settings
) -> None:
    manager = auth("NL", ["deploying_authority"], sub="nl-manager")
    gone = await deployed_ilo(client, auth)
    staying = await deployed_ilo(client, auth)
    ended = await client.post(
        f"/v1/deployments/{gone.deployment_id}/transitions",
        json={"to": "ended", "on": days(-5)},
        headers={**manager, "If-Match": '"v2"'},
    )
    assert ended.status_code == 200, ended.text
    retention = settings.officer_contact_retention_days
    within = await sweep_once(
        session=session, settings=settings, on=TODAY + timedelta(days=retention - 5)
    )
    assert within.contacts_erased == 0
    after = await sweep_once(
        session=session, settings=settings, on=TODAY + timedelta(days=retention - 4)
    )
    assert after.contacts_erased == 1
    officer = await session.get(Officer, uuid.UUID(gone.officer_id))
    other = await session.get(Officer, uuid.UUID(staying.officer_id))
    assert officer is not None
    assert other is not None
    assert (officer.contact_ciphertext, officer.contact_wrapped_key) == (None, None)
    assert officer.contact_erased_at is not None
    assert other.contact_ciphertext is not None
    event = (
        await session.scalars(
            select(AuditEvent).where(AuditEvent.action == "officer.contact_erased")
        )
    ).one()
    assert (event.resource_id, event.rules, event.legal_basis) == (
        gone.officer_id,
        ["ACL-ROLE", "ILO-9.3"],
        "ILO-9.3",
    )
    shown = await client.get(f"/v1/officers/{gone.officer_id}", headers=manager)
    assert shown.json()["contact"] is None
    assert shown.json()["contact_erased_at"] is not None


async def test_two_instances_sweeping_at_once_erase_each_record_once(
    committed_client: tuple[httpx.AsyncClient, AsyncEngine], auth: Auth, settings: Settings
) -> None:
    client, engine = committed_client
    ilo = await deployed_ilo(client, auth)
    ids = [(await create_record(client, ilo, retain_until=days(1)))["id"] for _ in range(9)]
    held = sorted(ids)[:3]
    small = settings.model_copy(update={"sweep_batch_size": 2})
    maker = async_sessionmaker(engine, expire_on_commit=False)
    later = TODAY + timedelta(days=2)

    async def instance() -> int:
        erased = 0
        while True:
            async with maker() as session, session.begin():
                # A sweep that waited for a row lock would fail here instead of hanging:
                # SKIP LOCKED never waits, so the timeout can only fire without it.
                await session.execute(text("SET LOCAL lock_timeout = '50ms'"))
                result = await sweep_once(session=session, settings=small, on=later)
            erased += result.records_erased
            if result.total == 0:
                return erased

    async with engine.connect() as other:
        holding = await other.begin()
        await other.execute(
            select(ProcessingRecord.id)
            .where(ProcessingRecord.id.in_([uuid.UUID(i) for i in held]))
            .with_for_update()
        )
        # Three instances at once, while another connection holds three of the rows.
        counts = await asyncio.gather(instance(), instance(), instance())
        await holding.rollback()
    assert sum(counts) == 6
    async with maker() as session:
        still_sealed = (
            await session.scalars(
                select(ProcessingRecord.id).where(ProcessingRecord.ciphertext.is_not(None))
            )
        ).all()
    assert sorted(str(i) for i in still_sealed) == held
    # Released, the rows held are erased by the next run, and nothing twice.
    assert await instance() == 3
    async with maker() as session:
        erased_ids = (
            await session.scalars(
                select(AuditEvent.resource_id).where(
                    AuditEvent.action == "processing_record.erased"
                )
            )
        ).all()
        feed = (
            await session.scalars(
                select(OutboxEvent.resource_id).where(
                    OutboxEvent.type == "processing_record.erased"
                )
            )
        ).all()
        left = await session.scalar(
            select(func.count())
            .select_from(ProcessingRecord)
            .where(ProcessingRecord.ciphertext.is_not(None))
        )
    assert sorted(str(i) for i in erased_ids) == sorted(ids)
    assert sorted(feed) == sorted(ids)
    assert left == 0
    # the periodic job of `serve` runs the same sweep (here: nothing left to do)
    assert ("retention.sweep", sweep_retention) in [(name, job) for name, job, _ in JOBS]
    assert await run_job(maker, small, sweep_retention) == 0


async def test_ilonet_sweep_command_drains_the_backlog(
    committed_client: tuple[httpx.AsyncClient, AsyncEngine],
    fresh_db: FreshDatabase,
    auth: Auth,
    settings: Settings,
) -> None:
    client, _ = committed_client
    ilo = await deployed_ilo(client, auth)
    for _ in range(3):
        await create_record(client, ilo, retain_until=days(1))
    owner = await asyncpg.connect(fresh_db.owner_url)
    try:
        # Set-up only: pretend the retention period has run out.
        await owner.execute("UPDATE processing_record SET retain_until = current_date - 1")
    finally:
        await owner.close()
    configured = settings.model_copy(
        update={"database_url": fresh_db.owner_url, "sweep_batch_size": 2}
    )
    drained = {"records_erased": 3, "contacts_erased": 0}
    assert await asyncio.to_thread(run_sweep, configured) == drained
    assert await asyncio.to_thread(run_sweep, configured) == {
        "records_erased": 0,
        "contacts_erased": 0,
    }
