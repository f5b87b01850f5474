"""The activity report's section on the local and regional networks and their facilitators
(Art. 5), kept apart so that the networks' own overview plugs in here.

`network_summaries` asks the networks' own overview (`networks_overview`) for the period and
takes each network's members from the deployment figures of the month-end the report's figures
are of (ILO-5.1, derived from deployments; protected with them, ILO-12);
`networks_section` turns the summaries into the report's data (no personal data: networks are
counted by members, and facilitators named by organisation only).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.services.deployment_figures import DeploymentFigures
from app.services.network_membership import members_on
from app.services.network_overview import networks_overview


@dataclass(frozen=True, slots=True, kw_only=True)
class NetworkSummary:
    """One network over the report's period."""

    name: str
    scope: str  # "local" (one host country) or "regional"
    countries: tuple[str, ...]
    members: int | None  # None: withheld (ILO-12)
    member_organisations: tuple[str, ...] = ()
    facilitator_organisation: str | None = None
    meetings: int = 0


async def network_summaries(
    session: AsyncSession, start: date, end: date, figures: DeploymentFigures
) -> Sequence[NetworkSummary]:
    """The networks of the period: their facilitator on `end` (ILO-5.2), their members and
    member organisations on the day of `figures` (ILO-5.1), the count as they withhold it."""
    summaries = []
    for network in await networks_overview(session, start, end):
        members = await members_on(session=session, countries=list(network.host_countries), on=end)
        facilitator = next(
            (m.organisation for m in members if m.officer_id == network.facilitator_officer_id),
            None,
        )
        key = str(network.network_id)
        summaries.append(
            NetworkSummary(
                name=network.name,
                scope=network.kind,
                countries=network.host_countries,
                members=figures.members(key),
                member_organisations=figures.member_organisations.get(key, ()),
                facilitator_organisation=facilitator,
                meetings=network.meetings_held,
            )
        )
    return summaries


def networks_section(networks: Sequence[NetworkSummary]) -> dict[str, Any]:
    items = [
        {
            "name": n.name,
            "scope": n.scope,
            "countries": list(n.countries),
            "members": n.members,
            "member_organisations": list(n.member_organisations),
            "facilitator_organisation": n.facilitator_organisation,
            "meetings": n.meetings,
        }
        for n in sorted(networks, key=lambda n: n.name)
    ]
    return {
        "count": len(items),
        "without_facilitator": sum(1 for n in networks if n.facilitator_organisation is None),
        "items": items,
    }
