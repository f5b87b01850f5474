"""Who may ask for a guarded write: ACL-ROLE (role or scope) and ACL-ORG (own organisation)."""

from collections.abc import Collection
from dataclasses import dataclass, field

from app.policies.engine import RuleResult, check, failed, passed
from app.policies.rules import ACL_ORG, ACL_ROLE
from app.policies.vocabulary import Role, Scope

# The claim values the JWT principal accepts (app/security.py).
ROLES = frozenset(Role)
SCOPES = frozenset(Scope)


@dataclass(frozen=True, slots=True, kw_only=True)
class Actor:
    """The caller as the policies see it (built by the service from the JWT principal)."""

    sub: str
    org: str
    roles: frozenset[str] = frozenset()
    officer_id: str | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    def may(self, scope: Scope) -> bool:
        """An integration client may do what its scope list names, nothing more."""
        return Role.integration in self.roles and scope in self.scopes

    def acts_as_officer(self, officer_id: str) -> bool:
        return (
            self.has_role(Role.ilo)
            and self.officer_id is not None
            and self.officer_id == officer_id
        )


def require_role(
    actor: Actor, *, roles: Collection[Role], scope: Scope | None, action: str
) -> RuleResult:
    """ACL-ROLE: one of `roles`, or an integration client holding `scope`."""
    if any(actor.has_role(r) for r in roles) or (scope is not None and actor.may(scope)):
        return passed(ACL_ROLE)
    wanted = " or ".join(sorted(roles))
    if scope is not None:
        wanted += f" or integration with scope {scope}"
    return failed(ACL_ROLE, f"{action} needs role {wanted}; actor {actor.sub} has none of them")


def require_officer(actor: Actor, *, officer_id: str, scope: Scope, action: str) -> RuleResult:
    """ACL-ROLE: an ILO acting as the officer concerned, or an integration client with `scope`."""
    if actor.acts_as_officer(officer_id) or actor.may(scope):
        return passed(ACL_ROLE)
    return failed(
        ACL_ROLE,
        f"{action} needs role ilo acting as officer {officer_id} or integration with scope "
        f"{scope}; actor {actor.sub} (officer_id={actor.officer_id}) is neither",
    )


def require_org(actor: Actor, *orgs: tuple[str, str]) -> RuleResult:
    """ACL-ORG: the actor's organisation is each named organisation (label, code)."""
    return check(
        ACL_ORG,
        (
            f"actor organisation {actor.org} may not act for {label} {code}"
            for label, code in orgs
            if code != actor.org
        ),
    )
