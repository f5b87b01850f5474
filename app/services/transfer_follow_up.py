"""Readmission cooperation (Visa Code Art. 25a): record and correct the follow-up of an
identification request — the answer of the third country's authority, the travel document, the
return operation. The facts are the transfer, its record (metadata only: no subject data is
read) and the answer; one follow-up per transfer, corrected under If-Match."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.clock import today
from app.db.writer import Change, NewRow, Prepared, RowUpdate
from app.models import ProcessingRecord, Transfer, TransferFollowUp
from app.policies import Decision
from app.policies.transfer_follow_up import (
    TRANSFER_FOLLOW_UP_RECORD,
    TRANSFER_FOLLOW_UP_UPDATE,
    FollowUpFacts,
)
from app.policies.vocabulary import IdentificationOutcome
from app.problems import Conflict, NotFound, Problem
from app.schemas.transfer_follow_up import TransferFollowUpIn, TransferFollowUpOut
from app.security import Principal
from app.services.guarded import Action, Context, stale
from app.services.processing_record import get_visible_record

RESOURCE = "transfer_follow_up"


# A transfer by its id, or by (record id, transfer id) as its path names it: a transfer of
# another record is a 404 then.
OnTransfer = uuid.UUID | tuple[uuid.UUID, uuid.UUID]


@dataclass(frozen=True, slots=True)
class Followed:
    """A follow-up prepared on a transfer (and, for a correction, the follow-up it changes)."""

    prepared: Prepared[FollowUpFacts]
    transfer: Transfer
    record: ProcessingRecord
    follow_up: TransferFollowUp | None


async def visible_transfer(
    *,
    session: AsyncSession,
    principal: Principal,
    transfer_id: uuid.UUID,
    record_id: uuid.UUID | None = None,
) -> tuple[Transfer, ProcessingRecord]:
    """The transfer and its record, or a 404 when the caller may not see the record (or the
    transfer is not one of the record named in the path)."""
    transfer = await session.get(Transfer, transfer_id)
    if transfer is None or (record_id is not None and transfer.processing_record_id != record_id):
        raise NotFound(
            f"No transfer {transfer_id}.", resource_type="transfer", resource_id=str(transfer_id)
        )
    record = await get_visible_record(
        session=session, principal=principal, record_id=transfer.processing_record_id
    )
    return transfer, record


async def follow_up_of(
    session: AsyncSession, transfer_id: uuid.UUID, *, lock: bool = False
) -> TransferFollowUp | None:
    query = select(TransferFollowUp).where(TransferFollowUp.transfer_id == transfer_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    follow_up: TransferFollowUp | None = await session.scalar(query)
    return follow_up


async def _visible(
    context: Context, transfer_id: uuid.UUID, record_id: uuid.UUID | None
) -> tuple[Transfer, ProcessingRecord]:
    return await visible_transfer(
        session=context.writer.session,
        principal=context.principal,
        transfer_id=transfer_id,
        record_id=record_id,
    )


def _facts(
    context: Context,
    transfer: Transfer,
    record: ProcessingRecord,
    *,
    outcome: str,
    answered_on: Any,
    travel_document_issued_on: Any,
    return_operation_accepted: bool | None,
) -> FollowUpFacts:
    return FollowUpFacts(
        actor=context.principal.actor(),
        transfer_org=transfer.organisation,
        record_officer_id=str(record.officer_id),
        purpose=record.purpose,
        data_categories=tuple(record.data_categories),
        recipient_type=transfer.recipient_type,
        destination_country=transfer.destination_country,
        transfer_on=transfer.transfer_on,
        outcome=outcome,
        answered_on=answered_on,
        travel_document_issued_on=travel_document_issued_on,
        return_operation_accepted=return_operation_accepted,
        today=today(),
    )


def _body_facts(
    context: Context, transfer: Transfer, record: ProcessingRecord, body: TransferFollowUpIn
) -> FollowUpFacts:
    return _facts(
        context,
        transfer,
        record,
        outcome=body.outcome.value,
        answered_on=body.answered_on,
        travel_document_issued_on=body.travel_document_issued_on,
        return_operation_accepted=body.return_operation_accepted,
    )


async def _prepare_record(
    context: Context, target: OnTransfer, body: TransferFollowUpIn
) -> Followed:
    record_id, transfer_id = target if isinstance(target, tuple) else (None, target)
    transfer, record = await _visible(context, transfer_id, record_id)
    existing = await follow_up_of(context.writer.session, transfer_id)
    conflicts: tuple[Problem, ...] = ()
    if existing is not None:
        conflicts = (
            Conflict(
                f"Transfer {transfer_id} already has a follow-up (version {existing.version}): "
                "correct it with PUT and If-Match."
            ),
        )
    facts = _body_facts(context, transfer, record, body)
    prepared = Prepared(facts, conflicts=conflicts, resource_id=str(transfer.id))
    return Followed(prepared, transfer, record, None)


async def _prepare_update(
    context: Context, target: OnTransfer, body: TransferFollowUpIn
) -> Followed:
    record_id, transfer_id = target if isinstance(target, tuple) else (None, target)
    transfer, record = await _visible(context, transfer_id, record_id)
    follow_up = await follow_up_of(context.writer.session, transfer_id, lock=context.lock)
    if follow_up is None:
        raise NotFound(
            f"Transfer {transfer_id} has no follow-up yet: record it with POST.",
            resource_type=RESOURCE,
            resource_id=str(transfer_id),
        )
    before = _facts(
        context,
        transfer,
        record,
        outcome=follow_up.outcome,
        answered_on=follow_up.answered_on,
        travel_document_issued_on=follow_up.travel_document_issued_on,
        return_operation_accepted=follow_up.return_operation_accepted,
    )
    stale_tag = stale(context.if_match, follow_up.version)
    prepared = Prepared(
        _body_facts(context, transfer, record, body),
        before=before,
        conflicts=(stale_tag,) if stale_tag else (),
        resource_id=str(follow_up.id),
    )
    return Followed(prepared, transfer, record, follow_up)


def _change(transfer: Transfer, body: TransferFollowUpIn) -> Change:
    """Ids, the outcome and dates only: nothing about the subject."""
    return Change(
        resource_type=RESOURCE,
        organisation=transfer.organisation,
        visibility="organisation",
        details={
            "transfer_id": str(transfer.id),
            "destination": transfer.destination_country,
            "outcome": body.outcome.value,
            "travel_document_issued": body.travel_document_issued_on is not None,
        },
    )


def _values(body: TransferFollowUpIn) -> dict[str, Any]:
    return {
        "outcome": body.outcome.value,
        "answered_on": body.answered_on,
        "travel_document_issued_on": body.travel_document_issued_on,
        "return_operation_accepted": body.return_operation_accepted,
    }


def _build_record(
    context: Context, followed: Followed, body: TransferFollowUpIn, decision: Decision
) -> NewRow[TransferFollowUp]:
    transfer = followed.transfer
    row = TransferFollowUp(
        id=uuid.uuid4(),
        transfer_id=transfer.id,
        processing_record_id=transfer.processing_record_id,
        organisation=transfer.organisation,
        decision_id=decision.decision_id,
        policy_version=decision.policy_version,
        recorded_by=context.principal.sub,
        updated_by=context.principal.sub,
        version=1,
        **_values(body),
    )
    return NewRow(row, _change(transfer, body))


def _build_update(
    context: Context, followed: Followed, body: TransferFollowUpIn, decision: Decision
) -> RowUpdate[TransferFollowUp]:
    assert followed.follow_up is not None  # _prepare_update raised a 404 otherwise
    values = {
        **_values(body),
        "decision_id": decision.decision_id,
        "policy_version": decision.policy_version,
        "updated_by": context.principal.sub,
    }
    return RowUpdate(followed.follow_up, values, _change(followed.transfer, body))


# ACL-ROLE (the record's ILO or an integration with transfers:write), ACL-ORG (the organisation
# that made the transfer), RA-1 (an identification request to a third country's authority), RA-2
# (consistent, dated on or after the request). A second follow-up of the same transfer is a 409.
RECORD = Action(
    policy=TRANSFER_FOLLOW_UP_RECORD,
    resource=RESOURCE,
    body=TransferFollowUpIn,
    target="uuid",
    load=_prepare_record,
    build=_build_record,
    makes="row",
    summary="Record the answer to an identification request (Visa Code Art. 25a)",
)
# The rules of RECORD for the state before and after; a stale If-Match is a 412.
UPDATE = Action(
    policy=TRANSFER_FOLLOW_UP_UPDATE,
    resource=RESOURCE,
    body=TransferFollowUpIn,
    target="uuid",
    load=_prepare_update,
    build=_build_update,
    makes="change",
    names_version=True,
    summary="Correct the follow-up of an identification request",
)


async def transfer_of(session: AsyncSession, follow_up: TransferFollowUp) -> Transfer:
    """The transfer of a follow-up just written (its loader loaded it: no query)."""
    transfer = await session.get(Transfer, follow_up.transfer_id)
    assert transfer is not None  # a follow-up's transfer is never deleted
    return transfer


async def read_follow_up(
    *, session: AsyncSession, principal: Principal, record_id: uuid.UUID, transfer_id: uuid.UUID
) -> tuple[TransferFollowUp, Transfer]:
    """The follow-up of a transfer the caller sees (the record's read policy), or a 404."""
    transfer, _ = await visible_transfer(
        session=session, principal=principal, transfer_id=transfer_id, record_id=record_id
    )
    follow_up = await follow_up_of(session, transfer_id)
    if follow_up is None:
        raise NotFound(
            f"Transfer {transfer_id} has no follow-up.",
            resource_type=RESOURCE,
            resource_id=str(transfer_id),
        )
    return follow_up, transfer


def render(follow_up: TransferFollowUp, transfer: Transfer) -> TransferFollowUpOut:
    answered = follow_up.answered_on
    return TransferFollowUpOut(
        id=follow_up.id,
        transfer_id=follow_up.transfer_id,
        processing_record_id=follow_up.processing_record_id,
        organisation=follow_up.organisation,
        destination_country=transfer.destination_country,
        requested_on=transfer.transfer_on,
        outcome=IdentificationOutcome(follow_up.outcome),
        answered_on=answered,
        response_days=(answered - transfer.transfer_on).days if answered else None,
        travel_document_issued_on=follow_up.travel_document_issued_on,
        return_operation_accepted=follow_up.return_operation_accepted,
        decision_id=follow_up.decision_id,
        policy_version=follow_up.policy_version,
        recorded_by=follow_up.recorded_by,
        updated_by=follow_up.updated_by,
        version=follow_up.version,
        created_at=follow_up.created_at,
        updated_at=follow_up.updated_at,
    )
