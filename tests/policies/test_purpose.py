"""Processing records: ILO-10.2, ILO-10.3, ILO-10.3f, ACL-ROLE, ACL-ORG, regime, obligations."""

from dataclasses import replace
from datetime import date, timedelta

import pytest

from app.policies import (
    CATEGORY_FIELDS,
    Actor,
    Obligation,
    ProcessingRecordFacts,
    derive_regime,
    evaluate,
)
from app.policies.purpose import CATEGORY_PURPOSE, PURPOSES

TODAY = date(2026, 11, 23)
ILO = Actor(sub="ilo-1", org="NL", roles=frozenset({"ilo"}), officer_id="off-1")
RECORD = ProcessingRecordFacts(
    actor=ILO,
    officer_id="off-1",
    officer_org="NL",
    officer_authority_kind="immigration",
    officer_org_kind="member_state",
    officer_has_active_deployment=True,
    purpose="return",
    data_categories=("a_return_identity",),
    subject_fields=frozenset(
        {
            "surname",
            "given_names",
            "date_of_birth",
            "nationality",
            "biometrics",
            "protection_status",
        }
    ),
    retain_until=TODAY + timedelta(days=180),
    today=TODAY,
    max_retention_days={
        "return": 365,
        "resettlement": 365,
        "legal_migration": 180,
        "smuggling_trafficking": 730,
    },
)


def _rules(**changes: object) -> tuple[str, ...]:
    facts = replace(RECORD, **changes)  # type: ignore[arg-type]
    return evaluate("processing_record.create", facts).violated_rules


def test_return_record_allowed_with_obligations() -> None:
    decision = evaluate("processing_record.create", RECORD)
    assert decision.allowed
    assert decision.obligations == (
        Obligation(
            "erase_by",
            "ILO-10.2: erase when no longer necessary for the purpose, at the latest on this date",
            date(2027, 5, 22),
        ),
        Obligation("record_in_ropa", "Regulation (EU) 2016/679, Art. 30"),
        Obligation("special_category_data", "biometrics: Regulation (EU) 2016/679, Art. 9"),
    )


def test_no_special_category_obligation_without_biometrics() -> None:
    facts = replace(RECORD, subject_fields=frozenset({"surname", "nationality"}))
    kinds = [o.kind for o in evaluate("processing_record.create", facts).obligations]
    assert kinds == ["erase_by", "record_in_ropa"]


def test_led_record_obligations_cite_the_directive() -> None:
    facts = replace(
        RECORD,
        officer_authority_kind="police",
        purpose="smuggling_trafficking",
        data_categories=("e_smuggling_trafficking",),
    )
    decision = evaluate("processing_record.create", facts)
    assert decision.allowed
    assert [o.detail for o in decision.obligations[1:]] == [
        "Directive (EU) 2016/680, Art. 24",
        "biometrics: Directive (EU) 2016/680, Art. 10",
    ]


def test_ilo_10_3_category_e_only_for_smuggling_purpose() -> None:
    decision = evaluate(
        "processing_record.create", replace(RECORD, data_categories=("e_smuggling_trafficking",))
    )
    assert decision.violated_rules == ("ILO-10.3",)
    assert decision.violations[0].article == "Regulation (EU) 2019/1240, Art. 10(3)(e)"
    assert decision.violations[0].message == (
        "category e_smuggling_trafficking may only be processed for purpose "
        "smuggling_trafficking, not return"
    )


@pytest.mark.parametrize("purpose", sorted(PURPOSES))
@pytest.mark.parametrize("category", sorted(CATEGORY_PURPOSE))
def test_ilo_10_3_category_purpose_matrix(category: str, purpose: str) -> None:
    expected = () if CATEGORY_PURPOSE[category] == purpose else ("ILO-10.3",)
    fields = (
        frozenset({"surname"})
        if category != "b_return_passenger_list"
        else frozenset({"passengers"})
    )
    assert _rules(purpose=purpose, data_categories=(category,), subject_fields=fields) == expected


def test_ilo_10_3_matrix_is_the_regulation_s() -> None:
    assert dict(CATEGORY_PURPOSE) == {
        "a_return_identity": "return",
        "b_return_passenger_list": "return",
        "c_legal_migration_identity": "legal_migration",
        "d_resettlement_identity": "resettlement",
        "e_smuggling_trafficking": "smuggling_trafficking",
    }


def test_ilo_10_3_unknown_or_missing_category_refused() -> None:
    decision = evaluate("processing_record.create", replace(RECORD, data_categories=("f_health",)))
    assert ("ILO-10.3", "category 'f_health' is not an Art. 10(3) category") in [
        (v.rule, v.message) for v in decision.violations
    ]
    assert _rules(data_categories=(), subject_fields=frozenset({"protection_status"})) == (
        "ILO-10.3",
    )


def test_ilo_10_3f_fields_outside_the_categories_refused() -> None:
    decision = evaluate(
        "processing_record.create",
        replace(RECORD, subject_fields=RECORD.subject_fields | {"religion", "unhcr_reference"}),
    )
    assert decision.violated_rules == ("ILO-10.3f",)
    assert list(decision.violations[0].reasons) == [
        "subject data field 'religion' belongs to none of the categories",
        "subject data field 'unhcr_reference' belongs to none of the categories",
    ]


@pytest.mark.parametrize(
    ("category", "purpose", "field", "allowed"),
    [
        ("d_resettlement_identity", "resettlement", "unhcr_reference", True),
        ("c_legal_migration_identity", "legal_migration", "nationality_evidence", False),
        ("a_return_identity", "return", "nationality_evidence", True),
        ("b_return_passenger_list", "return", "surname", False),
        ("b_return_passenger_list", "return", "flight_or_transport", True),
        ("e_smuggling_trafficking", "smuggling_trafficking", "financial_flows", True),
        ("a_return_identity", "return", "modus_operandi", False),
        ("b_return_passenger_list", "return", "protection_status", True),
    ],
)
def test_ilo_10_3f_category_field_sets(
    category: str, purpose: str, field: str, allowed: bool
) -> None:
    rules = _rules(purpose=purpose, data_categories=(category,), subject_fields=frozenset({field}))
    assert rules == (() if allowed else ("ILO-10.3f",))


def test_ilo_10_3f_category_fields_match_api_md() -> None:
    identity = {
        "surname",
        "given_names",
        "date_of_birth",
        "place_of_birth",
        "sex",
        "nationality",
        "travel_document",
        "biometrics",
    }
    assert CATEGORY_FIELDS["a_return_identity"] == identity | {"nationality_evidence"}
    assert CATEGORY_FIELDS["c_legal_migration_identity"] == identity
    assert CATEGORY_FIELDS["d_resettlement_identity"] == identity | {"unhcr_reference"}
    assert CATEGORY_FIELDS["e_smuggling_trafficking"] == identity | {
        "nationality_evidence",
        "aliases",
        "role",
        "modus_operandi",
        "means_of_transport",
        "intermediaries",
        "financial_flows",
    }


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param(
            {"officer_has_active_deployment": False},
            "officer off-1 has no active deployment on 2026-11-23: no Art. 3(6) task to serve",
            id="not-deployed",
        ),
        pytest.param(
            {"retain_until": TODAY},
            "retain_until 2026-11-23 is not after today 2026-11-23",
            id="retain-until-today",
        ),
        pytest.param(
            {"retain_until": TODAY + timedelta(days=366)},
            "retain_until 2027-11-24 exceeds the 365-day cap for purpose return counted from "
            "2026-11-23 (latest 2027-11-23): erase when no longer necessary",
            id="beyond-cap",
        ),
        pytest.param(
            {"began_on": TODAY + timedelta(days=1)},
            "began_on 2026-11-24 is in the future (today is 2026-11-23)",
            id="began-in-the-future",
        ),
        pytest.param(
            {"began_on": TODAY - timedelta(days=200), "retain_until": TODAY + timedelta(days=200)},
            "retain_until 2027-06-11 exceeds the 365-day cap for purpose return counted from "
            "2026-05-07 (latest 2027-05-07): erase when no longer necessary",
            id="cap-counted-from-began-on",
        ),
        pytest.param(
            {"began_on": TODAY - timedelta(days=100), "retain_until": TODAY - timedelta(days=1)},
            "retain_until 2026-11-22 is not after today 2026-11-23: the retention of a processing "
            "that began earlier has ended, so its data are erased, not loaded",
            id="retention-ended-before-loading",
        ),
        pytest.param(
            {"max_retention_days": {}},
            "no retention cap is configured for purpose 'return'",
            id="no-cap",
        ),
    ],
)
def test_ilo_10_2_purpose_deployment_and_retention(
    changes: dict[str, object], message: str
) -> None:
    decision = evaluate("processing_record.create", replace(RECORD, **changes))  # type: ignore[arg-type]
    assert decision.violated_rules == ("ILO-10.2",)
    assert decision.violations[0].message == message


def test_ilo_10_2_retention_at_the_cap_is_allowed() -> None:
    assert _rules(retain_until=TODAY + timedelta(days=365)) == ()


def test_ilo_10_2_a_non_controller_organisation_is_refused_in_the_decision() -> None:
    """The European Parliament deploys no ILOs. Its tokens cannot claim an officer (ACL-CLAIM,
    tests/routers/test_registry_parity.py); the decision refuses such a record all the same."""
    decision = evaluate(
        "processing_record.create", replace(RECORD, officer_org_kind="european_parliament")
    )
    assert "ILO-10.2" in decision.violated_rules
    messages = [v.message for v in decision.violations if v.rule == "ILO-10.2"]
    assert any("european_parliament is not a controller of ILO data" in m for m in messages)


def test_ilo_10_2_purpose_outside_art_3_6_refused() -> None:
    decision = evaluate("processing_record.create", replace(RECORD, purpose="visa"))
    assert decision.violated_rules == ("ILO-10.2", "ILO-10.3")
    assert decision.violations[0].reasons[0] == "purpose 'visa' is not one of the Art. 3(6) tasks"
    assert len(decision.violations[0].reasons) == 2


@pytest.mark.parametrize(
    ("actor", "violated"),
    [
        pytest.param(replace(ILO, officer_id="off-2"), ("ACL-ROLE",), id="other-officer"),
        pytest.param(replace(ILO, roles=frozenset({"dpo"})), ("ACL-ROLE",), id="dpo"),
        pytest.param(
            Actor(
                sub="m",
                org="NL",
                roles=frozenset({"integration"}),
                scopes=frozenset({"processing:write"}),
            ),
            (),
            id="integration-processing-write",
        ),
        pytest.param(
            Actor(
                sub="m",
                org="NL",
                roles=frozenset({"integration"}),
                scopes=frozenset({"transfers:write"}),
            ),
            ("ACL-ROLE",),
            id="integration-other-scope",
        ),
    ],
)
def test_acl_role_processing_record(actor: Actor, violated: tuple[str, ...]) -> None:
    assert _rules(actor=actor) == violated


def test_acl_org_processing_record() -> None:
    decision = evaluate("processing_record.create", replace(RECORD, actor=replace(ILO, org="BE")))
    assert decision.violated_rules == ("ACL-ORG",)
    assert decision.violations[0].message == (
        "actor organisation BE may not act for officer organisation NL"
    )


@pytest.mark.parametrize(
    ("org_kind", "authority_kind", "purpose", "regime"),
    [
        ("member_state", "immigration", "return", "gdpr"),
        ("member_state", "police", "return", "gdpr"),
        ("member_state", "police", "smuggling_trafficking", "led"),
        ("member_state", "border_guard", "smuggling_trafficking", "gdpr"),
        ("schengen_associated", "police", "smuggling_trafficking", "led"),
        ("commission", "union_body", "legal_migration", "eudpr"),
        ("eu_agency", "union_body", "return", "eudpr"),
        ("eu_agency", "police", "smuggling_trafficking", "eudpr"),
    ],
)
def test_derive_regime(org_kind: str, authority_kind: str, purpose: str, regime: str) -> None:
    assert (
        derive_regime(org_kind=org_kind, authority_kind=authority_kind, purpose=purpose) == regime
    )


def test_derive_regime_refuses_a_non_controller() -> None:
    with pytest.raises(ValueError, match="european_parliament"):
        derive_regime(org_kind="european_parliament", authority_kind="other", purpose="return")
