"""Aggregated, non-personal figures (Art. 12, Visa Code Art. 25a): tables of counts, rates and
medians; each withheld figure is null and says why (ILO-12, ILO-12r)."""

from datetime import date, datetime

from pydantic import Field

from app.bounds import LIST_MAX, Label, Labels, Message, RuleId, RuleIds
from app.deferred_models import DeferredModel
from app.policies.vocabulary import StatisticsSectionName, WithheldReason
from app.schemas.common import COUNTRIES_MAX, MONTHS_MAX, Column2, Count, Int64, OrganisationCode

# The texts of a report are the server's own (its sections', tables' and measures' names and
# titles), each cut to its bound; a table's measures, a section's tables and a withheld row's
# measures are lists of the code's catalogue (LIST_MAX at most).
Value = Int64 | float | None


class MeasureOut(DeferredModel):
    name: Label
    title: Label
    unit: Label = Field(description="count, days or ratio (0-1)")


class WithheldFigure(DeferredModel):
    rule: RuleId = Field(
        description="The rule that withholds it: ILO-12 (a count), ILO-12r (a rate "
        "or median over a withheld count); see docs/RULES.md"
    )
    reason: WithheldReason = Field(
        description="count: a count withheld, small or protecting a small one (which of the two "
        "is not said); period: a count over a period of which a month is withheld; base: a "
        "rate or median taken over a withheld count"
    )


class StatisticsRow(DeferredModel):
    key: Label = Field(description="The value of the table's dimension (a country, a month, ...)")
    values: dict[str, Value] = Field(description="Per measure; null when withheld or undefined")
    suppressed: Labels = Field(description="The measures withheld in this row")
    withheld: dict[str, WithheldFigure] = Field(
        default_factory=dict, description="Per withheld measure: the rule and the reason"
    )


# A table's rows: one per value of its dimension, each dimension a vocabulary, the countries
# (at most COUNTRIES_MAX) or the participants; the transfers' destinations add international
# organisations, the first ORGANISATIONS_NAMED of a period by name and one row for the others
# (app/services/statistics.py).
STATISTICS_ROWS_MAX = 1000
ORGANISATIONS_NAMED = STATISTICS_ROWS_MAX - COUNTRIES_MAX - 1


class StatisticsTable(DeferredModel):
    name: Label
    dimension: Label
    measures: list[MeasureOut] = Field(max_length=LIST_MAX)
    rows: list[StatisticsRow] = Field(max_length=STATISTICS_ROWS_MAX)


class StatisticsSection(DeferredModel):
    name: StatisticsSectionName
    title: Label
    description: Message
    tables: list[StatisticsTable] = Field(max_length=LIST_MAX)


class Suppression(DeferredModel):
    # the configured threshold (ILONET_STATISTICS_MIN_CELL, 1 to 1000)
    threshold: int = Field(ge=1, le=1000, description="Counts from 1 to threshold - 1 are withheld")
    suppressed_cells: Count
    note: Message
    rules: RuleIds = Field(
        default_factory=lambda: ["ILO-12", "ILO-12r"],
        description="The rules that decide what is withheld (docs/RULES.md)",
    )


class StatisticsReport(DeferredModel):
    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "starts_on": "2026-01-01",
                    "ends_on": "2026-12-31",
                    "generated_at": "2027-01-05T09:00:00Z",
                    "sections": [
                        {
                            "name": "readmission",
                            "title": "Readmission cooperation",
                            "description": "Identification requests per third country",
                            "tables": [
                                {
                                    "name": "by_country",
                                    "dimension": "third_country",
                                    "measures": [
                                        {
                                            "name": "requests_sent",
                                            "title": "Requests sent",
                                            "unit": "count",
                                        }
                                    ],
                                    "rows": [
                                        {
                                            "key": "SN",
                                            "values": {"requests_sent": 42},
                                            "suppressed": [],
                                        }
                                    ],
                                }
                            ],
                        }
                    ],
                    "suppression": {
                        "threshold": 5,
                        "suppressed_cells": 0,
                        "note": "Counts from 1 to 4 are withheld.",
                    },
                }
            ]
        }
    }

    starts_on: date
    ends_on: date
    generated_at: datetime
    sections: list[StatisticsSection] = Field(max_length=len(StatisticsSectionName))
    suppression: Suppression
    organisation: OrganisationCode | None = Field(
        default=None,
        description="Set when the figures are this organisation's own rows only (`scope=own`): "
        "exact, nothing withheld, never mixed with another organisation's",
    )


class ReadmissionSheet(DeferredModel):
    """One third country's readmission cooperation (Visa Code Art. 25a), month by month."""

    country: Column2
    starts_on: date
    ends_on: date
    generated_at: datetime
    measures: list[MeasureOut] = Field(max_length=LIST_MAX)
    totals: StatisticsRow
    outcomes: StatisticsRow = Field(
        description="The requests of the period by answer: confirmed, not_confirmed, no_answer, "
        "awaiting (no follow-up recorded yet)"
    )
    months: list[StatisticsRow] = Field(
        max_length=MONTHS_MAX, description="key: YYYY-MM, the month the request was sent"
    )
    suppression: Suppression
