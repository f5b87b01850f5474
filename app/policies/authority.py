"""Who may register a deploying authority: ACL-ROLE and ACL-ORG."""

from dataclasses import dataclass

from app.policies.acl import Actor, require_org, require_role
from app.policies.engine import Outcome, register
from app.policies.vocabulary import Role, Scope


@dataclass(frozen=True, slots=True, kw_only=True)
class AuthorityFacts:
    actor: Actor
    authority_org: str


@register("authority.create", AuthorityFacts)
def decide_authority(facts: AuthorityFacts) -> Outcome:
    """ACL-ROLE, ACL-ORG: a deploying authority registers authorities of its own organisation."""
    return Outcome(
        results=[
            require_role(
                facts.actor,
                roles={Role.deploying_authority},
                scope=Scope.officers_write,
                action="authority",
            ),
            require_org(facts.actor, ("authority organisation", facts.authority_org)),
        ]
    )
