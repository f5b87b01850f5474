"""The retention sweep (ILO-10.2, ILO-9.3): erase processing records past retain_until and the
contact details of officers whose last deployment ended long enough ago.

Safe with several instances: each batch locks its rows FOR UPDATE SKIP LOCKED, so instances
take disjoint rows, and an erased row no longer matches, so a rerun is a no-op. It acts as a
system principal on behalf of each controller, so the controller's DPO sees the erasures in
its own audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.db.writer import Change, Writer
from app.models import Deployment, Officer, ProcessingRecord
from app.policies import ContactErasureFacts
from app.security import Principal
from app.services.processing_record import today
from app.services.processing_record_erasure import erase_record

SWEEPER_ISSUER = "ilonet"
SWEEPER_SUB = "system:retention-sweep"


@dataclass(frozen=True, slots=True)
class SweepResult:
    records_erased: int
    contacts_erased: int

    @property
    def total(self) -> int:
        return self.records_erased + self.contacts_erased


def sweeper(organisation: str) -> Principal:
    """The system principal, acting for the controller whose data it erases."""
    return Principal(
        iss=SWEEPER_ISSUER,
        sub=SWEEPER_SUB,
        org=organisation,
        roles=frozenset(),
        officer_id=None,
        scopes=frozenset(),
    )


async def erase_expired_records(*, session: AsyncSession, on: date, batch_size: int) -> int:
    """One batch of records whose retain_until is before `on`."""
    records = (
        await session.scalars(
            select(ProcessingRecord)
            .where(ProcessingRecord.erased_at.is_(None), ProcessingRecord.retain_until < on)
            .order_by(ProcessingRecord.retain_until, ProcessingRecord.id)
            .limit(batch_size)
            .with_for_update(skip_locked=True)
        )
    ).all()
    for record in records:
        writer = Writer(session, sweeper(record.organisation), request_id=None)
        await erase_record(writer=writer, record=record, scheduled=True, on=on)
    return len(records)


async def erase_stale_contacts(
    *, session: AsyncSession, on: date, retention_days: int, batch_size: int
) -> int:
    """One batch of officers with no deployment in force whose last one ended more than
    `retention_days` before `on`."""
    last_ended = (
        select(func.max(func.coalesce(Deployment.ended_on, Deployment.ends_on)))
        .where(Deployment.officer_id == Officer.id, Deployment.status == "ended")
        .scalar_subquery()
    )
    in_force = exists().where(
        Deployment.officer_id == Officer.id, Deployment.status.in_(("planned", "deployed"))
    )
    rows = (
        await session.execute(
            select(Officer, last_ended)
            .where(
                Officer.contact_ciphertext.is_not(None),
                ~in_force,
                last_ended < on - timedelta(days=retention_days),
            )
            .order_by(Officer.id)
            .limit(batch_size)
            .with_for_update(of=Officer, skip_locked=True)
        )
    ).all()
    for officer, ended_on in rows:
        writer = Writer(session, sweeper(officer.organisation), request_id=None)
        decision = writer.decide(
            "officer.contact_erase",
            ContactErasureFacts(
                officer_id=str(officer.id),
                deployments_in_force=0,
                last_deployment_ended_on=ended_on,
                retention_days=retention_days,
                today=on,
            ),
            resource_type="officer",
        )
        now = datetime.now(UTC)
        await writer.apply(
            officer,
            {
                "contact_ciphertext": None,
                "contact_wrapped_key": None,
                "contact_kek_id": None,
                "contact_erased_at": now,
                "version": officer.version + 1,
                "updated_at": now,
            },
            decision=decision,
            change=Change(
                event_type="officer.contact_erased",
                resource_type="officer",
                organisation=officer.organisation,
                legal_basis="ILO-9.3",
            ),
        )
    return len(rows)


async def sweep_once(
    *, session: AsyncSession, settings: Settings, on: date | None = None
) -> SweepResult:
    """One batch of each kind, in the caller's transaction."""
    on = on or today()
    return SweepResult(
        records_erased=await erase_expired_records(
            session=session, on=on, batch_size=settings.sweep_batch_size
        ),
        contacts_erased=await erase_stale_contacts(
            session=session,
            on=on,
            retention_days=settings.officer_contact_retention_days,
            batch_size=settings.sweep_batch_size,
        ),
    )
