"""Network meetings (Art. 5(1)): date, attendees (members on that date only, ILO-5.1), agenda,
the Art. 5(1) tasks discussed, and the minutes as a reference to a platform document."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.visibility import visible
from app.db.writer import Change, NewRow, Prepared
from app.keyset import Window
from app.models import Network, NetworkMeeting
from app.policies import Decision, MeetingFacts
from app.schemas.network import NetworkMeetingIn, NetworkMeetingOut
from app.security import Principal
from app.services import access
from app.services.guarded import Action, Context
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


RECORD = Action(
    name="network_meeting.record",
    resource=RESOURCE,
    events=frozenset({"network_meeting.recorded"}),
    body=NetworkMeetingIn,
    target="uuid",
    load=_prepare,
    summary="Record a network meeting",
)


async def record_meeting(
    *, context: Context, network_id: uuid.UUID, body: NetworkMeetingIn
) -> NetworkMeeting:
    """ILO-5.1: every attendee is a member of the network on the meeting's date."""
    meeting = await _prepare(context, network_id, body)

    def build(_: Decision) -> NewRow[NetworkMeeting]:
        row = NetworkMeeting(
            id=uuid.uuid4(),
            network_id=meeting.network.id,
            organisation=meeting.network.organisation,
            held_on=body.held_on,
            attendees=list(body.attendees),
            agenda=body.agenda,
            topics=[t.value for t in body.topics],
            minutes_document=body.minutes_document,
        )
        change = Change(
            event_type="network_meeting.recorded",
            resource_type=RESOURCE,
            organisation=meeting.network.organisation,
            details={"network_id": str(meeting.network.id)},
        )
        return NewRow(row, change)

    return await context.writer.create(RECORD, meeting.prepared, build)


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
