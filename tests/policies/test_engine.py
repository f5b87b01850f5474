"""The engine: rule index, versions, dispatch, and the JSON shape of a Decision (API.md)."""

import json
import uuid
from dataclasses import replace
from datetime import date

import pytest

from app.policies import (
    CATALOGUE,
    RULESET_VERSION,
    Actor,
    Decision,
    OfficerFacts,
    ProcessingRecordFacts,
    UnknownAction,
    UnknownRule,
    declared_actions,
    deny,
    evaluate,
    policy_version,
    rule_by_id,
)
from app.policies.declared import Action
from app.policies.rules import ACL_ORG, ACL_ROLE

# REGULATION.md "Rule id index", as written there.
RULE_INDEX = [
    "ILO-2.2",
    "ILO-3.4",
    "ILO-4.1",
    "ILO-5.1",
    "ILO-5.2",
    "ILO-5.3",
    "ILO-6.1",
    "ILO-6.2",
    "ILO-6.3",
    "ILO-7.2",
    "ILO-7.3",
    "ILO-7.4",
    "ILO-7.6",
    "ILO-7.7",
    "ILO-7.8",
    "ILO-7.9",
    "ILO-8.1",
    "ILO-8.2",
    "ILO-8.3",
    "ILO-9.1",
    "ILO-9.3",
    "ILO-9.4",
    "ILO-10.2",
    "ILO-10.3",
    "ILO-10.3f",
    "ILO-10.4",
    "ILO-12",
    "ILO-12r",
    "GDPR-16",
    "GDPR-18",
    "GDPR-18.2",
    "GDPR-19",
    "GDPR-30.1",
    "GDPR-30.1e",
    "GDPR-45",
    "GDPR-46.2a",
    "GDPR-46.3b",
    "GDPR-49.1d",
    "GDPR-49.1f",
    "GDPR-49.3",
    "EUDPR-47",
    "EUDPR-48",
    "EUDPR-50",
    "LED-25",
    "LED-25.2",
    "LED-25.3",
    "LED-35",
    "LED-36",
    "LED-37",
    "LED-38",
    "LED-39",
    "NR-1",
    "DOC-1",
    "SCOPE-EUROPOL",
    "ACL-ORG",
    "ACL-CLAIM",
    "ACL-ROLE",
    "AUDIT-W1",
    "RA-1",
    "RA-2",
]

ACTOR = Actor(sub="da-1", org="NL", roles=frozenset({"deploying_authority"}))
OFFICER = OfficerFacts(actor=ACTOR, officer_org="NL", authority_org="NL")
RECORD = ProcessingRecordFacts(
    actor=Actor(sub="ilo-1", org="NL", roles=frozenset({"ilo"}), officer_id="off-1"),
    officer_id="off-1",
    officer_org="NL",
    officer_authority_kind="immigration",
    officer_org_kind="member_state",
    officer_has_active_deployment=True,
    purpose="return",
    data_categories=("a_return_identity",),
    subject_fields=frozenset({"surname", "nationality"}),
    retain_until=date(2027, 1, 31),
    today=date(2026, 11, 23),
    max_retention_days={"return": 365},
)


def test_rules_cover_the_rule_index() -> None:
    assert [rule.id for rule in CATALOGUE] == RULE_INDEX


@pytest.mark.parametrize(
    ("rule", "prefix"),
    [
        ("ILO-10.3", "Regulation (EU) 2019/1240, Art. 10(3)"),
        ("GDPR-45", "Regulation (EU) 2016/679, Art. 45"),
        ("EUDPR-50", "Regulation (EU) 2018/1725, Art. 50"),
        ("LED-36", "Directive (EU) 2016/680, Art. 36"),
        ("SCOPE-EUROPOL", "Regulation (EU) 2016/794, Art. 25"),
    ],
)
def test_rules_cite_the_article(rule: str, prefix: str) -> None:
    assert rule_by_id(rule).article.startswith(prefix)


def test_policy_version_pins_the_reference_digest() -> None:
    assert policy_version() == RULESET_VERSION
    assert policy_version("0123456789abcdef" * 4) == f"{RULESET_VERSION}+ref.0123456789ab"
    decision = evaluate("officer.create", OFFICER, reference_digest="ffeeddccbbaa99")
    assert decision.policy_version == f"{RULESET_VERSION}+ref.ffeeddccbbaa"


def test_every_action_is_declared() -> None:
    """The vocabulary names exactly the actions the registry declares."""
    assert set(declared_actions()) == {action.value for action in Action}


def test_unknown_action_is_a_value_error() -> None:
    with pytest.raises(UnknownAction, match=r"officer\.delete"):
        evaluate("officer.delete", OFFICER)
    assert issubclass(UnknownAction, ValueError)


def test_wrong_facts_type_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="ProcessingRecordFacts"):
        evaluate("processing_record.create", OFFICER)


def test_decision_ids_are_fresh_uuids() -> None:
    first = evaluate("officer.create", OFFICER)
    second = evaluate("officer.create", OFFICER)
    assert first.decision_id != second.decision_id
    assert uuid.UUID(first.decision_id).version == 4


def test_denied_decision_as_dict_has_the_api_shape() -> None:
    facts = replace(RECORD, data_categories=("e_smuggling_trafficking",))
    body = evaluate("processing_record.create", facts).as_dict()
    assert list(body) == [
        "allowed",
        "decision_id",
        "policy_version",
        "violations",
        "basis",
        "obligations",
        "trace",
        "result",
    ]
    assert body["allowed"] is False
    assert body["result"] is None  # what the rules derived: for an allowed decision only
    assert body["basis"] is None
    assert body["obligations"] == []
    assert body["violations"] == [
        {
            "rule": "ILO-10.3",
            "article": "Regulation (EU) 2019/1240, Art. 10(3)(e)",
            "message": "category e_smuggling_trafficking may only be processed for purpose "
            "smuggling_trafficking, not return",
            "reasons": [
                "category e_smuggling_trafficking may only be processed for purpose "
                "smuggling_trafficking, not return"
            ],
        }
    ]
    assert body["trace"] == [
        {"rule": "ACL-ROLE", "result": "pass", "note": ""},
        {"rule": "ACL-ORG", "result": "pass", "note": ""},
        {"rule": "ILO-10.2", "result": "pass", "note": ""},
        {"rule": "ILO-10.3", "result": "fail", "note": ""},
        {"rule": "ILO-10.3f", "result": "pass", "note": ""},
    ]
    json.dumps(body)


def test_allowed_decision_as_dict_renders_dates_as_iso_strings() -> None:
    decision = evaluate("processing_record.create", RECORD)
    body = decision.as_dict()
    assert body["allowed"] is True
    assert body["violations"] == []
    obligations = body["obligations"]
    assert isinstance(obligations, list)
    assert obligations[0] == {
        "kind": "erase_by",
        "detail": decision.obligations[0].detail,
        "due_on": "2027-01-31",
    }
    assert obligations[1]["due_on"] is None
    json.dumps(body)


def test_deny_is_a_single_rule_denial() -> None:
    decision = deny(ACL_ORG, "actor organisation FR may not act for NL", reference_digest="ab" * 32)
    assert isinstance(decision, Decision)
    assert decision.allowed is False
    assert decision.violated_rules == ("ACL-ORG",)
    assert (
        decision.violations[0].article == "ILONet access control: acting for another organisation"
    )
    assert decision.violations[0].message == "actor organisation FR may not act for NL"
    assert [t.result for t in decision.trace] == ["fail"]
    assert decision.policy_version.endswith("+ref.abababababab")


def test_deny_looks_a_rule_id_string_up_in_the_catalogue() -> None:
    by_id = deny("ACL-ROLE", "reading the audit trail needs role auditor or dpo")
    by_rule = deny(ACL_ROLE, "reading the audit trail needs role auditor or dpo")
    assert by_id.as_dict()["violations"] == by_rule.as_dict()["violations"]
    assert (
        by_id.violations[0].article == "ILONet access control: the role or scope lacks the action"
    )
    assert [(t.rule, t.result) for t in by_id.trace] == [("ACL-ROLE", "fail")]


def test_deny_refuses_a_rule_id_the_catalogue_lacks() -> None:
    with pytest.raises(UnknownRule, match=r"'ACL-RLOE' is not in the catalogue"):
        deny("ACL-RLOE", "a typo")
    assert issubclass(UnknownRule, ValueError)
