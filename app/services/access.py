"""Reads under the read policies (app/policies/visibility.py): the caller's Visibility of a kind,
a 403 ACL-ROLE when it may not read the kind at all, and the 404 of a row it does not see."""

from __future__ import annotations

from app.policies import deny
from app.policies.rules import ACL_ROLE
from app.policies.visibility import READ_POLICIES, Visibility
from app.problems import PolicyDenied
from app.security import Principal


def visibility(principal: Principal, kind: str) -> Visibility:
    """What the caller sees of `kind`; a refused kind is a 403 before any row is looked at."""
    seen = READ_POLICIES[kind](principal.actor())
    if seen.refusal is not None:
        raise PolicyDenied(
            deny(ACL_ROLE, seen.refusal, action=f"{kind}.read"),
            resource_type=kind,
            action=f"{kind}.read",
        )
    return seen


def listing(principal: Principal, kind: str) -> Visibility:
    """A list the caller may ask for: one that can hold no row is a 403 too."""
    seen = visibility(principal, kind)
    if seen.rows.none:
        raise PolicyDenied(
            deny(ACL_ROLE, f"no {kind.replace('_', ' ')} is visible to you", action=f"{kind}.read"),
            resource_type=kind,
            action=f"{kind}.read",
        )
    return seen
