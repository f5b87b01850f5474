"""Readmission cooperation figures (Visa Code Art. 25a): identification requests sent to third
countries' authorities (RA-1) and what their follow-ups record, per country and per month.

A request counts in the period of its transfer date; its answer, travel document and return
operation count with it (a cohort), so that each month's rates are those of its requests.
Nothing is read about the subjects: the transfer, its record's purpose and categories, and the
follow-up.
"""

from __future__ import annotations

import statistics as stats
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import any_, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import ProcessingRecord, Transfer, TransferFollowUp
from app.policies.disclosure import Bound, Line, Withheld, over_period, protect, with_derived
from app.policies.transfer_follow_up import ANSWERED
from app.policies.vocabulary import (
    DataCategory,
    IdentificationOutcome,
    Purpose,
    RecipientType,
    StatisticsSectionName,
)
from app.schemas.statistics import ReadmissionSheet, StatisticsSection, Value
from app.services.statistics import (
    TOTAL,
    TRANSFER_TABLES,
    Measure,
    Period,
    cell,
    margins,
    month_of,
    months,
    shown_row,
    suppression,
    table,
    transfer_months,
)

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
# What a reader can add up within one month's (or period's) requests of a country: the lines
# the disclosure control protects together.
LINES = (
    Line("requests_sent", ("answered", "no_answer", "awaiting")),
    Line("answered", ("confirmed", "not_confirmed")),
)
# What a reader knows besides: the measures that count a subset of another's requests.
BOUNDS = (
    Bound(("answered_within_30_days",), "answered_within_60_days"),
    Bound(("answered_within_60_days",), "answered"),
    Bound(("travel_documents_issued",), "confirmed"),
    Bound(("return_operations_accepted",), "confirmed"),
)
LISTED = ("requests_sent",)  # a country's row is listed when it has requests in the month
DERIVED = {m.name: m.bases for m in MEASURES if m.bases}


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
    session: AsyncSession,
    period: Period,
    country: str | None = None,
    organisation: str | None = None,
) -> list[Request]:
    """The identification requests (RA-1) sent in the period (by one organisation, when
    named), with their follow-ups."""
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
    if organisation is not None:
        query = query.where(Transfer.organisation == organisation)
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
        groups[r.country if key == "country" else month_of(r.sent_on)].append(r)
    return groups


def outcome_counts(requests: Sequence[Request]) -> dict[str, int]:
    counts = {m.name: 0 for m in OUTCOMES}
    for r in requests:
        counts[r.outcome or "awaiting"] += 1
    return counts


def counts(requests: Sequence[Request]) -> dict[str, int]:
    """Every count of a set of requests, the outcomes with them: what LINES adds up."""
    found = {k: v for k, v in indicators(requests).items() if isinstance(v, int)}
    return {**found, **outcome_counts(requests)}


@dataclass(frozen=True, slots=True)
class Month:
    """What one month withholds: transfer cells (`table\tkey`) and each country's counts."""

    transfers: frozenset[str]
    countries: Mapping[str, frozenset[str]]


def _month_frame(
    transfers: Mapping[str, Counter[str]], requests: Sequence[Request]
) -> tuple[dict[str, int], list[Line], list[Bound], list[str], list[str]]:
    """One month's counts of transfers and of each country's requests, the lines and bounds
    between them (a country's requests are among the transfers to it, and all of them among
    the transfers for return), the listed counts and the total that is no figure."""
    values, lines = {}, []
    margin_values, margin_lines = margins(transfers)
    values.update({f"t\t{k}": v for k, v in margin_values.items()})
    lines += [Line(f"t\t{ln.total}", tuple(f"t\t{p}" for p in ln.parts)) for ln in margin_lines]
    listed = list(values)
    bounds: list[Bound] = []
    for country, group in _by(requests, "country").items():
        here = {name: f"r\t{country}\t{name}" for name in counts(group)}
        values.update({here[k]: v for k, v in counts(group).items()})
        lines += [Line(here[ln.total], tuple(here[p] for p in ln.parts)) for ln in LINES]
        bounds += [Bound(tuple(here[n] for n in b.small), here[b.large]) for b in BOUNDS]
        bounds.append(Bound((here["requests_sent"],), f"t\t{cell('by_destination', country)}"))
        listed += [here[n] for n in LISTED]
    sent = tuple(name for name in values if name.endswith("\trequests_sent"))
    if sent:
        bounds.append(Bound(sent, f"t\t{cell('by_purpose', Purpose.return_.value)}"))
    return values, lines, bounds, listed, [f"t\t{TOTAL}"]


def protected_months(
    transfers: Mapping[str, Mapping[str, Counter[str]]],
    requests: Sequence[Request],
    period: Period,
    threshold: int,
) -> list[Month]:
    """Per month of the period, what the transfers section and the readmission figures
    withhold, decided together: a country's requests are a part of the transfers to it."""
    per_month = _by(requests, "month")
    found = []
    for month in months(period):
        tables = {name: transfers.get(month, {}).get(name, Counter()) for name in TRANSFER_TABLES}
        values, lines, bounds, listed, unpublished = _month_frame(tables, per_month.get(month, []))
        withheld = protect(
            values, lines, threshold, bounds=bounds, listed=listed, unpublished=unpublished
        )
        countries: dict[str, set[str]] = defaultdict(set)
        for name in withheld:
            if name.startswith("r\t"):
                _, country, measure = name.split("\t")
                countries[country].add(measure)
        found.append(
            Month(
                transfers=frozenset(n[2:] for n in withheld if n.startswith("t\t")),
                countries={c: frozenset(m) for c, m in countries.items()},
            )
        )
    return found


def verdicts(withheld: Sequence[frozenset[str]]) -> dict[str, Withheld]:
    """The verdicts over these months: a count withheld in any, a rate or median with it."""
    return with_derived(over_period(withheld, len(withheld)), DERIVED)


async def _protected(
    session: AsyncSession, period: Period, threshold: int, organisation: str | None = None
) -> tuple[list[Request], list[Month]]:
    requests = await identification_requests(session, period, organisation=organisation)
    transfers = await transfer_months(session, period, organisation)
    return requests, protected_months(transfers, requests, period, threshold)


def _of(country: str, withheld: Sequence[Month]) -> list[frozenset[str]]:
    return [m.countries.get(country, frozenset()) for m in withheld]


async def readmission_section(
    session: AsyncSession, period: Period, threshold: int, organisation: str | None = None
) -> StatisticsSection:
    """Per third country: the indicators of the requests sent in the period (by one
    organisation, when named)."""
    requests, withheld = await _protected(session, period, threshold, organisation)
    rows = {
        country: shown_row(country, indicators(group), MEASURES, verdicts(_of(country, withheld)))
        for country, group in _by(requests, "country").items()
    }
    return StatisticsSection(
        name=StatisticsSectionName.readmission,
        title="Readmission cooperation (Visa Code Art. 25a)",
        description="Identification requests sent by ILOs to third countries' authorities in "
        "the period, and what their follow-ups record: answers within 30 and 60 days, the "
        "median response time, the share of answers confirming the identity, travel documents "
        "issued and return operations accepted.",
        tables=[table("by_country", "third_country", MEASURES, rows)],
    )


async def readmission_sheet(
    *, session: AsyncSession, country: str, period: Period, threshold: int
) -> ReadmissionSheet:
    """One third country's sheet: the period's totals, the answers, and every month; each
    month and the period decided as the report decides them."""
    everyone, protected = await _protected(session, period, threshold)
    requests = [r for r in everyone if r.country == country]
    per_month = _by(requests, "month")
    withheld = _of(country, protected)
    monthly = [
        shown_row(m, indicators(per_month.get(m, [])), MEASURES, verdicts([w]))
        for m, w in zip(months(period), withheld, strict=True)
    ]
    period_verdicts = verdicts(withheld)
    totals = shown_row(country, indicators(requests), MEASURES, period_verdicts)
    outcomes = shown_row(country, {**outcome_counts(requests)}, OUTCOMES, period_verdicts)
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
