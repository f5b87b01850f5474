"""The guarded actions as the law sees them: for each, its facts, who may ask (ACL-ROLE as data)
and the rules it runs. `evaluate()` turns an action's facts into a Decision.

Area modules declare their actions with `register`; the service layer's registry
(app/services/actions.py) adds how the facts are loaded, the state conflicts and the events.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from app.policies.acl import Actor, Requirement, require
from app.policies.engine import Decision, Outcome, decide
from app.policies.vocabulary import Action

Handler = Callable[[Any], Outcome]
_F = TypeVar("_F", bound=Handler)


class UnknownAction(ValueError):
    """An action no area module declared (a programming error, never a denial)."""


@dataclass(frozen=True, slots=True)
class ActionPolicy:
    """One guarded action: its facts class, its requirement and its rules."""

    name: str
    facts_type: type
    requirement: Requirement
    rules: Handler
    # The officer the action concerns, for requirements an ILO meets only for itself.
    officer_of: Callable[[Any], str | None]

    def judge(self, facts: object, *, reference_digest: str = "") -> Decision:
        if not isinstance(facts, self.facts_type):
            raise TypeError(
                f"action {self.name!r} needs {self.facts_type.__name__}, got {type(facts).__name__}"
            )
        actor: Actor = facts.actor  # type: ignore[attr-defined]
        outcome = self.rules(facts)
        acl = require(self.requirement, actor, action=self.name, officer_id=self.officer_of(facts))
        outcome.results.insert(0, acl)
        return decide(self.name, outcome, reference_digest)


_POLICIES: dict[str, ActionPolicy] = {}


def _nobody(_: object) -> None:
    return None


def register(
    action: str,
    facts_type: type,
    *,
    requires: Requirement,
    officer: Callable[[Any], str | None] = _nobody,
) -> Callable[[_F], _F]:
    """Declare a guarded action with the rules function it decorates; once per action."""

    def declare(rules: _F) -> _F:
        if action not in set(Action):
            raise ValueError(f"action {action!r} is not in the Action vocabulary")
        if action in _POLICIES:
            raise ValueError(f"action {action!r} is already declared")
        _POLICIES[action] = ActionPolicy(action, facts_type, requires, rules, officer)
        return rules

    return declare


def policy_of(action: str) -> ActionPolicy:
    try:
        return _POLICIES[action]
    except KeyError:
        raise UnknownAction(f"no policy declared for action {action!r}") from None


def declared_actions() -> tuple[str, ...]:
    return tuple(sorted(_POLICIES))


def evaluate(action: str, facts: object, *, reference_digest: str = "") -> Decision:
    """Decide a guarded write: the action's requirement, then its rules, against the facts.

    Raises UnknownAction for an undeclared action and TypeError when the facts are not of the
    action's class (programming errors, never denials).
    """
    return policy_of(action).judge(facts, reference_digest=reference_digest)
