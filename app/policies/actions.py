"""The guarded actions as the law sees them: for each, its name, its facts, who may ask (ACL-ROLE
as data), the rules it runs and the events it emits. `evaluate()` turns an action's facts into a
Decision.

Area modules declare each action once with `declare` (the only place its name is spelled); the
service layer's entry (app/services/guarded.py `Action`) refers to that declaration and adds how
the facts are loaded and what the write makes of the Decision. The Action and webhook event
vocabularies are derived from these declarations (app/policies/declared.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.policies.acl import ROLE_MET, Actor, Requirement, require
from app.policies.engine import Decision, Outcome, decide, decider

Handler = Callable[[Any], Outcome]
_NAME = re.compile(r"[a-z_]+\.[a-z_]+")


class UnknownAction(ValueError):
    """An action no area module declared (a programming error, never a denial)."""


@dataclass(frozen=True, slots=True)
class ActionPolicy:
    """One guarded action: its name, facts class, requirement, rules and events."""

    name: str
    facts_type: type
    requirement: Requirement
    rules: Handler
    # The officer the action concerns, for requirements an ILO meets only for itself.
    officer_of: Callable[[Any], str | None]
    # Dotted, past tense ("deployment.planned"); the first is what a single-event write emits.
    events: tuple[str, ...]
    # Whether the events go on the change feed (webhooks) or to the audit log only.
    feed: bool = True
    # judge() compiled once from the fields above (see _compile).
    decides: Callable[[object, str], Decision] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "decides", _compile(self))

    def judge(self, facts: object, *, reference_digest: str = "") -> Decision:
        return self.decides(facts, reference_digest)


def _compile(policy: ActionPolicy) -> Callable[[object, str], Decision]:
    """The action's judge as one function made at declaration: its requirement's common
    admissions (a role it names; an ILO for its own officer) found without building the
    requirement's description, then its rules, then the Decision with ACL-ROLE's pass first."""
    name, facts_type, requirement = policy.name, policy.facts_type, policy.requirement
    rules, officer_of = policy.rules, policy.officer_of
    roles, officer_roles = requirement.roles, requirement.officer_roles
    system = requirement.system
    admitted = decider(name, ROLE_MET)

    def decides(facts: object, reference_digest: str = "") -> Decision:
        if facts.__class__ is not facts_type and not isinstance(facts, facts_type):
            raise TypeError(
                f"action {name!r} needs {facts_type.__name__}, got {type(facts).__name__}"
            )
        actor: Actor = facts.actor  # type: ignore[attr-defined]
        outcome = rules(facts)
        if not system and not actor.system:
            if not roles.isdisjoint(actor.roles):
                return admitted(outcome, reference_digest)
            officer = actor.officer_id
            if (
                officer is not None
                and not officer_roles.isdisjoint(actor.roles)
                and officer == officer_of(facts)
            ):
                return admitted(outcome, reference_digest)
        acl = require(requirement, actor, action=name, officer_id=officer_of(facts))
        if acl is ROLE_MET:
            return admitted(outcome, reference_digest)
        outcome.results.insert(0, acl)
        return decide(name, outcome, reference_digest)

    return decides


_POLICIES: dict[str, ActionPolicy] = {}


def _nobody(_: object) -> None:
    return None


def declare(
    action: str,
    facts_type: type,
    *,
    requires: Requirement,
    rules: Handler,
    emits: tuple[str, ...],
    feed: bool = True,
    officer: Callable[[Any], str | None] = _nobody,
) -> ActionPolicy:
    """Declare a guarded action, once: its name, facts, requirement, rules and events."""
    if not _NAME.fullmatch(action):
        raise ValueError(f"action {action!r} is not a dotted resource.verb name")
    if action in _POLICIES:
        raise ValueError(f"action {action!r} is already declared")
    if not emits or any(not _NAME.fullmatch(e) for e in emits):
        raise ValueError(f"action {action!r} needs dotted event names, got {emits!r}")
    policy = ActionPolicy(action, facts_type, requires, rules, officer, emits, feed)
    _POLICIES[action] = policy
    return policy


def policy_of(action: str) -> ActionPolicy:
    try:
        return _POLICIES[action]
    except KeyError:
        raise UnknownAction(f"no policy declared for action {action!r}") from None


def declared_actions() -> tuple[str, ...]:
    return tuple(sorted(_POLICIES))


def declared_policies() -> tuple[ActionPolicy, ...]:
    return tuple(_POLICIES[name] for name in sorted(_POLICIES))


def evaluate(action: str, facts: object, *, reference_digest: str = "") -> Decision:
    """Decide a guarded write: the action's requirement, then its rules, against the facts.

    Raises UnknownAction for an undeclared action and TypeError when the facts are not of the
    action's class (programming errors, never denials).
    """
    return policy_of(action).decides(facts, reference_digest)
