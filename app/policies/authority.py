"""Who may register a deploying authority: ACL-ROLE and ACL-ORG."""

from dataclasses import dataclass

from app.policies.acl import Actor, require_org
from app.policies.actions import register
from app.policies.deployment import MANAGES_OFFICERS
from app.policies.engine import Outcome


@dataclass(frozen=True, slots=True, kw_only=True)
class AuthorityFacts:
    actor: Actor
    authority_org: str


@register("authority.create", AuthorityFacts, requires=MANAGES_OFFICERS)
def decide_authority(facts: AuthorityFacts) -> Outcome:
    """ACL-ROLE, ACL-ORG: a deploying authority registers authorities of its own organisation."""
    return Outcome(
        results=[
            require_org(facts.actor, ("authority organisation", facts.authority_org)),
        ]
    )
