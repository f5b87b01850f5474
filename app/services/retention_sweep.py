"""The retention sweep (ILO-10.2, ILO-9.3): erase processing records past retain_until and the
contact details of officers whose last deployment ended long enough ago.

Safe with several instances: each batch locks its rows FOR UPDATE SKIP LOCKED, so instances
take disjoint rows, and an erased row no longer matches, so a rerun is a no-op. It acts as a
system principal on behalf of each controller, so the controller's DPO sees the erasures in
its own audit trail.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.clock import today
from app.config import Settings
from app.db.writer import Change, Prepared, RowUpdate, Writer
from app.models import Deployment, Officer, ProcessingRecord
from app.policies import ContactErasureFacts, Decision
from app.policies.retention import OFFICER_CONTACT_ERASE
from app.policies.subject_rights import KEPT_FROM_SWEEP
from app.problems import Conflict
from app.security import Principal
from app.services.guarded import Action, Context, NoBody
from app.services.officer import get_officer
from app.services.processing_record_erasure import EXPIRE, Due

SWEEPER_ISSUER = "ilonet"
SWEEPER_SUB = "system:retention-sweep"
_IN_FORCE = ("planned", "deployed")


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
        system=True,
    )


def _context(session: AsyncSession, settings: Settings, organisation: str) -> Context:
    return Context(Writer(session, sweeper(organisation), request_id=None), settings, lock=True)


@dataclass(frozen=True, slots=True)
class ContactErasure:
    prepared: Prepared[ContactErasureFacts]
    officer: Officer


@dataclass(frozen=True, slots=True)
class StaleContact:
    """An officer the sweep found with contact details kept too long on `on`."""

    officer_id: uuid.UUID
    on: date


async def _prepare_contact_erasure(
    context: Context, target: uuid.UUID | StaleContact, _: object = None
) -> ContactErasure:
    """The facts of officer.contact_erase: the officer's deployments in force and the last end
    (on the sweep's date, else today)."""
    officer_id, on = (
        (target.officer_id, target.on) if isinstance(target, StaleContact) else (target, today())
    )
    session = context.writer.session
    officer = await get_officer(session=session, officer_id=officer_id, for_update=context.lock)
    in_force = await session.scalar(
        select(func.count())
        .select_from(Deployment)
        .where(Deployment.officer_id == officer.id, Deployment.status.in_(_IN_FORCE))
    )
    last_ended = await session.scalar(
        select(func.max(func.coalesce(Deployment.ended_on, Deployment.ends_on))).where(
            Deployment.officer_id == officer.id, Deployment.status == "ended"
        )
    )
    facts = ContactErasureFacts(
        actor=context.principal.actor(),
        officer_id=str(officer.id),
        deployments_in_force=int(in_force or 0),
        last_deployment_ended_on=last_ended,
        retention_days=context.settings.officer_contact_retention_days,
        today=on,
    )
    erased = Conflict(f"Officer {officer.id} has no contact details left to erase.")
    return ContactErasure(
        Prepared(
            facts,
            conflicts=() if officer.contact_ciphertext is not None else (erased,),
            resource_id=str(officer.id),
        ),
        officer,
    )


def _build_contact_erasure(
    _: Context, erasure: ContactErasure, __: object, ___: Decision
) -> RowUpdate[Officer]:
    """Shred an officer's contact details (ILO-9.3)."""
    officer = erasure.officer
    values = {
        "contact_ciphertext": None,
        "contact_wrapped_key": None,
        "contact_kek_id": None,
        "contact_erased_at": datetime.now(UTC),
    }
    change = Change(organisation=officer.organisation, legal_basis="ILO-9.3")
    return RowUpdate(officer, values, change)


CONTACT_ERASE = Action(
    policy=OFFICER_CONTACT_ERASE,
    resource="officer",
    body=NoBody,
    target="uuid",
    load=_prepare_contact_erasure,
    build=_build_contact_erasure,
    makes="change",
    summary="Erase an officer's contact details after the last deployment (the retention sweep)",
)


async def erase_expired_records(
    *, session: AsyncSession, settings: Settings, on: date, batch_size: int
) -> int:
    """One batch of records whose retain_until is before `on`; a record restricted under
    GDPR Art. 18(1)(b) or (c) is kept while the restriction lasts (GDPR-18)."""
    kept = sorted(str(g) for g in KEPT_FROM_SWEEP)
    records = (
        await session.scalars(
            select(ProcessingRecord)
            .where(
                ProcessingRecord.erased_at.is_(None),
                ProcessingRecord.retain_until < on,
                or_(
                    ProcessingRecord.restriction_ground.is_(None),
                    ProcessingRecord.restriction_ground.not_in(kept),
                ),
            )
            .order_by(ProcessingRecord.retain_until, ProcessingRecord.id)
            .limit(batch_size)
            .with_for_update(skip_locked=True)
        )
    ).all()
    for record in records:
        context = _context(session, settings, record.organisation)
        await context.perform(EXPIRE, Due(record, on), NoBody())
    return len(records)


async def erase_stale_contacts(
    *, session: AsyncSession, settings: Settings, on: date, retention_days: int, batch_size: int
) -> int:
    """One batch of officers with no deployment in force whose last one ended more than
    `retention_days` before `on`."""
    last_ended = (
        select(func.max(func.coalesce(Deployment.ended_on, Deployment.ends_on)))
        .where(Deployment.officer_id == Officer.id, Deployment.status == "ended")
        .scalar_subquery()
    )
    in_force = exists().where(Deployment.officer_id == Officer.id, Deployment.status.in_(_IN_FORCE))
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
    for officer, _ in rows:
        context = _context(session, settings, officer.organisation)
        await context.perform(CONTACT_ERASE, StaleContact(officer.id, on), NoBody())
    return len(rows)


async def sweep_once(
    *, session: AsyncSession, settings: Settings, on: date | None = None
) -> SweepResult:
    """One batch of each kind, in the caller's transaction."""
    on = on or today()
    return SweepResult(
        records_erased=await erase_expired_records(
            session=session, settings=settings, on=on, batch_size=settings.sweep_batch_size
        ),
        contacts_erased=await erase_stale_contacts(
            session=session,
            settings=settings,
            on=on,
            retention_days=settings.officer_contact_retention_days,
            batch_size=settings.sweep_batch_size,
        ),
    )
