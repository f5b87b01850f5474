"""The follow-up of an identification request (Visa Code Art. 25a): RA-1 (it refers to an
identification request to a third country's authority), RA-2 (a consistent answer dated after
the request), ACL-ORG and ACL-ROLE (the organisation and the ILO that made the transfer)."""

from dataclasses import replace
from datetime import date

import pytest

from app.policies import Actor, evaluate
from app.policies.transfer_follow_up import FollowUpFacts, is_identification_request

ILO = Actor(sub="ilo-1", org="NL", roles=frozenset({"ilo"}), officer_id="off-1")
FACTS = FollowUpFacts(
    actor=ILO,
    transfer_org="NL",
    record_officer_id="off-1",
    purpose="return",
    data_categories=("a_return_identity",),
    recipient_type="public_authority",
    destination_country="SN",
    transfer_on=date(2026, 10, 1),
    outcome="confirmed",
    answered_on=date(2026, 10, 20),
    travel_document_issued_on=date(2026, 10, 27),
    return_operation_accepted=True,
    today=date(2026, 12, 1),
)


def _messages(facts: FollowUpFacts, action: str = "transfer_follow_up.record") -> list[str]:
    decision = evaluate(action, facts)
    return [f"{v.rule}: {v.message}" for v in decision.violations]


@pytest.mark.parametrize("action", ["transfer_follow_up.record", "transfer_follow_up.update"])
def test_a_confirmed_answer_after_the_request_is_allowed(action: str) -> None:
    decision = evaluate(action, FACTS)
    assert decision.allowed
    assert [t.rule for t in decision.trace] == ["ACL-ROLE", "ACL-ORG", "RA-1", "RA-2"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"purpose": "smuggling_trafficking"}, "serves purpose smuggling_trafficking, not return"),
        (
            {"data_categories": ("b_return_passenger_list",)},
            "holds no return identification (category a_return_identity)",
        ),
        ({"recipient_type": "international_organisation"}, "not a third country's authority"),
        ({"destination_country": None}, "went to an international organisation"),
    ],
)
def test_ra_1_follow_up_only_of_an_identification_request(
    change: dict[str, object], message: str
) -> None:
    messages = _messages(replace(FACTS, **change))  # type: ignore[arg-type]
    assert len(messages) == 1
    assert messages[0].startswith("RA-1: ")
    assert message in messages[0]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"answered_on": date(2026, 9, 30)}, "is before the request was sent (2026-10-01)"),
        ({"answered_on": date(2026, 12, 2)}, "answered_on 2026-12-02 is in the future"),
        ({"answered_on": None}, "outcome confirmed needs answered_on"),
        (
            {"outcome": "no_answer", "travel_document_issued_on": None},
            "outcome no_answer has no answer date",
        ),
        (
            {"travel_document_issued_on": date(2026, 10, 19), "return_operation_accepted": None},
            "travel_document_issued_on 2026-10-19 is before the answer (2026-10-20)",
        ),
        (
            {"outcome": "not_confirmed", "return_operation_accepted": None},
            "a travel document is only issued after a confirmed identification",
        ),
        (
            {"outcome": "not_confirmed", "travel_document_issued_on": None},
            "a return operation is only accepted after a confirmed identification",
        ),
    ],
)
def test_ra_2_answer_dated_after_the_request_and_consistent(
    change: dict[str, object], message: str
) -> None:
    messages = _messages(replace(FACTS, **change))  # type: ignore[arg-type]
    assert [m for m in messages if message in m] != [], messages
    assert all(m.startswith("RA-2: ") for m in messages)


def test_ra_2_no_answer_needs_no_date() -> None:
    no_answer = replace(
        FACTS,
        outcome="no_answer",
        answered_on=None,
        travel_document_issued_on=None,
        return_operation_accepted=None,
    )
    assert _messages(no_answer) == []


def test_acl_org_follow_up_only_by_the_transferring_organisation() -> None:
    integration = Actor(
        sub="fr-cms",
        org="FR",
        roles=frozenset({"integration"}),
        scopes=frozenset({"transfers:write"}),
    )
    messages = _messages(replace(FACTS, actor=integration))
    assert messages == ["ACL-ORG: actor organisation FR may not act for the transfer of NL"]


def test_acl_role_only_the_record_ilo_or_an_integration_with_transfers_write() -> None:
    other_ilo = Actor(sub="ilo-2", org="NL", roles=frozenset({"ilo"}), officer_id="off-2")
    dpo = Actor(sub="dpo", org="NL", roles=frozenset({"dpo"}))
    assert [m.split(":")[0] for m in _messages(replace(FACTS, actor=other_ilo))] == ["ACL-ROLE"]
    assert [m.split(":")[0] for m in _messages(replace(FACTS, actor=dpo))] == ["ACL-ROLE"]
    integration = Actor(
        sub="nl-cms",
        org="NL",
        roles=frozenset({"integration"}),
        scopes=frozenset({"transfers:write"}),
    )
    assert _messages(replace(FACTS, actor=integration)) == []


def test_ra_1_identification_request_predicate() -> None:
    assert is_identification_request(
        purpose="return",
        data_categories=["a_return_identity"],
        recipient_type="public_authority",
        destination_country="SN",
    )
    assert not is_identification_request(
        purpose="return",
        data_categories=["a_return_identity"],
        recipient_type="other",
        destination_country="SN",
    )
