"""Art. 10 processing records: create (ILO-10.2, ILO-10.3, ILO-10.3f), find what the caller may
see, and read the sealed subject data with an audit event for every read."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.clock import today
from app.db import crypto
from app.db.deployed import active_deployment
from app.db.visibility import visible
from app.db.writer import Change, NewRow, Prepared, Writer
from app.keyring import Keyring
from app.keyset import Window
from app.models import Authority, Officer, Organisation, ProcessingRecord
from app.platform.text import FINDING_LABELS, Location, TextUnit
from app.policies import Decision, ProcessingRecordFacts, derive_regime
from app.policies.purpose import PROCESSING_RECORD_CREATE
from app.problems import NotFound, ValidationFailed
from app.schemas.policy import ObligationOut
from app.schemas.processing_record import ProcessingRecordCreate, ProcessingRecordOut
from app.security import Principal
from app.services import access
from app.services.authority import get_authority
from app.services.external_reference import reference_taken
from app.services.guarded import Action, Context
from app.services.officer import get_officer
from app.services.organisation import get_organisation

RESOURCE = "processing_record"
_POINT = {
    "return": "(a)",
    "resettlement": "(b)",
    "legal_migration": "(c)",
    "smuggling_trafficking": "(d)",
}


def legal_basis(purpose: str) -> str:
    """The Art. 3(6) task a record serves, as the audit log's legal basis."""
    return f"Regulation (EU) 2019/1240, Art. 10(2), 3(6){_POINT.get(purpose, '')}"


def shows(principal: Principal, name: str, record: ProcessingRecord) -> bool:
    """Does the caller see the guarded field `name` (subject_data, export) of the record?"""
    seen = access.visibility(principal, RESOURCE)
    return seen.shows(name, organisation=record.organisation, officer_id=str(record.officer_id))


async def get_visible_record(
    *, session: AsyncSession, principal: Principal, record_id: uuid.UUID, lock: str | None = None
) -> ProcessingRecord:
    """The record, or a 404 (audited) when it does not exist or the caller may not see it.

    `lock` "update" serialises erasures; "share" keeps a record from being erased while a
    transfer or share is decided on it (the sweep skips locked rows).
    """
    seen = access.visibility(principal, RESOURCE)
    query = select(ProcessingRecord).where(
        ProcessingRecord.id == record_id, visible(ProcessingRecord, seen)
    )
    if lock is not None:
        query = query.with_for_update(read=lock == "share").execution_options(
            populate_existing=True
        )
    record = await session.scalar(query)
    if record is None:
        raise NotFound(
            f"No processing record {record_id}.", resource_type=RESOURCE, resource_id=str(record_id)
        )
    return record


def check_justification(justification: str) -> None:
    """LED-25: the justification of a read is logged, so it holds no personal data (the
    platform scanner's findings, by kind only, make it a 422)."""
    # Imported here, not at start: the server warms it once it answers (app/main.py).
    from app.platform.scanner import scan

    findings = scan([TextUnit(justification, Location(pointer="/reason"))])
    if findings:
        kinds = ", ".join(sorted({FINDING_LABELS[f.kind] for f in findings}))
        raise ValidationFailed(
            [
                {
                    "pointer": "reason",
                    "in": "query",
                    "detail": f"the reason is logged and must hold no personal data: {kinds}",
                }
            ]
        )


@dataclass(frozen=True, slots=True)
class Creation:
    """What a record's decision and row are built from."""

    prepared: Prepared[ProcessingRecordFacts]
    officer: Officer
    authority: Authority
    organisation: Organisation


async def _prepare_create(context: Context, _: object, body: ProcessingRecordCreate) -> Creation:
    session = context.writer.session
    officer = await get_officer(session=session, officer_id=body.officer_id)
    authority = await get_authority(session=session, authority_id=officer.authority_id)
    organisation = await get_organisation(session=session, code=officer.organisation)
    on = today()
    began = body.began_on or on
    deployment = await active_deployment(session=session, officer=officer, on=began)
    facts = ProcessingRecordFacts(
        actor=context.principal.actor(),
        officer_id=str(officer.id),
        officer_org=officer.organisation,
        officer_authority_kind=authority.authority_kind,
        officer_org_kind=organisation.kind,
        officer_has_active_deployment=deployment is not None,
        purpose=body.purpose.value,
        data_categories=tuple(c.value for c in body.data_categories),
        subject_fields=body.subject_data.field_names() | {"protection_status"},
        retain_until=body.retain_until,
        today=on,
        began_on=began,
        max_retention_days=dict(context.settings.retention_max_days),
    )
    taken = await reference_taken(
        session,
        ProcessingRecord,
        organisation=officer.organisation,
        reference=body.external_reference,
    )
    prepared = Prepared(facts, conflicts=(taken,) if taken else ())
    return Creation(prepared, officer, authority, organisation)


def _build_create(
    context: Context, creation: Creation, body: ProcessingRecordCreate, decision: Decision
) -> NewRow[ProcessingRecord]:
    """The record, its subject data sealed under a fresh data key bound to the record id; only
    field names reach the audit log and the change feed. The regime follows from the allowed
    facts."""
    facts = creation.prepared.facts
    officer, authority = creation.officer, creation.authority
    regime = derive_regime(
        org_kind=creation.organisation.kind,
        authority_kind=authority.authority_kind,
        purpose=facts.purpose,
    )
    record_id = uuid.uuid4()
    sealed = crypto.seal(
        {
            "subject_data": body.subject_data.payload(),
            "protection_status": body.protection_status,
        },
        kek=context.keys.kek,
        kek_id=context.keys.kek_id,
        context=record_id.bytes,
    )
    record = ProcessingRecord(
        id=record_id,
        officer_id=officer.id,
        organisation=officer.organisation,
        authority_id=authority.id,
        purpose=facts.purpose,
        data_categories=list(facts.data_categories),
        data_subject_category=body.data_subject_category,
        regime=regime,
        special_category="biometrics" in facts.subject_fields,
        subject_fields=sorted(facts.subject_fields),
        necessity_justification=body.necessity_justification,
        began_on=facts.began,
        retain_until=body.retain_until,
        ciphertext=sealed.ciphertext,
        wrapped_key=sealed.wrapped_key,
        kek_id=sealed.kek_id,
        obligations=_obligations(decision),
        decision_id=decision.decision_id,
        policy_version=decision.policy_version,
        created_by=context.principal.sub,
        external_reference=body.external_reference,
        version=1,
    )
    change = Change(
        organisation=officer.organisation,
        visibility="organisation",
        purpose=facts.purpose,
        legal_basis=legal_basis(facts.purpose),
        details={
            "officer_id": str(officer.id),
            "data_categories": list(facts.data_categories),
            "subject_fields": sorted(facts.subject_fields),
            "regime": regime,
            "began_on": facts.began.isoformat(),
            # Art. 5(2): a processing that began before today is loaded after the fact
            # (the event's time says when)
            "after_the_fact": facts.began < facts.today,
        },
    )
    return NewRow(record, change)


# ACL-ROLE/ACL-ORG (the caller acts for the officer), ILO-10.2 (purpose, a controller, active
# deployment today, retention cap), ILO-10.3, ILO-10.3f.
CREATE = Action(
    policy=PROCESSING_RECORD_CREATE,
    resource=RESOURCE,
    body=ProcessingRecordCreate,
    target="none",
    load=_prepare_create,
    build=_build_create,
    makes="row",
    summary="Record a processing of personal data (Art. 10); the response holds no subject data",
)


def _obligations(decision: Decision) -> list[dict[str, Any]]:
    return [
        {"kind": o.kind, "detail": o.detail, "due_on": o.due_on.isoformat() if o.due_on else None}
        for o in decision.obligations
    ]


@dataclass(frozen=True, slots=True)
class SubjectPayload:
    subject_data: dict[str, Any]
    protection_status: str


def unseal(record: ProcessingRecord, keyring: Keyring) -> SubjectPayload | None:
    """Decrypt a record's payload (None once erased). Callers audit the read."""
    if record.ciphertext is None or record.wrapped_key is None or record.kek_id is None:
        return None
    payload = crypto.open_sealed(
        record.ciphertext,
        record.wrapped_key,
        kek=keyring.kek_for(record.kek_id),
        kek_id=record.kek_id,
        context=record.id.bytes,
    )
    return SubjectPayload(payload["subject_data"], payload["protection_status"])


async def read_subject_data(
    *,
    writer: Writer,
    record: ProcessingRecord,
    keyring: Keyring,
    fields: Sequence[str] | None = None,
    reason: str = "read",
    event_type: str = "processing_record.read",
    justification: str | None = None,
) -> SubjectPayload | None:
    """Decrypt for a purpose-bound read and audit it (the field names, never the values), with
    the caller's justification (LED-25), which must hold no personal data (422)."""
    if justification is not None:
        check_justification(justification)
    payload = unseal(record, keyring)
    if payload is None:
        return None
    await writer.record_access(
        decision=None,
        change=Change(
            event_type=event_type,
            resource_type=RESOURCE,
            organisation=record.organisation,
            visibility="organisation",
            purpose=record.purpose,
            legal_basis=legal_basis(record.purpose),
            details={
                "fields": sorted(fields if fields is not None else record.subject_fields),
                "reason": reason,
                # LED-25: the caller's justification, when given
                **({"justification": justification} if justification is not None else {}),
            },
            feed=False,
        ),
        resource_id=str(record.id),
    )
    return payload


async def list_records(
    *,
    session: AsyncSession,
    principal: Principal,
    officer_id: uuid.UUID | None,
    purpose: str | None,
    erased: bool | None,
    window: Window,
    external_reference: str | None = None,
) -> Sequence[ProcessingRecord]:
    seen = access.listing(principal, RESOURCE)
    query = select(ProcessingRecord).where(visible(ProcessingRecord, seen))
    if officer_id is not None:
        query = query.where(ProcessingRecord.officer_id == officer_id)
    if purpose is not None:
        query = query.where(ProcessingRecord.purpose == purpose)
    if external_reference is not None:
        query = query.where(ProcessingRecord.external_reference == external_reference)
    if erased is not None:
        query = query.where(
            ProcessingRecord.erased_at.is_not(None)
            if erased
            else ProcessingRecord.erased_at.is_(None)
        )
    query = window.apply(query, ProcessingRecord.id)
    return (await session.scalars(query)).all()


def render(record: ProcessingRecord, payload: SubjectPayload | None = None) -> ProcessingRecordOut:
    return ProcessingRecordOut(
        id=record.id,
        officer_id=record.officer_id,
        organisation=record.organisation,
        authority_id=record.authority_id,
        purpose=record.purpose,
        data_categories=record.data_categories,
        data_subject_category=record.data_subject_category,
        regime=record.regime,
        special_category=record.special_category,
        subject_fields=record.subject_fields,
        necessity_justification=record.necessity_justification,
        began_on=record.began_on,
        retain_until=record.retain_until,
        obligations=[ObligationOut.model_validate(o) for o in record.obligations],
        decision_id=record.decision_id,
        policy_version=record.policy_version,
        erased_at=record.erased_at,
        erasure_reason=record.erasure_reason,
        external_reference=record.external_reference,
        version=record.version,
        created_at=record.created_at,
        subject_data=payload.subject_data if payload else None,
        protection_status=payload.protection_status if payload else None,
        restriction_ground=record.restriction_ground,
        restricted_at=record.restricted_at,
    )
