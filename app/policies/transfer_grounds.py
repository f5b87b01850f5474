"""Chapter V grounds of a transfer to a third country or international organisation.

REGULATION.md "How the ground is chosen": adequacy, then appropriate safeguards, then the
derogation the client named; the first ground that holds is the basis. GDPR ids apply to
Member-State controllers, EUDPR ids to Union bodies, LED ids to law-enforcement processing.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from app.policies.acl import Actor
from app.policies.deployment import Participant
from app.policies.engine import Basis, RuleResult, article, failed, not_applicable, passed

RecipientType = Literal["public_authority", "international_organisation", "other"]

TRANSFER_BASES = frozenset(
    {
        "adequacy",
        "binding_instrument",
        "administrative_arrangement",
        "controller_assessment",
        "public_interest",
        "vital_interests",
        "specific_situation",
        "explicit_consent",
        "contract",
        "compelling_legitimate_interests",
    }
)
# Art. 49(3) GDPR / 50(3) EUDPR: never available to public authorities exercising public powers,
# and every ILO controller is one.
BARRED_FOR_PUBLIC_AUTHORITIES = frozenset(
    {"explicit_consent", "contract", "compelling_legitimate_interests"}
)
SPECIFIC_SITUATIONS = frozenset(
    {
        "vital_interests",
        "subject_legitimate_interests",
        "public_security_threat",
        "individual_case_law_enforcement",
    }
)
RETURN_PUBLIC_INTEREST_REFERENCE = "Regulation (EU) 2019/1240, recital 25"

# Per regime: the bases it knows, and for each the rule id and the paragraph it cites.
GROUND_RULES: Mapping[str, Mapping[str, tuple[str, str]]] = {
    "gdpr": {
        "adequacy": ("GDPR-45", ""),
        "binding_instrument": ("GDPR-46.2a", ""),
        "administrative_arrangement": ("GDPR-46.3b", ""),
        "public_interest": ("GDPR-49.1d", ""),
        "vital_interests": ("GDPR-49.1f", ""),
        "explicit_consent": ("GDPR-49.3", ""),
        "contract": ("GDPR-49.3", ""),
        "compelling_legitimate_interests": ("GDPR-49.3", ""),
    },
    "eudpr": {
        "adequacy": ("EUDPR-47", ""),
        "binding_instrument": ("EUDPR-48", "(2)(a)"),
        "administrative_arrangement": ("EUDPR-48", "(3)(b)"),
        "public_interest": ("EUDPR-50", "(1)(d)"),
        "vital_interests": ("EUDPR-50", "(1)(f)"),
        "explicit_consent": ("EUDPR-50", "(3)"),
        "contract": ("EUDPR-50", "(3)"),
        "compelling_legitimate_interests": ("EUDPR-50", "(3)"),
    },
    "led": {
        "adequacy": ("LED-36", ""),
        "binding_instrument": ("LED-37", "(1)(a)"),
        "controller_assessment": ("LED-37", "(1)(b)"),
        "specific_situation": ("LED-38", "(1)"),
    },
}
_DEROGATIONS = frozenset(
    {"public_interest", "vital_interests", "controller_assessment", "specific_situation"}
    | BARRED_FOR_PUBLIC_AUTHORITIES
)


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

    def in_force(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_until is None or on <= self.valid_until)


@dataclass(frozen=True, slots=True, kw_only=True)
class TransferInstrument:
    """A 46(2)(a)/48(2)(a)/37(1)(a) instrument or 46(3)(b)/48(3)(b) arrangement (reference data)."""

    id: str
    kind: Literal["binding_instrument", "administrative_arrangement"]
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

    @property
    def recipient_is_public_authority(self) -> bool:
        return self.recipient_type == "public_authority" or self.recipient_is_law_enforcement

    @property
    def destination(self) -> str:
        return self.destination_organisation or self.destination_country or "(none)"


@dataclass(frozen=True, slots=True)
class Attempt:
    """One ground tried: its trace/violation, and the basis when it holds."""

    result: RuleResult
    basis: Basis | None = None


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
    if facts.recipient_is_public_authority and not decision.covers_public_authorities:
        recipient = facts.recipient_name
        return f"does not cover public authorities such as {recipient} ({decision.scope_note})"
    return None


def try_adequacy(facts: TransferFacts, regime: str) -> Attempt:
    """GDPR-45 / EUDPR-47 / LED-36: a decision in force on the transfer date, covering the
    recipient."""
    rule, detail = GROUND_RULES[regime]["adequacy"]
    if facts.destination_organisation:
        candidates = [
            d for d in facts.adequacy_decisions if d.organisation == facts.destination_organisation
        ]
    else:
        candidates = [
            d
            for d in facts.adequacy_decisions
            if d.country is not None and d.country == facts.destination_country
        ]
    reasons: list[str] = []
    for decision in candidates:
        problem = _adequacy_problem(decision, facts, regime)
        if problem is None:
            note = f"decision {decision.id}"
            return Attempt(passed(rule, note), Basis("adequacy", rule, decision.reference))
        reasons.append(f"decision {decision.id} {problem}")
    if not candidates:
        reasons.append(f"no adequacy decision for {facts.destination}")
    return Attempt(failed(rule, "adequacy: " + "; ".join(reasons), detail=detail))


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
        instrument.kind == "administrative_arrangement"
        and not instrument.sa_authorisation_reference
    ):
        authority = "the EDPS" if regime == "eudpr" else "the supervisory authority"
        return f"is not authorised by {authority}"
    return None


def try_instrument(facts: TransferFacts, regime: str, kind: str) -> Attempt:
    """GDPR-46.2a/46.3b, EUDPR-48, LED-37(1)(a): an instrument in force covering this transfer."""
    rule, detail = GROUND_RULES[regime][kind]
    candidates = sorted(
        (
            i
            for i in facts.instruments
            if i.kind == kind and i.destination_country == facts.destination_country
        ),
        key=lambda i: i.id != facts.instrument_id,
    )
    reasons: list[str] = []
    for instrument in candidates:
        problem = _instrument_problem(instrument, facts, regime)
        if problem is None:
            note = f"instrument {instrument.id}"
            return Attempt(passed(rule, note), Basis(kind, rule, instrument.reference))
        reasons.append(f"instrument {instrument.id} {problem}")
    if not candidates:
        reasons.append(f"no {kind.replace('_', ' ')} with {facts.destination}")
    return Attempt(failed(rule, f"{kind}: " + "; ".join(reasons), detail=detail))


def try_derogation(facts: TransferFacts, regime: str) -> Attempt:
    """GDPR-49.1d/49.1f/49.3, EUDPR-50, LED-37(1)(b), LED-38: the ground the client named.

    Read restrictively: only the named derogation is tried, and only after adequacy and
    safeguards failed. Recital 25 recognises the public interest of return; any other purpose
    needs the Union or Member-State law that recognises it (49(4)).
    """
    basis = facts.basis
    rule, detail = GROUND_RULES[regime][basis]
    if basis in BARRED_FOR_PUBLIC_AUTHORITIES:
        return Attempt(
            failed(
                rule,
                f"{basis} is no basis for public authorities exercising public powers "
                f"(controller {facts.controller_org})",
                detail=detail,
            )
        )
    if basis == "public_interest":
        if facts.purpose == "return":
            return Attempt(passed(rule), Basis(basis, rule, RETURN_PUBLIC_INTEREST_REFERENCE))
        if facts.legal_reference and facts.legal_reference.strip():
            return Attempt(passed(rule), Basis(basis, rule, facts.legal_reference.strip()))
        return Attempt(
            failed(
                rule,
                f"public_interest for purpose {facts.purpose} needs legal_reference to the Union "
                "or Member-State law recognising it (recital 25 covers return only)",
                detail=detail,
            )
        )
    if basis == "vital_interests":
        if facts.incapacity_reason and facts.incapacity_reason.strip():
            return Attempt(passed(rule), Basis(basis, rule, article(rule, detail)))
        return Attempt(
            failed(
                rule,
                "vital_interests needs incapacity_reason: why the subject cannot consent",
                detail=detail,
            )
        )
    if basis == "controller_assessment":
        if facts.assessment_reference and facts.assessment_reference.strip():
            return Attempt(passed(rule), Basis(basis, rule, facts.assessment_reference.strip()))
        return Attempt(
            failed(rule, "controller_assessment needs assessment_reference", detail=detail)
        )
    # specific_situation (LED-38)
    if facts.specific_situation in SPECIFIC_SITUATIONS:
        reference = f"{article(rule, detail)}: {facts.specific_situation}"
        return Attempt(passed(rule), Basis(basis, rule, reference))
    return Attempt(
        failed(
            rule,
            f"specific_situation {facts.specific_situation!r} is none of "
            f"{', '.join(sorted(SPECIFIC_SITUATIONS))}",
            detail=detail,
        )
    )


def choose_ground(facts: TransferFacts, regime: str) -> tuple[list[RuleResult], Basis | None]:
    """Try adequacy, then safeguards, then the named derogation; stop at the first that holds."""
    known = GROUND_RULES[regime]
    plan: list[str] = ["adequacy", "binding_instrument"]
    if "administrative_arrangement" in known:
        plan.append("administrative_arrangement")
    if facts.basis in _DEROGATIONS and facts.basis in known:
        plan.append(facts.basis)
    results: list[RuleResult] = []
    chosen: Basis | None = None
    for step in plan:
        if chosen is not None:
            rule = known[step][0]
            results.append(not_applicable(rule, f"{step} not tried: {chosen.rule} holds"))
            continue
        if step == "adequacy":
            attempt = try_adequacy(facts, regime)
        elif step in {"binding_instrument", "administrative_arrangement"}:
            attempt = try_instrument(facts, regime, step)
        else:
            attempt = try_derogation(facts, regime)
        results.append(attempt.result)
        chosen = attempt.basis
    if chosen is not None:
        holds = f"{chosen.rule} holds"
        results = [r.supersede(holds) if r.violations else r for r in results]
    return results, chosen
