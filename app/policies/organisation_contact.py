"""Who keeps an organisation's functional contacts, the ones its record of processing
activities names (GDPR-30.1(a)): its own DPO or reference administrator (ACL-ROLE, ACL-ORG)."""

from dataclasses import dataclass

from app.policies.acl import Actor, Requirement, require_org
from app.policies.actions import declare
from app.policies.engine import Outcome
from app.policies.vocabulary import Role


@dataclass(frozen=True, slots=True, kw_only=True)
class ContactFacts:
    actor: Actor
    organisation: str


KEEPS_CONTACTS = Requirement(roles=frozenset({Role.dpo, Role.reference_admin}))


def decide_contacts_replace(facts: ContactFacts) -> Outcome:
    """ACL-ROLE, ACL-ORG: an organisation's DPO or reference administrator keeps its own
    controller and DPO contacts, and no other organisation's."""
    return Outcome(results=[require_org(facts.actor, ("organisation", facts.organisation))])


ORGANISATION_CONTACTS_REPLACE = declare(
    "organisation.contacts_replace",
    ContactFacts,
    requires=KEEPS_CONTACTS,
    rules=decide_contacts_replace,
    emits=("organisation.contacts_replaced",),
)
