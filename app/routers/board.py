"""/v1/board: the Steering Board (Art. 7, 8) — members, rules of procedure, status, meetings
with their list of deployed ILOs, decisions with derived outcomes and their forwarding."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response

from app import clock
from app.db.session import ReadSession, WriteSession
from app.models import BoardDecision, BoardDecisionForwarding, BoardSeat
from app.pagination import Paged
from app.problems import NotFound, problem_responses
from app.routers.conventions import etag_of
from app.routers.deferred import DeferredRoute
from app.routers.policy_marks import reads
from app.routers.write_routes import write
from app.schemas.board import (
    BoardDecisionOut,
    BoardMeetingOut,
    BoardStatus,
    OfficerList,
    RulesOfProcedureOut,
    SeatOut,
)
from app.schemas.common import Page, QueryDate
from app.security import CurrentPrincipal
from app.services import access
from app.services import board as members
from app.services import board_decision as service
from app.services.guarded import Context

router = APIRouter(prefix="/v1/board", tags=["board"], route_class=DeferredRoute)


async def _seat(context: Context, seat: BoardSeat) -> SeatOut:
    """The seat without personal data: the answer may be replayed."""
    [out] = await members.render_seats(writer=context.writer, seats=[seat], personal=False)
    return out


async def _rules(context: Context, _: object) -> RulesOfProcedureOut:
    """The rules of procedure in force: the version just adopted."""
    rules = await members.rules_out(session=context.writer.session)
    assert rules is not None
    return rules


async def _decision(context: Context, row: BoardDecision) -> BoardDecisionOut:
    [out] = await service.render_decisions(session=context.writer.session, decisions=[row])
    return out


async def _forwarded(context: Context, forwarding: BoardDecisionForwarding) -> BoardDecisionOut:
    """The decision forwarded, with its forwardings."""
    session = context.writer.session
    row = await service.get_decision(session=session, decision_id=forwarding.board_decision_id)
    return await _decision(context, row)


OnDate = Annotated[QueryDate | None, Query(description="The day asked about (default: today, UTC)")]


def _today(on: date | None) -> date:
    return on or clock.today()


# --- members -----------------------------------------------------------------------------------


write(
    router,
    members.APPOINT,
    "POST",
    "/members",
    name="appoint_member",
    show=_seat,
    out=SeatOut,
    doc="""One appointment at a time: a seat beyond the law's count or given to the wrong kind of
    participant is denied with the rule (ILO-7.2, 7.3, 7.4, 7.6); an incomplete Board is
    flagged on `GET /v1/board/status`. The answer holds no personal data (it may be replayed).""",
)


@router.get(
    "/members",
    name="list_members",
    summary="The Board's seats and who holds them; names only for the Art. 9(3) roles",
    openapi_extra=reads("board_member"),
)
async def list_members(
    response: Response, writer: WriteSession, paging: Paged, on: OnDate = None
) -> Page[SeatOut]:
    """Who holds which seat is visible to every participant; the holders' names and contact
    details (Art. 9(2)(c)) only to ILOs, Board members and authorised staff, each read audited.
    With `on`, the appointments in force that day; without, every appointment."""
    seats = await members.list_seats(
        session=writer.session, principal=writer.principal, on=on, window=paging.window
    )
    page = await paging.page(seats, lambda rows: members.render_seats(writer=writer, seats=rows))
    if any(i.holder for i in page.items):
        response.headers["Cache-Control"] = "no-store"
    return page


@router.get(
    "/members/{seat_id}",
    name="get_member",
    summary="One Board seat",
    openapi_extra=reads("board_member"),
)
async def get_member(response: Response, seat_id: uuid.UUID, writer: WriteSession) -> SeatOut:
    """One appointment; the holder's personal data as in the list."""
    seat = await members.read_seat(
        session=writer.session, principal=writer.principal, seat_id=seat_id
    )
    [out] = await members.render_seats(writer=writer, seats=[seat])
    response.headers["ETag"] = etag_of(seat.version)
    if out.holder is not None:
        response.headers["Cache-Control"] = "no-store"
    return out


write(
    router,
    members.END,
    "POST",
    "/members/{seat_id}/end",
    name="end_member",
    show=_seat,
    out=SeatOut,
    doc="""The appointment ends on `ended_on`; the seat it leaves is flagged on the status.""",
)


# --- status and rules of procedure -------------------------------------------------------------


@router.get(
    "/status",
    name="status",
    summary="What the Board lacks: seats, chair, meetings per year, rules of procedure",
    openapi_extra=reads("board"),
)
async def board_status(
    session: ReadSession, principal: CurrentPrincipal, on: OnDate = None
) -> BoardStatus:
    """Flags, not refusals: ILO-7.2/7.3 unfilled seats, ILO-7.6 no Commission chair, ILO-7.7 a
    calendar year with fewer than two meetings, ILO-8.1 rules of procedure late or missing."""
    return await service.status(session=session, principal=principal, on=_today(on))


@router.get(
    "/rules-of-procedure",
    name="get_rules_of_procedure",
    summary="The rules of procedure in force (Art. 8(1))",
    openapi_extra=reads("board"),
    responses=problem_responses(404),
)
async def get_rules(session: ReadSession, principal: CurrentPrincipal) -> RulesOfProcedureOut:
    """Quorum, proxy voting and the categories the Parliament reads; 404 before adoption."""
    access.visibility(principal, "board")
    rules = await members.rules_out(session=session)
    if rules is None:
        raise NotFound("No rules of procedure are adopted yet.", resource_type="board")
    return rules


write(
    router,
    members.ADOPT_RULES,
    "POST",
    "/rules-of-procedure",
    name="adopt_rules_of_procedure",
    show=_rules,
    out=RulesOfProcedureOut,
    location="{path}",
    doc="""The latest version is in force; adopted more than three months after the first meeting
    is allowed, and flagged as late (ILO-8.1).""",
)


# --- meetings and the list of deployed ILOs ----------------------------------------------------


write(
    router,
    service.RECORD_MEETING,
    "POST",
    "/meetings",
    name="record_meeting",
    render=service.render_meeting_plain,
    doc="""ILO-8.2(d): the list is of ids, organisations, host countries and posting types.""",
)


@router.get(
    "/meetings",
    name="list_meetings",
    summary="Board meetings (Art. 7(7): at least two a year)",
    openapi_extra=reads("board"),
)
async def list_meetings(
    session: ReadSession, principal: CurrentPrincipal, paging: Paged
) -> Page[BoardMeetingOut]:
    """Every meeting, oldest first, with its stored list of deployed ILOs (without names)."""
    rows = await service.list_meetings(session=session, principal=principal, window=paging.window)
    return await paging.page(rows, lambda items: [service.render_meeting_plain(m) for m in items])


@router.get(
    "/meetings/{meeting_id}",
    name="get_meeting",
    summary="One Board meeting with its list of deployed ILOs",
    openapi_extra=reads("board"),
)
async def get_meeting(
    response: Response, meeting_id: uuid.UUID, writer: WriteSession
) -> BoardMeetingOut:
    """The officers' names only for the Art. 9(3) roles, each read audited."""
    meeting = await service.read_meeting(
        session=writer.session, principal=writer.principal, meeting_id=meeting_id
    )
    out = await service.render_meeting(writer=writer, meeting=meeting)
    if any(e.name for e in out.officer_list):
        response.headers["Cache-Control"] = "no-store"
    return out


@router.get(
    "/officer-list",
    name="officer_list",
    summary="The list of deployed ILOs on a date (Art. 8(2)(d))",
    openapi_extra=reads("board"),
)
async def officer_list(
    response: Response, writer: WriteSession, paging: Paged, on: OnDate = None
) -> OfficerList:
    """Officer ids, organisation, host country, region and posting type; names only for ILOs,
    Board members and authorised staff (Art. 9(3)), each read audited; a page of them, in the
    order of host country, organisation and officer."""
    day = _today(on)
    rows = await service.officer_list(writer=writer, on=day, window=paging.window)
    page = await paging.page(rows, lambda items: service.officer_entries(writer, items))
    if any(e.name for e in page.items):
        response.headers["Cache-Control"] = "no-store"
    return OfficerList(on=day, items=page.items, next_cursor=page.next_cursor)


# --- decisions ---------------------------------------------------------------------------------


write(
    router,
    service.RECORD_DECISION,
    "POST",
    "/decisions",
    name="record_decision",
    show=_decision,
    out=BoardDecisionOut,
    responses=problem_responses(404),
    doc="""Votes of the seat holders on the meeting's day; adopted only with yes votes from more
    than half of all voting seats, present or not, and the quorum of the rules of procedure;
    an absent member's alternate votes in its place; proxies count as the rules allow.""",
)


@router.get(
    "/decisions",
    name="list_decisions",
    summary="Board decisions with their derived outcomes and forwarding (Art. 7(8), 7(9))",
    openapi_extra=reads("board"),
)
async def list_decisions(
    session: ReadSession, principal: CurrentPrincipal, paging: Paged
) -> Page[BoardDecisionOut]:
    """Every decision, oldest first, who forwarded it and who has not."""
    rows = await service.list_decisions(session=session, principal=principal, window=paging.window)
    return await paging.page(
        rows, lambda items: service.render_decisions(session=session, decisions=items)
    )


@router.get(
    "/decisions/{decision_id}",
    name="get_decision",
    summary="One Board decision",
    openapi_extra=reads("board"),
)
async def get_decision(
    decision_id: uuid.UUID, session: ReadSession, principal: CurrentPrincipal
) -> BoardDecisionOut:
    """Votes, the derived tally, and the ILO-7.9 forwarding lists."""
    row = await service.read_decision(session=session, principal=principal, decision_id=decision_id)
    [out] = await service.render_decisions(session=session, decisions=[row])
    return out


write(
    router,
    service.FORWARD,
    "POST",
    "/decisions/{decision_id}/forwardings",
    name="forward_decision",
    show=_forwarded,
    out=BoardDecisionOut,
    location="/v1/board/decisions/{decision_id}",
    doc="""A deploying authority records it for its own organisation; a second record is a 409.""",
)
