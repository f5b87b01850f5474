"""The vocabularies agree with the policies that use them (tests/test_openapi_vocabulary.py
checks them against the OpenAPI document)."""

import importlib
import pkgutil
from enum import StrEnum

import pytest

from app.policies import (
    CATEGORY_FIELDS,
    CATEGORY_PURPOSE,
    DEPLOYMENT_TRANSITIONS,
    PURPOSES,
    declared,
)
from app.policies import vocabulary as v
from app.policies.acl import ROLES, SCOPES
from app.policies.actions import declared_actions
from app.policies.deployment import INFORMATION_TOPICS, POSTING_TYPES
from app.policies.purpose import PROTECTION_STATUSES, derive_regime
from app.policies.transfer import PROTECTED_STATUSES, SHARE_RECIPIENT_KINDS
from app.policies.transfer_grounds import (
    BARRED_FOR_PUBLIC_AUTHORITIES,
    GROUND_RULES,
    SPECIFIC_SITUATIONS,
    TRANSFER_BASES,
)

VOCABULARIES = [
    value
    for value in vars(v).values()
    if isinstance(value, type) and issubclass(value, StrEnum) and value is not StrEnum
]
DERIVED = [declared.Action, declared.WebhookEventType]


def defined_in_the_areas() -> dict[str, type[StrEnum]]:
    """Every StrEnum that a module of the vocabulary package defines, by name."""
    found: dict[str, type[StrEnum]] = {}
    for info in pkgutil.iter_modules(v.__path__):
        module = importlib.import_module(f"{v.__name__}.{info.name}")
        for value in vars(module).values():
            is_vocabulary = isinstance(value, type) and issubclass(value, StrEnum)
            if is_vocabulary and value.__module__ == module.__name__:
                assert value.__name__ not in found, f"{value.__name__} is defined twice"
                found[value.__name__] = value
    return found


def test_the_vocabulary_package_holds_the_vocabularies() -> None:
    assert {v.Purpose, v.Role, v.Scope} <= set(VOCABULARIES)
    # Each is defined in a module of its area and re-exported: whatever the area,
    # `from app.policies.vocabulary import X` names every vocabulary.
    areas = defined_in_the_areas()
    assert len(areas) > 40
    assert {value.__name__: value for value in VOCABULARIES} == areas
    assert sorted(v.__all__) == sorted(areas)
    # Action and WebhookEventType are derived from the declared actions (app/policies/declared.py).
    assert not hasattr(v, "Action")
    assert not hasattr(v, "WebhookEventType")


@pytest.mark.parametrize("vocabulary", VOCABULARIES + DERIVED, ids=lambda e: e.__name__)
def test_a_vocabulary_is_closed_and_its_values_distinct(vocabulary: type[StrEnum]) -> None:
    values = [member.value for member in vocabulary]
    assert values
    assert len(set(values)) == len(values)
    assert all(value and value == value.strip() for value in values)


def test_the_policy_sets_are_the_vocabularies() -> None:
    assert {"return", "resettlement", "legal_migration", "smuggling_trafficking"} == PURPOSES
    assert set(v.Purpose) == PURPOSES
    assert set(v.ProtectionStatus) == PROTECTION_STATUSES
    assert PROTECTED_STATUSES < PROTECTION_STATUSES
    assert "return_decision" not in PROTECTED_STATUSES
    assert set(v.PostingType) == POSTING_TYPES
    assert set(v.InformationTopic) == INFORMATION_TOPICS
    assert set(v.ShareRecipientKind) == SHARE_RECIPIENT_KINDS
    assert set(v.TransferBasis) == TRANSFER_BASES
    assert BARRED_FOR_PUBLIC_AUTHORITIES < TRANSFER_BASES
    assert set(v.SpecificSituation) == SPECIFIC_SITUATIONS
    assert set(v.Role) == ROLES
    assert "integration" in ROLES
    assert set(v.Scope) == SCOPES
    assert len(SCOPES) == 15


def test_every_data_category_has_its_purpose_and_fields() -> None:
    assert set(CATEGORY_PURPOSE) == set(v.DataCategory)
    assert set(CATEGORY_PURPOSE.values()) == set(v.Purpose)
    assert set(CATEGORY_FIELDS) == set(v.DataCategory)


def test_the_transitions_reach_exactly_the_transition_targets() -> None:
    assert set(DEPLOYMENT_TRANSITIONS) == set(v.DeploymentStatus)
    reachable = {target for targets in DEPLOYMENT_TRANSITIONS.values() for target in targets}
    assert reachable == set(v.TransitionTarget)
    assert set(v.TransitionTarget) < set(v.DeploymentStatus)
    assert v.DeploymentStatus.planned not in reachable  # a deployment is created planned


def test_every_regime_has_its_grounds_and_every_basis_a_regime() -> None:
    assert set(GROUND_RULES) == set(v.Regime)
    known = {basis for grounds in GROUND_RULES.values() for basis in grounds}
    assert known == set(v.TransferBasis)
    assert set(GROUND_RULES[v.Regime.led]) == {
        "adequacy",
        "binding_instrument",
        "controller_assessment",
        "specific_situation",
    }


def test_the_action_and_event_vocabularies_are_the_declarations() -> None:
    assert set(declared.Action) == set(declared_actions())
    assert declared.Action("network_meeting.record").name == "network_meeting_record"
    events = set(declared.WebhookEventType)
    assert {"deployment.planned", "deployment.deployed", "network.facilitator_vacated"} <= events
    assert "webhook.redelivered" not in events, "an audit-only event is not on the change feed"


@pytest.mark.parametrize(
    ("org_kind", "authority_kind", "purpose", "regime"),
    [
        ("member_state", "immigration", "return", v.Regime.gdpr),
        ("member_state", "police", "smuggling_trafficking", v.Regime.led),
        ("schengen_associated", "police", "return", v.Regime.gdpr),
        ("eu_agency", "union_body", "smuggling_trafficking", v.Regime.eudpr),
        ("commission", "union_body", "legal_migration", v.Regime.eudpr),
    ],
)
def test_derive_regime_answers_a_regime(
    org_kind: str, authority_kind: str, purpose: str, regime: v.Regime
) -> None:
    derived = derive_regime(org_kind=org_kind, authority_kind=authority_kind, purpose=purpose)
    assert derived is regime
    assert derived == regime.value


def test_derive_regime_refuses_an_organisation_that_controls_no_ilo_data() -> None:
    with pytest.raises(ValueError, match="european_parliament"):
        derive_regime(org_kind="european_parliament", authority_kind="other", purpose="return")
