"""Who keeps an institutional contact (reference data the platform's scanner reads): the
reference administrator of the participant that keeps the entry (ACL-ROLE, ACL-ORG); a change
is decided for the entry before and after, so no participant takes over another's entry or
gives its own away."""

from dataclasses import dataclass

from app.policies.acl import Actor, Requirement, require_org
from app.policies.actions import declare
from app.policies.engine import Outcome
from app.policies.vocabulary import Role


@dataclass(frozen=True, slots=True, kw_only=True)
class InstitutionalContactFacts:
    actor: Actor
    organisation: str  # the participant that keeps the entry


KEEPS_INSTITUTIONAL_CONTACTS = Requirement(roles=frozenset({Role.reference_admin}))


def decide_institutional_contact(facts: InstitutionalContactFacts) -> Outcome:
    """ACL-ROLE, ACL-ORG: a participant's reference administrator keeps the institutional
    contacts its participant keeps, and no other participant's."""
    return Outcome(results=[require_org(facts.actor, ("organisation", facts.organisation))])


INSTITUTIONAL_CONTACT_CREATE = declare(
    "institutional_contact.create",
    InstitutionalContactFacts,
    requires=KEEPS_INSTITUTIONAL_CONTACTS,
    rules=decide_institutional_contact,
    emits=("reference.updated",),
)
INSTITUTIONAL_CONTACT_REPLACE = declare(
    "institutional_contact.replace",
    InstitutionalContactFacts,
    requires=KEEPS_INSTITUTIONAL_CONTACTS,
    rules=decide_institutional_contact,
    emits=("reference.updated",),
)
