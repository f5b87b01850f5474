"""Board meetings with their list of deployed ILOs (ILO-8.2(d)), decisions with the outcome
derived from the votes (ILO-7.8), their forwarding to the ILOs (ILO-7.9), and the status flags
(ILO-7.2, 7.6, 7.7, 8.1)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.deployed import deployed_on_clause
from app.db.writer import Change, NewRow, Prepared, Writer
from app.keyset import Window
from app.models import (
    BoardDecision,
    BoardDecisionForwarding,
    BoardMeeting,
    Deployment,
    Officer,
    Organisation,
)
from app.policies import Decision
from app.policies.board import (
    BOARD_DECISION_FORWARD,
    BOARD_MEETING_RECORD,
    ForwardingFacts,
    MeetingFacts,
    composition_flags,
    meeting_flags,
    rules_flags,
    voting_seats,
)
from app.policies.board_tally import BOARD_DECISION_RECORD, DecisionFacts, VoteFacts, tally_of
from app.policies.roles import DEPLOYING_KINDS
from app.policies.vocabulary import DecisionOutcome
from app.problems import Conflict, NotFound, ValidationFailed
from app.schemas.board import (
    MEETING_OFFICERS_MAX,
    BoardDecisionOut,
    BoardMeetingIn,
    BoardMeetingOut,
    BoardStatus,
    DecisionIn,
    ForwardingIn,
    ForwardingOut,
    MeetingYear,
    OfficerListEntry,
    StatusFlag,
    TallyOut,
    UncountedOut,
    VoteIn,
)
from app.security import Principal
from app.services import access
from app.services import board as members
from app.services.guarded import Action, Context

KIND = "board"


# --- the list of deployed ILOs (ILO-8.2(d)) ----------------------------------------------------


def _deployed_on(on: date) -> Select[Deployment]:
    """The deployments in force on the date, by the one definition (app/db/deployed.py)."""
    return select(Deployment).where(deployed_on_clause(Deployment, on))


def _listed(d: Deployment) -> dict[str, Any]:
    return {
        "officer_id": str(d.officer_id),
        "organisation": d.organisation,
        "host_country": d.host_country,
        "region_countries": list(d.region_countries),
        "posting_type": d.posting_type,
    }


LIST_ORDER = (Deployment.host_country, Deployment.organisation, Deployment.officer_id)


async def deployed_officers(*, session: AsyncSession, on: date) -> list[dict[str, Any]]:
    """The ILOs deployed on a date: ids, organisation, host country and posting type only."""
    rows = await session.scalars(
        select(Deployment)
        .where(deployed_on_clause(Deployment, on))
        .order_by(Deployment.host_country, Deployment.organisation, Deployment.officer_id)
    )
    return [
        {
            "officer_id": str(d.officer_id),
            "organisation": d.organisation,
            "host_country": d.host_country,
            "region_countries": list(d.region_countries),
            "posting_type": d.posting_type,
        }
        for d in rows
    ]
    rows = await session.scalars(_deployed_on(on).order_by(*LIST_ORDER))
    return [_listed(d) for d in rows]


async def _entries(writer: Writer, listed: list[dict[str, Any]]) -> list[OfficerListEntry]:
    """The list as the caller sees it: names only for the Art. 9(3) roles, each read audited."""
    seen = access.visibility(writer.principal, KIND)
    names: dict[str, str] = {}
    if listed and seen.shows("names", organisation=None):
        ids = [uuid.UUID(e["officer_id"]) for e in listed]
        officers = await writer.session.scalars(select(Officer).where(Officer.id.in_(ids)))
        for officer in officers:
            names[str(officer.id)] = f"{officer.given_names} {officer.surname}"
            await writer.record_access(
                decision=None,
                change=Change(
                    event_type="officer.name_read",
                    resource_type="officer",
                    organisation=officer.organisation,
                    legal_basis="ILO-9.3",
                    feed=False,
                ),
                resource_id=str(officer.id),
            )
    return [OfficerListEntry(**e, name=names.get(e["officer_id"])) for e in listed]


async def officer_list(*, writer: Writer, on: date, window: Window) -> Sequence[Deployment]:
    """A page of the deployments in force on a date, in the order of the list of deployed ILOs;
    `officer_entries` makes the list's lines."""
    access.visibility(writer.principal, KIND)
    query = window.apply(_deployed_on(on), *LIST_ORDER, Deployment.id)
    return (await writer.session.scalars(query)).all()


async def officer_entries(
    writer: Writer, deployments: Sequence[Deployment]
) -> list[OfficerListEntry]:
    return await _entries(writer, [_listed(d) for d in deployments])


# --- meetings ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MeetingRecord:
    prepared: Prepared[MeetingFacts]
    officer_list: list[dict[str, Any]]


async def _prepare_meeting(context: Context, _: object, body: BoardMeetingIn) -> MeetingRecord:
    listed = await deployed_officers(session=context.writer.session, on=body.held_on)
    if len(listed) > MEETING_OFFICERS_MAX:
        detail = (
            f"{len(listed)} ILOs are deployed on {body.held_on}: a meeting's list holds at most "
            f"{MEETING_OFFICERS_MAX}"
        )
        raise ValidationFailed([{"pointer": "/held_on", "in": "body", "detail": detail}])
    facts = MeetingFacts(
        actor=context.principal.actor(), held_on=body.held_on, officers_listed=len(listed)
    )
    return MeetingRecord(Prepared(facts), listed)


def _build_meeting(
    _: Context, record: MeetingRecord, body: BoardMeetingIn, decision: Decision
) -> NewRow[BoardMeeting]:
    """ILO-8.2(d): the list of deployed ILOs on the meeting's day is stored with the meeting."""
    meeting = BoardMeeting(
        id=uuid.uuid4(),
        held_on=body.held_on,
        location=body.location,
        agenda=list(body.agenda),
        officer_list=record.officer_list,
        decision_id=decision.decision_id,
    )
    change = Change(organisation="COM", details={"officers_listed": len(record.officer_list)})
    return NewRow(meeting, change)


RECORD_MEETING = Action(
    policy=BOARD_MEETING_RECORD,
    resource="board_meeting",
    body=BoardMeetingIn,
    target="none",
    load=_prepare_meeting,
    build=_build_meeting,
    makes="row",
    summary="Record a Board meeting; the list of deployed ILOs of its day is stored with it",
)


async def get_meeting(*, session: AsyncSession, meeting_id: uuid.UUID) -> BoardMeeting:
    meeting = await session.get(BoardMeeting, meeting_id)
    if meeting is None:
        raise NotFound(
            f"No Board meeting {meeting_id}.", resource_type=KIND, resource_id=str(meeting_id)
        )
    return meeting


async def read_meeting(
    *, session: AsyncSession, principal: Principal, meeting_id: uuid.UUID
) -> BoardMeeting:
    access.visibility(principal, KIND)
    return await get_meeting(session=session, meeting_id=meeting_id)


def render_meeting_plain(meeting: BoardMeeting) -> BoardMeetingOut:
    """A meeting without the officers' names (lists, a write's answer)."""
    return BoardMeetingOut(
        id=meeting.id,
        held_on=meeting.held_on,
        location=meeting.location,
        agenda=list(meeting.agenda),
        officer_list=[OfficerListEntry(**e) for e in meeting.officer_list],
    )


async def list_meetings(
    *, session: AsyncSession, principal: Principal, window: Window
) -> Sequence[BoardMeeting]:
    access.listing(principal, KIND)
    query = window.apply(select(BoardMeeting), BoardMeeting.held_on, BoardMeeting.id)
    return (await session.scalars(query)).all()


async def render_meeting(*, writer: Writer, meeting: BoardMeeting) -> BoardMeetingOut:
    return BoardMeetingOut(
        id=meeting.id,
        held_on=meeting.held_on,
        location=meeting.location,
        agenda=list(meeting.agenda),
        officer_list=await _entries(writer, list(meeting.officer_list)),
    )


# --- decisions (ILO-7.8) -----------------------------------------------------------------------


def _votes(body: DecisionIn) -> tuple[VoteFacts, ...]:
    return tuple(
        VoteFacts(
            organisation=v.organisation,
            cast_by=v.cast_by.value,
            mode=v.mode.value,
            choice=v.choice.value,
            proxy_holder=v.proxy_holder,
        )
        for v in body.votes
    )


@dataclass(frozen=True, slots=True)
class DecisionRecord:
    prepared: Prepared[DecisionFacts]
    meeting: BoardMeeting


async def _prepare_decision(context: Context, _: object, body: DecisionIn) -> DecisionRecord:
    session = context.writer.session
    meeting = await get_meeting(session=session, meeting_id=body.meeting_id)
    seated: dict[str, dict[str, int]] = {}
    for seat in await members.seats_on(session=session, on=meeting.held_on):
        if seat.organisation:
            roles = seated.setdefault(seat.organisation, {})
            roles[seat.role] = roles.get(seat.role, 0) + 1
    rules = await members.rules_on(session=session, on=meeting.held_on)
    facts = DecisionFacts(
        actor=context.principal.actor(),
        votes=_votes(body),
        held_on=meeting.held_on,
        seated=seated,
        law=await members.seat_law(session=session),
        procedure=members.procedure_of(rules),
    )
    return DecisionRecord(Prepared(facts), meeting)


def _build_decision(
    context: Context, record: DecisionRecord, body: DecisionIn, decision: Decision
) -> NewRow[BoardDecision]:
    """ILO-7.8: the outcome is the tally of the votes against every voting seat, with the
    quorum and proxies of the rules of procedure in force on the meeting's date (ILO-8.1), as
    the Decision carries it: the row stores that tally, never one counted here."""
    counted = tally_of(decision)
    row = BoardDecision(
        id=uuid.uuid4(),
        meeting_id=record.meeting.id,
        title=body.title,
        summary=body.summary,
        decided_on=record.meeting.held_on,
        votes=[v.model_dump(mode="json") for v in body.votes],
        tally=counted.counts(),
        outcome=counted.outcome.value,
        decision_id=decision.decision_id,
    )
    change = Change(
        organisation="COM", details={"outcome": counted.outcome.value, "yes": counted.yes}
    )
    return NewRow(row, change)


RECORD_DECISION = Action(
    policy=BOARD_DECISION_RECORD,
    resource="board_decision",
    body=DecisionIn,
    target="none",
    load=_prepare_decision,
    build=_build_decision,
    makes="row",
    summary="Record a decision with its votes; the outcome is derived (Art. 7(8))",
)


async def get_decision(
    *, session: AsyncSession, decision_id: uuid.UUID, lock: bool = False
) -> BoardDecision:
    row = await session.get(BoardDecision, decision_id, with_for_update=lock)
    if row is None:
        raise NotFound(
            f"No Board decision {decision_id}.", resource_type=KIND, resource_id=str(decision_id)
        )
    return row


async def read_decision(
    *, session: AsyncSession, principal: Principal, decision_id: uuid.UUID
) -> BoardDecision:
    access.visibility(principal, KIND)
    return await get_decision(session=session, decision_id=decision_id)


async def list_decisions(
    *, session: AsyncSession, principal: Principal, window: Window
) -> Sequence[BoardDecision]:
    access.listing(principal, KIND)
    query = window.apply(select(BoardDecision), BoardDecision.decided_on, BoardDecision.id)
    return (await session.scalars(query)).all()


async def deploying_organisations(*, session: AsyncSession) -> list[str]:
    """ILO-7.9: the organisations that deploy ILOs, and so forward decisions to them."""
    rows = await session.scalars(
        select(Organisation.code)
        .where(
            Organisation.kind.in_([str(k) for k in DEPLOYING_KINDS]),
            Organisation.bound_by_regulation.is_(True),
        )
        .order_by(Organisation.code)
    )
    return list(rows)


async def render_decisions(
    *, session: AsyncSession, decisions: Sequence[BoardDecision]
) -> list[BoardDecisionOut]:
    forwardings = (
        await session.scalars(
            select(BoardDecisionForwarding).where(
                BoardDecisionForwarding.board_decision_id.in_([d.id for d in decisions])
            )
        )
    ).all()
    deployers = await deploying_organisations(session=session)
    out = []
    for d in decisions:
        done = sorted(
            (f for f in forwardings if f.board_decision_id == d.id), key=lambda f: f.organisation
        )
        tally_ = dict(d.tally)
        out.append(
            BoardDecisionOut(
                id=d.id,
                meeting_id=d.meeting_id,
                title=d.title,
                summary=d.summary,
                decided_on=d.decided_on,
                votes=[VoteIn.model_validate(v) for v in d.votes],
                outcome=DecisionOutcome(d.outcome),
                tally=TallyOut(
                    **{k: v for k, v in tally_.items() if k != "uncounted"},
                    uncounted=[UncountedOut(**u) for u in tally_["uncounted"]],
                ),
                forwarded=[
                    ForwardingOut(organisation=f.organisation, forwarded_on=f.forwarded_on)
                    for f in done
                ],
                not_forwarded=sorted(set(deployers) - {f.organisation for f in done}),
            )
        )
    return out


# --- forwarding (ILO-7.9) ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Forwarding:
    prepared: Prepared[ForwardingFacts]
    decision: BoardDecision


async def _prepare_forward(
    context: Context, decision_id: uuid.UUID, body: ForwardingIn
) -> Forwarding:
    session = context.writer.session
    decision = await get_decision(session=session, decision_id=decision_id, lock=context.lock)
    organisation = await session.get(Organisation, body.organisation)
    done = await session.scalar(
        select(BoardDecisionForwarding.id).where(
            BoardDecisionForwarding.board_decision_id == decision.id,
            BoardDecisionForwarding.organisation == body.organisation,
        )
    )
    conflicts = (Conflict(f"{body.organisation} already forwarded this decision."),) if done else ()
    facts = ForwardingFacts(
        actor=context.principal.actor(),
        organisation=body.organisation,
        organisation_kind=organisation.kind if organisation else None,
    )
    return Forwarding(Prepared(facts, conflicts=conflicts, resource_id=str(decision.id)), decision)


def _build_forward(
    context: Context, forwarding: Forwarding, body: ForwardingIn, decision: Decision
) -> NewRow[BoardDecisionForwarding]:
    """ILO-7.9: the deploying organisation's record that it passed the decision on."""
    row = BoardDecisionForwarding(
        board_decision_id=forwarding.decision.id,
        organisation=body.organisation,
        forwarded_on=body.forwarded_on,
        recorded_by=context.principal.sub,
        decision_id=decision.decision_id,
    )
    return NewRow(row, Change(organisation=body.organisation))


FORWARD = Action(
    policy=BOARD_DECISION_FORWARD,
    resource="board_decision",
    body=ForwardingIn,
    target="uuid",
    load=_prepare_forward,
    build=_build_forward,
    makes="row",
    summary="Record that your organisation forwarded a decision to its ILOs (Art. 7(9))",
)


# --- status ------------------------------------------------------------------------------------


async def meetings_per_year(*, session: AsyncSession) -> list[MeetingYear]:
    year = func.extract("year", BoardMeeting.held_on)
    rows = (await session.execute(select(year, func.count()).group_by(year).order_by(year))).all()
    return [MeetingYear(year=int(y), meetings=int(n)) for y, n in rows]


async def status(*, session: AsyncSession, principal: Principal, on: date) -> BoardStatus:
    """What the law asks of the Board that is missing on a date, flagged (not refused):
    ILO-7.2/7.3 empty seats, ILO-7.6 no Commission chair, ILO-7.7 a past calendar year with
    fewer than two meetings (the current one once it is over), ILO-8.1 rules late or missing."""
    access.listing(principal, KIND)
    law = await members.seat_law(session=session)
    seats = await members.seats_on(session=session, on=on)
    missing = members.missing_seats(law, seats)
    chair = next((s for s in seats if s.chair), None)
    years = await meetings_per_year(session=session)
    rules = await members.rules_out(session=session)
    first = await members.first_meeting_on(session=session)
    counted = {y.year: y.meetings for y in years}
    due = members.three_months_after(first) if first else None
    flags = [
        StatusFlag(rule=rule.id, message=message)
        for rule, message in (
            *composition_flags(len(missing), chair is not None),
            *meeting_flags(counted, first, on),
            *rules_flags(rules.adopted_on if rules else None, due, on),
        )
    ]
    return BoardStatus(
        on=on,
        composition_complete=not missing and chair is not None,
        voting_seats=voting_seats(law),
        seats_held=len(seats),
        missing=missing,
        chair=chair.id if chair else None,
        meetings_per_year=years,
        rules_of_procedure=rules,
        flags=flags,
    )
