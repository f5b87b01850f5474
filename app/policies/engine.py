"""The rule engine: Decision types, the rule index, and how evaluated rules become a Decision.

An action's rules function (app/policies/actions.py) turns facts into an Outcome: the results of
every rule it evaluated, in order, and for an allowed action the basis and obligations.
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from app.policies.rules import Rule, rule_by_id
from app.policies.vocabulary import TraceResult

RULESET_VERSION = "2026.12.1"


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule: its citation and every reason it was found broken (`message` joins them)."""

    rule: str
    article: str
    message: str
    reasons: tuple[str, ...] = ()

    @property
    def all_reasons(self) -> tuple[str, ...]:
        return self.reasons or (self.message,)

    def as_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "article": self.article,
            "message": self.message,
            "reasons": list(self.all_reasons),
        }


def merge_violations(violations: Iterable[Violation]) -> tuple[Violation, ...]:
    """One violation per rule, in the order the rules first failed: its reasons in order, a
    repeated reason once; the article is the narrowed citation when every reason shares it,
    else the rule's own (the catalogue's)."""
    grouped: dict[str, list[Violation]] = {}
    for v in violations:
        grouped.setdefault(v.rule, []).append(v)
    merged = []
    for rule_id, found in grouped.items():
        reasons = tuple(dict.fromkeys(r for v in found for r in v.all_reasons))
        articles = {v.article for v in found}
        cited = found[0].article if len(articles) == 1 else _catalogue_article(rule_id, found)
        merged.append(Violation(rule_id, cited, "; ".join(reasons), reasons))
    return tuple(merged)


def _catalogue_article(rule_id: str, found: list[Violation]) -> str:
    try:
        return rule_by_id(rule_id).article
    except ValueError:
        return found[0].article


@dataclass(frozen=True, slots=True)
class TraceEntry:
    rule: str
    result: TraceResult
    note: str = ""


@dataclass(frozen=True, slots=True)
class Basis:
    ground: str
    rule: str
    reference: str


@dataclass(frozen=True, slots=True)
class Obligation:
    kind: str
    detail: str
    due_on: date | None = None


class Result(Protocol):
    """What an action's rules derive from its facts for the write to store as is (e.g. the
    ILO-7.8 tally of a Board decision): typed in its policy, JSON in the Decision's `result`."""

    def as_dict(self) -> dict[str, object]: ...


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    decision_id: str
    policy_version: str
    violations: tuple[Violation, ...]
    basis: Basis | None
    obligations: tuple[Obligation, ...]
    trace: tuple[TraceEntry, ...]
    # The action the decision was taken on: the Writer writes only what it authorises.
    action: str = ""
    # What the rules derived for the write to store (an allowed Decision only; None: nothing).
    result: Result | None = None

    @property
    def violated_rules(self) -> tuple[str, ...]:
        """Rule ids of the violations, in order (each once: a Decision merges a rule's reasons)."""
        return tuple(v.rule for v in self.violations)

    def as_dict(self) -> dict[str, object]:
        """The JSON shape of API.md "The Decision"."""
        return {
            "allowed": self.allowed,
            "decision_id": self.decision_id,
            "policy_version": self.policy_version,
            "violations": [v.as_dict() for v in self.violations],
            "basis": (
                None
                if self.basis is None
                else {
                    "ground": self.basis.ground,
                    "rule": self.basis.rule,
                    "reference": self.basis.reference,
                }
            ),
            "obligations": [
                {
                    "kind": o.kind,
                    "detail": o.detail,
                    "due_on": None if o.due_on is None else o.due_on.isoformat(),
                }
                for o in self.obligations
            ],
            "trace": [
                {"rule": t.rule, "result": str(t.result), "note": t.note} for t in self.trace
            ],
            "result": None if self.result is None else self.result.as_dict(),
        }


# Trace entries are immutable values that repeat across decisions: built once, shared.
_TRACES: dict[tuple[str, TraceResult, str], TraceEntry] = {}
_TRACES_MAX = 4096


def _trace(rule: str, result: TraceResult, note: str) -> TraceEntry:
    key = (rule, result, note)
    entry = _TRACES.get(key)
    if entry is None:
        if len(_TRACES) >= _TRACES_MAX:
            _TRACES.clear()
        entry = _TRACES[key] = TraceEntry(rule, result, note)
    return entry


@dataclass(frozen=True, slots=True)
class RuleResult:
    """One evaluated rule: applicable or not, and the violations it found (none = pass)."""

    rule: Rule
    violations: tuple[Violation, ...] = ()
    applicable: bool = True
    note: str = ""
    # A failure that does not deny: a Chapter V ground that did not hold while a later one did.
    superseded: bool = False

    @property
    def trace_entry(self) -> TraceEntry:
        if not self.applicable:
            return _trace(self.rule.id, TraceResult.not_applicable, self.note)
        if self.superseded or self.violations:
            return _trace(self.rule.id, TraceResult.fail, self.note)
        return _trace(self.rule.id, TraceResult.pass_, self.note)

    def supersede(self, note: str) -> "RuleResult":
        """This failed result, kept in the trace (with its messages) but no longer denying."""
        messages = "; ".join(v.message for v in self.violations)
        return RuleResult(
            rule=self.rule,
            note=f"{messages} ({note})" if messages else note,
            superseded=True,
        )


@dataclass(slots=True)
class Outcome:
    """What a handler returns; basis, obligations and result only matter when nothing failed."""

    results: list[RuleResult] = field(default_factory=list)
    basis: Basis | None = None
    obligations: list[Obligation] = field(default_factory=list)
    result: Result | None = None

    def add(self, *results: RuleResult) -> None:
        self.results.extend(results)

    @property
    def failed(self) -> bool:
        return any(r.violations for r in self.results)


def article(rule: Rule, detail: str = "") -> str:
    """The citation of a rule, optionally narrowed (e.g. "(e)" or "(1)(b)")."""
    return f"{rule.article}{detail}" if detail else rule.article


def violation(rule: Rule, message: str, *, detail: str = "") -> Violation:
    return Violation(
        rule=rule.id, article=article(rule, detail), message=message, reasons=(message,)
    )


def check(rule: Rule, problems: Iterable[str], *, note: str = "", detail: str = "") -> RuleResult:
    """A rule that passes when it found no problems; each problem becomes a violation."""
    found = tuple(violation(rule, p, detail=detail) for p in problems)
    return RuleResult(rule=rule, violations=found, note=note)


def passed(rule: Rule, note: str = "") -> RuleResult:
    return RuleResult(rule=rule, note=note)


def failed(rule: Rule, message: str, *, note: str = "", detail: str = "") -> RuleResult:
    return RuleResult(rule=rule, violations=(violation(rule, message, detail=detail),), note=note)


def not_applicable(rule: Rule, note: str = "") -> RuleResult:
    return RuleResult(rule=rule, applicable=False, note=note)


def policy_version(reference_digest: str = "") -> str:
    """The rule-set version, pinned to the reference data the decision was made against."""
    if reference_digest:
        return f"{RULESET_VERSION}+ref.{reference_digest[:12]}"
    return RULESET_VERSION


def decide(action: str, outcome: Outcome, reference_digest: str = "") -> Decision:
    """The Decision on an action from its evaluated rules."""
    violations = merge_violations(v for r in outcome.results for v in r.violations)
    allowed = not violations
    return Decision(
        allowed=allowed,
        decision_id=str(uuid.uuid4()),
        policy_version=policy_version(reference_digest),
        violations=violations,
        basis=outcome.basis if allowed else None,
        obligations=tuple(outcome.obligations) if allowed else (),
        trace=tuple(r.trace_entry for r in outcome.results),
        action=action,
        result=outcome.result if allowed else None,
    )


def deny(
    rule: Rule | str, message: str, *, action: str = "", reference_digest: str = ""
) -> Decision:
    """A single-rule denial (a read the caller may not make, found before any facts).

    A rule id string is looked up in the catalogue: an id it does not hold raises UnknownRule
    (a programming error, never a denial). Callers should pass the Rule constant.
    """
    if isinstance(rule, str):
        rule = rule_by_id(rule)
    return decide(action, Outcome(results=[failed(rule, message)]), reference_digest)
