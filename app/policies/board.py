"""The Steering Board: Art. 7 and 8 of Regulation (EU) 2019/1240.

Composition (ILO-7.2, 7.3, 7.4, 7.6) is checked one appointment at a time; the outcome of a
decision is derived (ILO-7.8) in app/policies/board_tally.py, never taken from a client. The
Board's records are kept by its secretariat, which the Commission provides (Art. 7(6)): ACL-ORG
holds the secretariat's actions to `COM`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date

from app.policies.acl import Actor, Requirement, require_org
from app.policies.actions import declare
from app.policies.engine import Outcome, RuleResult, check, not_applicable, passed
from app.policies.roles import COMMISSION, DEPLOYING_KINDS, board_acts
from app.policies.rules import (
    ILO_7_2,
    ILO_7_3,
    ILO_7_4,
    ILO_7_6,
    ILO_7_7,
    ILO_7_9,
    ILO_8_1,
    ILO_8_2,
    Rule,
)
from app.policies.vocabulary import (
    BoardSeatRole,
    DocumentCategory,
    OrganisationKind,
    Role,
    Scope,
)

SECRETARIAT = COMMISSION
# Art. 9(3): the Board member list and the ILO contact list hold personal data; they are never
# open to the European Parliament.
PERSONAL_CATEGORIES = frozenset(
    {DocumentCategory.c_board_member_list, DocumentCategory.d_ilo_contact_list}
)


@dataclass(frozen=True, slots=True, kw_only=True)
class BoardSeatLaw:
    """What the law gives an organisation on the Board (app/reference/participants.json)."""

    code: str
    kind: str
    bound_by_regulation: bool
    board_seats: int
    alternate_seats: int
    voting_right: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class SeatFacts:
    """An appointment: the seat asked for and the seats of the organisation held on that day."""

    actor: Actor
    role: str
    organisation: str | None  # None: an observer from outside the network (ILO-7.4)
    law: BoardSeatLaw | None
    chair: bool
    invitation_reference: str | None
    held_members: int = 0
    held_alternates: int = 0
    chair_held_by_other: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class SecretariatFacts:
    """An act of the secretariat on a Board record that asks nothing else of the law."""

    actor: Actor
    rule_note: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class RulesOfProcedureFacts:
    actor: Actor
    quorum: int
    proxy_allowed: bool
    max_proxies_per_member: int
    ep_visible_categories: tuple[str, ...]
    voting_seats: int


@dataclass(frozen=True, slots=True, kw_only=True)
class MeetingFacts:
    actor: Actor
    held_on: date
    officers_listed: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ForwardingFacts:
    actor: Actor
    organisation: str
    organisation_kind: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkProgrammeFacts:
    actor: Actor
    period_from: date
    period_to: date
    resources: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ActivityReportFacts:
    actor: Actor
    period_from: date
    period_to: date


# --- the derivations (ILO-7.8) -----------------------------------------------------------------


def voting_seats(law: Mapping[str, BoardSeatLaw]) -> int:
    """ILO-7.8: every voting seat the law gives, whether its holder is appointed or present."""
    return sum(
        seat.board_seats for seat in law.values() if seat.voting_right and seat.bound_by_regulation
    )


def meeting_flags(
    meetings_per_year: Mapping[int, int], first_meeting: date | None, on: date
) -> list[tuple[Rule, str]]:
    """ILO-7.7 (DERIVE): each calendar year since the first meeting with fewer than two
    meetings; the current year is flagged as "so far" until it is over."""
    if first_meeting is None:
        return []
    flags = []
    # the last twenty years at most: older years are history, not something to act on
    for year in range(max(first_meeting.year, on.year - 20), on.year + 1):
        held = meetings_per_year.get(year, 0)
        if held >= 2:
            continue
        if year < on.year or on == date(year, 12, 31):
            flags.append((ILO_7_7, f"{year}: {held} meeting(s), fewer than two"))
        else:
            flags.append((ILO_7_7, f"{year} so far: {held} meeting(s) of two"))
    return flags


def composition_flags(missing: int, has_chair: bool) -> list[tuple[Rule, str]]:
    """ILO-7.2/7.3 and ILO-7.6: an incomplete Board is flagged, never refused."""
    flags = []
    if missing:
        flags.append((ILO_7_2, f"{missing} seat(s) of Art. 7(2)-(3) unfilled"))
    if not has_chair:
        flags.append((ILO_7_6, "no Commission representative chairs the Board"))
    return flags


def rules_flags(adopted_on: date | None, due_by: date | None, on: date) -> list[tuple[Rule, str]]:
    """ILO-8.1: rules of procedure adopted after, or missing past, three months from the first
    meeting."""
    if due_by is None:
        return []
    if adopted_on is None:
        late = " (late)" if on > due_by else ""
        return [(ILO_8_1, f"no rules of procedure; due by {due_by}{late}")]
    if adopted_on > due_by:
        return [(ILO_8_1, f"rules of procedure adopted on {adopted_on}, after {due_by}: late")]
    return []


# --- the rules ---------------------------------------------------------------------------------


def _secretariat(actor: Actor) -> RuleResult:
    return board_acts(actor, "the Board's secretariat")


def _member_problems(facts: SeatFacts, law: BoardSeatLaw) -> Iterator[str]:
    if facts.role == BoardSeatRole.member and facts.held_members >= law.board_seats:
        yield (
            f"{law.code} has {law.board_seats} member seat(s) on the Board and holds "
            f"{facts.held_members}"
        )
    if facts.role == BoardSeatRole.alternate and facts.held_alternates >= law.alternate_seats:
        yield (
            f"{law.code} has {law.alternate_seats} alternate seat(s) on the Board and holds "
            f"{facts.held_alternates}"
        )


def check_composition(facts: SeatFacts) -> list[RuleResult]:
    """ILO-7.2 (Member States, Commission, agencies), ILO-7.3 (Schengen-associated, no vote),
    ILO-7.4 (observers by invitation)."""
    if facts.role == BoardSeatRole.observer:
        problems = []
        if not (facts.invitation_reference or "").strip():
            problems.append("an observer sits by invitation: invitation_reference is missing")
        return [
            not_applicable(ILO_7_2, "an observer"),
            check(ILO_7_4, problems, note="observers never vote"),
        ]
    law = facts.law
    if law is None:
        return [
            check(ILO_7_2, [f"{facts.organisation or 'nobody'} is no participant of the network"]),
            not_applicable(ILO_7_4, "not an observer"),
        ]
    rule = ILO_7_3 if law.kind == OrganisationKind.schengen_associated else ILO_7_2
    if law.kind == OrganisationKind.member_state and not law.bound_by_regulation:
        problems = [f"{law.code} is not bound by Regulation (EU) 2019/1240 (no seat)"]
    elif law.kind == OrganisationKind.european_parliament:
        problems = [f"{law.code} has no Board seat; it may be invited as an observer"]
    else:
        problems = list(_member_problems(facts, law))
    result = check(rule, problems, note="no vote" if not law.voting_right else "")
    other = ILO_7_2 if rule is ILO_7_3 else ILO_7_3
    return [result, not_applicable(other, f"{law.kind} seat"), not_applicable(ILO_7_4, "a seat")]


def check_chair(facts: SeatFacts) -> RuleResult:
    """ILO-7.6: a Commission member chairs the Board, one at a time."""
    if not facts.chair:
        return not_applicable(ILO_7_6, "not the chair")
    problems = []
    kind = facts.law.kind if facts.law else None
    if facts.role != BoardSeatRole.member or kind != OrganisationKind.commission:
        problems.append("the chair is a Commission representative holding a member seat")
    if facts.chair_held_by_other:
        problems.append("the Board already has a chair: end that appointment first")
    return check(ILO_7_6, problems)


SECRETARIAT_ACTS = Requirement(
    roles=frozenset({Role.sb_secretariat, Role.sb_chair}), scope=Scope.board_write
)
FORWARDS = Requirement(roles=frozenset({Role.deploying_authority}), scope=Scope.board_write)


def decide_appointment(facts: SeatFacts) -> Outcome:
    """ACL-ORG, ILO-7.2, ILO-7.3, ILO-7.4, ILO-7.6: one appointment to the Board."""
    return Outcome(
        results=[_secretariat(facts.actor), *check_composition(facts), check_chair(facts)]
    )


BOARD_MEMBER_APPOINT = declare(
    "board_member.appoint",
    SeatFacts,
    requires=SECRETARIAT_ACTS,
    rules=decide_appointment,
    emits=("board_member.appointed",),
)


def decide_end_of_appointment(facts: SecretariatFacts) -> Outcome:
    """ACL-ORG: an appointment ends; the composition it leaves is flagged on the status."""
    return Outcome(results=[_secretariat(facts.actor)])


BOARD_MEMBER_END = declare(
    "board_member.end",
    SecretariatFacts,
    requires=SECRETARIAT_ACTS,
    rules=decide_end_of_appointment,
    emits=("board_member.ended",),
)


def _procedure_problems(facts: RulesOfProcedureFacts) -> Iterator[str]:
    if facts.quorum < 1 or facts.quorum > facts.voting_seats:
        yield f"quorum {facts.quorum} is not between 1 and the {facts.voting_seats} voting seats"
    if facts.proxy_allowed and facts.max_proxies_per_member < 1:
        yield "proxy voting allowed, but max_proxies_per_member is below 1"
    if not facts.proxy_allowed and facts.max_proxies_per_member:
        yield "max_proxies_per_member is set while proxy voting is not allowed"
    for category in facts.ep_visible_categories:
        if category not in set(DocumentCategory):
            yield f"ep_visible_categories: {category!r} is no Art. 9(2) category"
        elif category in PERSONAL_CATEGORIES:
            yield f"ep_visible_categories: {category} holds personal data (Art. 9(3))"


def decide_rules_of_procedure(facts: RulesOfProcedureFacts) -> Outcome:
    """ACL-ORG, ILO-8.1: quorum, proxy voting and the EP-visible categories (Art. 9(4)). A late
    adoption is flagged on the Board's status, not refused: late rules beat none."""
    return Outcome(results=[_secretariat(facts.actor), check(ILO_8_1, _procedure_problems(facts))])


BOARD_RULES_ADOPT = declare(
    "board_rules.adopt",
    RulesOfProcedureFacts,
    requires=SECRETARIAT_ACTS,
    rules=decide_rules_of_procedure,
    emits=("board_rules.adopted",),
)


def decide_meeting(facts: MeetingFacts) -> Outcome:
    """ACL-ORG, ILO-8.2(d): a meeting is recorded with the list of deployed ILOs of its day."""
    return Outcome(
        results=[
            _secretariat(facts.actor),
            passed(ILO_8_2, note=f"officer list of {facts.held_on}: {facts.officers_listed}"),
        ]
    )


BOARD_MEETING_RECORD = declare(
    "board_meeting.record",
    MeetingFacts,
    requires=SECRETARIAT_ACTS,
    rules=decide_meeting,
    emits=("board_meeting.recorded",),
)


def decide_forwarding(facts: ForwardingFacts) -> Outcome:
    """ACL-ORG, ILO-7.9: a deploying organisation records that it passed a decision on."""
    problems = []
    if facts.organisation_kind not in DEPLOYING_KINDS:
        problems.append(f"{facts.organisation} deploys no ILOs to forward decisions to")
    return Outcome(
        results=[
            require_org(facts.actor, ("forwarding organisation", facts.organisation)),
            check(ILO_7_9, problems),
        ]
    )


BOARD_DECISION_FORWARD = declare(
    "board_decision.forward",
    ForwardingFacts,
    requires=FORWARDS,
    rules=decide_forwarding,
    emits=("board_decision.forwarded",),
)


def _period_problems(period_from: date, period_to: date, *, biennial: bool) -> Iterator[str]:
    if period_to <= period_from:
        yield f"period_to {period_to} is not after period_from {period_from}"
    elif biennial and not 700 <= (period_to - period_from).days <= 731:
        yield f"a work programme is biennial: {period_from} to {period_to} is not two years"
    elif (period_to - period_from).days > 1096:
        yield "an activity report covers at most three years"


def decide_work_programme(facts: WorkProgrammeFacts) -> Outcome:
    """ACL-ORG, ILO-8.2(a): a biennial work programme with the resources it needs."""
    problems = list(_period_problems(facts.period_from, facts.period_to, biennial=True))
    if facts.resources < 1:
        problems.append("a work programme states its resources (Art. 8(2)(a))")
    return Outcome(results=[_secretariat(facts.actor), check(ILO_8_2, problems)])


BOARD_WORK_PROGRAMME_ADOPT = declare(
    "board_work_programme.adopt",
    WorkProgrammeFacts,
    requires=SECRETARIAT_ACTS,
    rules=decide_work_programme,
    emits=("board_work_programme.adopted",),
)


def decide_activity_report(facts: ActivityReportFacts) -> Outcome:
    """ACL-ORG, ILO-8.2(c): the activity report over a period, with the deployment overview
    that ILO-4.1 notifications make (derived, no personal data)."""
    problems = _period_problems(facts.period_from, facts.period_to, biennial=False)
    return Outcome(results=[_secretariat(facts.actor), check(ILO_8_2, problems)])


BOARD_ACTIVITY_REPORT_GENERATE = declare(
    "board_activity_report.generate",
    ActivityReportFacts,
    requires=SECRETARIAT_ACTS,
    rules=decide_activity_report,
    emits=("board_activity_report.generated",),
)
