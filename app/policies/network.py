"""Cooperation networks (Art. 5) and the ad-hoc actions the Board assigns them (Art. 8(3)).

ILO-5.1: a local network covers one third country, a regional one several; its members are the
ILOs deployed in, or responsible for, one of its countries on a date (derived by the service,
passed in as facts); a meeting's attendees are members on its date. ILO-5.2: the facilitator's
precedence (Commission, then EU agency, then one agreed by the members). ILO-5.3: the Board's
notification is recorded with its time. ILO-8.3: ad-hoc actions are the Board's to assign.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

from app.policies.acl import Actor, Requirement, require_org
from app.policies.actions import declare
from app.policies.deployment import Participant, third_country_problem
from app.policies.engine import Outcome, RuleResult, check, failed, not_applicable, passed
from app.policies.roles import acts_for_the_board, board_acts
from app.policies.rules import ACL_ORG, ILO_5_1, ILO_5_2, ILO_5_3, ILO_8_3
from app.policies.vocabulary import (
    AdHocActionStatus,
    FacilitatorBasis,
    NetworkKind,
    NetworkTask,
    OrganisationKind,
    Role,
    Scope,
)

NETWORK_TASKS = frozenset(NetworkTask)
AD_HOC_TRANSITIONS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        AdHocActionStatus.assigned: frozenset(
            {
                AdHocActionStatus.in_progress,
                AdHocActionStatus.completed,
                AdHocActionStatus.cancelled,
            }
        ),
        AdHocActionStatus.in_progress: frozenset(
            {AdHocActionStatus.completed, AdHocActionStatus.cancelled}
        ),
        AdHocActionStatus.completed: frozenset(),
        AdHocActionStatus.cancelled: frozenset(),
    }
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Member:
    """A member of a network on a date: an officer with a deployment active in its countries."""

    officer_id: str
    organisation: str
    deployer_kind: str


@dataclass(frozen=True, slots=True, kw_only=True)
class NetworkFacts:
    actor: Actor
    network_org: str
    kind: str
    countries: tuple[str, ...]
    associated_countries: tuple[str, ...] = ()
    participants: Mapping[str, Participant] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class FacilitatorFacts:
    actor: Actor
    on: date
    members: tuple[Member, ...]
    officer_id: str | None
    agreement_reference: str | None = None
    agreed_by: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class MeetingFacts:
    actor: Actor
    held_on: date
    members: tuple[str, ...]
    attendees: tuple[str, ...]
    topics: tuple[str, ...]
    attendee_orgs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class AdHocActionFacts:
    actor: Actor
    decided_on: date
    today: date
    status: str
    from_status: str | None = None


def _network_problems(facts: NetworkFacts) -> Iterator[str]:
    if facts.kind == NetworkKind.local and len(facts.countries) != 1:
        yield f"a local network covers exactly one host country, not {len(facts.countries)}"
    if facts.kind == NetworkKind.regional and len(facts.countries) < 2:
        yield "a regional network covers two or more host countries"
    for country in facts.countries:
        problem = third_country_problem(country, facts.participants)
        if problem:
            yield f"countries: {problem}"
    for country in facts.associated_countries:
        participant = facts.participants.get(country)
        if participant is not None and participant.kind in (
            OrganisationKind.member_state,
            OrganisationKind.schengen_associated,
        ):
            yield (
                f"associated_officers: {country} takes part in the network; only liaison "
                "officers of non-Member States are associated"
            )


def check_network(facts: NetworkFacts) -> RuleResult:
    """ILO-5.1: a local network has one host country, a regional one several, all third
    countries; associated officers are of non-Member States."""
    return check(ILO_5_1, _network_problems(facts))


# Art. 5(2) precedence: the deploying organisation's kind that facilitates, highest first.
_PRECEDENCE = (
    (FacilitatorBasis.commission, OrganisationKind.commission),
    (FacilitatorBasis.eu_agency, OrganisationKind.eu_agency),
)


def basis_of(member: Member) -> FacilitatorBasis:
    """The precedence class a member belongs to (Commission, EU agency, or neither)."""
    for basis, kind in _PRECEDENCE:
        if member.deployer_kind == kind:
            return basis
    return FacilitatorBasis.agreed


def required_basis(members: tuple[Member, ...]) -> tuple[FacilitatorBasis, tuple[str, ...]]:
    """ILO-5.2 (DERIVE): who must facilitate on a date, and the candidates' officer ids."""
    for basis, _ in _PRECEDENCE:
        ids = tuple(sorted({m.officer_id for m in members if basis_of(m) == basis}))
        if ids:
            return basis, ids
    return FacilitatorBasis.agreed, tuple(sorted({m.officer_id for m in members}))


def check_membership(facts: FacilitatorFacts) -> RuleResult:
    """ILO-5.1: the facilitator is a member of the network on the date."""
    if facts.officer_id is None:
        return not_applicable(ILO_5_1, "no facilitator appointed")
    if facts.officer_id in {m.officer_id for m in facts.members}:
        return passed(ILO_5_1, f"officer is a member on {facts.on}")
    return failed(
        ILO_5_1,
        f"officer {facts.officer_id} is not a member of the network on {facts.on}: no "
        "deployment of it is active in the network's countries",
    )


def _agreement_problems(facts: FacilitatorFacts) -> Iterator[str]:
    members = {m.officer_id for m in facts.members}
    if not (facts.agreement_reference or "").strip():
        yield "agreement_reference is missing: record the members' agreement"
    strangers = sorted(set(facts.agreed_by) - members)
    if strangers:
        yield f"agreed_by: officers {', '.join(strangers)} are not members on {facts.on}"
    agreeing = len(set(facts.agreed_by) & members)
    if agreeing * 2 <= len(members):
        yield (
            f"agreed by {agreeing} of {len(members)} members: more than half of the members "
            "must agree"
        )


def check_precedence(facts: FacilitatorFacts) -> RuleResult:
    """ILO-5.2: a Commission member first, else an EU agency member, else one agreed by the
    members (the agreement recorded); a designation that skips a higher candidate is refused
    and the refusal names the candidates' officer ids (never their names)."""
    basis, candidates = required_basis(facts.members)
    chosen = next((m for m in facts.members if m.officer_id == facts.officer_id), None)
    if facts.officer_id is None:
        if basis == FacilitatorBasis.agreed:
            return passed(ILO_5_2, "none appointed: no Commission or EU agency member")
        return failed(
            ILO_5_2,
            f"a {basis} member must facilitate: candidates (officer ids) {', '.join(candidates)}",
        )
    if chosen is None:
        return not_applicable(ILO_5_2, "the officer is no member (ILO-5.1)")
    if basis != FacilitatorBasis.agreed and basis_of(chosen) != basis:
        return failed(
            ILO_5_2,
            f"the designation skips higher-precedence candidates: a {basis} member must "
            f"facilitate; candidates (officer ids) {', '.join(candidates)}",
        )
    if basis == FacilitatorBasis.agreed:
        return check(ILO_5_2, _agreement_problems(facts), note="agreed by the members")
    return passed(ILO_5_2, f"{basis} member facilitates")


def check_network_org(facts: NetworkFacts) -> RuleResult:
    """ACL-ORG: a network is amended by the organisation that registered it, or by the Board's
    chair or secretariat (Board-wide roles, app/policies/roles.py)."""
    if acts_for_the_board(facts.actor):
        return board_acts(facts.actor)
    return require_org(facts.actor, ("network registered by", facts.network_org))


def check_designator(facts: FacilitatorFacts) -> RuleResult:
    """ACL-ORG: a deploying authority designates its own officer, or records that none was
    appointed for a network it deploys a member of; the Board designates any member."""
    if acts_for_the_board(facts.actor):
        return board_acts(facts.actor)
    chosen = next((m for m in facts.members if m.officer_id == facts.officer_id), None)
    if chosen is not None:
        return require_org(facts.actor, ("facilitator's organisation", chosen.organisation))
    if facts.officer_id is None and facts.actor.org in {m.organisation for m in facts.members}:
        return passed(ACL_ORG, "deploys a member")
    return failed(
        ACL_ORG,
        f"actor organisation {facts.actor.org} deploys no member of the network that it may "
        "designate",
    )


def check_meeting_org(facts: MeetingFacts) -> RuleResult:
    """ACL-ORG: an organisation records the meetings its officers attended (an ILO one it
    attended itself, ACL-ROLE); the Board any meeting."""
    if acts_for_the_board(facts.actor):
        return board_acts(facts.actor)
    if facts.actor.org in facts.attendee_orgs:
        return passed(ACL_ORG, "an attendee's organisation")
    return failed(
        ACL_ORG, f"actor organisation {facts.actor.org} deploys none of the meeting's attendees"
    )


MANAGES_NETWORKS = Requirement(
    roles=frozenset({Role.deploying_authority, Role.sb_secretariat}), scope=Scope.board_write
)
DESIGNATES_FACILITATORS = Requirement(
    roles=frozenset({Role.deploying_authority, Role.sb_secretariat, Role.sb_chair}),
    scope=Scope.board_write,
)
RECORDS_MEETINGS = Requirement(
    roles=frozenset({Role.deploying_authority, Role.sb_secretariat}),
    officer_roles=frozenset({Role.ilo}),
    scope=Scope.board_write,
)
# The Board decides ad-hoc actions: its chair and secretariat record them, no integration.
BOARD_ASSIGNS = Requirement(roles=frozenset({Role.sb_chair, Role.sb_secretariat}))


def decide_network(facts: NetworkFacts) -> Outcome:
    """ACL-ROLE, ACL-ORG, ILO-5.1: a local or regional network of third countries."""
    return Outcome(results=[check_network_org(facts), check_network(facts)])


NETWORK_CREATE = declare(
    "network.create",
    NetworkFacts,
    requires=MANAGES_NETWORKS,
    rules=decide_network,
    emits=("network.created",),
)


NETWORK_UPDATE = declare(
    "network.update",
    NetworkFacts,
    requires=MANAGES_NETWORKS,
    rules=decide_network,
    emits=("network.updated",),
)


def decide_facilitator(facts: FacilitatorFacts) -> Outcome:
    """ACL-ROLE, ACL-ORG, ILO-5.1, ILO-5.2, and ILO-5.3 (the notification is recorded with its
    time)."""
    return Outcome(
        results=[
            check_designator(facts),
            check_membership(facts),
            check_precedence(facts),
            passed(ILO_5_3, "the Board's notification is recorded with its time"),
        ]
    )


NETWORK_DESIGNATE_FACILITATOR = declare(
    "network.designate_facilitator",
    FacilitatorFacts,
    requires=DESIGNATES_FACILITATORS,
    rules=decide_facilitator,
    emits=("network.facilitator_designated", "network.facilitator_none_appointed"),
)


def _attendee_officer(facts: MeetingFacts) -> str | None:
    """An ILO records a meeting only as one of its attendees."""
    return facts.actor.officer_id if facts.actor.officer_id in facts.attendees else None


def _meeting_problems(facts: MeetingFacts) -> Iterator[str]:
    members = set(facts.members)
    strangers = [a for a in facts.attendees if a not in members]
    if strangers:
        yield (
            f"attendees: officers {', '.join(strangers)} are not members of the network on "
            f"{facts.held_on}"
        )
    for topic in facts.topics:
        if topic not in NETWORK_TASKS:
            yield f"topics: {topic!r} is not an Art. 5(1) task"


def decide_meeting(facts: MeetingFacts) -> Outcome:
    """ACL-ROLE, ACL-ORG, ILO-5.1: a network meeting's attendees are its members on the
    meeting's date."""
    return Outcome(results=[check_meeting_org(facts), check(ILO_5_1, _meeting_problems(facts))])


NETWORK_MEETING_RECORD = declare(
    "network_meeting.record",
    MeetingFacts,
    requires=RECORDS_MEETINGS,
    officer=_attendee_officer,
    rules=decide_meeting,
    emits=("network_meeting.recorded",),
)


def decide_meeting_cancel(facts: MeetingFacts) -> Outcome:
    """ACL-ROLE, ACL-ORG: a meeting not yet held is cancelled by whom may record it — an
    attendee's organisation (an ILO: one it attends itself) or the Board. Its record stays."""
    return Outcome(results=[check_meeting_org(facts)])


NETWORK_MEETING_CANCEL = declare(
    "network_meeting.cancel",
    MeetingFacts,
    requires=RECORDS_MEETINGS,
    officer=_attendee_officer,
    rules=decide_meeting_cancel,
    emits=("network_meeting.cancelled",),
)


def ad_hoc_transition_allowed(from_status: str, to_status: str) -> bool:
    """The ad-hoc action's state machine (a 409 conflict when False, not a policy violation)."""
    return from_status == to_status or to_status in AD_HOC_TRANSITIONS.get(from_status, frozenset())


def _ad_hoc_problems(facts: AdHocActionFacts) -> Iterator[str]:
    if facts.decided_on > facts.today:
        yield f"decided_on {facts.decided_on} is in the future: record a decision once taken"
    if facts.from_status is None and facts.status != AdHocActionStatus.assigned:
        yield f"an ad-hoc action starts as assigned, not {facts.status}"


def decide_ad_hoc_action(facts: AdHocActionFacts) -> Outcome:
    """ACL-ROLE, ACL-ORG, ILO-8.3: the Board (its chair or secretariat, the Commission's)
    assigns ad-hoc actions to networks, once decided."""
    return Outcome(results=[board_acts(facts.actor), check(ILO_8_3, _ad_hoc_problems(facts))])


AD_HOC_ACTION_ASSIGN = declare(
    "ad_hoc_action.assign",
    AdHocActionFacts,
    requires=BOARD_ASSIGNS,
    rules=decide_ad_hoc_action,
    emits=("ad_hoc_action.assigned",),
)


AD_HOC_ACTION_UPDATE = declare(
    "ad_hoc_action.update",
    AdHocActionFacts,
    requires=BOARD_ASSIGNS,
    rules=decide_ad_hoc_action,
    emits=("ad_hoc_action.updated",),
)
