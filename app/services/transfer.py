"""Chapter V transfers of a processing record (Art. 10(5), GDPR-30.1e): the facts are the record,
the officer's deployment on the transfer date, the reference data in force and the participants;
the first ground that holds is recorded with the transfer."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.clock import today
from app.db import transfer_flows
from app.db.deployed import active_deployment
from app.db.writer import Change, NewRow, Prepared, Writer
from app.keyring import Keyring
from app.keyset import Window
from app.models import ProcessingRecord, Transfer
from app.policies import Decision, TransferFacts
from app.policies.subject_rights import RestrictedExchange, exchange_ground_holds
from app.policies.transfer import TRANSFER_RECORD
from app.policies.transfer_obligations import DEROGATION_BASES, DEROGATION_WINDOW_DAYS
from app.problems import Conflict
from app.schemas.policy import BasisOut
from app.schemas.transfer import Recipient, TransferCreate, TransferDetails, TransferOut
from app.services.guarded import Action, Context
from app.services.officer import get_officer
from app.services.organisation import participant_map
from app.services.processing_record import RESOURCE, get_visible_record, read_subject_data
from app.services.reference_data import transfer_reference

# NR-1 needs them: decrypting them for the decision is a purpose-bound read, audited.
NR1_FIELDS = ("nationality", "protection_status")


def erased_conflict(record: ProcessingRecord) -> tuple[Conflict, ...]:
    """An erased record has nothing left to exchange: a 409 beside the decision."""
    if record.erased_at is None:
        return ()
    return (Conflict(f"Processing record {record.id} was erased on {record.erased_at:%Y-%m-%d}."),)


@dataclass(frozen=True, slots=True)
class Exchange:
    """A transfer or share prepared on a record."""

    prepared: Prepared[Any]
    record: ProcessingRecord


async def exchanged_record(context: Context, record_id: uuid.UUID) -> ProcessingRecord:
    """The record an exchange is decided on; the real write keeps it from being erased meanwhile
    (FOR SHARE: the sweep skips locked rows)."""
    return await get_visible_record(
        session=context.writer.session,
        principal=context.principal,
        record_id=record_id,
        lock="share" if context.lock else None,
    )


async def transfer_facts(
    *, writer: Writer, record: ProcessingRecord, body: TransferCreate, keyring: Keyring
) -> tuple[TransferFacts, str]:
    """The facts of transfer.record, and the digest of the reference data they hold."""
    session = writer.session
    officer = await get_officer(session=session, officer_id=record.officer_id)
    deployment = await active_deployment(session=session, officer=officer, on=body.transfer_on)
    # GDPR-18.2: restricted data are only stored, and not read for a transfer refused anyway;
    # on a valid Art. 18(2) ground they are read for NR-1 like any other record's
    ground = exchange_ground_holds(
        RestrictedExchange(
            restriction=record.restriction_ground,
            regime=record.regime,
            use=body.restricted_use,
            law=body.restricted_use_law,
            third_country=True,
        )
    )
    payload = (
        await read_subject_data(
            writer=writer,
            record=record,
            keyring=keyring,
            fields=NR1_FIELDS,
            reason="NR-1: transfer decision"
            + (f"; GDPR-18(2): {body.restricted_use}" if record.restriction_ground else ""),
        )
        if ground
        else None
    )
    nationality = payload.subject_data.get("nationality") if payload else None
    reference = await transfer_reference(session=session)
    details = body.details
    since = body.transfer_on - timedelta(days=DEROGATION_WINDOW_DAYS)
    recent = await session.scalar(
        select(func.count())
        .select_from(Transfer)
        .where(
            Transfer.organisation == record.organisation,
            Transfer.recipient_name == body.recipient.name,
            Transfer.destination_country == body.destination_country
            if body.destination_country is not None
            else Transfer.destination_organisation == body.destination_organisation,
            Transfer.basis_ground.in_([str(b) for b in DEROGATION_BASES]),
            Transfer.transfer_on.between(since, body.transfer_on),
        )
    )
    facts = TransferFacts(
        actor=writer.principal.actor(),
        controller_org=record.organisation,
        regime=record.regime,
        record_officer_id=str(record.officer_id),
        record_fields=frozenset(record.subject_fields),
        purpose=record.purpose,
        data_categories=tuple(record.data_categories),
        subject_nationality=nationality if isinstance(nationality, str) else None,
        protection_status=payload.protection_status if payload else None,
        recipient_name=body.recipient.name,
        recipient_type=body.recipient.type,
        recipient_is_law_enforcement=body.recipient.is_law_enforcement,
        destination_country=body.destination_country,
        destination_organisation=body.destination_organisation,
        basis=body.basis.value,
        fields_disclosed=frozenset(body.fields_disclosed),
        justification=body.justification,
        transfer_on=body.transfer_on,
        officer_deployment_active=deployment is not None,
        adequacy_decision_id=details.adequacy_decision_id,
        instrument_id=details.instrument_id,
        authorisation_reference=details.authorisation_reference,
        legal_reference=details.legal_reference,
        incapacity_reason=details.incapacity_reason,
        assessment_reference=details.assessment_reference,
        specific_situation=details.specific_situation,
        data_from_other_member_state=details.data_from_other_member_state,
        prior_authorisation_reference=details.prior_authorisation_reference,
        adequacy_decisions=reference.adequacy_decisions,
        instruments=reference.instruments,
        participants=await participant_map(session=session),
        recent_derogations_to_recipient=int(recent or 0),
        record_began_on=record.began_on,
        record_retain_until=record.retain_until,
        record_restriction=record.restriction_ground,
        restricted_use=body.restricted_use,
        restricted_use_law=body.restricted_use_law,
    )
    return facts, reference.digest


async def _prepare(context: Context, record_id: uuid.UUID, body: TransferCreate) -> Exchange:
    record = await exchanged_record(context, record_id)
    facts, digest = await transfer_facts(
        writer=context.writer, record=record, body=body, keyring=context.keys
    )
    prepared = Prepared(
        facts,
        conflicts=erased_conflict(record),
        resource_id=str(record.id),
        reference_digest=digest,
    )
    return Exchange(prepared, record)


def _build(
    context: Context, exchange: Exchange, body: TransferCreate, decision: Decision
) -> NewRow[Transfer]:
    """The transfer, pinned to the ground that held and the reference data it was decided
    against."""
    record = exchange.record
    basis = decision.basis
    assert basis is not None  # an allowed transfer always names its ground
    transfer = Transfer(
        id=uuid.uuid4(),
        processing_record_id=record.id,
        organisation=record.organisation,
        recipient_name=body.recipient.name,
        recipient_type=body.recipient.type,
        recipient_is_law_enforcement=body.recipient.is_law_enforcement,
        destination_country=body.destination_country,
        destination_organisation=body.destination_organisation,
        requested_basis=body.basis.value,
        details=body.details.model_dump(mode="json", exclude_none=True),
        fields_disclosed=sorted(body.fields_disclosed),
        justification=body.justification,
        transfer_on=body.transfer_on,
        restriction_ground=record.restriction_ground,
        restricted_use=body.restricted_use if record.restriction_ground else None,
        restricted_use_law=body.restricted_use_law if record.restriction_ground else None,
        basis_ground=basis.ground,
        basis_rule=basis.rule,
        basis_reference=basis.reference,
        decision_id=decision.decision_id,
        policy_version=decision.policy_version,
        recorded_by=context.principal.sub,
    )
    change = Change(
        resource_type="transfer",
        organisation=record.organisation,
        visibility="organisation",
        purpose=record.purpose,
        legal_basis=basis.rule,
        details={
            "processing_record_id": str(record.id),
            "destination": body.destination_organisation or body.destination_country,
            "recipient_type": body.recipient.type,
            # LED Art. 25(1): the log of a disclosure names its recipient; a recipient that
            # is neither an authority nor an international organisation may be a person
            "recipient": body.recipient.name
            if body.recipient.type != "other" or body.recipient.is_law_enforcement
            else None,
            "basis": basis.ground,
            "fields_disclosed": sorted(body.fields_disclosed),
            "restricted_use": body.restricted_use if record.restriction_ground else None,
            "transfer_on": body.transfer_on.isoformat(),
            # Art. 5(2): a transfer made before today is recorded after the fact
            "after_the_fact": body.transfer_on < today(),
            # for the DPO's review: a derogation used systematically (recital 25)
            "flags": [
                o.kind for o in decision.obligations if o.kind == "review_systematic_derogation"
            ],
        },
    )
    return NewRow(transfer, change)


async def _count_flow(
    context: Context, exchange: Exchange, body: TransferCreate, transfer: Transfer
) -> None:
    """The transfer counted in its flow (transfer_flow), which an impact analysis reads."""
    await transfer_flows.count_transfer(context.writer.session, transfer.id)


# ACL-ROLE, ACL-ORG, SCOPE-EUROPOL, ILO-10.2, ILO-10.4, NR-1, LED-35/39, DOC-1, GDPR-30.1e, then
# GDPR-45/46/49 (EUDPR-47/48/50, LED-36/37/38). A denial is a 403 listing every ground tried;
# nothing is stored but its audit event (and the audited NR-1 read).
RECORD = Action(
    policy=TRANSFER_RECORD,
    resource=RESOURCE,
    body=TransferCreate,
    target="uuid",
    load=_prepare,
    build=_build,
    makes="row",
    then=_count_flow,
    summary="Decide and record a transfer to a third country or international organisation",
)


async def list_transfers(
    *, session: AsyncSession, record_id: uuid.UUID, window: Window | None = None
) -> Sequence[Transfer]:
    """The record's transfers in the order they were recorded: a page of them (`window`), or all
    (the data-subject export)."""
    query = select(Transfer).where(Transfer.processing_record_id == record_id)
    if window is None:
        query = query.order_by(Transfer.created_at, Transfer.id)
    else:
        query = window.apply(query, Transfer.created_at, Transfer.id)
    return (await session.scalars(query)).all()


def render(transfer: Transfer) -> TransferOut:
    return TransferOut(
        id=transfer.id,
        processing_record_id=transfer.processing_record_id,
        organisation=transfer.organisation,
        recipient=Recipient(
            name=transfer.recipient_name,
            type=transfer.recipient_type,
            is_law_enforcement=transfer.recipient_is_law_enforcement,
        ),
        destination_country=transfer.destination_country,
        destination_organisation=transfer.destination_organisation,
        requested_basis=transfer.requested_basis,
        details=TransferDetails.model_validate(transfer.details),
        fields_disclosed=transfer.fields_disclosed,
        justification=transfer.justification,
        transfer_on=transfer.transfer_on,
        restriction_ground=transfer.restriction_ground,
        restricted_use=transfer.restricted_use,
        restricted_use_law=transfer.restricted_use_law,
        basis=BasisOut(
            ground=transfer.basis_ground,
            rule=transfer.basis_rule,
            reference=transfer.basis_reference,
        ),
        decision_id=transfer.decision_id,
        policy_version=transfer.policy_version,
        recorded_by=transfer.recorded_by,
        created_at=transfer.created_at,
    )
