"""An organisation's functional contacts as controller and of its DPO (GDPR Art. 30(1)(a)):
read by every participant, kept by the organisation itself (organisation.contacts_replace)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.writer import Change, Prepared, RowUpdate
from app.models import OrganisationContact
from app.policies import ContactFacts, Decision
from app.policies.organisation_contact import ORGANISATION_CONTACTS_REPLACE
from app.problems import NotFound, Problem
from app.schemas.organisation import ContactsIn
from app.security import Principal
from app.services.guarded import Action, Context, stale

RESOURCE = "organisation_contact"


async def read_contacts(
    *, session: AsyncSession, principal: Principal | None, code: str, for_update: bool = False
) -> OrganisationContact:
    """A participant's contacts; every participant reads them (they name no person)."""
    query = select(OrganisationContact).where(OrganisationContact.organisation == code)
    found = await session.scalar(query.with_for_update() if for_update else query)
    if found is None:
        raise NotFound(
            f"No organisation with code {code!r}.", resource_type=RESOURCE, resource_id=code
        )
    return found


@dataclass(frozen=True, slots=True)
class Replacement:
    prepared: Prepared[ContactFacts]
    contacts: OrganisationContact


async def _prepare_replace(context: Context, code: str, body: ContactsIn) -> Replacement:
    contacts = await read_contacts(
        session=context.writer.session,
        principal=context.principal,
        code=code,
        for_update=context.lock,
    )
    conflicts: list[Problem] = []
    if (precondition := stale(context.if_match, contacts.version)) is not None:
        conflicts.append(precondition)
    facts = ContactFacts(actor=context.principal.actor(), organisation=contacts.organisation)
    return Replacement(Prepared(facts, conflicts=tuple(conflicts), resource_id=code), contacts)


def _build_replace(
    context: Context, replacement: Replacement, body: ContactsIn, _: Decision
) -> RowUpdate[OrganisationContact]:
    """ACL-ROLE, ACL-ORG, If-Match: the organisation's DPO or reference administrator sets its
    functional contacts; the change is audited, and its event names no contact."""
    values = {
        "controller_contact": body.controller_contact,
        "dpo_contact": body.dpo_contact,
        "updated_by": context.principal.sub,
    }
    change = Change(organisation=replacement.contacts.organisation)
    return RowUpdate(replacement.contacts, values, change)


REPLACE_CONTACTS = Action(
    policy=ORGANISATION_CONTACTS_REPLACE,
    resource=RESOURCE,
    body=ContactsIn,
    target="id",
    load=_prepare_replace,
    build=_build_replace,
    makes="change",
    names_version=True,
    summary="Replace the organisation's controller and DPO contacts",
)
