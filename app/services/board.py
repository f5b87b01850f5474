"""The Steering Board's composition (ILO-7.2, 7.3, 7.4, 7.6), its rules of procedure (ILO-8.1)
and its status: what the law asks of the Board that is not yet there, flagged, not refused."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app import clock
from app.db.writer import Change, NewRow, Prepared, RowUpdate, Writer
from app.keyset import Window
from app.models import BoardMeeting, BoardRulesOfProcedure, BoardSeat, Organisation
from app.models.board import rules_in_force
from app.policies import Decision
from app.policies.board import (
    BOARD_MEMBER_APPOINT,
    BOARD_MEMBER_END,
    BOARD_RULES_ADOPT,
    BoardSeatLaw,
    RulesOfProcedureFacts,
    SeatFacts,
    SecretariatFacts,
    voting_seats,
)
from app.policies.board_tally import Procedure
from app.policies.vocabulary import BoardSeatRole, DocumentCategory
from app.problems import Conflict, NotFound, Problem
from app.schemas.board import (
    MissingSeat,
    RulesOfProcedureIn,
    RulesOfProcedureOut,
    SeatAppoint,
    SeatEnd,
    SeatHolder,
    SeatOut,
)
from app.security import Principal
from app.services import access
from app.services.guarded import Action, Context, stale

MEMBER = "board_member"
RULES = "board_rules"


async def seat_law(*, session: AsyncSession) -> dict[str, BoardSeatLaw]:
    """What the law gives each participant on the Board (the participants registry)."""
    rows = (await session.scalars(select(Organisation))).all()
    return {
        o.code: BoardSeatLaw(
            code=o.code,
            kind=o.kind,
            bound_by_regulation=o.bound_by_regulation,
            board_seats=o.board_seats,
            alternate_seats=o.alternate_seats,
            voting_right=o.voting_right,
        )
        for o in rows
    }


def _in_force(on: date) -> ColumnElement[bool]:
    return and_(
        BoardSeat.starts_on <= on, or_(BoardSeat.ended_on.is_(None), BoardSeat.ended_on > on)
    )


async def seats_on(*, session: AsyncSession, on: date) -> Sequence[BoardSeat]:
    """The appointments in force on a date."""
    query = select(BoardSeat).where(_in_force(on)).order_by(BoardSeat.organisation, BoardSeat.role)
    return (await session.scalars(query)).all()


async def current_rules(*, session: AsyncSession) -> BoardRulesOfProcedure | None:
    return await session.scalar(
        select(BoardRulesOfProcedure).order_by(BoardRulesOfProcedure.id.desc()).limit(1)
    )


async def rules_on(*, session: AsyncSession, on: date) -> BoardRulesOfProcedure | None:
    """ILO-8.1: the rules of procedure in force on a date (none adopted on or before it: None)."""
    return await session.scalar(rules_in_force(on))


def procedure_of(rules: BoardRulesOfProcedure | None) -> Procedure:
    if rules is None:
        return Procedure()
    return Procedure(
        adopted_on=rules.adopted_on,
        quorum=rules.quorum,
        proxy_allowed=rules.proxy_allowed,
        max_proxies_per_member=rules.max_proxies_per_member,
    )


async def ep_visible_categories(session: AsyncSession) -> frozenset[DocumentCategory]:
    """The Art. 9(2) categories the rules of procedure open to the European Parliament
    (Art. 9(4)) in force today; none before rules are in force. Used by the platform's audience
    checks, as app/db/visibility.py `ep_by_rules_condition` is by its reads."""
    rules = await rules_on(session=session, on=clock.today())
    if rules is None:
        return frozenset()
    return frozenset(DocumentCategory(c) for c in rules.ep_visible_categories)


# --- appointments ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Appointment:
    prepared: Prepared[SeatFacts]


async def _prepare_appoint(context: Context, _: object, body: SeatAppoint) -> Appointment:
    session = context.writer.session
    law = await seat_law(session=session)
    held = [s for s in await seats_on(session=session, on=body.starts_on) if s.organisation]
    facts = SeatFacts(
        actor=context.principal.actor(),
        role=body.role,
        organisation=body.organisation,
        law=law.get(body.organisation) if body.organisation else None,
        chair=body.chair,
        invitation_reference=body.invitation_reference,
        held_members=sum(
            1 for s in held if s.organisation == body.organisation and s.role == "member"
        ),
        held_alternates=sum(
            1 for s in held if s.organisation == body.organisation and s.role == "alternate"
        ),
        chair_held_by_other=any(s.chair for s in held),
    )
    return Appointment(Prepared(facts))


@dataclass(frozen=True, slots=True)
class Ending:
    prepared: Prepared[SecretariatFacts]
    seat: BoardSeat


async def get_seat(*, session: AsyncSession, seat_id: uuid.UUID, lock: bool = False) -> BoardSeat:
    seat = await session.get(BoardSeat, seat_id, with_for_update=lock)
    if seat is None:
        raise NotFound(f"No Board seat {seat_id}.", resource_type=MEMBER, resource_id=str(seat_id))
    return seat


async def _prepare_end(context: Context, seat_id: uuid.UUID, body: SeatEnd) -> Ending:
    seat = await get_seat(session=context.writer.session, seat_id=seat_id, lock=context.lock)
    conflicts: list[Problem] = []
    if seat.ended_on is not None:
        conflicts.append(Conflict(f"The appointment ended on {seat.ended_on}."))
    elif body.ended_on <= seat.starts_on:
        conflicts.append(Conflict(f"The appointment starts on {seat.starts_on}."))
    if (stale_tag := stale(context.if_match, seat.version)) is not None:
        conflicts.append(stale_tag)
    facts = SecretariatFacts(actor=context.principal.actor())
    return Ending(
        Prepared(facts, before=facts, conflicts=tuple(conflicts), resource_id=str(seat.id)), seat
    )


def _build_appoint(
    _: Context, __: Appointment, body: SeatAppoint, decision: Decision
) -> NewRow[BoardSeat]:
    """One appointment (ILO-7.2, 7.3, 7.4, 7.6): a seat beyond the law's count, or of the wrong
    kind of participant, is denied; an incomplete Board is only flagged on its status."""
    seat = BoardSeat(
        id=uuid.uuid4(),
        role=body.role.value,
        organisation=body.organisation,
        observer_body=body.observer_body,
        invitation_reference=body.invitation_reference,
        chair=body.chair,
        holder_name=body.holder_name,
        holder_email=body.holder_email,
        holder_phone=body.holder_phone,
        starts_on=body.starts_on,
        decision_id=decision.decision_id,
        version=1,
    )
    change = Change(
        organisation=body.organisation or "COM",
        details={"role": body.role.value, "chair": body.chair},
    )
    return NewRow(seat, change)


def _build_end(_: Context, ending: Ending, body: SeatEnd, __: Decision) -> RowUpdate[BoardSeat]:
    """End an appointment (If-Match); the seat it leaves empty shows on the status."""
    change = Change(organisation=ending.seat.organisation or "COM")
    return RowUpdate(ending.seat, {"ended_on": body.ended_on}, change)


APPOINT = Action(
    policy=BOARD_MEMBER_APPOINT,
    resource=MEMBER,
    body=SeatAppoint,
    target="none",
    load=_prepare_appoint,
    build=_build_appoint,
    makes="row",
    summary="Appoint a Board member, alternate or observer (Art. 7(2)-(4), 7(6))",
)
END = Action(
    policy=BOARD_MEMBER_END,
    resource=MEMBER,
    body=SeatEnd,
    target="uuid",
    load=_prepare_end,
    build=_build_end,
    makes="change",
    names_version=True,
    summary="End a Board appointment",
)


async def list_seats(
    *, session: AsyncSession, principal: Principal, on: date | None, window: Window
) -> Sequence[BoardSeat]:
    """Every appointment, or those in force on a date (`on`), in the order they began."""
    access.listing(principal, MEMBER)
    query = select(BoardSeat)
    if on is not None:
        query = query.where(_in_force(on))
    query = window.apply(query, BoardSeat.starts_on, BoardSeat.id)
    return (await session.scalars(query)).all()


async def read_seat(
    *, session: AsyncSession, principal: Principal, seat_id: uuid.UUID
) -> BoardSeat:
    access.visibility(principal, MEMBER)
    return await get_seat(session=session, seat_id=seat_id)


async def render_seats(
    *, writer: Writer, seats: Sequence[BoardSeat], personal: bool = True
) -> list[SeatOut]:
    """Seats as the caller sees them; the holders' personal data only under the read policy's
    `personal` field, each such read audited (Art. 9(3)). `personal=False`: never (a write's
    answer, which an idempotent replay stores)."""
    seen = access.visibility(writer.principal, MEMBER)
    law = await seat_law(session=writer.session)
    out = []
    shown = personal
    for seat in seats:
        personal = shown and seen.shows("personal", organisation=seat.organisation)
        if personal:
            await writer.record_access(
                decision=None,
                change=Change(
                    event_type="board_member.personal_read",
                    resource_type=MEMBER,
                    organisation=seat.organisation or "COM",
                    legal_basis="ILO-9.3",
                    feed=False,
                ),
                resource_id=str(seat.id),
            )
        seat_law_ = law.get(seat.organisation or "")
        out.append(
            SeatOut(
                id=seat.id,
                role=BoardSeatRole(seat.role),
                organisation=seat.organisation,
                observer_body=seat.observer_body,
                invitation_reference=seat.invitation_reference,
                chair=seat.chair,
                voting=bool(
                    seat.role == BoardSeatRole.member
                    and seat_law_ is not None
                    and seat_law_.voting_right
                ),
                starts_on=seat.starts_on,
                ended_on=seat.ended_on,
                holder=SeatHolder(
                    name=seat.holder_name, email=seat.holder_email, phone=seat.holder_phone
                )
                if personal
                else None,
                version=seat.version,
            )
        )
    return out


def missing_seats(law: dict[str, BoardSeatLaw], seats: Sequence[BoardSeat]) -> list[MissingSeat]:
    """ILO-7.2, 7.3: the seats the law gives that nobody holds."""
    missing: list[MissingSeat] = []
    for code, seat in sorted(law.items()):
        if not seat.bound_by_regulation:
            continue
        for role, count in (
            (BoardSeatRole.member, seat.board_seats),
            (BoardSeatRole.alternate, seat.alternate_seats),
        ):
            held = sum(1 for s in seats if s.organisation == code and s.role == role)
            missing.extend(MissingSeat(organisation=code, role=role) for _ in range(count - held))
    return missing


# --- rules of procedure ------------------------------------------------------------------------


async def first_meeting_on(*, session: AsyncSession) -> date | None:
    first: date | None = await session.scalar(select(func.min(BoardMeeting.held_on)))
    return first


def three_months_after(day: date) -> date:
    month = day.month + 3
    year = day.year + (month - 1) // 12
    if year > date.max.year:
        return date.max
    month = (month - 1) % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def render_rules(
    rules: BoardRulesOfProcedure, first_meeting: date | None, version: int
) -> RulesOfProcedureOut:
    due = three_months_after(first_meeting) if first_meeting else None
    return RulesOfProcedureOut(
        version=version,
        adopted_on=rules.adopted_on,
        quorum=rules.quorum,
        proxy_allowed=rules.proxy_allowed,
        max_proxies_per_member=rules.max_proxies_per_member,
        ep_visible_categories=[DocumentCategory(c) for c in rules.ep_visible_categories],
        document_reference=rules.document_reference,
        due_by=due,
        late=due is not None and rules.adopted_on > due,
    )


async def rules_out(*, session: AsyncSession) -> RulesOfProcedureOut | None:
    rules = await current_rules(session=session)
    if rules is None:
        return None
    versions = await session.scalar(select(func.count(BoardRulesOfProcedure.id)))
    return render_rules(rules, await first_meeting_on(session=session), int(versions or 0))


@dataclass(frozen=True, slots=True)
class Adoption:
    prepared: Prepared[RulesOfProcedureFacts]


async def _prepare_rules(context: Context, _: object, body: RulesOfProcedureIn) -> Adoption:
    law = await seat_law(session=context.writer.session)
    facts = RulesOfProcedureFacts(
        actor=context.principal.actor(),
        quorum=body.quorum,
        proxy_allowed=body.proxy_allowed,
        max_proxies_per_member=body.max_proxies_per_member,
        ep_visible_categories=tuple(c.value for c in body.ep_visible_categories),
        voting_seats=voting_seats(law),
    )
    return Adoption(Prepared(facts))


def _build_rules(
    _: Context, __: Adoption, body: RulesOfProcedureIn, decision: Decision
) -> NewRow[BoardRulesOfProcedure]:
    """ILO-8.1: quorum, proxy voting, EP-visible categories; the latest version is in force."""
    rules = BoardRulesOfProcedure(
        adopted_on=body.adopted_on,
        quorum=body.quorum,
        proxy_allowed=body.proxy_allowed,
        max_proxies_per_member=body.max_proxies_per_member,
        ep_visible_categories=[c.value for c in body.ep_visible_categories],
        document_reference=body.document_reference,
        decision_id=decision.decision_id,
    )
    return NewRow(rules, Change(organisation="COM"))


ADOPT_RULES = Action(
    policy=BOARD_RULES_ADOPT,
    resource=RULES,
    body=RulesOfProcedureIn,
    target="none",
    load=_prepare_rules,
    build=_build_rules,
    makes="row",
    summary="Adopt (a new version of) the rules of procedure (Art. 8(1))",
)
