"""The data-subject access copy of a processing record (GDPR Art. 15, EUDPR Art. 17, LED Art.
14): the record with its subject data, its transfers and shares, and who accessed it."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import or_, select

from app.db.writer import Change, Writer
from app.keyring import Keyring
from app.models import AuditEvent, ProcessingRecord
from app.policies import deny
from app.policies.rules import ACL_ROLE
from app.problems import PolicyDenied
from app.schemas.processing_record import AccessEntryOut, ProcessingRecordExport
from app.services import share as shares
from app.services import transfer as transfers
from app.services.processing_record import (
    RESOURCE,
    legal_basis,
    shows,
    unseal,
)
from app.services.processing_record import render as render_record


async def export_record(
    *, writer: Writer, record: ProcessingRecord, keyring: Keyring
) -> ProcessingRecordExport:
    """Everything the controller holds on the subject of this record; audited
    `processing_record.exported` (an erased record exports its tombstone only)."""
    if not shows(writer.principal, "export", record):
        raise PolicyDenied(
            deny(ACL_ROLE, "the access copy is for the record's ILO or the controller's DPO"),
            resource_type=RESOURCE,
            action="processing_record.export",
            resource_id=str(record.id),
        )
    session = writer.session
    transfer_rows = await transfers.list_transfers(session=session, record_id=record.id)
    share_rows = await shares.list_shares(session=session, record_id=record.id)
    related = [str(t.id) for t in transfer_rows] + [str(s.id) for s in share_rows]
    events = (
        await session.scalars(
            select(AuditEvent)
            .where(
                or_(
                    (AuditEvent.resource_type == RESOURCE)
                    & (AuditEvent.resource_id == str(record.id)),
                    AuditEvent.resource_id.in_(related),
                )
            )
            .order_by(AuditEvent.id)
        )
    ).all()
    accesses = [
        AccessEntryOut(
            occurred_at=e.occurred_at,
            action=e.action,
            outcome=e.outcome,
            actor_sub=str(e.actor.get("sub", "")),
            actor_organisation=str(e.actor.get("org", "")),
            resource_type=e.resource_type,
            resource_id=e.resource_id,
            purpose=e.purpose,
            legal_basis=e.legal_basis,
        )
        for e in events
    ]
    payload = unseal(record, keyring)
    await writer.record_access(
        decision=None,
        change=Change(
            event_type="processing_record.exported",
            resource_type=RESOURCE,
            organisation=record.organisation,
            visibility="organisation",
            purpose=record.purpose,
            legal_basis=legal_basis(record.purpose),
            details={
                "fields": sorted(record.subject_fields) if payload else [],
                "reason": "data-subject access",
                "erased": record.erased_at is not None,
            },
            feed=False,
        ),
        resource_id=str(record.id),
    )
    return ProcessingRecordExport(
        record=render_record(record, payload),
        transfers=[transfers.render(t) for t in transfer_rows],
        shares=[shares.render(s) for s in share_rows],
        accesses=accesses,
        exported_at=datetime.now(UTC),
    )
