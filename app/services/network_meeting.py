"""Network meetings (Art. 5(1)): date, attendees (members on that date only, ILO-5.1), agenda,
the Art. 5(1) tasks discussed, and the minutes as a reference to a platform document; a meeting
not yet held may be cancelled (its record stays)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app import clock
from app.db.visibility import visible
from app.db.writer import Change, NewRow, Prepared, RowUpdate
from app.keyset import Window
from app.models import Network, NetworkMeeting
from app.policies import Decision, MeetingFacts
from app.policies.network import NETWORK_MEETING_CANCEL, NETWORK_MEETING_RECORD
from app.problems import Conflict, NotFound, Problem
from app.schemas.network import NetworkMeetingCancel, NetworkMeetingIn, NetworkMeetingOut
from app.security import Principal
from app.services import access
from app.services.guarded import Action, Context, stale
from app.services.network import get_network, read_network
from app.services.network_membership import members_on

RESOURCE = "network_meeting"


@dataclass(frozen=True, slots=True)
class Meeting:
    prepared: Prepared[MeetingFacts]
    network: Network


async def _prepare(context: Context, network_id: uuid.UUID, body: NetworkMeetingIn) -> Meeting:
    session = context.writer.session
    network = await get_network(session=session, network_id=network_id)
    rows = await members_on(session=session, countries=list(network.countries), on=body.held_on)
    attendees = set(body.attendees)
    facts = MeetingFacts(
        actor=context.principal.actor(),
        held_on=body.held_on,
        members=tuple(str(r.officer_id) for r in rows),
        attendees=tuple(str(a) for a in body.attendees),
        topics=tuple(t.value for t in body.topics),
        attendee_orgs=tuple(sorted({r.organisation for r in rows if r.officer_id in attendees})),
    )
    return Meeting(Prepared(facts, resource_id=str(network.id)), network)


def _build(
    context: Context, meeting: Meeting, body: NetworkMeetingIn, _: Decision
) -> NewRow[NetworkMeeting]:
    row = NetworkMeeting(
        id=uuid.uuid4(),
        network_id=meeting.network.id,
        organisation=meeting.network.organisation,
        held_on=body.held_on,
        attendees=list(body.attendees),
        agenda=body.agenda,
        topics=[t.value for t in body.topics],
        minutes_document=body.minutes_document,
        version=1,
    )
    change = Change(
        organisation=meeting.network.organisation,
        details={"network_id": str(meeting.network.id)},
    )
    return NewRow(row, change)


RECORD = Action(
    policy=NETWORK_MEETING_RECORD,
    resource=RESOURCE,
    body=NetworkMeetingIn,
    target="uuid",
    load=_prepare,
    build=_build,
    makes="row",
    summary="Record a network meeting (attendees: members on its date)",
)


@dataclass(frozen=True, slots=True)
class Cancellation:
    prepared: Prepared[MeetingFacts]
    meeting: NetworkMeeting
    today: date


async def _visible_meeting(
    session: AsyncSession,
    principal: Principal,
    meeting_id: uuid.UUID,
    *,
    network_id: uuid.UUID,
) -> NetworkMeeting:
    """The meeting under its read policy; one the caller cannot see, or of another network, is
    a 404 as if it did not exist."""
    seen = access.listing(principal, RESOURCE)
    query = select(NetworkMeeting).where(
        NetworkMeeting.id == meeting_id,
        NetworkMeeting.network_id == network_id,
        visible(NetworkMeeting, seen),
    )
    meeting = await session.scalar(query)
    if meeting is None:
        raise NotFound(
            f"No network meeting {meeting_id}.", resource_type=RESOURCE, resource_id=str(meeting_id)
        )
    return meeting


async def _prepare_cancel(
    context: Context, meeting_id: uuid.UUID, _: NetworkMeetingCancel
) -> Cancellation:
    session = context.writer.session
    # Who may act on it is the action's ACL-ORG (an attendee's organisation or the Board), as
    # for recording it; a meeting that does not exist is a 404.
    meeting = await session.get(NetworkMeeting, meeting_id, with_for_update=context.lock)
    if meeting is None:
        raise NotFound(
            f"No network meeting {meeting_id}.", resource_type=RESOURCE, resource_id=str(meeting_id)
        )
    network = await get_network(session=session, network_id=meeting.network_id)
    rows = await members_on(session=session, countries=list(network.countries), on=meeting.held_on)
    attendees = set(meeting.attendees)
    facts = MeetingFacts(
        actor=context.principal.actor(),
        held_on=meeting.held_on,
        members=tuple(str(r.officer_id) for r in rows),
        attendees=tuple(str(a) for a in meeting.attendees),
        topics=tuple(meeting.topics),
        attendee_orgs=tuple(sorted({r.organisation for r in rows if r.officer_id in attendees})),
    )
    today = clock.today()
    conflicts: list[Problem] = []
    if meeting.cancelled_on is not None:
        conflicts.append(Conflict(f"The meeting was cancelled on {meeting.cancelled_on}."))
    elif meeting.held_on < today:
        conflicts.append(
            Conflict(f"The meeting was held on {meeting.held_on}: a held meeting is not cancelled.")
        )
    if (precondition := stale(context.if_match, meeting.version)) is not None:
        conflicts.append(precondition)
    prepared = Prepared(facts, conflicts=tuple(conflicts), resource_id=str(meeting.id))
    return Cancellation(prepared, meeting, today)


def _build_cancel(
    context: Context, cancellation: Cancellation, body: NetworkMeetingCancel, _: Decision
) -> RowUpdate[NetworkMeeting]:
    meeting = cancellation.meeting
    values = {"cancelled_on": cancellation.today, "cancellation_reason": body.reason}
    # The reason is free text: it stays on the row, out of the audit log and the change feed.
    change = Change(
        organisation=meeting.organisation, details={"network_id": str(meeting.network_id)}
    )
    return RowUpdate(meeting, values, change)


CANCEL = Action(
    policy=NETWORK_MEETING_CANCEL,
    resource=RESOURCE,
    body=NetworkMeetingCancel,
    target="uuid",
    load=_prepare_cancel,
    build=_build_cancel,
    makes="change",
    names_version=True,
    summary="Cancel a meeting not yet held (If-Match; the record stays, with the reason)",
)


async def of_network(
    *, session: AsyncSession, network_id: uuid.UUID, meeting_id: uuid.UUID
) -> None:
    """404 unless the meeting is one of the network's: the path names both, the action only the
    meeting (whether the caller may see it is the action's loader's question, also a 404)."""
    found = await session.scalar(
        select(NetworkMeeting.id).where(
            NetworkMeeting.id == meeting_id, NetworkMeeting.network_id == network_id
        )
    )
    if found is None:
        raise NotFound(
            f"No network meeting {meeting_id} in network {network_id}.",
            resource_type=RESOURCE,
            resource_id=str(meeting_id),
        )


async def read_meeting(
    *, session: AsyncSession, principal: Principal, network_id: uuid.UUID, meeting_id: uuid.UUID
) -> NetworkMeeting:
    """One meeting of a network the caller reads (read policy `network_meeting`)."""
    await read_network(session=session, principal=principal, network_id=network_id)
    return await _visible_meeting(session, principal, meeting_id, network_id=network_id)


async def list_meetings(
    *,
    session: AsyncSession,
    principal: Principal,
    network_id: uuid.UUID,
    window: Window,
) -> Sequence[NetworkMeeting]:
    """The network's meetings (read policy `network_meeting`), by id."""
    await read_network(session=session, principal=principal, network_id=network_id)
    seen = access.listing(principal, RESOURCE)
    query = select(NetworkMeeting).where(
        NetworkMeeting.network_id == network_id, visible(NetworkMeeting, seen)
    )
    query = window.apply(query, NetworkMeeting.id)
    return (await session.scalars(query)).all()


def render(meeting: NetworkMeeting) -> NetworkMeetingOut:
    return NetworkMeetingOut.model_validate(meeting, from_attributes=True)
