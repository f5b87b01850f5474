"""Officers and deployments: Art. 2(2), 4(1) and 6 of Regulation (EU) 2019/1240."""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

from app.policies.acl import Actor, Requirement, require_org
from app.policies.actions import declare
from app.policies.engine import Outcome, RuleResult, check, not_applicable, passed
from app.policies.purpose import PURPOSES
from app.policies.rules import ILO_2_2, ILO_4_1, ILO_6_1, ILO_6_2, ILO_6_3
from app.policies.vocabulary import (
    DeploymentStatus,
    InformationTopic,
    OrganisationKind,
    PostingType,
    Role,
    Scope,
)

POSTING_TYPES = frozenset(PostingType)
INFORMATION_TOPICS = frozenset(InformationTopic)
DEPLOYMENT_TRANSITIONS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        DeploymentStatus.planned: frozenset(
            {DeploymentStatus.deployed, DeploymentStatus.cancelled}
        ),
        DeploymentStatus.deployed: frozenset({DeploymentStatus.ended}),
        DeploymentStatus.ended: frozenset(),
        DeploymentStatus.cancelled: frozenset(),
    }
)

_ALPHA2 = re.compile(r"[A-Z]{2}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Participant:
    """An organisation taking part in the network (app/reference/participants.json)."""

    code: str
    kind: str
    bound_by_regulation: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class SharedTask:
    member_state: str
    task: str
    agreement_reference: str


@dataclass(frozen=True, slots=True, kw_only=True)
class OfficerFacts:
    actor: Actor
    officer_org: str
    authority_org: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DeploymentFacts:
    actor: Actor
    officer_org: str
    deployer_kind: str
    posting_type: str
    host_country: str
    city: str
    region_countries: tuple[str, ...]
    topics: tuple[str, ...]
    tasks: tuple[str, ...]
    starts_on: date
    ends_on: date | None
    represented_member_states: tuple[str, ...] = ()
    shared_tasks: tuple[SharedTask, ...] = ()
    co_deploying_member_states: tuple[str, ...] = ()
    representation_agreement_reference: str | None = None
    participants: Mapping[str, Participant] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class DeploymentTransitionFacts:
    actor: Actor
    officer_org: str
    from_status: str
    to_status: str
    on: date
    starts_on: date
    ends_on: date | None
    has_job_description: bool


def transition_allowed(from_status: str, to_status: str) -> bool:
    """The deployment state machine (a 409 conflict when False, not a policy violation)."""
    return to_status in DEPLOYMENT_TRANSITIONS.get(from_status, frozenset())


def is_country_code(code: str) -> bool:
    return _ALPHA2.fullmatch(code) is not None


_MEMBER_STATE = OrganisationKind.member_state
_SCHENGEN_ASSOCIATED = OrganisationKind.schengen_associated


def third_country_problem(code: str, participants: Mapping[str, Participant]) -> str | None:
    """Why `code` is not a third country, or None when it is one."""
    if _ALPHA2.fullmatch(code) is None:
        return f"{code!r} is not an ISO 3166-1 alpha-2 country code"
    participant = participants.get(code)
    if participant is None:
        return None
    if participant.kind == _MEMBER_STATE:
        # Denmark is not bound (Protocol 22) but is still no third country.
        return f"{code} is an EU Member State, not a third country"
    if participant.kind == _SCHENGEN_ASSOCIATED:
        return f"{code} is Schengen-associated and takes part in the network"
    return None


# A read-only participants mapping (the reference data's, loaded once per stamp) -> what
# third_country_problem found for each code asked about: the same codes, decision after decision.
# Bounded: a table that fills up starts again.
_THIRD_COUNTRY: dict[int, tuple[Mapping[str, Participant], dict[str, str | None]]] = {}


_UNKNOWN = "\0"  # a code the table has no answer for yet (no problem text is this)


def _third_country_table(participants: Mapping[str, Participant]) -> dict[str, str | None] | None:
    if participants.__class__ is not MappingProxyType:  # a caller's dict may change
        return None
    found = _THIRD_COUNTRY.get(id(participants))
    if found is not None and found[0] is participants:
        return found[1]
    if len(_THIRD_COUNTRY) >= 16:
        _THIRD_COUNTRY.clear()
    table: dict[str, str | None] = {}
    _THIRD_COUNTRY[id(participants)] = (participants, table)
    return table


def _third_country_problems(
    codes: tuple[str, ...], participants: Mapping[str, Participant]
) -> list[str | None]:
    """third_country_problem of each code, looked up in the participants' table when they have
    one."""
    table = _third_country_table(participants)
    if table is None:
        return [third_country_problem(code, participants) for code in codes]
    found = []
    for code in codes:
        known = table.get(code, _UNKNOWN)  # one lookup: another thread may clear the table
        if known is not _UNKNOWN:
            found.append(known)
            continue
        problem = third_country_problem(code, participants)
        if len(table) >= 1024:
            table.clear()
        table[code] = problem
        found.append(problem)
    return found


def _bound_member_state_problem(
    code: str, participants: Mapping[str, Participant], deployer: str
) -> str | None:
    participant = participants.get(code)
    if participant is None or participant.kind != OrganisationKind.member_state:
        return f"{code} is not an EU Member State"
    if not participant.bound_by_regulation:
        return f"{code} is not bound by Regulation (EU) 2019/1240"
    if code == deployer:
        return f"{code} is the deploying Member State itself"
    return None


def eu_funding_eligible(
    *,
    deployer_kind: str,
    co_deploying_member_states: tuple[str, ...],
    deployer_org: str = "",
    participants: Mapping[str, Participant] | None = None,
) -> bool:
    """ILO-6.3 (DERIVE): Union support needs two or more Member States deploying jointly.

    Representation (Art. 6(1)) and task sharing (6(2)) alone are not joint deployment.
    """
    if deployer_kind != OrganisationKind.member_state:
        return False
    others = {c for c in co_deploying_member_states if c != deployer_org}
    if participants is not None:
        others = {
            c
            for c in others
            if (p := participants.get(c)) and p.kind == OrganisationKind.member_state
        }
    return 1 + len(others) >= 2


def _host_problems(facts: DeploymentFacts) -> list[str]:
    problems = []
    if facts.posting_type not in POSTING_TYPES:
        problems.append(
            f"posting_type {facts.posting_type!r} is none of {', '.join(sorted(POSTING_TYPES))}"
        )
    host, *region = _third_country_problems(
        (facts.host_country, *facts.region_countries), facts.participants
    )
    if host:
        problems.append(f"host_country: {host}")
    for problem in region:
        if problem:
            problems.append(f"region_countries: {problem}")
    if facts.ends_on is None:
        problems.append("ends_on is missing: a deployment is for a set period")
    elif facts.ends_on <= facts.starts_on:
        problems.append(f"ends_on {facts.ends_on} is not after starts_on {facts.starts_on}")
    return problems


_POSTING_MET = passed(ILO_2_2)
_JOB_DESCRIBED = passed(ILO_4_1)


def check_posting(facts: DeploymentFacts) -> RuleResult:
    """ILO-2.2: one posting type, a third-country host (and region), a start and a later end."""
    problems = _host_problems(facts)
    return check(ILO_2_2, problems) if problems else _POSTING_MET


def _job_problems(
    topics: tuple[str, ...], tasks: tuple[str, ...], ends_on: date | None
) -> list[str]:
    problems = []
    if not topics and not tasks:
        problems.append(
            "job description is empty: name at least one Art. 3(4) topic or Art. 3(6) task"
        )
    if not INFORMATION_TOPICS.issuperset(topics):
        problems.extend(
            f"topics: {topic!r} is not an Art. 3(4) information topic"
            for topic in topics
            if topic not in INFORMATION_TOPICS
        )
    if not PURPOSES.issuperset(tasks):
        problems.extend(
            f"tasks: {task!r} is not an Art. 3(6) task" for task in tasks if task not in PURPOSES
        )
    if ends_on is None:
        problems.append("duration unknown: ends_on is missing")
    return problems


def check_job_description(facts: DeploymentFacts) -> RuleResult:
    """ILO-4.1: the notification carries the job description (tasks) and the duration."""
    topics, tasks, ends_on = facts.topics, facts.tasks, facts.ends_on
    if (
        ends_on is not None
        and (topics or tasks)
        and INFORMATION_TOPICS.issuperset(topics)
        and PURPOSES.issuperset(tasks)
    ):
        return _JOB_DESCRIBED  # what _job_problems finds nothing wrong with, without a list
    return check(ILO_4_1, _job_problems(topics, tasks, ends_on))


_NO_REPRESENTATION = not_applicable(ILO_6_1, "no represented Member States")
_NO_SHARED_TASKS = not_applicable(ILO_6_2, "no shared tasks")
_NO_CO_DEPLOYMENT = not_applicable(ILO_6_3, "no co-deploying Member States")


def check_representation(facts: DeploymentFacts) -> RuleResult:
    """ILO-6.1: represented states are other bound Member States, under a recorded agreement."""
    if not facts.represented_member_states:
        return _NO_REPRESENTATION
    problems: list[str] = []
    if facts.deployer_kind != OrganisationKind.member_state:
        problems.append(
            f"only a Member State may represent others; deployer is {facts.deployer_kind}"
        )
    for code in facts.represented_member_states:
        problem = _bound_member_state_problem(code, facts.participants, facts.officer_org)
        if problem:
            problems.append(f"represented_member_states: {problem}")
    if not (facts.representation_agreement_reference or "").strip():
        problems.append("representation_agreement_reference is missing")
    return check(ILO_6_1, problems)


def check_shared_tasks(facts: DeploymentFacts) -> RuleResult:
    """ILO-6.2: tasks shared with another bound Member State, under a recorded agreement."""
    if not facts.shared_tasks:
        return _NO_SHARED_TASKS
    problems: list[str] = []
    if facts.deployer_kind != OrganisationKind.member_state:
        problems.append(f"only Member States share tasks; deployer is {facts.deployer_kind}")
    for shared in facts.shared_tasks:
        problem = _bound_member_state_problem(
            shared.member_state, facts.participants, facts.officer_org
        )
        if problem:
            problems.append(f"shared_tasks: {problem}")
        if not shared.agreement_reference.strip():
            problems.append(f"shared_tasks: agreement_reference missing for {shared.member_state}")
        if shared.task not in PURPOSES and shared.task not in INFORMATION_TOPICS:
            problems.append(
                f"shared_tasks: {shared.task!r} is neither an Art. 3(6) task nor a topic"
            )
    return check(ILO_6_2, problems)


def check_co_deployment(facts: DeploymentFacts) -> RuleResult:
    """ILO-6.3: co-deploying states are bound Member States other than the deployer."""
    if not facts.co_deploying_member_states:
        return _NO_CO_DEPLOYMENT
    eligible = eu_funding_eligible(
        deployer_kind=facts.deployer_kind,
        co_deploying_member_states=facts.co_deploying_member_states,
        deployer_org=facts.officer_org,
        participants=facts.participants,
    )
    problems = [
        f"co_deploying_member_states: {problem}"
        for code in facts.co_deploying_member_states
        if (problem := _bound_member_state_problem(code, facts.participants, facts.officer_org))
    ]
    return check(ILO_6_3, problems, note="eligible for Union support" if eligible else "")


MANAGES_OFFICERS = Requirement(
    roles=frozenset({Role.deploying_authority}), scope=Scope.officers_write
)
MANAGES_DEPLOYMENTS = Requirement(
    roles=frozenset({Role.deploying_authority}), scope=Scope.deployments_write
)


def decide_officer(facts: OfficerFacts) -> Outcome:
    """ACL-ROLE, ACL-ORG: a deploying authority manages the officers of its own organisation."""
    return Outcome(
        results=[
            require_org(
                facts.actor,
                ("officer organisation", facts.officer_org),
                ("authority", facts.authority_org),
            ),
        ]
    )


OFFICER_CREATE = declare(
    "officer.create",
    OfficerFacts,
    requires=MANAGES_OFFICERS,
    rules=decide_officer,
    emits=("officer.created",),
)


OFFICER_UPDATE = declare(
    "officer.update",
    OfficerFacts,
    requires=MANAGES_OFFICERS,
    rules=decide_officer,
    emits=("officer.updated",),
)


def decide_deployment(facts: DeploymentFacts) -> Outcome:
    """ACL-ROLE, ACL-ORG, ILO-2.2, ILO-4.1, ILO-6.1, ILO-6.2, ILO-6.3 on an Art. 4 notification."""
    return Outcome(
        results=[
            require_org(facts.actor, ("officer organisation", facts.officer_org)),
            check_posting(facts),
            check_job_description(facts),
            check_representation(facts),
            check_shared_tasks(facts),
            check_co_deployment(facts),
        ]
    )


DEPLOYMENT_PLAN = declare(
    "deployment.plan",
    DeploymentFacts,
    requires=MANAGES_DEPLOYMENTS,
    rules=decide_deployment,
    emits=("deployment.planned",),
)


DEPLOYMENT_AMEND = declare(
    "deployment.amend",
    DeploymentFacts,
    requires=MANAGES_DEPLOYMENTS,
    rules=decide_deployment,
    emits=("deployment.amended",),
)


def decide_transition(facts: DeploymentTransitionFacts) -> Outcome:
    """ACL-ROLE, ACL-ORG, and ILO-4.1: an actual deployment is notified with tasks and duration."""
    outcome = Outcome(
        results=[
            require_org(facts.actor, ("officer organisation", facts.officer_org)),
        ]
    )
    if facts.to_status != DeploymentStatus.deployed:
        outcome.add(not_applicable(ILO_4_1, f"transition to {facts.to_status}"))
        return outcome
    problems: list[str] = []
    if not facts.has_job_description:
        problems.append("actual deployment needs a job description (topics or tasks)")
    if facts.ends_on is None:
        problems.append("actual deployment needs a duration: ends_on is missing")
    elif facts.ends_on <= facts.starts_on:
        problems.append(f"ends_on {facts.ends_on} is not after starts_on {facts.starts_on}")
    outcome.add(check(ILO_4_1, problems, note="actual deployment notified"))
    return outcome


DEPLOYMENT_TRANSITION = declare(
    "deployment.transition",
    DeploymentTransitionFacts,
    requires=MANAGES_DEPLOYMENTS,
    rules=decide_transition,
    emits=(
        "deployment.cancelled",
        "deployment.deployed",
        "deployment.ended",
        "network.facilitator_vacated",
    ),
)
