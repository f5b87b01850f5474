"""Aggregated, non-personal figures for the Art. 12 report and Visa Code Art. 25a (Art. 12).

A report is a list of sections, each a list of tables (one dimension, several measures); the
sections are listed in app/services/statistics_report.py (a new one, networks or the Board, is one
more entry there). Counts from 1 to threshold - 1 are withheld (`statistics_min_cell`), and so
is a rate or median over a withheld or empty base; the response says how many cells were.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Deployment, ProcessingRecord, Transfer
from app.policies.vocabulary import DeploymentStatus, StatisticsSectionName
from app.schemas.statistics import (
    MeasureOut,
    ReadmissionSheet,
    StatisticsReport,
    StatisticsRow,
    StatisticsSection,
    StatisticsTable,
    Suppression,
    Value,
)


def suppression(threshold: int, cells: int) -> Suppression:
    return Suppression(
        threshold=threshold,
        suppressed_cells=cells,
        note=(
            f"Counts from 1 to {threshold - 1} are withheld (null, named in the row's "
            "`suppressed`), and so is a rate or median taken over a withheld count. A figure "
            "over an empty base is null without being withheld. Withholding is per cell: totals "
            "are not adjusted."
        ),
    )


@dataclass(frozen=True, slots=True)
class Measure:
    """A column: a count (withheld below the threshold) or a figure derived from counts (withheld
    with any of its bases, undefined when a base is zero)."""

    name: str
    title: str
    unit: str = "count"
    bases: tuple[str, ...] = ()

    @property
    def out(self) -> MeasureOut:
        return MeasureOut(name=self.name, title=self.title, unit=self.unit)


@dataclass(frozen=True, slots=True)
class Period:
    starts_on: date
    ends_on: date


def suppressed_row(
    key: str, raw: Mapping[str, Value], measures: Iterable[Measure], threshold: int
) -> StatisticsRow:
    """The row with each small count withheld, and each figure taken over a withheld base."""
    values: dict[str, Value] = {}
    withheld: list[str] = []
    for measure in measures:
        value = raw.get(measure.name)
        if not measure.bases:
            if isinstance(value, int) and 0 < value < threshold:
                values[measure.name] = None
                withheld.append(measure.name)
            else:
                values[measure.name] = value
            continue
        if any(base in withheld for base in measure.bases):
            values[measure.name] = None
            withheld.append(measure.name)
        elif any(not raw.get(base) for base in measure.bases):
            values[measure.name] = None  # undefined (nothing to take it over), not withheld
        else:
            values[measure.name] = value
    return StatisticsRow(key=key, values=values, suppressed=withheld)


def table(
    name: str,
    dimension: str,
    measures: tuple[Measure, ...],
    rows: Mapping[str, Mapping[str, Value]],
    threshold: int,
) -> StatisticsTable:
    return StatisticsTable(
        name=name,
        dimension=dimension,
        measures=[m.out for m in measures],
        rows=[suppressed_row(k, rows[k], measures, threshold) for k in sorted(rows)],
    )


def counted(counter: Counter[str]) -> dict[str, dict[str, Value]]:
    return {key: {"count": n} for key, n in counter.items()}


COUNT = (Measure("count", "Count"),)


# --- deployments (Art. 4 notifications) -----------------------------------------------------


async def deployments_section(
    session: AsyncSession, period: Period, threshold: int
) -> StatisticsSection:
    """Deployments that were deployed at some time in the period."""
    until = func.coalesce(Deployment.ended_on, Deployment.ends_on)
    rows = (
        await session.execute(
            select(Deployment.host_country, Deployment.posting_type, Deployment.organisation).where(
                Deployment.status.in_([DeploymentStatus.deployed, DeploymentStatus.ended]),
                func.coalesce(Deployment.deployed_on, Deployment.starts_on) <= period.ends_on,
                until >= period.starts_on,
            )
        )
    ).all()
    by_host = Counter(r.host_country for r in rows)
    by_posting = Counter(r.posting_type for r in rows)
    by_org = Counter(r.organisation for r in rows)
    return StatisticsSection(
        name=StatisticsSectionName.deployments,
        title="Deployments of immigration liaison officers",
        description="Deployments in post at some time in the period (Art. 4 notifications), "
        "by host country, posting type (Art. 2(2)) and deploying organisation.",
        tables=[
            table("by_host_country", "host_country", COUNT, counted(by_host), threshold),
            table("by_posting_type", "posting_type", COUNT, counted(by_posting), threshold),
            table("by_organisation", "organisation", COUNT, counted(by_org), threshold),
        ],
    )


# --- transfers (Chapter V, GDPR-30.1e) -------------------------------------------------------


async def transfers_section(
    session: AsyncSession, period: Period, threshold: int
) -> StatisticsSection:
    """Transfers recorded with a transfer date in the period: counts only."""
    rows = (
        await session.execute(
            select(
                Transfer.destination_country,
                Transfer.destination_organisation,
                Transfer.basis_ground,
                ProcessingRecord.purpose,
            )
            .join(ProcessingRecord, ProcessingRecord.id == Transfer.processing_record_id)
            .where(Transfer.transfer_on.between(period.starts_on, period.ends_on))
        )
    ).all()
    by_destination = Counter(r.destination_country or r.destination_organisation for r in rows)
    by_basis = Counter(r.basis_ground for r in rows)
    by_purpose = Counter(r.purpose for r in rows)
    return StatisticsSection(
        name=StatisticsSectionName.transfers,
        title="Transfers to third countries and international organisations",
        description="Transfers recorded (Chapter V), by destination, the ground that held and "
        "the Art. 3(6) purpose of the record. Counts only.",
        tables=[
            table("by_destination", "destination", COUNT, counted(by_destination), threshold),
            table("by_basis", "basis", COUNT, counted(by_basis), threshold),
            table("by_purpose", "purpose", COUNT, counted(by_purpose), threshold),
        ],
    )


CSV_COLUMNS = ("section", "table", "dimension", "key", "measure", "unit", "value", "suppressed")


def report_csv(figures: StatisticsReport) -> str:
    """One line per cell (a long table): what a spreadsheet pivots. The period and the
    threshold head the file as comment lines."""
    out = io.StringIO()
    out.write(f"# ILONet statistics {figures.starts_on} to {figures.ends_on}\n")
    out.write(f"# {figures.suppression.note}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for section in figures.sections:
        for tab in section.tables:
            units = {m.name: m.unit for m in tab.measures}
            for row in tab.rows:
                for name, value in row.values.items():
                    writer.writerow(
                        (
                            section.name.value,
                            tab.name,
                            tab.dimension,
                            row.key,
                            name,
                            units[name],
                            "" if value is None else value,
                            "true" if name in row.suppressed else "false",
                        )
                    )
    return out.getvalue()


SHEET_COLUMNS = ("country", "month", "measure", "unit", "value", "suppressed")


def sheet_csv(sheet: ReadmissionSheet) -> str:
    """The sheet's months, one line per month and measure; the period's totals as month
    `total`."""
    out = io.StringIO()
    out.write(f"# ILONet readmission cooperation {sheet.country} {sheet.starts_on} to ")
    out.write(f"{sheet.ends_on}\n# {sheet.suppression.note}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SHEET_COLUMNS)
    units = {m.name: m.unit for m in sheet.measures}
    for row in [*sheet.months, sheet.totals.model_copy(update={"key": "total"})]:
        for name, value in row.values.items():
            writer.writerow(
                (
                    sheet.country,
                    row.key,
                    name,
                    units[name],
                    "" if value is None else value,
                    "true" if name in row.suppressed else "false",
                )
            )
    return out.getvalue()
