"""Readmission cooperation figures (Visa Code Art. 25a): identification requests sent to third
countries' authorities (RA-1) and what their follow-ups record, per country and per month.

A request counts in the period of its transfer date; its answer, travel document and return
operation count with it (a cohort), so that each month's rates are those of its requests.
Nothing is read about the subjects: the transfer, its record's purpose and categories, and the
follow-up.
"""

from __future__ import annotations

import statistics as stats
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import any_, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import ProcessingRecord, Transfer, TransferFollowUp
from app.policies.transfer_follow_up import ANSWERED
from app.policies.vocabulary import (
    DataCategory,
    IdentificationOutcome,
    Purpose,
    RecipientType,
    StatisticsSectionName,
)
from app.schemas.statistics import ReadmissionSheet, StatisticsSection, Value
from app.services.statistics import Measure, Period, suppressed_row, suppression, table

MEASURES = (
    Measure("requests_sent", "Identification requests sent"),
    Measure("answered", "Answered"),
    Measure("answered_within_30_days", "Answered within 30 days"),
    Measure("answered_within_60_days", "Answered within 60 days"),
    Measure("median_response_days", "Median response time", "days", bases=("answered",)),
    Measure("confirmed", "Identity confirmed"),
    Measure("positive_rate", "Positive rate", "ratio", bases=("answered", "confirmed")),
    Measure("travel_documents_issued", "Travel documents issued"),
    Measure("return_operations_accepted", "Return operations accepted"),
)
OUTCOMES = (
    Measure("confirmed", "Confirmed"),
    Measure("not_confirmed", "Not confirmed"),
    Measure("no_answer", "No answer"),
    Measure("awaiting", "No follow-up yet"),
)


@dataclass(frozen=True, slots=True)
class Request:
    """One identification request as the figures see it: no subject data."""

    country: str
    sent_on: date
    outcome: str | None
    answered_on: date | None
    travel_document_issued_on: date | None
    return_operation_accepted: bool | None

    @property
    def response_days(self) -> int | None:
        if self.outcome in ANSWERED and self.answered_on is not None:
            return (self.answered_on - self.sent_on).days
        return None


async def identification_requests(
    session: AsyncSession, period: Period, country: str | None = None
) -> list[Request]:
    """The identification requests (RA-1) sent in the period, with their follow-ups."""
    query = (
        select(
            Transfer.destination_country,
            Transfer.transfer_on,
            TransferFollowUp.outcome,
            TransferFollowUp.answered_on,
            TransferFollowUp.travel_document_issued_on,
            TransferFollowUp.return_operation_accepted,
        )
        .join(ProcessingRecord, ProcessingRecord.id == Transfer.processing_record_id)
        .outerjoin(TransferFollowUp, TransferFollowUp.transfer_id == Transfer.id)
        .where(
            ProcessingRecord.purpose == Purpose.return_.value,
            literal(DataCategory.a_return_identity.value) == any_(ProcessingRecord.data_categories),
            Transfer.recipient_type == RecipientType.public_authority.value,
            Transfer.destination_country.is_not(None),
            Transfer.transfer_on.between(period.starts_on, period.ends_on),
        )
    )
    if country is not None:
        query = query.where(Transfer.destination_country == country)
    return [
        Request(
            country=row.destination_country,
            sent_on=row.transfer_on,
            outcome=row.outcome,
            answered_on=row.answered_on,
            travel_document_issued_on=row.travel_document_issued_on,
            return_operation_accepted=row.return_operation_accepted,
        )
        for row in (await session.execute(query)).all()
    ]


def indicators(requests: Sequence[Request]) -> dict[str, Value]:
    """The Art. 25a indicators of a set of requests (before withholding)."""
    days = [d for d in (r.response_days for r in requests) if d is not None]
    confirmed = sum(1 for r in requests if r.outcome == IdentificationOutcome.confirmed)
    return {
        "requests_sent": len(requests),
        "answered": len(days),
        "answered_within_30_days": sum(1 for d in days if d <= 30),
        "answered_within_60_days": sum(1 for d in days if d <= 60),
        "median_response_days": float(stats.median(days)) if days else None,
        "confirmed": confirmed,
        "positive_rate": round(confirmed / len(days), 4) if days else None,
        "travel_documents_issued": sum(
            1 for r in requests if r.travel_document_issued_on is not None
        ),
        "return_operations_accepted": sum(1 for r in requests if r.return_operation_accepted),
    }


def _by(requests: Iterable[Request], key: str) -> dict[str, list[Request]]:
    groups: dict[str, list[Request]] = defaultdict(list)
    for r in requests:
        groups[r.country if key == "country" else f"{r.sent_on:%Y-%m}"].append(r)
    return groups


async def readmission_section(
    session: AsyncSession, period: Period, threshold: int
) -> StatisticsSection:
    """Per third country: the indicators of the requests sent in the period."""
    groups = _by(await identification_requests(session, period), "country")
    rows = {country: indicators(group) for country, group in groups.items()}
    return StatisticsSection(
        name=StatisticsSectionName.readmission,
        title="Readmission cooperation (Visa Code Art. 25a)",
        description="Identification requests sent by ILOs to third countries' authorities in "
        "the period, and what their follow-ups record: answers within 30 and 60 days, the "
        "median response time, the share of answers confirming the identity, travel documents "
        "issued and return operations accepted.",
        tables=[table("by_country", "third_country", MEASURES, rows, threshold)],
    )


def months(period: Period) -> list[str]:
    """Every month the period touches, as YYYY-MM."""
    found, year, month = [], period.starts_on.year, period.starts_on.month
    while (year, month) <= (period.ends_on.year, period.ends_on.month):
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def outcome_counts(requests: Sequence[Request]) -> dict[str, Value]:
    counts: dict[str, Value] = {m.name: 0 for m in OUTCOMES}
    for r in requests:
        name = r.outcome or "awaiting"
        counts[name] = int(counts[name] or 0) + 1
    return counts


async def readmission_sheet(
    *, session: AsyncSession, country: str, period: Period, threshold: int
) -> ReadmissionSheet:
    """One third country's sheet: the period's totals, the answers, and every month."""
    requests = await identification_requests(session, period, country)
    per_month = _by(requests, "month")
    monthly = [
        suppressed_row(m, indicators(per_month.get(m, [])), MEASURES, threshold)
        for m in months(period)
    ]
    totals = suppressed_row(country, indicators(requests), MEASURES, threshold)
    outcomes = suppressed_row(country, outcome_counts(requests), OUTCOMES, threshold)
    cells = sum(len(r.suppressed) for r in (totals, outcomes, *monthly))
    return ReadmissionSheet(
        country=country,
        starts_on=period.starts_on,
        ends_on=period.ends_on,
        generated_at=datetime.now(UTC),
        measures=[m.out for m in MEASURES],
        totals=totals,
        outcomes=outcomes,
        months=monthly,
        suppression=suppression(threshold, cells),
    )
