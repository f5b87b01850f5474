"""The networks part of the Board's biennial activity report (ILO-8.2(c), ILO-4.1(b)): each
network, its host countries, its facilitator on the last day of the period and the meetings it
held in the period. Ids and counts only: no personal data."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Network, NetworkMeeting
from app.services.network_facilitator import in_force


@dataclass(frozen=True, slots=True, kw_only=True)
class NetworkOverview:
    network_id: uuid.UUID
    name: str
    kind: str
    host_countries: tuple[str, ...]
    facilitator_officer_id: uuid.UUID | None
    facilitator_basis: str | None
    meetings_held: int


async def networks_overview(session: AsyncSession, start: date, end: date) -> list[NetworkOverview]:
    """Every network, by name: host countries, the facilitator in force on `end` (ILO-5.2; none
    when its deployment has ended) and the meetings held from `start` to `end` inclusive.
    Networks are listed whenever they were registered: a network is often recorded after it
    began to meet."""
    counts = (
        select(NetworkMeeting.network_id, func.count().label("held"))
        .where(NetworkMeeting.held_on >= start, NetworkMeeting.held_on <= end)
        .group_by(NetworkMeeting.network_id)
        .subquery()
    )
    rows = await session.execute(
        select(Network, func.coalesce(counts.c.held, 0))
        .outerjoin(counts, counts.c.network_id == Network.id)
        .order_by(Network.name, Network.id)
    )
    overview = []
    for network, held in rows:
        current, _ = await in_force(session=session, network_id=network.id, on=end)
        overview.append(
            NetworkOverview(
                network_id=network.id,
                name=network.name,
                kind=network.kind,
                host_countries=tuple(network.countries),
                facilitator_officer_id=current.officer_id if current else None,
                facilitator_basis=current.basis if current else None,
                meetings_held=int(held),
            )
        )
    return overview
