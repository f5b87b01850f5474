"""Erasure of a processing record by crypto-shredding (ILO-10.2): the ciphertext and its wrapped
data key are destroyed, the metadata stay as a tombstone for the records of processing."""

from __future__ import annotations

from datetime import UTC, date, datetime

from app.db.writer import Change, Writer
from app.models import ProcessingRecord
from app.policies import ErasureFacts
from app.problems import Conflict
from app.services.processing_record import RESOURCE, today

ACTION = "processing_record.erase"


def erasure_facts(
    *, writer: Writer, record: ProcessingRecord, on: date, scheduled: bool
) -> ErasureFacts:
    return ErasureFacts(
        actor=writer.principal.actor(),
        controller_org=record.organisation,
        record_officer_id=str(record.officer_id),
        retain_until=record.retain_until,
        today=on,
        scheduled=scheduled,
    )


async def erase_record(
    *,
    writer: Writer,
    record: ProcessingRecord,
    scheduled: bool = False,
    on: date | None = None,
) -> ProcessingRecord:
    """Erase a record: the sweep once retain_until has passed (`scheduled`), or early by the
    record's ILO or the controller's DPO (processing_record.erase). A second erasure is a 409.

    The caller locks the row (FOR UPDATE) so that concurrent erasures cannot both run.
    """
    if record.erased_at is not None:
        raise Conflict(f"Processing record {record.id} was already erased.")
    facts = erasure_facts(writer=writer, record=record, on=on or today(), scheduled=scheduled)
    decision = writer.decide(ACTION, facts, resource_type=RESOURCE)
    reason = "retention_expired" if scheduled else "no_longer_necessary"
    now = datetime.now(UTC)
    return await writer.apply(
        record,
        {
            "ciphertext": None,
            "wrapped_key": None,
            "kek_id": None,
            "erased_at": now,
            "erasure_reason": reason,
            "version": record.version + 1,
            "updated_at": now,
        },
        decision=decision,
        change=Change(
            event_type="processing_record.erased",
            resource_type=RESOURCE,
            organisation=record.organisation,
            visibility="organisation",
            purpose=record.purpose,
            legal_basis="ILO-10.2",
            details={"reason": reason, "subject_fields": list(record.subject_fields)},
        ),
    )
