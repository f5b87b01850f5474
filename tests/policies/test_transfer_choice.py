"""The Chapter V ground chosen with an uncovered destination's failures shared and adequacy
attempts remembered (transfer_choice.choose) is the one tried ground by ground
(transfer_grounds.choose_ground): the same results, trace and basis, on the first call and on
the ones that reuse them."""

from dataclasses import replace
from datetime import date

import pytest

from app.policies import transfer_choice
from app.policies.engine import RuleResult
from app.policies.transfer_choice import choose
from app.policies.transfer_grounds import choose_ground
from app.reference import load_transfer_instruments
from tests.policies.test_transfer import SENEGAL

# The Senegal return request of tests/policies/test_transfer.py, with the instruments loaded.
BASE = replace(SENEGAL, instruments=load_transfer_instruments())

VARIANTS = {
    "uncovered, public interest for return": {},
    "uncovered, public interest without a law": {"purpose": "smuggling_trafficking"},
    "uncovered, vital interests without a reason": {"basis": "vital_interests"},
    "uncovered, vital interests": {"basis": "vital_interests", "incapacity_reason": "unconscious"},
    "uncovered, barred derogation": {"basis": "explicit_consent"},
    "uncovered, no derogation named": {"basis": "adequacy"},
    "uncovered, EUDPR": {"regime": "eudpr", "controller_org": "FRONTEX"},
    "uncovered, LED specific situation": {
        "regime": "led",
        "basis": "specific_situation",
        "specific_situation": "prevent_threat",
    },
    "uncovered, an organisation": {
        "destination_country": None,
        "destination_organisation": "UNHCR",
    },
    "uncovered, no destination": {"destination_country": None},
    "covered by an adequacy decision that fails": {
        "destination_country": "JP",
        "basis": "adequacy",
        "adequacy_decision_id": "2019/419",
    },
    "covered by an adequacy decision not yet in force": {
        "regime": "led",
        "destination_country": "GB",
        "basis": "adequacy",
        "recipient_is_law_enforcement": True,
        "transfer_on": date(2020, 1, 1),
    },
    "covered by an adequacy decision that holds": {
        "regime": "led",
        "destination_country": "GB",
        "basis": "adequacy",
        "recipient_is_law_enforcement": True,
    },
}


def shown(results: list[RuleResult]) -> list[tuple[object, ...]]:
    return [(r.trace_entry, r.violations, r.superseded) for r in results]


@pytest.mark.parametrize("name", list(VARIANTS))
def test_choose_is_choose_ground(name: str) -> None:
    facts = replace(BASE, **VARIANTS[name])  # type: ignore[arg-type]
    expected, basis = choose_ground(facts, facts.regime)
    shared = transfer_choice._uncovered(facts, facts.regime) is not None
    assert shared == name.startswith("uncovered")
    for _ in range(2):  # the first call remembers, the second reuses
        results, chosen = choose(facts, facts.regime)
        assert shown(results) == shown(expected)
        assert chosen == basis


def test_a_list_of_reference_data_is_not_remembered() -> None:
    facts = replace(BASE, adequacy_decisions=list(BASE.adequacy_decisions))  # type: ignore[arg-type]
    results, chosen = choose(facts, "gdpr")
    assert shown(results) == shown(choose_ground(facts, "gdpr")[0])
    assert chosen is not None
    assert chosen.rule == "GDPR-49.1d"
