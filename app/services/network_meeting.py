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
from app.models import Network, NetworkMeeting
from app.policies import Decision, MeetingFacts
from app.policies.network import NETWORK_MEETING_RECORD
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
    summary="Record a network meeting",
)


async def list_meetings(
    *,
    session: AsyncSession,
    principal: Principal,
    network_id: uuid.UUID,
    after: str | None,
    limit: int,
) -> Sequence[NetworkMeeting]:
    """The network's meetings (read policy `network_meeting`), by id."""
    await read_network(session=session, principal=principal, network_id=network_id)
    seen = access.listing(principal, RESOURCE)
    query = (
        select(NetworkMeeting)
        .where(NetworkMeeting.network_id == network_id, visible(NetworkMeeting, seen))
        .order_by(NetworkMeeting.id)
        .limit(limit)
    )
    if after is not None:
        query = query.where(NetworkMeeting.id > uuid.UUID(after))
    return (await session.scalars(query)).all()


def render(meeting: NetworkMeeting) -> NetworkMeetingOut:
    return NetworkMeetingOut.model_validate(meeting, from_attributes=True)
