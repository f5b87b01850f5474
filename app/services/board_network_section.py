"""The activity report's section on the local and regional networks and their facilitators
(Art. 5), kept apart so that the networks' own overview plugs in here.

`network_summaries` is where the report asks for the networks of a period: until the networks
resource provides `networks_overview(session, start, end)`, it finds none, and the section says
so. `networks_section` turns the summaries into the report's data (no personal data: networks
are counted by members, and facilitators named by organisation only).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True, slots=True, kw_only=True)
class NetworkSummary:
    """One network over the report's period."""

    name: str
    scope: str  # "local" (one host country) or "regional"
    countries: tuple[str, ...]
    members: int
    member_organisations: tuple[str, ...] = ()
    facilitator_organisation: str | None = None
    meetings: int = 0


async def network_summaries(
    session: AsyncSession, start: date, end: date
) -> Sequence[NetworkSummary]:
    """The networks of the period: plug `networks_overview(session, start, end)` in here."""
    del session, start, end
    return ()


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
