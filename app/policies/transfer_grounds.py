"""Chapter V grounds of a transfer to a third country or international organisation.

REGULATION.md "How the ground is chosen": adequacy, then appropriate safeguards, then the
derogation the client named; the first ground that holds is the basis. GDPR ids apply to
Member-State controllers, EUDPR ids to Union bodies, LED ids to law-enforcement processing.
"""

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from app.policies.acl import Actor
from app.policies.deployment import Participant
from app.policies.engine import Basis, RuleResult, article, failed, not_applicable, passed
from app.policies.rules import (
    EUDPR_47,
    EUDPR_48,
    EUDPR_50,
    GDPR_45,
    GDPR_46_2A,
    GDPR_46_3B,
    GDPR_49_1D,
    GDPR_49_1F,
    GDPR_49_3,
    LED_36,
    LED_37,
    LED_38,
    Rule,
)
from app.policies.vocabulary import (
    InstrumentKind,
    Purpose,
    RecipientType,
    Regime,
    SpecificSituation,
    TransferBasis,
)

T = TypeVar("T")
TRANSFER_BASES = frozenset(TransferBasis)
# Art. 49(3) GDPR / 50(3) EUDPR: never available to public authorities exercising public powers,
# and every ILO controller is one.
BARRED_FOR_PUBLIC_AUTHORITIES = frozenset(
    {
        TransferBasis.explicit_consent,
        TransferBasis.contract,
        TransferBasis.compelling_legitimate_interests,
    }
)
SPECIFIC_SITUATIONS = frozenset(SpecificSituation)
INSTRUMENT_KINDS = frozenset(InstrumentKind)
RETURN_PUBLIC_INTEREST_REFERENCE = "Regulation (EU) 2019/1240, recital 25"
# The text of "no instrument" failures: "<kind>: no <kind in words>" (formatting an enum member
# runs Python code; these strings are made once).
_KIND_LABELS: Mapping[str, str] = {
    kind: f"{kind.value}: no {kind.value.replace('_', ' ')}" for kind in InstrumentKind
}
# The bases as plain text, for messages; members read once (an enum member's format and lookup
# on its class run Python code).
_LABELS: Mapping[str, str] = {basis: basis.value for basis in TransferBasis}
_ADEQUACY = TransferBasis.adequacy
_PUBLIC_INTEREST = TransferBasis.public_interest
_RETURN = Purpose.return_

# Per regime: the bases it knows, and for each the rule and the paragraph it cites.
GROUND_RULES: Mapping[str, Mapping[str, tuple[Rule, str]]] = {
    Regime.gdpr: {
        TransferBasis.adequacy: (GDPR_45, ""),
        TransferBasis.binding_instrument: (GDPR_46_2A, ""),
        TransferBasis.administrative_arrangement: (GDPR_46_3B, ""),
        TransferBasis.public_interest: (GDPR_49_1D, ""),
        TransferBasis.vital_interests: (GDPR_49_1F, ""),
        TransferBasis.explicit_consent: (GDPR_49_3, ""),
        TransferBasis.contract: (GDPR_49_3, ""),
        TransferBasis.compelling_legitimate_interests: (GDPR_49_3, ""),
    },
    Regime.eudpr: {
        TransferBasis.adequacy: (EUDPR_47, ""),
        TransferBasis.binding_instrument: (EUDPR_48, "(2)(a)"),
        TransferBasis.administrative_arrangement: (EUDPR_48, "(3)(b)"),
        TransferBasis.public_interest: (EUDPR_50, "(1)(d)"),
        TransferBasis.vital_interests: (EUDPR_50, "(1)(f)"),
        TransferBasis.explicit_consent: (EUDPR_50, "(3)"),
        TransferBasis.contract: (EUDPR_50, "(3)"),
        TransferBasis.compelling_legitimate_interests: (EUDPR_50, "(3)"),
    },
    Regime.led: {
        TransferBasis.adequacy: (LED_36, ""),
        TransferBasis.binding_instrument: (LED_37, "(1)(a)"),
        TransferBasis.controller_assessment: (LED_37, "(1)(b)"),
        TransferBasis.specific_situation: (LED_38, "(1)"),
    },
}
DEROGATIONS = frozenset(
    {
        TransferBasis.public_interest,
        TransferBasis.vital_interests,
        TransferBasis.controller_assessment,
        TransferBasis.specific_situation,
    }
    | BARRED_FOR_PUBLIC_AUTHORITIES
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ValiditySegment:
    """One dated stretch of a decision's validity and the act that gives it (e.g. a renewal)."""

    valid_from: date
    valid_until: date | None
    reference: str

    def holds(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_until is None or on <= self.valid_until)


@dataclass(frozen=True, slots=True, kw_only=True)
class ScopeExclusion:
    """What a decision does not cover, by purpose or recipient type, over a dated stretch
    (e.g. 2021/1772 Art. 1(2): data transferred for UK immigration control, until the renewal).
    An empty `purposes` or `recipient_types` means any."""

    id: str
    article: str
    purposes: frozenset[str]
    recipient_types: frozenset[str]
    valid_from: date
    valid_until: date | None
    note: str = ""

    def excludes(self, *, purpose: str, recipient_type: str, on: date) -> bool:
        if on < self.valid_from or (self.valid_until is not None and on > self.valid_until):
            return False
        if self.purposes and purpose not in self.purposes:
            return False
        return not self.recipient_types or recipient_type in self.recipient_types


@dataclass(frozen=True, slots=True, kw_only=True)
class AdequacyDecision:
    """A Commission adequacy decision (reference data, app/reference/adequacy_decisions.json)."""

    id: str
    country: str | None
    organisation: str | None
    regimes: frozenset[str]
    covers_public_authorities: bool
    scope_note: str
    valid_from: date
    valid_until: date | None
    reference: str
    source_url: str
    segments: tuple[ValiditySegment, ...] = ()
    exclusions: tuple[ScopeExclusion, ...] = ()

    def in_force(self, on: date) -> bool:
        if self.segments:
            return any(s.holds(on) for s in self.segments)
        return self.valid_from <= on and (self.valid_until is None or on <= self.valid_until)

    def reference_on(self, on: date) -> str:
        """The act that gives the decision its validity on `on` (the segment's, if any)."""
        return next((s.reference for s in self.segments if s.holds(on)), self.reference)


@dataclass(frozen=True, slots=True, kw_only=True)
class TransferInstrument:
    """A 46(2)(a)/48(2)(a)/37(1)(a) instrument or 46(3)(b)/48(3)(b) arrangement (reference data)."""

    id: str
    kind: InstrumentKind
    title: str
    parties: frozenset[str]
    destination_country: str
    recipient_authorities: frozenset[str]
    purposes: frozenset[str]
    regimes: frozenset[str]
    sa_authorisation_reference: str | None
    valid_from: date
    valid_until: date | None
    reference: str
    source_url: str
    example: bool = False

    def in_force(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_until is None or on <= self.valid_until)


@dataclass(frozen=True, slots=True, kw_only=True)
class TransferFacts:
    actor: Actor
    controller_org: str
    regime: str
    record_officer_id: str
    record_fields: frozenset[str]
    purpose: str
    data_categories: tuple[str, ...]
    subject_nationality: str | None
    protection_status: str | None
    recipient_name: str
    recipient_type: str
    recipient_is_law_enforcement: bool
    destination_country: str | None
    destination_organisation: str | None
    basis: str
    fields_disclosed: frozenset[str]
    justification: str
    transfer_on: date
    officer_deployment_active: bool
    adequacy_decision_id: str | None = None
    instrument_id: str | None = None
    authorisation_reference: str | None = None
    legal_reference: str | None = None
    incapacity_reason: str | None = None
    assessment_reference: str | None = None
    specific_situation: str | None = None
    data_from_other_member_state: str | None = None
    prior_authorisation_reference: str | None = None
    adequacy_decisions: tuple[AdequacyDecision, ...] = ()
    instruments: tuple[TransferInstrument, ...] = ()
    participants: Mapping[str, Participant] = field(default_factory=dict)
    # Transfers the controller recorded to the same recipient under a derogation in the last
    # DEROGATION_WINDOW_DAYS (recital 25: a derogation must not become the rule).
    recent_derogations_to_recipient: int = 0
    # ILO-10.2: the record's life, from the day its processing began to its retain_until (a
    # transfer is dated within it); GDPR-18.2: its restriction, and the Art. 18(2) ground named
    record_began_on: date | None = None
    record_retain_until: date | None = None
    record_restriction: str | None = None
    restricted_use: str | None = None
    restricted_use_law: str | None = None

    @property
    def recipient_is_public_authority(self) -> bool:
        return (
            self.recipient_type == RecipientType.public_authority
            or self.recipient_is_law_enforcement
        )

    @property
    def destination(self) -> str:
        return self.destination_organisation or self.destination_country or "(none)"


# The reference data a decision receives are the same tuples decision after decision (loaded
# once per reference stamp): each is grouped by destination once, not scanned on every decision.
_GROUPS: dict[tuple[int, str], tuple[tuple[Any, ...], dict[Hashable, list[Any]]]] = {}


def grouped(
    items: tuple[T, ...], name: str, keys: Callable[[T], Iterable[Hashable]]
) -> Mapping[Hashable, list[T]]:
    """`items` grouped under each of their `keys`, each group in the items' order (made once
    per tuple)."""
    found = _GROUPS.get((id(items), name))
    if found is not None and found[0] is items:
        return found[1]
    groups: dict[Hashable, list[T]] = {}
    for item in items:
        for key in keys(item):
            groups.setdefault(key, []).append(item)
    if isinstance(items, tuple):  # immutable: safe to keep (the entry holds it, so its id)
        if len(_GROUPS) >= 64:
            _GROUPS.clear()
        _GROUPS[(id(items), name)] = (items, groups)
    return groups


def adequacy_destination(decision: AdequacyDecision) -> Iterable[Hashable]:
    if decision.organisation:
        yield ("organisation", decision.organisation)
    if decision.country is not None:
        yield ("country", decision.country)


def instrument_destination(instrument: TransferInstrument) -> Iterable[Hashable]:
    return ((instrument.kind, instrument.destination_country),)


# One ground tried: its trace/violation, and the basis when it holds.
Attempt = tuple[RuleResult, Basis | None]


def _validity_problem(valid_from: date, valid_until: date | None, on: date) -> str | None:
    if on < valid_from:
        return f"not in force on {on} (applies from {valid_from})"
    if valid_until is not None and on > valid_until:
        return f"expired on {valid_until}, before the transfer on {on}"
    return None


def _adequacy_problem(decision: AdequacyDecision, facts: TransferFacts, regime: str) -> str | None:
    if regime not in decision.regimes:
        return f"covers {'/'.join(sorted(decision.regimes))} transfers, not {regime}"
    validity = _validity_problem(decision.valid_from, decision.valid_until, facts.transfer_on)
    if validity:
        return validity
    if not decision.in_force(facts.transfer_on):
        return f"has no validity segment covering {facts.transfer_on}"
    if facts.recipient_is_public_authority and not decision.covers_public_authorities:
        recipient = facts.recipient_name
        return f"does not cover public authorities such as {recipient} ({decision.scope_note})"
    for exclusion in decision.exclusions:
        if exclusion.excludes(
            purpose=facts.purpose, recipient_type=facts.recipient_type, on=facts.transfer_on
        ):
            return (
                f"excludes {exclusion.id} on {facts.transfer_on} ({exclusion.article}): "
                f"purpose {facts.purpose}, recipient type {facts.recipient_type}"
            )
    return None


def try_adequacy(facts: TransferFacts, regime: str) -> Attempt:
    """GDPR-45 / EUDPR-47 / LED-36: a decision in force on the transfer date, covering the
    recipient."""
    rule, detail = GROUND_RULES[regime][_ADEQUACY]
    by_destination = grouped(facts.adequacy_decisions, "adequacy", adequacy_destination)
    if facts.destination_organisation:
        candidates = by_destination.get(("organisation", facts.destination_organisation), [])
    elif facts.destination_country is None:
        candidates = []
    else:
        candidates = by_destination.get(("country", facts.destination_country), [])
    if not candidates:
        return failed(
            rule, f"adequacy: no adequacy decision for {facts.destination}", detail=detail
        ), None
    reasons: list[str] = []
    for decision in candidates:
        problem = _adequacy_problem(decision, facts, regime)
        if problem is None:
            note = f"decision {decision.id}"
            reference = decision.reference_on(facts.transfer_on)
            return passed(rule, note), Basis(_ADEQUACY, rule.id, reference)
        reasons.append(f"decision {decision.id} {problem}")
    return failed(rule, "adequacy: " + "; ".join(reasons), detail=detail), None


def _recipient_matches(instrument: TransferInstrument, facts: TransferFacts) -> bool:
    if "*" in instrument.recipient_authorities and facts.recipient_is_public_authority:
        return True
    wanted = facts.recipient_name.strip().casefold()
    return any(name.strip().casefold() == wanted for name in instrument.recipient_authorities)


def _instrument_problem(
    instrument: TransferInstrument, facts: TransferFacts, regime: str
) -> str | None:
    if regime not in instrument.regimes:
        return f"covers {'/'.join(sorted(instrument.regimes))} transfers, not {regime}"
    validity = _validity_problem(instrument.valid_from, instrument.valid_until, facts.transfer_on)
    if validity:
        return validity
    if facts.controller_org not in instrument.parties and "EU" not in instrument.parties:
        return f"controller {facts.controller_org} is not a party"
    if not _recipient_matches(instrument, facts):
        return f"recipient {facts.recipient_name!r} is not one of its authorities"
    if facts.purpose not in instrument.purposes:
        return f"purpose {facts.purpose} is not covered"
    if (
        instrument.kind == InstrumentKind.administrative_arrangement
        and not instrument.sa_authorisation_reference
    ):
        authority = "the EDPS" if regime == Regime.eudpr else "the supervisory authority"
        return f"is not authorised by {authority}"
    return None


def try_instrument(facts: TransferFacts, regime: str, kind: str) -> Attempt:
    """GDPR-46.2a/46.3b, EUDPR-48, LED-37(1)(a): an instrument in force covering this transfer."""
    rule, detail = GROUND_RULES[regime][kind]
    by_destination = grouped(facts.instruments, "instrument", instrument_destination)
    candidates = by_destination.get((kind, facts.destination_country))
    if not candidates:
        message = f"{_KIND_LABELS[kind]} with {facts.destination}"
        return failed(rule, message, detail=detail), None
    if len(candidates) > 1:  # the one the client named first
        candidates = sorted(candidates, key=lambda i: i.id != facts.instrument_id)
    reasons: list[str] = []
    for instrument in candidates:
        problem = _instrument_problem(instrument, facts, regime)
        if problem is None:
            note = f"instrument {instrument.id}"
            return passed(rule, note), Basis(kind, rule.id, instrument.reference)
        reasons.append(f"instrument {instrument.id} {problem}")
    return failed(rule, f"{kind}: " + "; ".join(reasons), detail=detail), None


def try_derogation(facts: TransferFacts, regime: str) -> Attempt:
    """GDPR-49.1d/49.1f/49.3, EUDPR-50, LED-37(1)(b), LED-38: the ground the client named.

    Read restrictively: only the named derogation is tried, and only after adequacy and
    safeguards failed. Recital 25 recognises the public interest of return; any other purpose
    needs the Union or Member-State law that recognises it (49(4)).
    """
    basis = facts.basis
    rule, detail = GROUND_RULES[regime][basis]
    if basis in BARRED_FOR_PUBLIC_AUTHORITIES:
        return (
            failed(
                rule,
                f"{basis} is no basis for public authorities exercising public powers "
                f"(controller {facts.controller_org})",
                detail=detail,
            ),
            None,
        )
    if basis == _PUBLIC_INTEREST:
        if facts.purpose == _RETURN:
            return (passed(rule), Basis(basis, rule.id, RETURN_PUBLIC_INTEREST_REFERENCE))
        if facts.legal_reference and facts.legal_reference.strip():
            return (passed(rule), Basis(basis, rule.id, facts.legal_reference.strip()))
        return (
            failed(
                rule,
                f"public_interest for purpose {facts.purpose} needs legal_reference to the Union "
                "or Member-State law recognising it (recital 25 covers return only)",
                detail=detail,
            ),
            None,
        )
    if basis == TransferBasis.vital_interests:
        if facts.incapacity_reason and facts.incapacity_reason.strip():
            return (passed(rule), Basis(basis, rule.id, article(rule, detail)))
        return (
            failed(
                rule,
                "vital_interests needs incapacity_reason: why the subject cannot consent",
                detail=detail,
            ),
            None,
        )
    if basis == TransferBasis.controller_assessment:
        if facts.assessment_reference and facts.assessment_reference.strip():
            return (passed(rule), Basis(basis, rule.id, facts.assessment_reference.strip()))
        return (
            failed(rule, "controller_assessment needs assessment_reference", detail=detail),
            None,
        )
    # specific_situation (LED-38)
    if facts.specific_situation in SPECIFIC_SITUATIONS:
        reference = f"{article(rule, detail)}: {facts.specific_situation}"
        return (passed(rule), Basis(basis, rule.id, reference))
    return (
        failed(
            rule,
            f"specific_situation {facts.specific_situation!r} is none of "
            f"{', '.join(sorted(SPECIFIC_SITUATIONS))}",
            detail=detail,
        ),
        None,
    )


# Per regime, the grounds tried before the derogation the client named: adequacy, then the
# instrument kinds it knows.
_SAFEGUARDS = (TransferBasis.binding_instrument, TransferBasis.administrative_arrangement)
GROUND_PLANS: Mapping[str, tuple[str, ...]] = {
    regime: (_ADEQUACY, *(kind for kind in _SAFEGUARDS if kind in known))
    for regime, known in GROUND_RULES.items()
}


def choose_ground(
    facts: TransferFacts,
    regime: str,
    adequacy: Callable[[TransferFacts, str], Attempt] | None = None,
) -> tuple[list[RuleResult], Basis | None]:
    """Try adequacy (with `adequacy` if given: the same attempt, e.g. remembered), then
    safeguards, then the named derogation; stop at the first that holds."""
    known = GROUND_RULES[regime]
    plan = GROUND_PLANS[regime]
    if facts.basis in DEROGATIONS and facts.basis in known:
        plan = (*plan, facts.basis)
    results: list[RuleResult] = []
    chosen: Basis | None = None
    for step in plan:
        if chosen is not None:
            rule = known[step][0]
            label = _LABELS.get(step, step)
            results.append(not_applicable(rule, f"{label} not tried: {chosen.rule} holds"))
            continue
        if step == _ADEQUACY:
            result, chosen = (adequacy or try_adequacy)(facts, regime)
        elif step in INSTRUMENT_KINDS:
            result, chosen = try_instrument(facts, regime, step)
        else:
            result, chosen = try_derogation(facts, regime)
        results.append(result)
    if chosen is not None:
        holds = f"{chosen.rule} holds"
        results = [r.supersede(holds) if r.violations else r for r in results]
    return results, chosen
