"""Adequacy scope exclusions and validity segments (GDPR-45), and the impact of a reference
change re-run on a transfer's stored facts (pure: no database)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from app.policies import Actor, TransferFacts, evaluate
from app.policies.reference_impact import (
    Reference,
    ReferenceChange,
    apply_change,
    judge_flow,
    touched_destinations,
)
from app.policies.transfer_grounds import ScopeExclusion
from app.policies.vocabulary import ReferenceChangeKind
from app.reference import load_adequacy_decisions, load_participants

ILO = Actor(sub="ilo-1", org="NL", roles=frozenset({"ilo"}), officer_id="off-1")
HOME_OFFICE = TransferFacts(
    actor=ILO,
    controller_org="NL",
    regime="gdpr",
    record_officer_id="off-1",
    record_fields=frozenset({"surname", "nationality", "protection_status"}),
    purpose="return",
    data_categories=("a_return_identity",),
    subject_nationality="SN",
    protection_status="return_decision",
    recipient_name="Home Office Immigration Enforcement",
    recipient_type="public_authority",
    recipient_is_law_enforcement=False,
    destination_country="GB",
    destination_organisation=None,
    basis="adequacy",
    fields_disclosed=frozenset({"surname", "nationality"}),
    justification="Identification for return under a return decision",
    transfer_on=date(2026, 11, 23),
    officer_deployment_active=True,
    adequacy_decision_id="2021/1772",
    adequacy_decisions=load_adequacy_decisions(),
    participants=load_participants(),
)
REFERENCE = Reference(load_adequacy_decisions(), ())


def _gdpr_45(facts: TransferFacts) -> list[str]:
    decision = evaluate("transfer.record", facts)
    return [v.message for v in decision.violations if v.rule == "GDPR-45"]


def test_gdpr_45_exclusion_uk_immigration_control_until_the_december_2025_renewal() -> None:
    """2021/1772 Art. 1(2) excluded data transferred for UK immigration control; the renewal
    (in force from 28 December 2025) covers them."""
    before = replace(HOME_OFFICE, transfer_on=date(2025, 6, 1))
    (message,) = _gdpr_45(before)
    assert "excludes uk-immigration-control on 2025-06-01" in message
    assert "Commission Implementing Decision (EU) 2021/1772, Art. 1(2)" in message
    assert "purpose return" in message
    # the last day of the exclusion, and the first of the renewal
    assert _gdpr_45(replace(HOME_OFFICE, transfer_on=date(2025, 12, 27)))
    after = evaluate("transfer.record", replace(HOME_OFFICE, transfer_on=date(2025, 12, 28)))
    assert after.allowed, after.violations
    assert after.basis is not None
    assert "renewed by the Commission on 19 December 2025" in after.basis.reference
    # smuggling and trafficking is not immigration control: not excluded before the renewal
    smuggling = replace(
        HOME_OFFICE,
        purpose="smuggling_trafficking",
        data_categories=("e_smuggling_trafficking",),
        transfer_on=date(2025, 6, 1),
    )
    assert _gdpr_45(smuggling) == []


def test_gdpr_45_validity_segments_name_the_act_in_force_on_the_transfer_date() -> None:
    extension = evaluate(
        "transfer.record",
        replace(
            HOME_OFFICE,
            purpose="smuggling_trafficking",
            data_categories=("e_smuggling_trafficking",),
            transfer_on=date(2025, 9, 1),
        ),
    )
    assert extension.basis is not None
    assert "six-month extension" in extension.basis.reference
    uk = next(d for d in load_adequacy_decisions() if d.id == "2021/1772")
    gap = replace(uk, segments=uk.segments[:1])  # a decision lapsed after its first segment
    lapsed = replace(HOME_OFFICE, adequacy_decisions=(gap,))
    (message,) = _gdpr_45(lapsed)
    assert "has no validity segment covering 2026-11-23" in message


def test_gdpr_45_impact_of_ending_the_uk_decision_names_the_rule_and_what_still_holds() -> None:
    change = ReferenceChange(
        kind=ReferenceChangeKind.adequacy_ended,
        on=date(2027, 1, 1),
        adequacy_decision_id="2021/1772",
    )
    after = apply_change(REFERENCE, change)
    assert touched_destinations(REFERENCE, change) == {"GB"}
    verdict = judge_flow(replace(HOME_OFFICE, transfer_on=change.on), REFERENCE, after)
    assert verdict.changed
    assert verdict.before is not None
    assert verdict.before.rule == "GDPR-45"
    assert (verdict.after, verdict.denied_by) == (None, "GDPR-45")
    assert verdict.reason is not None
    assert "expired on 2026-12-31" in verdict.reason
    # return keeps the public-interest derogation (recital 25) if the controller names it
    assert verdict.alternative is not None
    assert (verdict.alternative.rule, verdict.alternative.ground) == (
        "GDPR-49.1d",
        "public_interest",
    )
    # before the end date the flow is decided as today
    unchanged = judge_flow(replace(HOME_OFFICE, transfer_on=date(2026, 12, 31)), REFERENCE, after)
    assert not unchanged.changed


def test_gdpr_45_impact_of_narrowing_a_decision_by_purpose() -> None:
    exclusion = ScopeExclusion(
        id="narrowed",
        article="a proposed amendment",
        purposes=frozenset({"return"}),
        recipient_types=frozenset({"public_authority"}),
        valid_from=date(2000, 1, 1),
        valid_until=None,
    )
    change = ReferenceChange(
        kind=ReferenceChangeKind.adequacy_narrowed,
        on=date(2027, 3, 1),
        adequacy_decision_id="2021/1772",
        exclusion=exclusion,
    )
    after = apply_change(REFERENCE, change)
    hit = judge_flow(replace(HOME_OFFICE, transfer_on=change.on), REFERENCE, after)
    assert hit.denied_by == "GDPR-45"
    assert hit.reason is not None
    assert "excludes narrowed on 2027-03-01" in hit.reason
    other = replace(HOME_OFFICE, purpose="legal_migration", transfer_on=change.on)
    assert not judge_flow(other, REFERENCE, after).changed
