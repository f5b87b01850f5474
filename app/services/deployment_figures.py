"""The deployment figures of one day, the last of a month, as every answer publishes them: the
statistics' deployments section and the Steering Board's activity report (ILO-4.1, ILO-8.2(c))
take them from here, withheld as app/policies/disclosure.py decides (ILO-12).

A deployment figure is a stock: the deployments in post on the last day of a month. Any two
answers therefore either show the same day's figures, or figures of two days that no identity
ties (a "period minus its first month" is no deployment count), so answers over overlapping or
nested periods cannot be differenced into a small group.
"""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.deployed import deployed_on_clause
from app.models import Deployment
from app.policies import eu_funding_eligible
from app.policies.disclosure import COUNT as COUNT_RULE
from app.policies.disclosure import Bound, Line, protect
from app.policies.vocabulary import StatisticsSectionName
from app.reference.priority_countries import load_priority_countries
from app.schemas.statistics import StatisticsSection
from app.services.organisation import participant_map
from app.services.statistics import COUNT, TOTAL, Period, cell, margins, shown_row, table

TABLES = ("by_host_country", "by_posting_type", "by_organisation")
JOINT = ("co_deployed", "eu_funding_eligible", "representing", "sharing_tasks")
REPRESENTED = "represented_member_states"
# The activity report's gap list: each priority country's deployments covering it (in post there
# or covering it from a neighbour, ILO-8.2(e)); at least the host country's count.
COVERAGE = "priority_coverage"


def covers(deployment: Deployment, country: str) -> bool:
    return deployment.host_country == country or country in deployment.region_countries


def month_end(day: date) -> date:
    """The last day of the day's month: the only days deployment figures are published for."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


@dataclass(frozen=True, slots=True)
class DeploymentFigures:
    """The counts of the deployments in post on `on`, and the ones withheld."""

    on: date
    tables: Mapping[str, Counter[str]]
    counts: Mapping[str, int]
    withheld: frozenset[str]

    @property
    def total(self) -> int | None:
        return None if TOTAL in self.withheld else self.counts[TOTAL]

    def count(self, name: str) -> int | None:
        return None if name in self.withheld else self.counts[name]

    def coverage(self, country: str) -> int | None:
        """A priority country's covering deployments: None when withheld."""
        name = cell(COVERAGE, country)
        return None if name in self.withheld else self.tables[COVERAGE].get(country, 0)

    def rows(self, name: str) -> dict[str, int | None]:
        """A table's listed rows: key -> count, None when withheld."""
        return {
            key: None if cell(name, key) in self.withheld else n
            for key, n in self.tables[name].items()
        }


def frame(
    tables: Mapping[str, Counter[str]], counts: Mapping[str, int]
) -> tuple[dict[str, int], list[Line], list[Bound], list[str]]:
    """The day's counts, the lines and bounds between them, and the listed ones (every row)."""
    values, lines = margins({name: tables[name] for name in TABLES})
    listed = list(values)
    values |= counts
    values |= {cell(REPRESENTED, k): n for k, n in tables[REPRESENTED].items()}
    listed += [cell(REPRESENTED, k) for k in tables[REPRESENTED]]
    # a covered priority country is listed as covered (so its count is not 0)
    values |= {cell(COVERAGE, k): n for k, n in tables[COVERAGE].items()}
    listed += [cell(COVERAGE, k) for k in tables[COVERAGE]]
    bounds = [Bound((name,), TOTAL) for name in JOINT if name != "eu_funding_eligible"]
    bounds.append(Bound(("eu_funding_eligible",), "co_deployed"))
    bounds += [Bound((cell(REPRESENTED, k),), "representing") for k in tables[REPRESENTED]]
    for k in tables[COVERAGE]:
        host = cell("by_host_country", k)
        bounds.append(Bound((cell(COVERAGE, k),), TOTAL))
        if host in values:
            bounds.append(Bound((host,), cell(COVERAGE, k)))
    return values, lines, bounds, listed


async def deployment_figures(
    session: AsyncSession, day: date, threshold: int, organisation: str | None = None
) -> DeploymentFigures:
    """The deployments in post on `day` (callers ask for a month's last day; of one
    organisation, when named), counted and protected: the tables by host country, posting
    type and organisation add up to the total; co-deployed, EU-funding-eligible (among the
    co-deployed), representing and sharing tasks are each at most the total, and each
    represented Member State at most the representing; each priority country's covering
    deployments at most the total and at least its host-country count."""
    on = day
    query = select(Deployment).where(deployed_on_clause(Deployment, on))
    if organisation is not None:
        query = query.where(Deployment.organisation == organisation)
    deployments = (await session.scalars(query)).unique().all()
    participants = await participant_map(session=session)
    joint = [d for d in deployments if d.co_deploying_member_states]
    tables = {
        "by_host_country": Counter(d.host_country for d in deployments),
        "by_posting_type": Counter(d.posting_type for d in deployments),
        "by_organisation": Counter(d.organisation for d in deployments),
        REPRESENTED: Counter(c for d in deployments for c in d.represented_member_states),
        COVERAGE: Counter(
            p.country
            for p in load_priority_countries().items
            for d in deployments
            if covers(d, p.country)
        ),
    }
    counts = {
        "co_deployed": len(joint),
        "eu_funding_eligible": sum(
            1
            for d in joint
            if eu_funding_eligible(
                deployer_kind=p.kind if (p := participants.get(d.organisation)) else "",
                co_deploying_member_states=tuple(d.co_deploying_member_states),
                deployer_org=d.organisation,
                participants=participants,
            )
        ),
        "representing": sum(1 for d in deployments if d.represented_member_states),
        "sharing_tasks": sum(1 for d in deployments if d.shared_tasks),
    }
    values, lines, bounds, listed = frame(tables, counts)
    withheld = protect(values, lines, threshold, bounds=bounds, listed=listed)
    return DeploymentFigures(on, tables, values, withheld)


async def deployments_section(
    session: AsyncSession, period: Period, threshold: int, organisation: str | None = None
) -> StatisticsSection:
    """The deployments in post on the period's last day (a month's last day; of one
    organisation, when named)."""
    figures = await deployment_figures(session, period.ends_on, threshold, organisation)
    tables = {
        name: {
            key: shown_row(key, {"count": n}, COUNT, {} if n is not None else {"count": COUNT_RULE})
            for key, n in figures.rows(name).items()
        }
        for name in TABLES
    }
    return StatisticsSection(
        name=StatisticsSectionName.deployments,
        title="Deployments of immigration liaison officers",
        description="Deployments in post on the last day of the period (Art. 4 notifications), "
        "by host country, posting type (Art. 2(2)) and deploying organisation.",
        tables=[
            table("by_host_country", "host_country", COUNT, tables["by_host_country"]),
            table("by_posting_type", "posting_type", COUNT, tables["by_posting_type"]),
            table("by_organisation", "organisation", COUNT, tables["by_organisation"]),
        ],
    )
