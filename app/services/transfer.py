"""Chapter V transfers of a processing record (Art. 10(5), GDPR-30.1e): the facts are the record,
the officer's deployment on the transfer date, the reference data in force and the participants;
the first ground that holds is recorded with the transfer."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.writer import Change, Writer
from app.keyring import Keyring
from app.models import ProcessingRecord, Transfer
from app.policies import Decision, TransferFacts, evaluate
from app.problems import Conflict
from app.schemas.policy import BasisOut
from app.schemas.transfer import Recipient, TransferCreate, TransferDetails, TransferOut
from app.services.deployment import active_deployment
from app.services.officer import get_officer
from app.services.organisation import participant_map
from app.services.processing_record import RESOURCE, read_subject_data
from app.services.reference_data import transfer_reference

ACTION = "transfer.record"
# NR-1 needs them: decrypting them for the decision is a purpose-bound read, audited.
NR1_FIELDS = ("nationality", "protection_status")


def require_not_erased(record: ProcessingRecord) -> None:
    if record.erased_at is not None:
        raise Conflict(f"Processing record {record.id} was erased on {record.erased_at:%Y-%m-%d}.")


async def transfer_facts(
    *, writer: Writer, record: ProcessingRecord, body: TransferCreate, keyring: Keyring
) -> tuple[TransferFacts, str]:
    """The facts of transfer.record, and the digest of the reference data they hold."""
    session = writer.session
    officer = await get_officer(session=session, officer_id=record.officer_id)
    deployment = await active_deployment(session=session, officer=officer, on=body.transfer_on)
    payload = await read_subject_data(
        writer=writer,
        record=record,
        keyring=keyring,
        fields=NR1_FIELDS,
        reason="NR-1: transfer decision",
    )
    nationality = payload.subject_data.get("nationality") if payload else None
    reference = await transfer_reference(session=session)
    details = body.details
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
    )
    return facts, reference.digest


async def decide_transfer(
    *, writer: Writer, record: ProcessingRecord, body: TransferCreate, keyring: Keyring
) -> Decision:
    """transfer.record, pinned to the reference data it was decided against."""
    facts, digest = await transfer_facts(writer=writer, record=record, body=body, keyring=keyring)
    return evaluate(ACTION, facts, reference_digest=digest)


async def record_transfer(
    *, writer: Writer, record: ProcessingRecord, body: TransferCreate, keyring: Keyring
) -> Transfer:
    """Decide and record a transfer: ACL-ROLE, ACL-ORG, SCOPE-EUROPOL, ILO-10.2, ILO-10.4, NR-1,
    LED-35/39, DOC-1, GDPR-30.1e, then GDPR-45/46/49 (EUDPR-47/48/50, LED-36/37/38).

    A denial is a 403 listing every ground tried; nothing is stored but its audit event.
    """
    require_not_erased(record)
    decision = await decide_transfer(writer=writer, record=record, body=body, keyring=keyring)
    Writer.enforce(decision, action=ACTION, resource_type=RESOURCE, resource_id=str(record.id))
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
        basis_ground=basis.ground,
        basis_rule=basis.rule,
        basis_reference=basis.reference,
        decision_id=decision.decision_id,
        policy_version=decision.policy_version,
        recorded_by=writer.principal.sub,
    )
    return await writer.insert(
        transfer,
        decision=decision,
        change=Change(
            event_type="transfer.recorded",
            resource_type="transfer",
            organisation=record.organisation,
            visibility="organisation",
            purpose=record.purpose,
            legal_basis=basis.rule,
            details={
                "processing_record_id": str(record.id),
                "destination": body.destination_organisation or body.destination_country,
                "recipient_type": body.recipient.type,
                "basis": basis.ground,
                "fields_disclosed": sorted(body.fields_disclosed),
            },
        ),
    )


async def list_transfers(*, session: AsyncSession, record_id: uuid.UUID) -> Sequence[Transfer]:
    return (
        await session.scalars(
            select(Transfer)
            .where(Transfer.processing_record_id == record_id)
            .order_by(Transfer.created_at, Transfer.id)
        )
    ).all()


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
