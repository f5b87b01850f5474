"""The transfers section of the statistics (Chapter V, GDPR-30.1e): counts by destination, the
ground that held and the record's purpose, each month withheld as app/services/
statistics_readmission.py decides it together with the identification requests among them."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from app.policies.vocabulary import StatisticsSectionName
from app.schemas.statistics import StatisticsSection
from app.services.statistics import (
    COUNT,
    TRANSFER_TABLES,
    Period,
    monthly_tables,
    table,
    transfer_months,
)
from app.services.statistics_readmission import identification_requests, protected_months


async def transfers_section(
    session: AsyncSession, period: Period, threshold: int, organisation: str | None = None
) -> StatisticsSection:
    """Transfers recorded with a transfer date in the period (of one organisation, when
    named): counts only."""
    per_month = await transfer_months(session, period, organisation)
    requests = await identification_requests(session, period, organisation=organisation)
    withheld = [m.transfers for m in protected_months(per_month, requests, period, threshold)]
    tables = monthly_tables(per_month, TRANSFER_TABLES, period, withheld)
    return StatisticsSection(
        name=StatisticsSectionName.transfers,
        title="Transfers to third countries and international organisations",
        description="Transfers recorded (Chapter V), by destination, the ground that held and "
        "the Art. 3(6) purpose of the record. Counts only.",
        tables=[
            table("by_destination", "destination", COUNT, tables["by_destination"]),
            table("by_basis", "basis", COUNT, tables["by_basis"]),
            table("by_purpose", "purpose", COUNT, tables["by_purpose"]),
        ],
    )
