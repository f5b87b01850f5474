"""Officers and deployments: ILO-2.2, ILO-4.1, ILO-6.1, ILO-6.2, ILO-6.3, ACL-ROLE, ACL-ORG."""

from dataclasses import replace
from datetime import date

import pytest

from app.policies import (
    DEPLOYMENT_TRANSITIONS,
    Actor,
    DeploymentFacts,
    DeploymentTransitionFacts,
    OfficerFacts,
    Participant,
    SharedTask,
    eu_funding_eligible,
    evaluate,
    transition_allowed,
)

PARTICIPANTS = {
    code: Participant(code=code, kind=kind, bound_by_regulation=bound)
    for code, kind, bound in [
        ("NL", "member_state", True),
        ("BE", "member_state", True),
        ("FR", "member_state", True),
        ("DE", "member_state", True),
        ("DK", "member_state", False),
        ("NO", "schengen_associated", True),
        ("CH", "schengen_associated", True),
        ("COM", "commission", True),
        ("FRONTEX", "eu_agency", True),
    ]
}
AUTHORITY = Actor(sub="da-nl", org="NL", roles=frozenset({"deploying_authority"}))
PLAN = DeploymentFacts(
    actor=AUTHORITY,
    officer_org="NL",
    deployer_kind="member_state",
    posting_type="member_state_mission",
    host_country="SN",
    city="Dakar",
    region_countries=("GM", "ML"),
    topics=("c_routes", "i_return_readmission"),
    tasks=("return",),
    starts_on=date(2026, 1, 1),
    ends_on=date(2029, 12, 31),
    participants=PARTICIPANTS,
)


def _plan(**changes: object) -> tuple[str, ...]:
    decision = evaluate("deployment.plan", replace(PLAN, **changes))  # type: ignore[arg-type]
    return decision.violated_rules


def test_deployment_plan_allowed_with_full_trace() -> None:
    decision = evaluate("deployment.plan", PLAN)
    assert decision.allowed
    assert [(t.rule, t.result) for t in decision.trace] == [
        ("ACL-ROLE", "pass"),
        ("ACL-ORG", "pass"),
        ("ILO-2.2", "pass"),
        ("ILO-4.1", "pass"),
        ("ILO-6.1", "not_applicable"),
        ("ILO-6.2", "not_applicable"),
        ("ILO-6.3", "not_applicable"),
    ]
    assert evaluate("deployment.amend", PLAN).allowed


@pytest.mark.parametrize(
    ("host", "needle"),
    [
        pytest.param("FR", "FR is an EU Member State", id="member-state"),
        pytest.param("DK", "DK is an EU Member State", id="denmark-not-bound-not-third"),
        pytest.param("NO", "NO is Schengen-associated", id="schengen-norway"),
        pytest.param("CH", "CH is Schengen-associated", id="schengen-switzerland"),
        pytest.param("sn", "not an ISO 3166-1 alpha-2", id="lower-case"),
        pytest.param("Senegal", "not an ISO 3166-1 alpha-2", id="name"),
    ],
)
def test_ilo_2_2_host_country_must_be_a_third_country(host: str, needle: str) -> None:
    decision = evaluate("deployment.plan", replace(PLAN, host_country=host))
    assert decision.violated_rules == ("ILO-2.2",)
    assert needle in decision.violations[0].message
    assert decision.violations[0].article == "Regulation (EU) 2019/1240, Art. 2(2)"


def test_ilo_2_2_region_countries_are_third_countries() -> None:
    decision = evaluate("deployment.plan", replace(PLAN, region_countries=("GM", "DE")))
    assert decision.violated_rules == ("ILO-2.2",)
    assert decision.violations[0].message == (
        "region_countries: DE is an EU Member State, not a third country"
    )


@pytest.mark.parametrize(
    "ends_on",
    [pytest.param(date(2025, 12, 31), id="before"), pytest.param(date(2026, 1, 1), id="same-day")],
)
def test_ilo_2_2_ends_on_after_starts_on(ends_on: date) -> None:
    decision = evaluate("deployment.plan", replace(PLAN, ends_on=ends_on))
    assert decision.violated_rules == ("ILO-2.2",)
    assert "is not after starts_on 2026-01-01" in decision.violations[0].message


def test_ilo_2_2_and_ilo_4_1_need_a_planned_end() -> None:
    assert _plan(ends_on=None) == ("ILO-2.2", "ILO-4.1")


def test_ilo_2_2_posting_type_from_the_closed_list() -> None:
    decision = evaluate("deployment.plan", replace(PLAN, posting_type="embassy"))
    assert decision.violated_rules == ("ILO-2.2",)
    assert decision.violations[0].message.startswith("posting_type 'embassy' is none of")


@pytest.mark.parametrize(
    "posting_type",
    [
        "member_state_mission",
        "third_country_authority",
        "international_organisation",
        "union_delegation",
    ],
)
def test_ilo_2_2_every_posting_type_is_accepted(posting_type: str) -> None:
    assert _plan(posting_type=posting_type) == ()


def test_ilo_4_1_job_description_needs_a_topic_or_task() -> None:
    decision = evaluate("deployment.plan", replace(PLAN, topics=(), tasks=()))
    assert decision.violated_rules == ("ILO-4.1",)
    assert "job description is empty" in decision.violations[0].message
    assert _plan(topics=(), tasks=("resettlement",)) == ()
    assert _plan(topics=("k_legal_migration",), tasks=()) == ()


def test_ilo_4_1_unknown_topic_and_task_are_refused() -> None:
    decision = evaluate("deployment.plan", replace(PLAN, topics=("m_weather",), tasks=("visa",)))
    assert decision.violated_rules == ("ILO-4.1",)
    assert list(decision.violations[0].reasons) == [
        "topics: 'm_weather' is not an Art. 3(4) information topic",
        "tasks: 'visa' is not an Art. 3(6) task",
    ]


def test_ilo_6_1_represented_member_states_under_agreement() -> None:
    ok = replace(
        PLAN, represented_member_states=("BE",), representation_agreement_reference="BNL-2025-7"
    )
    decision = evaluate("deployment.plan", ok)
    assert decision.allowed
    assert ("ILO-6.1", "pass") in [(t.rule, t.result) for t in decision.trace]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param(
            {"represented_member_states": ("NL",)},
            "represented_member_states: NL is the deploying Member State itself",
            id="deployer-itself",
        ),
        pytest.param(
            {"represented_member_states": ("DK",)},
            "represented_member_states: DK is not bound by Regulation (EU) 2019/1240",
            id="denmark",
        ),
        pytest.param(
            {"represented_member_states": ("NO",)},
            "represented_member_states: NO is not an EU Member State",
            id="schengen",
        ),
        pytest.param(
            {"represented_member_states": ("BE",), "representation_agreement_reference": " "},
            "representation_agreement_reference is missing",
            id="no-agreement",
        ),
        pytest.param(
            {
                "represented_member_states": ("BE",),
                "deployer_kind": "eu_agency",
                "officer_org": "FRONTEX",
                "actor": Actor(sub="fx", org="FRONTEX", roles=frozenset({"deploying_authority"})),
            },
            "only a Member State may represent others; deployer is eu_agency",
            id="agency",
        ),
    ],
)
def test_ilo_6_1_representation_refused(changes: dict[str, object], message: str) -> None:
    facts = replace(PLAN, representation_agreement_reference="BNL-2025-7")
    decision = evaluate("deployment.plan", replace(facts, **changes))  # type: ignore[arg-type]
    assert decision.violated_rules == ("ILO-6.1",)
    assert decision.violations[0].message == message


def test_ilo_6_2_shared_tasks() -> None:
    good = SharedTask(member_state="BE", task="return", agreement_reference="BNL-TS-1")
    assert _plan(shared_tasks=(good,)) == ()
    assert _plan(shared_tasks=(replace(good, task="c_routes"),)) == ()
    decision = evaluate(
        "deployment.plan",
        replace(
            PLAN,
            shared_tasks=(
                replace(good, agreement_reference=""),
                replace(good, member_state="NL"),
                replace(good, task="consular_visas"),
            ),
        ),
    )
    assert decision.violated_rules == ("ILO-6.2",)
    assert list(decision.violations[0].reasons) == [
        "shared_tasks: agreement_reference missing for BE",
        "shared_tasks: NL is the deploying Member State itself",
        "shared_tasks: 'consular_visas' is neither an Art. 3(6) task nor a topic",
    ]


def test_ilo_6_3_co_deploying_member_states() -> None:
    decision = evaluate("deployment.plan", replace(PLAN, co_deploying_member_states=("BE",)))
    assert decision.allowed
    assert decision.trace[-1].rule == "ILO-6.3"
    assert decision.trace[-1].note == "eligible for Union support"
    refused = evaluate("deployment.plan", replace(PLAN, co_deploying_member_states=("NL", "NO")))
    assert refused.violated_rules == ("ILO-6.3",)
    assert list(refused.violations[0].reasons) == [
        "co_deploying_member_states: NL is the deploying Member State itself",
        "co_deploying_member_states: NO is not an EU Member State",
    ]


@pytest.mark.parametrize(
    ("deployer_kind", "co_deploying", "eligible"),
    [
        pytest.param("member_state", (), False, id="alone"),
        pytest.param("member_state", ("BE",), True, id="two-states"),
        pytest.param("member_state", ("BE", "BE"), True, id="duplicate-counts-once"),
        pytest.param("member_state", ("NL",), False, id="deployer-listed-as-co-deployer"),
        pytest.param("member_state", ("NO",), False, id="schengen-is-no-member-state"),
        pytest.param("eu_agency", ("BE", "FR"), False, id="agency-deployer"),
    ],
)
def test_ilo_6_3_eu_funding_eligible(
    deployer_kind: str, co_deploying: tuple[str, ...], eligible: bool
) -> None:
    assert (
        eu_funding_eligible(
            deployer_kind=deployer_kind,
            co_deploying_member_states=co_deploying,
            deployer_org="NL",
            participants=PARTICIPANTS,
        )
        is eligible
    )


def test_ilo_6_3_representation_alone_is_no_joint_deployment() -> None:
    assert not eu_funding_eligible(deployer_kind="member_state", co_deploying_member_states=())
    assert eu_funding_eligible(deployer_kind="member_state", co_deploying_member_states=("BE",))


def test_acl_org_deployment_for_another_organisation() -> None:
    decision = evaluate("deployment.plan", replace(PLAN, actor=replace(AUTHORITY, org="FR")))
    assert decision.violated_rules == ("ACL-ORG",)
    assert decision.violations[0].message == (
        "actor organisation FR may not act for officer organisation NL"
    )


@pytest.mark.parametrize(
    ("actor", "violated"),
    [
        pytest.param(Actor(sub="i", org="NL", roles=frozenset({"ilo"})), ("ACL-ROLE",), id="ilo"),
        pytest.param(
            Actor(
                sub="m",
                org="NL",
                roles=frozenset({"integration"}),
                scopes=frozenset({"deployments:write"}),
            ),
            (),
            id="integration-with-scope",
        ),
        pytest.param(
            Actor(
                sub="m",
                org="NL",
                roles=frozenset({"integration"}),
                scopes=frozenset({"officers:write"}),
            ),
            ("ACL-ROLE",),
            id="integration-wrong-scope",
        ),
    ],
)
def test_acl_role_deployment(actor: Actor, violated: tuple[str, ...]) -> None:
    assert _plan(actor=actor) == violated


@pytest.mark.parametrize(
    ("facts", "violated"),
    [
        pytest.param(
            OfficerFacts(actor=AUTHORITY, officer_org="NL", authority_org="NL"), (), id="ok"
        ),
        pytest.param(
            OfficerFacts(actor=AUTHORITY, officer_org="NL", authority_org="BE"),
            ("ACL-ORG",),
            id="authority-of-another-org",
        ),
        pytest.param(
            OfficerFacts(actor=AUTHORITY, officer_org="FR", authority_org="FR"),
            ("ACL-ORG",),
            id="officer-of-another-org",
        ),
        pytest.param(
            OfficerFacts(
                actor=Actor(sub="sb", org="NL", roles=frozenset({"sb_member"})),
                officer_org="NL",
                authority_org="NL",
            ),
            ("ACL-ROLE",),
            id="board-member",
        ),
        pytest.param(
            OfficerFacts(
                actor=Actor(
                    sub="m",
                    org="NL",
                    roles=frozenset({"integration"}),
                    scopes=frozenset({"officers:write"}),
                ),
                officer_org="NL",
                authority_org="NL",
            ),
            (),
            id="integration-officers-write",
        ),
    ],
)
def test_acl_role_and_acl_org_officer(facts: OfficerFacts, violated: tuple[str, ...]) -> None:
    for action in ("officer.create", "officer.update"):
        assert evaluate(action, facts).violated_rules == violated


@pytest.mark.parametrize(
    ("from_status", "to_status", "allowed"),
    [
        ("planned", "deployed", True),
        ("planned", "cancelled", True),
        ("deployed", "ended", True),
        ("planned", "ended", False),
        ("deployed", "cancelled", False),
        ("ended", "deployed", False),
        ("cancelled", "planned", False),
        ("unknown", "deployed", False),
    ],
)
def test_transition_allowed_state_machine(from_status: str, to_status: str, allowed: bool) -> None:
    assert transition_allowed(from_status, to_status) is allowed
    assert set(DEPLOYMENT_TRANSITIONS) == {"planned", "deployed", "ended", "cancelled"}


TRANSITION = DeploymentTransitionFacts(
    actor=AUTHORITY,
    officer_org="NL",
    from_status="planned",
    to_status="deployed",
    on=date(2026, 1, 1),
    starts_on=date(2026, 1, 1),
    ends_on=date(2029, 12, 31),
    has_job_description=True,
)


def test_ilo_4_1_actual_deployment_needs_job_description_and_duration() -> None:
    assert evaluate("deployment.transition", TRANSITION).allowed
    decision = evaluate(
        "deployment.transition", replace(TRANSITION, has_job_description=False, ends_on=None)
    )
    assert decision.violated_rules == ("ILO-4.1",)
    assert list(decision.violations[0].reasons) == [
        "actual deployment needs a job description (topics or tasks)",
        "actual deployment needs a duration: ends_on is missing",
    ]


def test_ilo_4_1_not_applicable_when_ending() -> None:
    decision = evaluate(
        "deployment.transition",
        replace(TRANSITION, from_status="deployed", to_status="ended", has_job_description=False),
    )
    assert decision.allowed
    assert decision.trace[-1].rule == "ILO-4.1"
    assert decision.trace[-1].result == "not_applicable"


def test_acl_org_and_acl_role_transition() -> None:
    foreign = replace(TRANSITION, actor=replace(AUTHORITY, org="BE"))
    assert evaluate("deployment.transition", foreign).violated_rules == ("ACL-ORG",)
    ilo = replace(TRANSITION, actor=replace(AUTHORITY, roles=frozenset({"ilo"})))
    assert evaluate("deployment.transition", ilo).violated_rules == ("ACL-ROLE",)
