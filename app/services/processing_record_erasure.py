"""Erasure of a processing record by crypto-shredding (ILO-10.2): the ciphertext and its wrapped
data key are destroyed, the metadata stay as a tombstone for the records of processing. Early by
the controller (`processing_record.erase`), or by the retention sweep once retain_until has
passed (`processing_record.expire`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from app.clock import today
from app.db.writer import Change, Prepared, RowUpdate
from app.models import ProcessingRecord, RecipientNotification
from app.policies import Decision, ErasureFacts
from app.policies.retention import PROCESSING_RECORD_ERASE, PROCESSING_RECORD_EXPIRE
from app.problems import Conflict
from app.services.guarded import Action, Builder, Context, NoBody
from app.services.processing_record import RESOURCE, get_visible_record
from app.services.recipient_notification import notifications_for


@dataclass(frozen=True, slots=True)
class Erasure:
    prepared: Prepared[ErasureFacts]
    record: ProcessingRecord
    # GDPR-19: the erasure is communicated to every recipient of the record's data
    tasks: list[RecipientNotification]


@dataclass(frozen=True, slots=True)
class Due:
    """A record the retention sweep found past retain_until on `on`, locked by the sweep."""

    record: ProcessingRecord
    on: date


async def _prepare_on(context: Context, record: ProcessingRecord, on: date) -> Erasure:
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
    tasks = await notifications_for(session=context.writer.session, record=record, cause="erasure")
    return Erasure(
        Prepared(facts, conflicts=(erased,) if erased else (), resource_id=str(record.id)),
        record,
        tasks,
    )


async def _prepare(context: Context, target: uuid.UUID | Due, _: object = None) -> Erasure:
    """The record named (locked FOR UPDATE by the real write, so that concurrent erasures cannot
    both run), or the one the sweep found due."""
    if isinstance(target, Due):
        return await _prepare_on(context, target.record, target.on)
    record = await get_visible_record(
        session=context.writer.session,
        principal=context.principal,
        record_id=target,
        lock="update" if context.lock else None,
    )
    return await _prepare_on(context, record, today())


def _shred(reason: str) -> Builder:
    """The build of an erasure for `reason`: the ciphertext and its wrapped key destroyed, the
    metadata kept as a tombstone; one notification task per recipient."""

    def build(context: Context, erasure: Erasure, _: object, __: Decision) -> RowUpdate[Any]:
        record = erasure.record
        values = {
            "ciphertext": None,
            "wrapped_key": None,
            "kek_id": None,
            "erased_at": datetime.now(UTC),
            "erasure_reason": reason,
        }
        change = Change(
            organisation=record.organisation,
            visibility="organisation",
            purpose=record.purpose,
            legal_basis="ILO-10.2",
            details={
                "reason": reason,
                "subject_fields": list(record.subject_fields),
                "recipients_to_notify": len(erasure.tasks),
            },
        )
        return RowUpdate(record, values, change, related=erasure.tasks)

    return build


# Early, by the record's ILO or the controller's DPO or integration; a second erasure is a 409.
ERASE = Action(
    policy=PROCESSING_RECORD_ERASE,
    resource=RESOURCE,
    body=NoBody,
    target="uuid",
    load=_prepare,
    build=_shred("no_longer_necessary"),
    makes="change",
    summary="Erase a record early (crypto-shredding; the metadata stay as a tombstone)",
)
EXPIRE = Action(
    policy=PROCESSING_RECORD_EXPIRE,
    resource=RESOURCE,
    body=NoBody,
    target="uuid",
    load=_prepare,
    build=_shred("retention_expired"),
    makes="change",
    summary="Erase an expired processing record (the retention sweep)",
)
