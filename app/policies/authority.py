"""Who may register a deploying authority: ACL-ROLE and ACL-ORG."""

from dataclasses import dataclass

from app.policies.acl import Actor, require_org
from app.policies.actions import declare
from app.policies.deployment import MANAGES_OFFICERS
from app.policies.engine import Outcome


@dataclass(frozen=True, slots=True, kw_only=True)
class AuthorityFacts:
    actor: Actor
    authority_org: str


def decide_authority(facts: AuthorityFacts) -> Outcome:
    """ACL-ROLE, ACL-ORG: a deploying authority registers authorities of its own organisation."""
    return Outcome(
        results=[
            require_org(facts.actor, ("authority organisation", facts.authority_org)),
        ]
    )


AUTHORITY_CREATE = declare(
    "authority.create",
    AuthorityFacts,
    requires=MANAGES_OFFICERS,
    rules=decide_authority,
    emits=("authority.created",),
)
