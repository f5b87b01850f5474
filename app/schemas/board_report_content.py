"""The activity report as data (`ActivityReportOut.content`): what app/services/board_report.py
builds, typed for clients. A stored report is shown with the values it was stored with: unknown
keys are kept, and the sections that later versions added are optional, so that a report stored
before them still reads (they show as null)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from app.policies.vocabulary import CoverageStatus


class Stored(BaseModel):
    """A part of a stored report: unknown keys kept."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, serialize_by_alias=True)


class ReportPeriod(Stored):
    period_from: date = Field(alias="from")
    period_to: date = Field(alias="to")


class HostCountryCount(Stored):
    country: str
    count: int | None = Field(description="null when withheld (ILO-12)")
    name: str | None = Field(default=None, description="The country's name, when listed")


class OrganisationCount(Stored):
    organisation: str
    count: int | None = Field(description="null when withheld (ILO-12)")


class PostingTypeCount(Stored):
    posting_type: str
    count: int | None = Field(description="null when withheld (ILO-12)")


class QuarterCount(Stored):
    quarter: str = Field(description="`YYYY-Qn`")
    count: int | None = Field(
        description="Deployments in service at the quarter's end (of the period's last month "
        "for the last quarter); null when withheld (ILO-12)"
    )
    on: date | None = Field(default=None, description="The day counted")


class MemberStateCount(Stored):
    member_state: str
    count: int | None = Field(description="null when withheld (ILO-12)")


class JointDeployments(Stored):
    """Each null when withheld (ILO-12)."""

    co_deployed: int | None
    eu_funding_eligible: int | None
    representing: int | None
    represented_member_states: list[MemberStateCount]
    sharing_tasks: int | None


class Disclosure(Stored):
    threshold: int
    note: str


class DeploymentOverview(Stored):
    """The deployments in service on the last day of the period's last month (ILO-4.1): counts
    only, withheld as the statistics withhold them (ILO-12). Reports stored before the
    disclosure control counted the deployments in service at any time in the period."""

    on: date | None = Field(default=None, description="The day counted")
    total: int | None
    by_host_country: list[HostCountryCount]
    by_organisation: list[OrganisationCount]
    by_posting_type: list[PostingTypeCount]
    per_quarter: list[QuarterCount]
    joint: JointDeployments | None = None
    disclosure: Disclosure | None = None


class NetworkLine(Stored):
    name: str
    scope: str
    countries: list[str]
    members: int
    member_organisations: list[str]
    facilitator_organisation: str | None
    meetings: int


class NetworksSection(Stored):
    """The cooperation networks (Art. 5) during the period."""

    count: int
    without_facilitator: int
    items: list[NetworkLine]


class HeldMeeting(Stored):
    held_on: date
    location: str | None
    officers_listed: int | None = Field(description="null when withheld (ILO-12)")


class AdoptedDecision(Stored):
    title: str
    decided_on: date
    yes: int
    voting_seats: int


class DecisionsSection(Stored):
    adopted: list[AdoptedDecision]
    not_adopted: int


class GapOption(Stored):
    country: str = Field(description="A neighbouring country already covered")
    organisations: list[str] = Field(description="Who deploys ILOs there")


class GapLine(Stored):
    """A priority country and its coverage (as GET /v1/board/deployment-gaps shows it)."""

    country: str
    name: str
    route: str
    status: CoverageStatus
    deployments: int | None = Field(description="null when withheld (ILO-12)")
    covered_until: date | None
    organisations: list[str]
    options: list[GapOption]


class GapsSection(Stored):
    """The priority countries without (enough) coverage at the end of the period."""

    on: date
    horizon_days: int
    list_version: str
    source: str
    items: list[GapLine]


class PreviousPeriod(Stored):
    """The headline figures of the period of the same length just before."""

    period: ReportPeriod
    total: int | None = Field(description="null when withheld (ILO-12)")
    host_countries: int
    organisations: int
    meetings: int
    adopted: int


class ActivityReportContent(Stored):
    """The report as data; no personal data."""

    title: str
    period: ReportPeriod
    version: int
    generated_at: str | None = Field(default=None, json_schema_extra={"format": "date-time"})
    issued_by: str | None = None
    previous: PreviousPeriod | None = None
    legal_basis: str | None = None
    for_european_parliament: bool | None = None
    deployments: DeploymentOverview
    networks: NetworksSection | None = None
    meetings: list[HeldMeeting]
    decisions: DecisionsSection
    gaps: GapsSection
