"""ILOs: register, amend and read officers; their contact details are sealed personal data."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import crypto
from app.db.visibility import visible
from app.db.writer import Change, NewRow, Prepared, RowUpdate, Writer
from app.keyring import Keyring
from app.keyset import Window
from app.models import Authority, Officer
from app.policies import Decision, OfficerFacts
from app.policies.deployment import OFFICER_CREATE, OFFICER_UPDATE
from app.problems import NotFound
from app.schemas.officer import Contact, OfficerCreate, OfficerOut, OfficerUpdate
from app.security import Principal
from app.services import access
from app.services.authority import get_authority
from app.services.external_reference import reference_taken
from app.services.guarded import Action, Context, stale


def _context(officer_id: uuid.UUID) -> bytes:
    return b"officer-contact:" + officer_id.bytes


def _seal_contact(
    officer_id: uuid.UUID, contact: Contact | None, keyring: Keyring
) -> dict[str, Any]:
    if contact is None or (contact.phone is None and contact.email is None):
        return {"contact_ciphertext": None, "contact_wrapped_key": None, "contact_kek_id": None}
    sealed = crypto.seal(
        contact.model_dump(), kek=keyring.kek, kek_id=keyring.kek_id, context=_context(officer_id)
    )
    return {
        "contact_ciphertext": sealed.ciphertext,
        "contact_wrapped_key": sealed.wrapped_key,
        "contact_kek_id": sealed.kek_id,
    }


def render(officer: Officer, *, contact: Contact | None) -> OfficerOut:
    return OfficerOut(
        id=officer.id,
        organisation=officer.organisation,
        authority_id=officer.authority_id,
        surname=officer.surname,
        given_names=officer.given_names,
        expertise=officer.expertise,
        contact=contact,
        contact_erased_at=officer.contact_erased_at,
        external_reference=officer.external_reference,
        version=officer.version,
        created_at=officer.created_at,
        updated_at=officer.updated_at,
    )


def _facts(principal: Principal, organisation: str) -> OfficerFacts:
    return OfficerFacts(
        actor=principal.actor(), officer_org=organisation, authority_org=organisation
    )


@dataclass(frozen=True, slots=True)
class OfficerCreation:
    prepared: Prepared[OfficerFacts]
    authority: Authority


async def _prepare_create(context: Context, _: object, body: OfficerCreate) -> OfficerCreation:
    session = context.writer.session
    authority = await get_authority(session=session, authority_id=body.authority_id)
    taken = await reference_taken(
        session, Officer, organisation=authority.organisation, reference=body.external_reference
    )
    prepared = Prepared(
        _facts(context.principal, authority.organisation), conflicts=(taken,) if taken else ()
    )
    return OfficerCreation(prepared, authority)


@dataclass(frozen=True, slots=True)
class OfficerAmendment:
    prepared: Prepared[OfficerFacts]
    officer: Officer


async def _prepare_update(
    context: Context, officer_id: uuid.UUID, _: object = None
) -> OfficerAmendment:
    officer = await get_officer(
        session=context.writer.session, officer_id=officer_id, for_update=context.lock
    )
    facts = _facts(context.principal, officer.organisation)
    conflict = stale(context.if_match, officer.version)
    return OfficerAmendment(
        Prepared(
            facts,
            before=facts,
            conflicts=(conflict,) if conflict else (),
            resource_id=str(officer.id),
        ),
        officer,
    )


def _build_create(
    context: Context, creation: OfficerCreation, body: OfficerCreate, _: Decision
) -> NewRow[Officer]:
    authority = creation.authority
    officer_id = uuid.uuid4()
    officer = Officer(
        id=officer_id,
        organisation=authority.organisation,
        authority_id=authority.id,
        surname=body.surname,
        given_names=body.given_names,
        expertise=[t.value for t in body.expertise],
        external_reference=body.external_reference,
        version=1,
        **_seal_contact(officer_id, body.contact, context.keys),
    )
    return NewRow(officer, Change(organisation=authority.organisation))


def _build_update(
    context: Context, update: OfficerAmendment, body: OfficerUpdate, _: Decision
) -> RowUpdate[Officer]:
    officer = update.officer
    values: dict[str, Any] = {}
    if body.surname is not None:
        values["surname"] = body.surname
    if body.given_names is not None:
        values["given_names"] = body.given_names
    if body.expertise is not None:
        values["expertise"] = [t.value for t in body.expertise]
    if "contact" in body.model_fields_set:
        values.update(_seal_contact(officer.id, body.contact, context.keys))
    change = Change(
        organisation=officer.organisation, details={"fields": sorted(body.model_fields_set)}
    )
    return RowUpdate(officer, values, change)


CREATE = Action(
    policy=OFFICER_CREATE,
    resource="officer",
    body=OfficerCreate,
    target="none",
    load=_prepare_create,
    build=_build_create,
    makes="row",
    summary="Register an ILO of your organisation",
)
UPDATE = Action(
    policy=OFFICER_UPDATE,
    resource="officer",
    body=OfficerUpdate,
    target="uuid",
    load=_prepare_update,
    build=_build_update,
    makes="change",
    names_version=True,
    summary="Amend an ILO",
)


async def get_officer(
    *, session: AsyncSession, officer_id: uuid.UUID, for_update: bool = False
) -> Officer:
    """`for_update` locks the row, so If-Match is checked against the version being changed."""
    officer = await session.get(Officer, officer_id, with_for_update=for_update)
    if officer is None:
        raise NotFound(
            f"No officer {officer_id}.", resource_type="officer", resource_id=str(officer_id)
        )
    return officer


async def read_officer(
    *, session: AsyncSession, principal: Principal, officer_id: uuid.UUID
) -> Officer:
    """An officer the caller sees (read policy `officer`), or a 404."""
    seen = access.visibility(principal, "officer")
    officer = await session.scalar(
        select(Officer).where(Officer.id == officer_id, visible(Officer, seen))
    )
    if officer is None:
        raise NotFound(
            f"No officer {officer_id}.", resource_type="officer", resource_id=str(officer_id)
        )
    return officer


async def read_contact(*, writer: Writer, officer: Officer, keyring: Keyring) -> Contact | None:
    """Decrypt the contact details for a caller entitled to them (ILO-9.3: the contact-list
    roles, and the officer's own organisation); the access is audited."""
    seen = access.visibility(writer.principal, "officer")
    if (
        not seen.shows("contact", organisation=officer.organisation)
        or officer.contact_ciphertext is None
    ):
        return None
    assert officer.contact_wrapped_key is not None
    assert officer.contact_kek_id is not None
    payload = crypto.open_sealed(
        officer.contact_ciphertext,
        officer.contact_wrapped_key,
        kek=keyring.kek_for(officer.contact_kek_id),
        kek_id=officer.contact_kek_id,
        context=_context(officer.id),
    )
    await writer.record_access(
        decision=None,
        change=Change(
            event_type="officer.contact_read",
            resource_type="officer",
            organisation=officer.organisation,
            legal_basis="ILO-9.3",
            feed=False,
        ),
        resource_id=str(officer.id),
    )
    return Contact.model_validate(payload)


async def list_officers(
    *,
    session: AsyncSession,
    principal: Principal,
    organisation: str | None,
    authority_id: uuid.UUID | None,
    window: Window,
    external_reference: str | None = None,
) -> Sequence[Officer]:
    seen = access.listing(principal, "officer")
    query = select(Officer).where(visible(Officer, seen))
    if organisation is not None:
        query = query.where(Officer.organisation == organisation)
    if authority_id is not None:
        query = query.where(Officer.authority_id == authority_id)
    if external_reference is not None:
        query = query.where(Officer.external_reference == external_reference)
    query = window.apply(query, Officer.id)
    return (await session.scalars(query)).all()
