"""Institutional contacts (reference data): read by every participant and by the upload path,
which hands them to the platform's scanner; kept by the reference administrator of the
participant that keeps each entry (institutional_contact.create/.replace, ACL-ROLE, ACL-ORG)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.visibility import visible
from app.db.writer import Change, NewRow, Prepared, RowUpdate
from app.keyset import Window
from app.models import InstitutionalContact
from app.platform.institutional import InstitutionalContacts, iban_key, phone_key_of
from app.policies import Decision, InstitutionalContactFacts
from app.policies.institutional_contact import (
    INSTITUTIONAL_CONTACT_CREATE,
    INSTITUTIONAL_CONTACT_REPLACE,
)
from app.problems import Conflict, NotFound, ValidationFailed
from app.schemas.institutional_contact import (
    InstitutionalContactCreate,
    InstitutionalContactFields,
)
from app.security import Principal
from app.services import access
from app.services.guarded import Action, Context, stale

RESOURCE = "institutional_contact"


async def known_contacts(session: AsyncSession) -> InstitutionalContacts:
    """Every registered contact, as the scanner compares them."""
    rows = (
        await session.execute(
            select(
                InstitutionalContact.emails, InstitutionalContact.phones, InstitutionalContact.ibans
            )
        )
    ).all()
    return InstitutionalContacts.of(
        emails=(e for row in rows for e in row.emails),
        phones=(p for row in rows for p in row.phones),
        ibans=(i for row in rows for i in row.ibans),
    )


def _missing(entry_id: str) -> NotFound:
    return NotFound(
        f"No institutional contact {entry_id!r}.", resource_type=RESOURCE, resource_id=entry_id
    )


async def list_entries(
    *, session: AsyncSession, principal: Principal, window: Window
) -> Sequence[InstitutionalContact]:
    seen = access.listing(principal, "reference_data")
    query = select(InstitutionalContact).where(visible(InstitutionalContact, seen))
    return (await session.scalars(window.apply(query, InstitutionalContact.id))).all()


async def read_entry(
    *, session: AsyncSession, principal: Principal, entry_id: str
) -> InstitutionalContact:
    """An entry (read policy `reference_data`: every participant), or a 404."""
    seen = access.visibility(principal, "reference_data")
    entry = await session.scalar(
        select(InstitutionalContact).where(
            InstitutionalContact.id == entry_id, visible(InstitutionalContact, seen)
        )
    )
    if entry is None:
        raise _missing(entry_id)
    return entry


def _iban_ok(value: str) -> bool:
    # The scanner's contact patterns, imported by the first write that checks an IBAN (and
    # warmed once the server answers: app.main.WARM_AFTER_START), not by every start.
    from app.platform.contact import IBAN_LENGTHS, iban_checksum_ok

    compact = iban_key(value)
    return IBAN_LENGTHS.get(compact[:2]) == len(compact) and iban_checksum_ok(compact)


def _values(body: InstitutionalContactFields) -> dict[str, Any]:
    """The entry's columns; 422 naming each number that is none and each IBAN whose length or
    check digits do not verify (the scanner could never match them)."""
    errors = [
        {"pointer": f"/phones/{i}", "in": "body", "detail": "not a telephone number in "
         "international form (+ and country code)"}
        for i, phone in enumerate(body.phones) if phone_key_of(phone) is None
    ] + [
        {"pointer": f"/ibans/{i}", "in": "body", "detail": "not an IBAN: its length or check "
         "digits do not verify"}
        for i, iban in enumerate(body.ibans) if not _iban_ok(iban)
    ]  # fmt: skip
    if errors:
        raise ValidationFailed(errors)
    return body.model_dump(mode="python", exclude={"id"})


def _change(entry: InstitutionalContact, *, created: bool, version: int) -> Change:
    """The audit and feed record: the entry's id and keeper, never its contacts."""
    return Change(
        organisation=entry.organisation,
        details={"id": entry.id, "created": created, "version": version},
    )


async def _prepare_create(
    context: Context, _: object, body: InstitutionalContactCreate
) -> Prepared[InstitutionalContactFacts]:
    _values(body)
    exists = await context.writer.session.get(InstitutionalContact, body.id) is not None
    conflict = Conflict(f"institutional contact {body.id!r} exists: change it with PUT.")
    facts = InstitutionalContactFacts(
        actor=context.principal.actor(), organisation=body.organisation
    )
    return Prepared(facts, conflicts=(conflict,) if exists else ())


def _build_create(
    context: Context, _: Prepared[Any], body: InstitutionalContactCreate, __: Decision
) -> NewRow[InstitutionalContact]:
    """Register an institution's contacts (ACL-ROLE, ACL-ORG); an existing id is a 409."""
    entry = InstitutionalContact(
        id=body.id, version=1, updated_by=context.principal.sub, **_values(body)
    )
    return NewRow(entry, _change(entry, created=True, version=1))


@dataclass(frozen=True, slots=True)
class Replacement:
    prepared: Prepared[InstitutionalContactFacts]
    entry: InstitutionalContact


async def _prepare_replace(
    context: Context, entry_id: str, body: InstitutionalContactFields
) -> Replacement:
    """Decided for the entry before and after: a participant neither takes over another's
    entry nor gives its own away."""
    entry = await context.writer.session.get(
        InstitutionalContact,
        entry_id,
        with_for_update=context.lock,
        populate_existing=context.lock,
    )
    if entry is None:
        raise _missing(entry_id)
    _values(body)
    actor = context.principal.actor()
    conflict = stale(context.if_match, entry.version)
    prepared = Prepared(
        InstitutionalContactFacts(actor=actor, organisation=body.organisation),
        before=InstitutionalContactFacts(actor=actor, organisation=entry.organisation),
        conflicts=(conflict,) if conflict else (),
        resource_id=entry.id,
    )
    return Replacement(prepared, entry)


def _build_replace(
    context: Context, replacement: Replacement, body: InstitutionalContactFields, _: Decision
) -> RowUpdate[InstitutionalContact]:
    """Replace an entry's contacts (If-Match); decided for the entry before and after."""
    entry = replacement.entry
    values = {**_values(body), "updated_by": context.principal.sub}
    return RowUpdate(entry, values, _change(entry, created=False, version=entry.version + 1))


CREATE_CONTACT = Action(
    policy=INSTITUTIONAL_CONTACT_CREATE,
    resource=RESOURCE,
    body=InstitutionalContactCreate,
    target="none",
    load=_prepare_create,
    build=_build_create,
    makes="row",
    summary="Register an institution's contacts (reference_admin of the keeping participant)",
)
REPLACE_CONTACT = Action(
    policy=INSTITUTIONAL_CONTACT_REPLACE,
    resource=RESOURCE,
    body=InstitutionalContactFields,
    target="id",
    load=_prepare_replace,
    build=_build_replace,
    makes="change",
    names_version=True,
    summary="Change an institution's contacts (If-Match required)",
)
