"""The Board's documents (Art. 8(2)): work programmes, the gap analysis, activity reports."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from app.policies.vocabulary import CoverageStatus
from app.schemas.board_report_content import ActivityReportContent
from app.schemas.common import ShortText, StrictInput, Version

# The countries there are (ISO 3166-1 assigned alpha-2 codes): no list of countries is longer.
COUNTRIES = 249


class ResourceIn(StrictInput):
    item: ShortText
    # Ample for a biennial programme, and within what a client's 64-bit integer holds.
    amount_eur: int | None = Field(default=None, ge=0, le=10**12)
    staff_months: int | None = Field(default=None, ge=0, le=100_000)


class WorkProgrammeIn(StrictInput):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "period_from": "2026-01-01",
                    "period_to": "2027-12-31",
                    "title": "Work programme 2026-2027",
                    "adopted_on": "2025-11-20",
                    "priorities": ["Coverage of the Atlantic route"],
                    "resources": [{"item": "Joint training", "amount_eur": 250000}],
                }
            ]
        },
    )

    period_from: date
    period_to: date
    title: ShortText
    adopted_on: date
    priorities: list[ShortText] = Field(default_factory=list, max_length=50)
    resources: list[ResourceIn] = Field(max_length=100)


class WorkProgrammeOut(BaseModel):
    id: uuid.UUID
    period_from: date
    period_to: date
    title: str
    adopted_on: date
    priorities: list[str]
    resources: list[ResourceIn]
    for_european_parliament: bool = Field(description="Sent to the Parliament (Art. 8(2))")


class DeploymentOption(BaseModel):
    country: str = Field(description="A neighbouring country already covered")
    organisations: list[str] = Field(description="Who deploys ILOs there")


class PriorityGap(BaseModel):
    country: str
    name: str
    route: str
    status: CoverageStatus
    deployments: int
    covered_until: date | None
    organisations: list[str]
    options: list[DeploymentOption]


class DeploymentGaps(BaseModel):
    on: date
    horizon_days: int
    list_version: str
    list_valid_from: date
    source: str
    # one line per priority country at most: bounded by the countries there are (ISO 3166-1)
    items: list[PriorityGap] = Field(max_length=COUNTRIES)


class ActivityReportGenerate(StrictInput):
    model_config = ConfigDict(
        extra="forbid",
        populate_by_name=True,
        json_schema_extra={"examples": [{"from": "2025-01-01", "to": "2026-12-31"}]},
    )

    period_from: date = Field(alias="from")
    period_to: date = Field(alias="to")


class ActivityReportOut(BaseModel):
    id: uuid.UUID
    period_from: date
    period_to: date
    version: Version
    for_european_parliament: bool
    created_at: datetime
    html_url: str
    content: ActivityReportContent = Field(description="The report as data; no personal data")


class ActivityReportSummary(BaseModel):
    id: uuid.UUID
    period_from: date
    period_to: date
    version: Version
    for_european_parliament: bool
    created_at: datetime
