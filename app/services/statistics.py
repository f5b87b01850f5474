"""Aggregated, non-personal figures for the Art. 12 report and Visa Code Art. 25a (Art. 12).

A report is a list of sections, each a list of tables (one dimension, several measures); the
sections are listed in app/services/statistics_report.py (a new one, networks or the Board, is one
more entry there). What may be published is decided by app/policies/disclosure.py for every
answer alike: figures are counted per calendar month, each month's cells protected with their
margins (primary and complementary withholding), a period's figure withheld whenever one of its
months is, and a rate or median with its bases (ILO-12, ILO-12r).
"""

from __future__ import annotations

import calendar
import csv
import io
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import ProcessingRecord, Transfer
from app.policies.disclosure import Line, Withheld, over_period, protect
from app.schemas.statistics import (
    ORGANISATIONS_NAMED,
    MeasureOut,
    ReadmissionSheet,
    StatisticsReport,
    StatisticsRow,
    StatisticsTable,
    Suppression,
    Value,
    WithheldFigure,
)


def suppression(threshold: int, cells: int) -> Suppression:
    return Suppression(
        threshold=threshold,
        suppressed_cells=cells,
        note=(
            f"Counts from 1 to {threshold - 1} are withheld (null, named in the row's "
            "`suppressed`, with the rule and reason in `withheld`), and so are every count whose "
            "part beyond one organisation's own is that small and every count that would let "
            "one be computed back from the margins, the other measures or other periods "
            "(ILO-12); a rate or median over a withheld count is withheld (ILO-12r). "
            "Figures are counted per calendar month: a period is whole months, and its figure "
            "is withheld whenever one of its months is; deployments are those in post on the "
            "period's last day. Whatever answers are combined, each withheld small count can "
            f"be any value from 1 to {max(threshold - 1, 1)}. A figure over an empty base is "
            "null without being withheld."
        ),
    )


# The threshold of an organisation's own figures: no count is small, nothing is withheld.
EXACT = 1


def own_suppression(organisation: str) -> Suppression:
    return Suppression(
        threshold=EXACT,
        suppressed_cells=0,
        note=(
            f"{organisation}'s own rows only, exact: nothing is withheld, and no other "
            "organisation's row is counted. Not for publication: the published figures are "
            "those without scope=own."
        ),
    )


@dataclass(frozen=True, slots=True)
class Measure:
    """A column: a count or a figure derived from counts (withheld with any of its bases,
    undefined when a base is zero)."""

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

    @classmethod
    def whole_months(cls, starts_on: date, ends_on: date) -> Period:
        """The run of whole calendar months that holds both days: the reporting periods."""
        last = calendar.monthrange(ends_on.year, ends_on.month)[1]
        return cls(starts_on.replace(day=1), ends_on.replace(day=last))


def month_of(day: date) -> str:
    return f"{day:%Y-%m}"


def months(period: Period) -> list[str]:
    """Every month the period touches, as YYYY-MM."""
    found, year, month = [], period.starts_on.year, period.starts_on.month
    while (year, month) <= (period.ends_on.year, period.ends_on.month):
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def shown_row(
    key: str,
    raw: Mapping[str, Value],
    measures: Iterable[Measure],
    verdicts: Mapping[str, Withheld],
) -> StatisticsRow:
    """The row as published: each withheld figure null and said why; a derived figure over a
    zero base null without being withheld."""
    values: dict[str, Value] = {}
    withheld: dict[str, WithheldFigure] = {}
    for measure in measures:
        verdict = verdicts.get(measure.name)
        if verdict is not None:
            values[measure.name] = None
            withheld[measure.name] = WithheldFigure(rule=verdict.rule, reason=verdict.reason)
        elif measure.bases and any(not raw.get(base) for base in measure.bases):
            values[measure.name] = None  # undefined (nothing to take it over), not withheld
        else:
            values[measure.name] = raw.get(measure.name)
    return StatisticsRow(key=key, values=values, suppressed=list(withheld), withheld=withheld)


def table(
    name: str, dimension: str, measures: tuple[Measure, ...], rows: Mapping[str, StatisticsRow]
) -> StatisticsTable:
    return StatisticsTable(
        name=name,
        dimension=dimension,
        measures=[m.out for m in measures],
        rows=[rows[k].model_copy(update={"key": k}) for k in sorted(rows)],
    )


COUNT = (Measure("count", "Count"),)
TOTAL = "(total)"  # the month's (or period's) number of items every table adds up to


def cell(tab: str, key: str) -> str:
    return f"{tab}\t{key}"


def margins(counters: Mapping[str, Counter[str]]) -> tuple[dict[str, int], list[Line]]:
    """One month's one-dimensional tables of the same items (each adds up to their number):
    the cells (`table\tkey`, and the total) and the lines they add up along."""
    values = {TOTAL: sum(next(iter(counters.values()), Counter()).values())}
    lines = []
    for tab, counter in counters.items():
        values.update({cell(tab, key): n for key, n in counter.items()})
        lines.append(Line(TOTAL, tuple(cell(tab, key) for key in sorted(counter))))
    return values, lines


def margins_protected(counters: Mapping[str, Counter[str]], threshold: int) -> frozenset[str]:
    """The cells of one month's tables of the same items to withhold (every listed row is not
    0; the total is no figure of its own)."""
    values, lines = margins(counters)
    return protect(values, lines, threshold, listed=list(values), unpublished=[TOTAL])


def monthly_tables(
    per_month: Mapping[str, Mapping[str, Counter[str]]],
    names: Sequence[str],
    period: Period,
    withheld: Sequence[frozenset[str]],
) -> dict[str, dict[str, StatisticsRow]]:
    """Tables of counts over the period from each month's tables and what each withholds."""
    sums: dict[str, Counter[str]] = {name: Counter() for name in names}
    for month in months(period):
        for name in names:
            sums[name].update(per_month.get(month, {}).get(name, Counter()))
    verdicts = over_period(withheld, len(withheld))
    return {
        name: {
            key: shown_row(key, {"count": n}, COUNT, _count_verdict(verdicts, name, key))
            for key, n in sums[name].items()
        }
        for name in names
    }


def _count_verdict(verdicts: Mapping[str, Withheld], tab: str, key: str) -> dict[str, Withheld]:
    verdict = verdicts.get(cell(tab, key))
    return {} if verdict is None else {"count": verdict}


TRANSFER_TABLES = ("by_destination", "by_basis", "by_purpose")


# --- transfers (Chapter V, GDPR-30.1e) -------------------------------------------------------


TransferMonths = dict[str, dict[str, Counter[str]]]  # month -> table -> key -> count


async def transfer_months(
    session: AsyncSession, period: Period, organisation: str | None = None
) -> TransferMonths:
    """Transfers recorded with a transfer date in the period (of one organisation, when
    named): per month, the counts by destination, basis and purpose."""
    return pooled(await transfer_months_by_organisation(session, period, organisation))


async def transfer_months_by_organisation(
    session: AsyncSession, period: Period, organisation: str | None = None
) -> dict[str, TransferMonths]:
    """The same counts, per recording organisation: each one's own part, which it knows."""
    query = (
        select(
            Transfer.organisation,
            Transfer.transfer_on,
            Transfer.destination_country,
            Transfer.destination_organisation,
            Transfer.basis_ground,
            ProcessingRecord.purpose,
        )
        .join(ProcessingRecord, ProcessingRecord.id == Transfer.processing_record_id)
        .where(Transfer.transfer_on.between(period.starts_on, period.ends_on))
    )
    if organisation is not None:
        query = query.where(Transfer.organisation == organisation)
    found: dict[str, TransferMonths] = {}
    rows = (await session.execute(query)).all()
    destination = destinations(r.destination_organisation for r in rows)
    for r in rows:
        months_of = found.setdefault(r.organisation, {})
        month = months_of.setdefault(
            month_of(r.transfer_on), {name: Counter() for name in TRANSFER_TABLES}
        )
        month["by_destination"][
            r.destination_country or destination(r.destination_organisation)
        ] += 1
        month["by_basis"][r.basis_ground] += 1
        month["by_purpose"][r.purpose] += 1
    return found


OTHER_ORGANISATIONS = "(other international organisations)"


def destinations(organisations: Iterable[str | None]) -> Callable[[str | None], str]:
    """The by-destination key of an international organisation among those of the period: its
    name for the first ORGANISATIONS_NAMED in name order (never by count, which a row's presence
    would betray), OTHER_ORGANISATIONS for any further one."""
    named = frozenset(sorted({o for o in organisations if o})[:ORGANISATIONS_NAMED])

    def key(organisation: str | None) -> str:
        return (
            organisation
            if organisation is not None and organisation in named
            else OTHER_ORGANISATIONS
        )

    return key


def pooled(by_organisation: Mapping[str, TransferMonths]) -> TransferMonths:
    """Every organisation's counts added up."""
    found: TransferMonths = defaultdict(lambda: {name: Counter() for name in TRANSFER_TABLES})
    for months_of in by_organisation.values():
        for month, tables in months_of.items():
            for name, counter in tables.items():
                found[month][name].update(counter)
    return dict(found)


CSV_COLUMNS = (
    "section",
    "table",
    "dimension",
    "key",
    "measure",
    "unit",
    "value",
    "suppressed",
    "rule",
    "reason",
)


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
                            *_withheld_columns(row, name),
                        )
                    )
    return out.getvalue()


def _withheld_columns(row: StatisticsRow, name: str) -> tuple[str, str, str]:
    """suppressed, rule, reason: the same verdict as the JSON's."""
    verdict = row.withheld.get(name)
    if verdict is None:
        return ("false", "", "")
    return ("true", verdict.rule, verdict.reason.value)


SHEET_COLUMNS = ("country", "month", "measure", "unit", "value", "suppressed", "rule", "reason")


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
                    *_withheld_columns(row, name),
                )
            )
    return out.getvalue()
