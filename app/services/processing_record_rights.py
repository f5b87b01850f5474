"""Data-subject rights on a processing record: rectification (GDPR-16) and restriction
(GDPR-18), each communicated to the record's recipients (GDPR-19). The record's regime names the
article (EUDPR Art. 18/20/21, LED Art. 16)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from app.clock import today
from app.db import crypto
from app.db.writer import Change, Prepared, RowUpdate
from app.models import ProcessingRecord, RecipientNotification
from app.policies import Decision, LiftFacts, RectificationFacts, RestrictionFacts
from app.policies.subject_rights import (
    PROCESSING_RECORD_LIFT_RESTRICTION,
    PROCESSING_RECORD_RECTIFY,
    PROCESSING_RECORD_RESTRICT,
    article,
    check_read_reason,
    check_restricted_read,
)
from app.problems import Conflict, Problem
from app.schemas.processing_record_rights import (
    ProcessingRecordRectify,
    RestrictionCreate,
    RestrictionLift,
)
from app.services.guarded import Action, Context, stale
from app.services.processing_record import RESOURCE, get_visible_record, unseal
from app.services.recipient_notification import notifications_for


@dataclass(frozen=True, slots=True)
class OnRecord:
    prepared: Prepared[Any]
    record: ProcessingRecord
    # GDPR-19: one task per recipient of the record's data (none for a lifting)
    tasks: list[RecipientNotification] = field(default_factory=list)


def _erased(record: ProcessingRecord) -> Conflict | None:
    if record.erased_at is None:
        return None
    return Conflict(f"Processing record {record.id} was erased: nothing is left to change.")


async def _record(context: Context, record_id: uuid.UUID) -> ProcessingRecord:
    return await get_visible_record(
        session=context.writer.session,
        principal=context.principal,
        record_id=record_id,
        lock="update" if context.lock else None,
    )


def _conflicts(*found: Problem | None) -> tuple[Problem, ...]:
    return tuple(c for c in found if c is not None)


async def _prepare_rectify(
    context: Context, record_id: uuid.UUID, body: ProcessingRecordRectify
) -> OnRecord:
    record = await _record(context, record_id)
    rectified = body.field_names()
    facts = RectificationFacts(
        actor=context.principal.actor(),
        controller_org=record.organisation,
        record_officer_id=str(record.officer_id),
        regime=record.regime,
        data_categories=tuple(record.data_categories),
        fields_rectified=rectified,
        subject_fields=frozenset(record.subject_fields) | rectified,
    )
    conflicts = _conflicts(_erased(record), stale(context.if_match, record.version))
    tasks = await notifications_for(
        session=context.writer.session, record=record, cause="rectification"
    )
    return OnRecord(Prepared(facts, conflicts=conflicts, resource_id=str(record.id)), record, tasks)


def _build_rectify(
    context: Context, loaded: OnRecord, body: ProcessingRecordRectify, _: Decision
) -> RowUpdate[ProcessingRecord]:
    """The named fields replaced, the payload sealed again under a fresh data key; field names
    only reach the audit log."""
    record = loaded.record
    payload = unseal(record, context.keys)
    assert payload is not None  # an erased record is a conflict before this
    subject_data = {**payload.subject_data, **body.subject_data.payload()}
    sealed = crypto.seal(
        {
            "subject_data": subject_data,
            "protection_status": body.protection_status or payload.protection_status,
        },
        kek=context.keys.kek,
        kek_id=context.keys.kek_id,
        context=record.id.bytes,
    )
    fields = sorted(set(record.subject_fields) | body.field_names())
    change = Change(
        organisation=record.organisation,
        visibility="organisation",
        purpose=record.purpose,
        legal_basis=article(record.regime, "rectification"),
        details={
            "fields_rectified": sorted(body.field_names()),
            "recipients_to_notify": len(loaded.tasks),
        },
    )
    values = {
        "ciphertext": sealed.ciphertext,
        "wrapped_key": sealed.wrapped_key,
        "kek_id": sealed.kek_id,
        "subject_fields": fields,
        "special_category": "biometrics" in fields,
    }
    return RowUpdate(record, values, change, related=loaded.tasks)


# GDPR-16, ILO-10.3f, ACL-ROLE/ACL-ORG; GDPR-19: a task per recipient.
RECTIFY = Action(
    policy=PROCESSING_RECORD_RECTIFY,
    resource=RESOURCE,
    body=ProcessingRecordRectify,
    target="uuid",
    load=_prepare_rectify,
    build=_build_rectify,
    makes="change",
    names_version=True,
    summary="Rectify a record's subject data (GDPR Art. 16; If-Match required)",
)


async def _prepare_restrict(
    context: Context, record_id: uuid.UUID, body: RestrictionCreate
) -> OnRecord:
    record = await _record(context, record_id)
    facts = RestrictionFacts(
        actor=context.principal.actor(),
        controller_org=record.organisation,
        record_officer_id=str(record.officer_id),
        regime=record.regime,
        ground=body.ground,
    )
    already = (
        Conflict(f"Processing record {record.id} is restricted already.")
        if record.restriction_ground is not None
        else None
    )
    conflicts = _conflicts(_erased(record), already)
    tasks = await notifications_for(
        session=context.writer.session, record=record, cause="restriction"
    )
    return OnRecord(Prepared(facts, conflicts=conflicts, resource_id=str(record.id)), record, tasks)


def _build_restrict(
    _: Context, loaded: OnRecord, body: RestrictionCreate, __: Decision
) -> RowUpdate[ProcessingRecord]:
    record = loaded.record
    change = Change(
        organisation=record.organisation,
        visibility="organisation",
        purpose=record.purpose,
        legal_basis=f"{article(record.regime, 'restriction')}(1)({body.ground})",
        details={"ground": body.ground, "recipients_to_notify": len(loaded.tasks)},
    )
    values = {"restriction_ground": body.ground, "restricted_at": datetime.now(UTC)}
    return RowUpdate(record, values, change, related=loaded.tasks)


# GDPR-18(1): from now on the data are only stored — reads, transfers and shares need an 18(2)
# ground (GDPR-18, GDPR-18.2; an LED record is not exchanged at all), and under (b)/(c) the
# retention sweep keeps the record; GDPR-19: a task per recipient.
RESTRICT = Action(
    policy=PROCESSING_RECORD_RESTRICT,
    resource=RESOURCE,
    body=RestrictionCreate,
    target="uuid",
    load=_prepare_restrict,
    build=_build_restrict,
    makes="change",
    summary="Restrict the processing of a record (GDPR Art. 18(1))",
)


async def _prepare_lift(context: Context, record_id: uuid.UUID, body: RestrictionLift) -> OnRecord:
    record = await _record(context, record_id)
    facts = LiftFacts(
        actor=context.principal.actor(),
        controller_org=record.organisation,
        record_officer_id=str(record.officer_id),
        regime=record.regime,
        subject_informed_on=body.subject_informed_on,
        today=today(),
    )
    not_restricted = (
        Conflict(f"Processing record {record.id} is not restricted.")
        if record.restriction_ground is None
        else None
    )
    conflicts = _conflicts(not_restricted, stale(context.if_match, record.version))
    return OnRecord(Prepared(facts, conflicts=conflicts, resource_id=str(record.id)), record)


def _build_lift(
    _: Context, loaded: OnRecord, body: RestrictionLift, __: Decision
) -> RowUpdate[ProcessingRecord]:
    record = loaded.record
    change = Change(
        organisation=record.organisation,
        visibility="organisation",
        purpose=record.purpose,
        legal_basis=f"{article(record.regime, 'restriction')}(3)",
        details={
            "ground": record.restriction_ground,
            "subject_informed_on": str(body.subject_informed_on),
        },
    )
    return RowUpdate(record, {"restriction_ground": None, "restricted_at": None}, change)


# GDPR-18(3): refused unless the data subject was informed (subject_informed_on).
LIFT = Action(
    policy=PROCESSING_RECORD_LIFT_RESTRICTION,
    resource=RESOURCE,
    body=RestrictionLift,
    target="uuid",
    load=_prepare_lift,
    build=_build_lift,
    makes="change",
    names_version=True,
    summary="Lift a restriction; the data subject is informed first (GDPR Art. 18(3))",
)


def read_reason_given(regime: str, reason: str | None) -> bool:
    """LED-25: may the subject data of a record of this regime be read with this reason?"""
    return not check_read_reason(regime, reason).violations


def restricted_read_allowed(restriction: str | None, use: str | None) -> bool:
    """GDPR-18(2): may the subject data of a record so restricted be read for this use?"""
    return not check_restricted_read(restriction, use).violations
