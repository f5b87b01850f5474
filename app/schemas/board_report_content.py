"""The activity report as data (`ActivityReportOut.content`): what app/services/board_report.py
builds, typed for clients. A stored report is shown with the values it was stored with: unknown
keys are kept, and the sections that later versions added are optional, so that a report stored
before them still reads (they show as null)."""

from datetime import date
from typing import Annotated, Any

from pydantic import ConfigDict, Field, StringConstraints

from app.bounds import Label, Message
from app.deferred_models import DeferredModel
from app.policies.vocabulary import CoverageStatus, PostingType
from app.schemas.common import (
    COUNTRIES_MAX,
    ORGANISATIONS_MAX,
    QUARTERS_MAX,
    Column2,
    Column16,
    Column32,
    Column200,
    Column300,
    Count,
    Int32,
    OrganisationCode,
    OrganisationCodes,
)

# Each text a column's (a country, an organisation, a network's name) or the server's own
# (cut to its bound); each list of countries at most every ISO 3166-1 alpha-2 code.


class Stored(DeferredModel):
    """A part of a stored report: unknown keys kept."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, serialize_by_alias=True)


# The most meetings, adopted decisions or networks a report lists: a period holding more is
# refused when the report is generated (422), so a stored report never holds more.
REPORT_LIST_MAX = 1000


class ReportPeriod(Stored):
    period_from: date = Field(alias="from")
    period_to: date = Field(alias="to")


class HostCountryCount(Stored):
    country: Column2
    count: Count | None = Field(description="null when withheld (ILO-12)")
    name: Label | None = Field(default=None, description="The country's name, when listed")


class OrganisationCount(Stored):
    organisation: OrganisationCode
    count: Count | None = Field(description="null when withheld (ILO-12)")


class PostingTypeCount(Stored):
    posting_type: Column32
    count: Count | None = Field(description="null when withheld (ILO-12)")


class QuarterCount(Stored):
    quarter: Annotated[str, StringConstraints(max_length=7)] = Field(description="`YYYY-Qn`")
    count: Count | None = Field(
        description="Deployments in service at the quarter's end (of the period's last month "
        "for the last quarter); null when withheld (ILO-12)"
    )
    on: date | None = Field(default=None, description="The day counted")


class MemberStateCount(Stored):
    member_state: Column2
    count: Count | None = Field(description="null when withheld (ILO-12)")


class JointDeployments(Stored):
    """Each null when withheld (ILO-12)."""

    co_deployed: Count | None
    eu_funding_eligible: Count | None
    representing: Count | None
    represented_member_states: list[MemberStateCount] = Field(max_length=COUNTRIES_MAX)
    sharing_tasks: Count | None


class Disclosure(Stored):
    threshold: int = Field(ge=1, le=1000)  # ILONET_STATISTICS_MIN_CELL
    note: Message


class DeploymentOverview(Stored):
    """The deployments in service on the last day of the period's last month (ILO-4.1): counts
    only, withheld as the statistics withhold them (ILO-12). Reports stored before the
    disclosure control counted the deployments in service at any time in the period."""

    on: date | None = Field(default=None, description="The day counted")
    total: Count | None
    by_host_country: list[HostCountryCount] = Field(max_length=COUNTRIES_MAX)
    by_organisation: list[OrganisationCount] = Field(max_length=ORGANISATIONS_MAX)
    by_posting_type: list[PostingTypeCount] = Field(max_length=len(PostingType))
    per_quarter: list[QuarterCount] = Field(max_length=QUARTERS_MAX)
    joint: JointDeployments | None = None
    disclosure: Disclosure | None = None


class NetworkLine(Stored):
    name: Column200
    scope: Column16
    countries: list[Column2] = Field(max_length=60)  # as NetworkCreate admits
    members: Count | None = Field(
        description="the officers deployed in or for its countries on the month-end of the "
        "deployment figures; null when withheld (ILO-12)"
    )
    member_organisations: OrganisationCodes
    facilitator_organisation: OrganisationCode | None
    meetings: Count


class NetworksSection(Stored):
    """The cooperation networks (Art. 5) during the period."""

    count: Count
    without_facilitator: Count
    items: list[NetworkLine] = Field(max_length=REPORT_LIST_MAX)


class HeldMeeting(Stored):
    held_on: date
    location: Column200 | None
    officers_listed: Count | None = Field(description="null when withheld (ILO-12)")


class AdoptedDecision(Stored):
    title: Column300
    decided_on: date
    yes: Count
    voting_seats: Count


class DecisionsSection(Stored):
    adopted: list[AdoptedDecision] = Field(max_length=REPORT_LIST_MAX)
    not_adopted: Count


class GapOption(Stored):
    country: Column2 = Field(description="A neighbouring country already covered")
    organisations: OrganisationCodes = Field(description="Who deploys ILOs there")


class GapLine(Stored):
    """A priority country and its coverage (as GET /v1/board/deployment-gaps shows it)."""

    country: Column2
    name: Label
    route: Label
    status: CoverageStatus
    deployments: Count | None = Field(description="null when withheld (ILO-12)")
    covered_until: date | None
    organisations: OrganisationCodes
    options: list[GapOption] = Field(max_length=COUNTRIES_MAX)  # one per neighbour


class GapsSection(Stored):
    """The priority countries without (enough) coverage at the end of the period."""

    on: date
    horizon_days: Int32
    list_version: Label
    source: Message
    items: list[GapLine] = Field(max_length=COUNTRIES_MAX)  # one per priority country


class PreviousPeriod(Stored):
    """The headline figures of the period of the same length just before."""

    period: ReportPeriod
    total: Count | None = Field(description="null when withheld (ILO-12)")
    host_countries: Count
    organisations: Count
    meetings: Count
    adopted: Count


class ActivityReportContent(Stored):
    """The report as data; no personal data."""

    title: Label
    period: ReportPeriod
    version: Int32
    # an ISO 8601 date-time as Python writes it (at most 32 characters)
    generated_at: Annotated[str, StringConstraints(max_length=32)] | None = Field(
        default=None, json_schema_extra={"format": "date-time"}
    )
    issued_by: Label | None = None
    previous: PreviousPeriod | None = None
    legal_basis: Message | None = None
    for_european_parliament: bool | None = None
    deployments: DeploymentOverview
    networks: NetworksSection | None = None
    meetings: list[HeldMeeting] = Field(max_length=REPORT_LIST_MAX)
    decisions: DecisionsSection
    gaps: GapsSection


def past_bounds(content: dict[str, Any]) -> str | None:
    """Why a report's content cannot be made (one of its lists, the period's meetings, its
    adopted decisions or the networks, holds more than REPORT_LIST_MAX items), or None."""
    lists = {
        "meetings": content.get("meetings") or [],
        "adopted decisions": (content.get("decisions") or {}).get("adopted", []),
        "networks": (content.get("networks") or {}).get("items", []),
    }
    for name, items in lists.items():
        if len(items) > REPORT_LIST_MAX:
            return (
                f"the period holds {len(items)} {name}: a report lists at most "
                f"{REPORT_LIST_MAX}; choose a shorter period"
            )
    return None
