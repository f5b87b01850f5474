"""Who may ask for a guarded write: ACL-ROLE (role or scope) and ACL-ORG (own organisation)."""

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
    # ILONet itself acting for a controller (the retention sweep), never a token's holder.
    system: bool = False

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


@dataclass(frozen=True, slots=True, kw_only=True)
class Requirement:
    """ACL-ROLE as data: who may ask for an action at all.

    `roles` may ask for it; `officer_roles` may only for the officer the action concerns (an ILO
    acts for itself); `scope` lets an integration client holding it ask; `system` actions are
    asked for by ILONet itself (the retention sweep), never by a token.
    """

    roles: frozenset[Role] = frozenset()
    officer_roles: frozenset[Role] = frozenset()
    scope: Scope | None = None
    system: bool = False

    def admits(self, actor: Actor, *, officer_id: str | None = None) -> bool:
        if self.system:
            return actor.system
        if actor.system:
            return False
        if not self.roles.isdisjoint(actor.roles):
            return True
        if self.scope is not None and actor.may(self.scope):
            return True
        return (
            officer_id is not None
            and actor.officer_id == officer_id
            and not self.officer_roles.isdisjoint(actor.roles)
        )

    def describe(self, officer_id: str | None = None) -> str:
        if self.system:
            return "ILONet itself (the retention sweep)"
        wanted = [f"role {r}" for r in sorted(self.roles)]
        wanted += [f"role {r} acting as officer {officer_id}" for r in sorted(self.officer_roles)]
        if self.scope is not None:
            wanted.append(f"integration with scope {self.scope}")
        return " or ".join(wanted)


# ACL-ROLE met: one shared result (app/policies/actions.py compares with it).
ROLE_MET = passed(ACL_ROLE)


def require(
    requirement: Requirement, actor: Actor, *, action: str, officer_id: str | None = None
) -> RuleResult:
    """ACL-ROLE: the actor meets the action's requirement."""
    if requirement.admits(actor, officer_id=officer_id):
        return ROLE_MET
    return failed(
        ACL_ROLE,
        f"{action} needs {requirement.describe(officer_id)}; actor {actor.sub} "
        f"(roles {sorted(actor.roles)}, officer_id={actor.officer_id}) has none of them",
    )


_ORG_MET = passed(ACL_ORG)


def require_org(actor: Actor, *orgs: tuple[str, str]) -> RuleResult:
    """ACL-ORG: the actor's organisation is each named organisation (label, code)."""
    org = actor.org
    if len(orgs) == 1 and orgs[0][1] == org:  # the common case: one organisation, the actor's
        return _ORG_MET
    return check(
        ACL_ORG,
        [
            f"actor organisation {org} may not act for {label} {code}"
            for label, code in orgs
            if code != org
        ],
    )
