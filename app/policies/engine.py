"""The rule engine: Decision types, the rule index, and how evaluated rules become a Decision.

An action's rules function (app/policies/actions.py) turns facts into an Outcome: the results of
every rule it evaluated, in order, and for an allowed action the basis and obligations.
"""

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Literal

RULESET_VERSION = "2026.11.1"

_ILO = "Regulation (EU) 2019/1240"
_GDPR = "Regulation (EU) 2016/679"
_EUDPR = "Regulation (EU) 2018/1725"
_LED = "Directive (EU) 2016/680"

RULES: Mapping[str, str] = MappingProxyType(
    {
        "ILO-2.2": f"{_ILO}, Art. 2(2)",
        "ILO-4.1": f"{_ILO}, Art. 4(1)",
        "ILO-5.2": f"{_ILO}, Art. 5(2)",
        "ILO-5.3": f"{_ILO}, Art. 5(3)",
        "ILO-6.1": f"{_ILO}, Art. 6(1)",
        "ILO-6.2": f"{_ILO}, Art. 6(2)",
        "ILO-6.3": f"{_ILO}, Art. 6(3)",
        "ILO-7.2": f"{_ILO}, Art. 7(2)",
        "ILO-7.3": f"{_ILO}, Art. 7(3)",
        "ILO-7.7": f"{_ILO}, Art. 7(7)",
        "ILO-7.8": f"{_ILO}, Art. 7(8)",
        "ILO-7.9": f"{_ILO}, Art. 7(9)",
        "ILO-8.1": f"{_ILO}, Art. 8(1)",
        "ILO-8.2": f"{_ILO}, Art. 8(2)",
        "ILO-9.1": f"{_ILO}, Art. 9(1)",
        "ILO-9.3": f"{_ILO}, Art. 9(3)",
        "ILO-9.4": f"{_ILO}, Art. 9(4)",
        "ILO-10.2": f"{_ILO}, Art. 10(2)",
        "ILO-10.3": f"{_ILO}, Art. 10(3)",
        "ILO-10.3f": f"{_ILO}, Art. 10(3) (ILONet product rule: closed field set per category)",
        "ILO-10.4": f"{_ILO}, Art. 10(4)",
        "GDPR-30.1e": f"{_GDPR}, Art. 30(1)(e)",
        "GDPR-45": f"{_GDPR}, Art. 45",
        "GDPR-46.2a": f"{_GDPR}, Art. 46(2)(a)",
        "GDPR-46.3b": f"{_GDPR}, Art. 46(3)(b)",
        "GDPR-49.1d": f"{_GDPR}, Art. 49(1)(d) and 49(4)",
        "GDPR-49.1f": f"{_GDPR}, Art. 49(1)(f)",
        "GDPR-49.3": f"{_GDPR}, Art. 49(3)",
        "EUDPR-47": f"{_EUDPR}, Art. 47",
        "EUDPR-48": f"{_EUDPR}, Art. 48",
        "EUDPR-50": f"{_EUDPR}, Art. 50",
        "LED-35": f"{_LED}, Art. 35",
        "LED-36": f"{_LED}, Art. 36",
        "LED-37": f"{_LED}, Art. 37",
        "LED-38": f"{_LED}, Art. 38",
        "LED-39": f"{_LED}, Art. 39",
        "NR-1": f"{_ILO}, Art. 3(2) and recital 4 (ILONet product rule: non-refoulement)",
        "DOC-1": f"{_GDPR}, Art. 5(2) (ILONet product rule: basis and necessity documented)",
        "SCOPE-EUROPOL": "Regulation (EU) 2016/794, Art. 25",
        "ACL-ORG": "ILONet access control: acting for another organisation",
        "ACL-ROLE": "ILONet access control: the role or scope lacks the action",
    }
)

TraceResult = Literal["pass", "fail", "not_applicable"]


@dataclass(frozen=True, slots=True)
class Violation:
    rule: str
    article: str
    message: str


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

    @property
    def violated_rules(self) -> tuple[str, ...]:
        """Rule ids of the violations, in order (duplicates kept)."""
        return tuple(v.rule for v in self.violations)

    def as_dict(self) -> dict[str, object]:
        """The JSON shape of API.md "The Decision"."""
        return {
            "allowed": self.allowed,
            "decision_id": self.decision_id,
            "policy_version": self.policy_version,
            "violations": [
                {"rule": v.rule, "article": v.article, "message": v.message}
                for v in self.violations
            ],
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
            "trace": [{"rule": t.rule, "result": t.result, "note": t.note} for t in self.trace],
        }


@dataclass(frozen=True, slots=True)
class RuleResult:
    """One evaluated rule: applicable or not, and the violations it found (none = pass)."""

    rule: str
    violations: tuple[Violation, ...] = ()
    applicable: bool = True
    note: str = ""
    # A failure that does not deny: a Chapter V ground that did not hold while a later one did.
    superseded: bool = False

    @property
    def trace_entry(self) -> TraceEntry:
        if not self.applicable:
            return TraceEntry(self.rule, "not_applicable", self.note)
        if self.superseded:
            return TraceEntry(self.rule, "fail", self.note)
        return TraceEntry(self.rule, "fail" if self.violations else "pass", self.note)

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
    """What a handler returns; basis and obligations only matter when nothing failed."""

    results: list[RuleResult] = field(default_factory=list)
    basis: Basis | None = None
    obligations: list[Obligation] = field(default_factory=list)

    def add(self, *results: RuleResult) -> None:
        self.results.extend(results)

    @property
    def failed(self) -> bool:
        return any(r.violations for r in self.results)


def article(rule: str, detail: str = "") -> str:
    """The citation of a rule, optionally narrowed (e.g. "(e)" or "(1)(b)")."""
    base = RULES[rule]
    return f"{base}{detail}" if detail else base


def violation(rule: str, message: str, *, detail: str = "") -> Violation:
    return Violation(rule=rule, article=article(rule, detail), message=message)


def check(rule: str, problems: Iterable[str], *, note: str = "", detail: str = "") -> RuleResult:
    """A rule that passes when it found no problems; each problem becomes a violation."""
    found = tuple(violation(rule, p, detail=detail) for p in problems)
    return RuleResult(rule=rule, violations=found, note=note)


def passed(rule: str, note: str = "") -> RuleResult:
    return RuleResult(rule=rule, note=note)


def failed(rule: str, message: str, *, note: str = "", detail: str = "") -> RuleResult:
    return RuleResult(rule=rule, violations=(violation(rule, message, detail=detail),), note=note)


def not_applicable(rule: str, note: str = "") -> RuleResult:
    return RuleResult(rule=rule, applicable=False, note=note)


def policy_version(reference_digest: str = "") -> str:
    """The rule-set version, pinned to the reference data the decision was made against."""
    if reference_digest:
        return f"{RULESET_VERSION}+ref.{reference_digest[:12]}"
    return RULESET_VERSION


def decide(action: str, outcome: Outcome, reference_digest: str = "") -> Decision:
    """The Decision on an action from its evaluated rules."""
    violations = tuple(v for r in outcome.results for v in r.violations)
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
    )


def deny(rule: str, message: str, *, action: str = "", reference_digest: str = "") -> Decision:
    """A single-rule denial (a read the caller may not make, found before any facts)."""
    return decide(action, Outcome(results=[failed(rule, message)]), reference_digest)
