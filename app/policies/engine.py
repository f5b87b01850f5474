"""The rule engine: Decision types, the rule index, and how evaluated rules become a Decision.

An action's rules function (app/policies/actions.py) turns facts into an Outcome: the results of
every rule it evaluated, in order, and for an allowed action the basis and obligations.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from datetime import date
from secrets import token_bytes
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


# Trace entries and the results of rules that passed or did not apply are immutable values that
# repeat across decisions (the same rule, the same note): built once, shared. Bounded: a cache
# that fills up starts again.
_CACHE_MAX = 4096
_TRACES: dict[tuple[str, TraceResult, str], TraceEntry] = {}


def _trace(rule: str, result: TraceResult, note: str) -> TraceEntry:
    key = (rule, result, note)
    entry = _TRACES.get(key)
    if entry is None:
        if len(_TRACES) >= _CACHE_MAX:
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
    # What the Decision's trace shows of it (derived from the fields above).
    trace_entry: TraceEntry = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.applicable:
            result = TraceResult.not_applicable
        elif self.superseded or self.violations:
            result = TraceResult.fail
        else:
            result = TraceResult.pass_
        object.__setattr__(self, "trace_entry", _trace(self.rule.id, result, self.note))

    def supersede(self, note: str) -> "RuleResult":
        """This failed result, kept in the trace (with its messages) but no longer denying."""
        key = (id(self), note)
        found = _SUPERSEDED.get(key)
        if found is not None and found[0] is self:
            return found[1]
        messages = "; ".join([v.message for v in self.violations])
        result = _shared(self.rule, True, f"{messages} ({note})" if messages else note, True)
        if len(_SUPERSEDED) >= _CACHE_MAX:
            _SUPERSEDED.clear()
        # The entry holds this result, so its id cannot be reused while the entry stands.
        _SUPERSEDED[key] = (self, result)
        return result


# (id of the rule, applicable, note, superseded) -> the shared result of a rule that found no
# violation; the rule is held by its result, so its id cannot be reused while the entry stands.
_SHARED: dict[tuple[int, bool, str, bool], RuleResult] = {}
# (id of the rule, message, note, detail) -> the shared result of a rule failed for one reason.
_FAILED: dict[tuple[int, str, str, str], RuleResult] = {}
# (id of a failed result, note) -> (that result, the shared result superseding it).
_SUPERSEDED: dict[tuple[int, str], tuple[RuleResult, RuleResult]] = {}


# id of the rule -> its shared result passed without a note (the most frequent result, found
# with the least work); the result holds the rule, so its id cannot be reused while it stands.
_PASSED: dict[int, RuleResult] = {}


def _passed(rule: Rule) -> RuleResult:
    result = _PASSED.get(id(rule))
    if result is None or result.rule is not rule:
        if len(_PASSED) >= _CACHE_MAX:
            _PASSED.clear()
        result = _PASSED[id(rule)] = _shared(rule, True, "")
    return result


def _shared(rule: Rule, applicable: bool, note: str, superseded: bool = False) -> RuleResult:
    key = (id(rule), applicable, note, superseded)
    result = _SHARED.get(key)
    if result is None:
        if len(_SHARED) >= _CACHE_MAX:
            _SHARED.clear()
        result = _SHARED[key] = RuleResult(
            rule=rule, applicable=applicable, note=note, superseded=superseded
        )
    return result


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
    if not problems:  # an empty list or tuple: the common case, without a loop
        return _shared(rule, True, note) if note else _passed(rule)
    found = tuple([violation(rule, p, detail=detail) for p in problems])
    if not found:
        return _shared(rule, True, note)
    if len(found) == 1:
        return failed(rule, found[0].message, note=note, detail=detail)
    return RuleResult(rule=rule, violations=found, note=note)


def passed(rule: Rule, note: str = "") -> RuleResult:
    return _shared(rule, True, note) if note else _passed(rule)


def failed(rule: Rule, message: str, *, note: str = "", detail: str = "") -> RuleResult:
    key = (id(rule), message, note, detail)
    result = _FAILED.get(key)
    if result is None:
        if len(_FAILED) >= _CACHE_MAX:
            _FAILED.clear()
        found = (violation(rule, message, detail=detail),)
        result = _FAILED[key] = RuleResult(rule=rule, violations=found, note=note)
    return result


def not_applicable(rule: Rule, note: str = "") -> RuleResult:
    return _shared(rule, False, note)


_VERSIONS: dict[str, str] = {}


def policy_version(reference_digest: str = "") -> str:
    """The rule-set version, pinned to the reference data the decision was made against."""
    version = _VERSIONS.get(reference_digest)
    if version is None:
        version = (
            f"{RULESET_VERSION}+ref.{reference_digest[:12]}"
            if reference_digest
            else RULESET_VERSION
        )
        if len(_VERSIONS) >= 64:
            _VERSIONS.clear()
        _VERSIONS[reference_digest] = version
    return version


# A Decision's fields set through their slots: the frozen dataclass's __init__ does the same
# through object.__setattr__ at about twice the cost, on every decision. A field added to
# Decision (or moved) stops the import here until decide() sets it.
_new_object = object.__new__
_DECISION_FIELDS = (
    "allowed",
    "decision_id",
    "policy_version",
    "violations",
    "basis",
    "obligations",
    "trace",
    "action",
    "result",
)
if tuple(f.name for f in fields(Decision)) != _DECISION_FIELDS:
    raise RuntimeError("decide() sets the Decision's fields one by one: update it")
(
    _set_allowed,
    _set_decision_id,
    _set_policy_version,
    _set_violations,
    _set_basis,
    _set_obligations,
    _set_trace,
    _set_action,
    _set_result,
) = (getattr(Decision, name).__set__ for name in _DECISION_FIELDS)


def decide(action: str, outcome: Outcome, reference_digest: str = "") -> Decision:
    """The Decision on an action from its evaluated rules."""
    return _assemble(action, outcome.results, outcome, reference_digest)


def decider(action: str, head: RuleResult) -> Callable[[Outcome, str], Decision]:
    """decide() for one action whose rules' results follow `head` (its ACL-ROLE pass), made
    once: an allowed Decision is assembled without a list of every result or of violations."""
    head_entry = head.trace_entry

    def decide_action(outcome: Outcome, reference_digest: str = "") -> Decision:
        results = outcome.results
        for r in results:
            if r.violations:
                return _assemble(action, [head, *results], outcome, reference_digest)
        decision = _new_object(Decision)
        _set_allowed(decision, True)
        _set_decision_id(decision, new_decision_id())
        version = _VERSIONS.get(reference_digest)
        _set_policy_version(decision, version or policy_version(reference_digest))
        _set_violations(decision, ())
        _set_basis(decision, outcome.basis)
        _set_obligations(decision, tuple(outcome.obligations))
        _set_trace(decision, (head_entry, *[r.trace_entry for r in results]))
        _set_action(decision, action)
        _set_result(decision, outcome.result)
        return decision

    return decide_action


def _assemble(
    action: str, results: list[RuleResult], outcome: Outcome, reference_digest: str
) -> Decision:
    found = [v for r in results for v in r.violations]
    allowed = not found
    decision = _new_object(Decision)
    _set_allowed(decision, allowed)
    _set_decision_id(decision, new_decision_id())
    _set_policy_version(decision, policy_version(reference_digest))
    _set_violations(decision, merge_violations(found) if found else ())
    _set_basis(decision, outcome.basis if allowed else None)
    _set_obligations(decision, tuple(outcome.obligations) if allowed else ())
    _set_trace(decision, tuple([r.trace_entry for r in results]))
    _set_action(decision, action)
    _set_result(decision, outcome.result if allowed else None)
    return decision


# A version-4 UUID (RFC 9562) from 16 random bytes as hex: the version nibble is "4", the
# variant nibble keeps its two low bits under the high bits 10 (8, 9, a or b).
_VARIANT = {c: "89ab"[int(c, 16) & 3] for c in "0123456789abcdef"}


def new_decision_id() -> str:
    """A fresh random (version 4) UUID as text, from 122 bits of the system's random source;
    the same as str(uuid.uuid4()) without building the UUID object or a 128-bit integer."""
    h = token_bytes(16).hex()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:]}"


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
