"""Erasure of a processing record by crypto-shredding (ILO-10.2): the ciphertext and its wrapped
data key are destroyed, the metadata stay as a tombstone for the records of processing. Early by
the controller (`processing_record.erase`), or by the retention sweep once retain_until has
passed (`processing_record.expire`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from app.db.writer import Change, Prepared, RowChange
from app.models import ProcessingRecord
from app.policies import Decision, ErasureFacts
from app.policies.retention import PROCESSING_RECORD_ERASE, PROCESSING_RECORD_EXPIRE
from app.problems import Conflict
from app.services.guarded import Action, Context, NoBody
from app.services.processing_record import RESOURCE, get_visible_record, today
from app.services.recipient_notification import notifications_for


@dataclass(frozen=True, slots=True)
class Erasure:
    prepared: Prepared[ErasureFacts]
    record: ProcessingRecord


def prepare_erasure(context: Context, record: ProcessingRecord, on: date) -> Erasure:
    facts = ErasureFacts(
        actor=context.principal.actor(),
        controller_org=record.organisation,
        record_officer_id=str(record.officer_id),
        retain_until=record.retain_until,
        today=on,
        restriction=record.restriction_ground,
    )
    erased = (
        Conflict(f"Processing record {record.id} was already erased.")
        if record.erased_at is not None
        else None
    )
    return Erasure(
        Prepared(facts, conflicts=(erased,) if erased else (), resource_id=str(record.id)),
        record,
    )


async def _prepare(context: Context, record_id: uuid.UUID, _: object = None) -> Erasure:
    record = await get_visible_record(
        session=context.writer.session,
        principal=context.principal,
        record_id=record_id,
        lock="update" if context.lock else None,
    )
    return prepare_erasure(context, record, today())


ERASE = Action(
    policy=PROCESSING_RECORD_ERASE,
    resource=RESOURCE,
    body=NoBody,
    target="uuid",
    load=_prepare,
    summary="Erase a processing record early",
)
EXPIRE = Action(
    policy=PROCESSING_RECORD_EXPIRE,
    resource=RESOURCE,
    body=NoBody,
    target="uuid",
    load=_prepare,
    summary="Erase an expired processing record (the retention sweep)",
)


async def apply_erasure(context: Context, action: Action, erasure: Erasure) -> ProcessingRecord:
    """Shred the record the erasure was prepared on, as `action` (erase or expire)."""
    record = erasure.record
    reason = "retention_expired" if action is EXPIRE else "no_longer_necessary"
    # GDPR-19: the erasure is communicated to every recipient of the record's data
    tasks = await notifications_for(session=context.writer.session, record=record, cause="erasure")

    def build(_: Decision) -> RowChange:
        values = {
            "ciphertext": None,
            "wrapped_key": None,
            "kek_id": None,
            "erased_at": datetime.now(UTC),
            "erasure_reason": reason,
        }
        change = Change(
            event_type="processing_record.erased",
            resource_type=RESOURCE,
            organisation=record.organisation,
            visibility="organisation",
            purpose=record.purpose,
            legal_basis="ILO-10.2",
            details={
                "reason": reason,
                "subject_fields": list(record.subject_fields),
                "recipients_to_notify": len(tasks),
            },
        )
        return RowChange(values, change, related=tasks)

    return await context.writer.update(action, erasure.prepared, record, build)


async def erase_record(*, context: Context, record_id: uuid.UUID) -> ProcessingRecord:
    """Erase a record early, by the record's ILO or the controller's DPO or integration
    (processing_record.erase); a second erasure is a 409. The row is locked FOR UPDATE so that
    concurrent erasures cannot both run."""
    return await apply_erasure(context, ERASE, await _prepare(context, record_id))
