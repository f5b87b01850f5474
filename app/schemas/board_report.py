"""The Board's documents (Art. 8(2)): work programmes, the gap analysis, activity reports."""

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import ConfigDict, Field, StringConstraints

from app.bounds import Label, Message
from app.deferred_models import DeferredModel
from app.policies.vocabulary import CoverageStatus
from app.schemas.board_report_content import ActivityReportContent
from app.schemas.common import (
    Column2,
    Column300,
    Column500,
    OrganisationCodes,
    ShortText,
    StrictInput,
    Version,
)

# The countries there are (ISO 3166-1 assigned alpha-2 codes): no list of countries is longer.
COUNTRIES = 249
# A report's HTML document: /v1/board/activity-reports/<uuid>/html.
HTML_URL_MAX = len("/v1/board/activity-reports/") + 36 + len("/html")


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


class WorkProgrammeOut(DeferredModel):
    id: uuid.UUID
    period_from: date
    period_to: date
    # the columns, holding what WorkProgrammeIn admits
    title: Column300
    adopted_on: date
    priorities: list[Column500] = Field(max_length=50)
    resources: list[ResourceIn] = Field(max_length=100)
    for_european_parliament: bool = Field(description="Sent to the Parliament (Art. 8(2))")


class DeploymentOption(DeferredModel):
    country: Column2 = Field(description="A neighbouring country already covered")
    organisations: OrganisationCodes = Field(description="Who deploys ILOs there")


class PriorityGap(DeferredModel):
    country: Column2
    name: Label  # the priority list's own texts (app/reference), cut to their bounds
    route: Label
    status: CoverageStatus
    deployments: int = Field(ge=0, le=2**63 - 1)
    covered_until: date | None
    organisations: OrganisationCodes
    options: list[DeploymentOption] = Field(max_length=COUNTRIES)  # one per neighbour


class DeploymentGaps(DeferredModel):
    on: date
    horizon_days: int = Field(ge=0, le=1095)  # as the route's query admits
    list_version: Label
    list_valid_from: date
    source: Message
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


class ActivityReportOut(DeferredModel):
    id: uuid.UUID
    period_from: date
    period_to: date
    version: Version
    for_european_parliament: bool
    created_at: datetime
    html_url: Annotated[str, StringConstraints(max_length=HTML_URL_MAX)]
    content: ActivityReportContent = Field(description="The report as data; no personal data")


class ActivityReportSummary(DeferredModel):
    id: uuid.UUID
    period_from: date
    period_to: date
    version: Version
    for_european_parliament: bool
    created_at: datetime
