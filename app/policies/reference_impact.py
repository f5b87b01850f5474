"""Impact of a change of the transfer reference data: the Chapter V ground rules
(transfer_grounds.choose_ground) re-run on a transfer's stored facts against the reference data
as they are and as they would be, with nothing written and no subject data needed.

The stored facts are those of the transfer and its record's metadata (regime, purpose,
recipient, destination, named basis and details, date); NR-1 and the other non-Chapter-V rules
are not re-run: a reference change does not touch them.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from app.policies.acl import Actor, Requirement
from app.policies.actions import declare
from app.policies.engine import Basis, Outcome, RuleResult, check
from app.policies.rules import GDPR_30_1
from app.policies.transfer_grounds import (
    GROUND_RULES,
    AdequacyDecision,
    ScopeExclusion,
    TransferFacts,
    TransferInstrument,
    choose_ground,
)
from app.policies.vocabulary import ReferenceChangeKind, TransferBasis

# Derogations tried for "the ground that would still hold" when the named one no longer does.
_FALLBACKS = (
    TransferBasis.public_interest,
    TransferBasis.vital_interests,
    TransferBasis.controller_assessment,
    TransferBasis.specific_situation,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReferenceChange:
    """A proposed change: an adequacy decision ended or narrowed from `on`, an instrument
    withdrawn from `on`, or a new instrument."""

    kind: ReferenceChangeKind
    on: date
    adequacy_decision_id: str | None = None
    instrument_id: str | None = None
    exclusion: ScopeExclusion | None = None
    instrument: TransferInstrument | None = None


@dataclass(frozen=True, slots=True)
class Reference:
    adequacy_decisions: tuple[AdequacyDecision, ...]
    instruments: tuple[TransferInstrument, ...]


def _ended(decision: AdequacyDecision, on: date) -> AdequacyDecision:
    last = on - timedelta(days=1)
    segments = tuple(
        replace(s, valid_until=min(s.valid_until or last, last))
        for s in decision.segments
        if s.valid_from <= last
    )
    until = last if decision.valid_until is None else min(decision.valid_until, last)
    return replace(decision, valid_until=max(until, decision.valid_from), segments=segments)


def apply_change(reference: Reference, change: ReferenceChange) -> Reference:
    """The reference data as they would be after the change (pure)."""
    decisions, instruments = reference.adequacy_decisions, reference.instruments
    if change.kind == ReferenceChangeKind.adequacy_ended:
        decisions = tuple(
            _ended(d, change.on) if d.id == change.adequacy_decision_id else d for d in decisions
        )
        if change.on <= min(
            (d.valid_from for d in decisions if d.id == change.adequacy_decision_id),
            default=change.on - timedelta(days=1),
        ):
            decisions = tuple(d for d in decisions if d.id != change.adequacy_decision_id)
    elif change.kind == ReferenceChangeKind.adequacy_narrowed and change.exclusion is not None:
        exclusion = replace(
            change.exclusion, valid_from=max(change.exclusion.valid_from, change.on)
        )
        decisions = tuple(
            replace(d, exclusions=(*d.exclusions, exclusion))
            if d.id == change.adequacy_decision_id
            else d
            for d in decisions
        )
    elif change.kind == ReferenceChangeKind.instrument_withdrawn:
        last = change.on - timedelta(days=1)
        instruments = tuple(
            i
            if i.id != change.instrument_id
            else replace(i, valid_until=last if i.valid_until is None else min(i.valid_until, last))
            for i in instruments
            if i.id != change.instrument_id or i.valid_from <= last
        )
    elif change.kind == ReferenceChangeKind.instrument_added and change.instrument is not None:
        instruments = (*(i for i in instruments if i.id != change.instrument.id), change.instrument)
    return Reference(decisions, instruments)


def touched_destinations(reference: Reference, change: ReferenceChange) -> frozenset[str]:
    """The destinations (country or organisation) whose transfers the change can touch."""
    found: set[str] = set()
    for decision in reference.adequacy_decisions:
        if decision.id == change.adequacy_decision_id:
            found.add(decision.country or decision.organisation or "")
    for instrument in reference.instruments:
        if instrument.id == change.instrument_id:
            found.add(instrument.destination_country)
    if change.instrument is not None:
        found.add(change.instrument.destination_country)
    return frozenset(found - {""})


@dataclass(frozen=True, slots=True)
class Verdict:
    """How one flow is decided before and after the change."""

    before: Basis | None
    after: Basis | None
    denied_by: str | None  # the rule of the ground that held and no longer does
    reason: str | None
    alternative: Basis | None  # a derogation that would hold if the controller named it

    @property
    def changed(self) -> bool:
        rule = (self.before.rule, self.before.ground) if self.before else None
        return rule != ((self.after.rule, self.after.ground) if self.after else None)


def _reason(results: Iterable[RuleResult], rule: str) -> str | None:
    for result in results:
        if result.rule.id != rule:
            continue
        if result.violations:
            return "; ".join(v.message for v in result.violations)
        if result.superseded:
            return result.note
    return None


def _alternative(facts: TransferFacts) -> Basis | None:
    known = GROUND_RULES[facts.regime]
    for basis in _FALLBACKS:
        if basis in known and basis != facts.basis:
            _, chosen = choose_ground(replace(facts, basis=basis), facts.regime)
            if chosen is not None:
                return chosen
    return None


def judge_flow(facts: TransferFacts, before: Reference, after: Reference) -> Verdict:
    """GDPR-45/46/49 (EUDPR-47/48/50, LED-36/37/38) re-run on the same facts, before and after."""
    if facts.regime not in GROUND_RULES:
        return Verdict(None, None, None, None, None)
    old = replace(
        facts, adequacy_decisions=before.adequacy_decisions, instruments=before.instruments
    )
    new = replace(facts, adequacy_decisions=after.adequacy_decisions, instruments=after.instruments)
    _, held = choose_ground(old, facts.regime)
    results, holds = choose_ground(new, facts.regime)
    if held is None or (holds is not None and holds.rule == held.rule):
        return Verdict(held, holds, None, None, None)
    alternative = _alternative(new) if holds is None else None
    reason = _reason(results, held.rule)
    # a ground that now comes first (a new instrument) changes the basis without denying it
    return Verdict(held, holds, held.rule if reason else None, reason, alternative)


@dataclass(frozen=True, slots=True, kw_only=True)
class ImpactRecordFacts:
    actor: Actor
    organisation: str
    affected_flows: int


def decide_impact_record(facts: ImpactRecordFacts) -> Outcome:
    """GDPR-30.1: ILONet tells an organisation whose recorded flows an applied reference change
    affects (its DPO keeps the record of processing activities up to date)."""
    problems = [] if facts.affected_flows > 0 else ["no flow of the organisation is affected"]
    return Outcome(results=[check(GDPR_30_1, problems, note=f"{facts.affected_flows} flows")])


REFERENCE_IMPACT_RECORD = declare(
    "reference_impact.record",
    ImpactRecordFacts,
    requires=Requirement(system=True),
    rules=decide_impact_record,
    emits=("reference.impact_detected",),
)
