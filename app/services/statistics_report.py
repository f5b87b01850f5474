"""The statistics report: its sections, in order, each built for the period and the threshold
(Art. 12, Visa Code Art. 25a). A section is one function from (session, period, threshold) to
its tables; networks and Board figures are added as entries of SECTIONS."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import UTC, datetime
from types import MappingProxyType

from sqlalchemy.ext.asyncio import AsyncSession

from app.policies.vocabulary import StatisticsSectionName
from app.schemas.statistics import StatisticsReport, StatisticsSection
from app.services.deployment_figures import deployments_section
from app.services.statistics import EXACT, Period, own_suppression, suppression
from app.services.statistics_readmission import readmission_section
from app.services.statistics_transfers import transfers_section

SectionFn = Callable[[AsyncSession, Period, int, str | None], Awaitable[StatisticsSection]]


# In the order of the report. Networks and Board figures join here as their own sections.
SECTIONS: Mapping[StatisticsSectionName, SectionFn] = MappingProxyType(
    {
        StatisticsSectionName.readmission: readmission_section,
        StatisticsSectionName.deployments: deployments_section,
        StatisticsSectionName.transfers: transfers_section,
    }
)


async def report(
    *,
    session: AsyncSession,
    period: Period,
    threshold: int,
    sections: Iterable[StatisticsSectionName] | None = None,
    organisation: str | None = None,
) -> StatisticsReport:
    """The figures of the period: every section, or those named. With `organisation`, that
    organisation's own rows only, exact (nothing withheld): its own figures, not published."""
    known = SECTIONS
    chosen = list(sections) if sections is not None else list(known)
    if organisation is not None:
        threshold = EXACT
    built = [await known[name](session, period, threshold, organisation) for name in chosen]
    cells = sum(len(r.suppressed) for s in built for t in s.tables for r in t.rows)
    return StatisticsReport(
        starts_on=period.starts_on,
        ends_on=period.ends_on,
        generated_at=datetime.now(UTC),
        sections=built,
        suppression=own_suppression(organisation)
        if organisation is not None
        else suppression(threshold, cells),
        organisation=organisation,
    )
