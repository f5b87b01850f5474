"""The impact analysis of a proposed change of the transfer reference data (no subject data)."""

import re
import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
)

from app.bounds import Message, RuleId
from app.deferred_models import DeferredModel
from app.schemas.common import (
    ORGANISATIONS_MAX,
    PAGE_MAX,
    Column32,
    Column64,
    Column200,
    Count,
    CursorText,
    Int32,
    OrganisationCode,
    StrictInput,
    Text,
)
from app.schemas.policy import BasisOut
from app.schemas.reference_data import (
    ReferenceId,
    ScopeExclusionFields,
    TransferInstrumentCreate,
)


def _iso_day(value: object) -> object:
    """A day is a JSON string YYYY-MM-DD: not a number (pydantic would read a Unix time)."""
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise ValueError("a date as a string YYYY-MM-DD")
    return value


# Strict where pydantic is lax: a day only as an ISO string, whole numbers and booleans only as
# JSON integers and booleans (never "12", 12.0 or 1), so a wrongly typed field is a 422.
IsoDay = Annotated[date, BeforeValidator(_iso_day)]
StrictCount = Annotated[int, Field(strict=True)]


class ProposedExclusion(ScopeExclusionFields):
    """An exclusion proposed for an adequacy decision; its note is absent (null) or text."""

    valid_from: IsoDay
    valid_until: IsoDay | None = None
    note: Text | None = None  # type: ignore[assignment]


class ProposedInstrument(TransferInstrumentCreate):
    """A transfer instrument proposed for addition."""

    valid_from: IsoDay
    valid_until: IsoDay | None = None
    example: StrictBool = False


def _in_range(day: date) -> date:
    if not date(1900, 1, 1) <= day <= date(9999, 12, 30):
        raise ValueError("a day from 1900-01-01 to 9999-12-30")
    return day


ChangeDay = Annotated[
    IsoDay, AfterValidator(_in_range), Field(description="The day the change takes effect")
]


class AdequacyEnded(StrictInput):
    """An adequacy decision ends on `on` (its last day is the day before)."""

    kind: Literal["adequacy_ended"]
    on: ChangeDay
    adequacy_decision_id: ReferenceId


class AdequacyNarrowed(StrictInput):
    """An adequacy decision no longer covers what `exclusion` names, from `on`."""

    kind: Literal["adequacy_narrowed"]
    on: ChangeDay
    adequacy_decision_id: ReferenceId
    exclusion: ProposedExclusion


class InstrumentWithdrawn(StrictInput):
    """A transfer instrument is withdrawn from `on`."""

    kind: Literal["instrument_withdrawn"]
    on: ChangeDay
    instrument_id: Annotated[str, Field(min_length=1, max_length=64)]


class InstrumentAdded(StrictInput):
    """A new transfer instrument applies from `on`."""

    kind: Literal["instrument_added"]
    on: ChangeDay
    instrument: ProposedInstrument


# vocabulary.ReferenceChangeKind: one variant per kind, each with exactly the fields it needs.
ReferenceChangeIn = Annotated[
    AdequacyEnded | AdequacyNarrowed | InstrumentWithdrawn | InstrumentAdded,
    Field(discriminator="kind"),
]


class ImpactIn(StrictInput):
    change: ReferenceChangeIn
    months: StrictCount = Field(
        default=12, ge=1, le=60, description="The recorded transfers looked at"
    )
    organisation: str | None = Field(
        default=None, max_length=16, description="Only this organisation's flows"
    )

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "change": {
                        "kind": "adequacy_ended",
                        "adequacy_decision_id": "2021/1772",
                        "on": "2027-01-01",
                    },
                    "months": 12,
                }
            ]
        }
    )


# The most transfer ids of one group a page of the analysis shows; the rest follow on the next.
TRANSFER_IDS_MAX = 1000


class ImpactGroupOut(DeferredModel):
    """Flows decided the same way: one organisation, destination, recipient and ground."""

    key: Annotated[str, StringConstraints(max_length=16)] = Field(
        description="The group's id, the same on every page: a group whose transfer ids go on "
        "over the next page appears there again with the same key"
    )
    organisation: OrganisationCode
    # the transfers' and their records' columns
    destination: Column200
    recipient: Column200
    recipient_type: Column32
    regime: Annotated[str, StringConstraints(max_length=8)]
    purpose: Column32
    ground: BasisOut | None = Field(description="The ground that holds today")
    now_denied_by: RuleId | None = Field(description="The rule of that ground, no longer holding")
    reason: Message | None
    still_holds: BasisOut | None = Field(description="The ground that would hold after")
    alternative: BasisOut | None = Field(
        description="A derogation that would hold if the controller named it (read restrictively)"
    )
    transfers: Count
    first_transfer_on: date
    last_transfer_on: date
    transfer_ids: list[uuid.UUID] | None = Field(
        max_length=TRANSFER_IDS_MAX,
        description="With `include=transfer_ids`, for the organisation's DPO only (null "
        f"otherwise): the group's transfer ids in order, those that fit the page (at most "
        f"{TRANSFER_IDS_MAX}); the rest follow on the next page under the same key",
    )


class OrganisationImpactOut(DeferredModel):
    organisation: OrganisationCode
    affected_flows: Count
    still_covered: Count = Field(description="Affected flows another ground would still cover")


class ImpactOut(DeferredModel):
    """One page of the analysis: the totals (on every page) and the groups after the cursor."""

    change: ReferenceChangeIn
    window_from: date
    window_to: date
    transfers_evaluated: Count
    affected_flows: Count
    groups_total: Count = Field(description="Affected groups the caller may list, on all pages")
    organisations: list[OrganisationImpactOut] = Field(max_length=ORGANISATIONS_MAX)
    groups: list[ImpactGroupOut] = Field(max_length=PAGE_MAX)  # at most `limit`
    next_cursor: CursorText | None = Field(
        description="Pass as `cursor`, with the same body, for the next page; null on the last"
    )
    evaluated_at: datetime
    note: Message


# The most flows of a detected impact a page of GET /v1/reference/impacts shows.
IMPACT_FLOWS_MAX = 100


class ReferenceImpactOut(DeferredModel):
    """An impact detected when a reference change was applied, for one organisation."""

    id: uuid.UUID
    organisation: OrganisationCode
    reference_kind: Column32
    reference_id: Column64
    reference_version: Int32
    affected_flows: Int32
    flows: list[dict[str, object]] | None = Field(
        max_length=IMPACT_FLOWS_MAX,
        description="For the organisation's DPO only: a page's part of them, at most "
        f"{IMPACT_FLOWS_MAX}; an impact with more comes again on the next page, with the same "
        "id and the flows that follow",
    )
    detected_at: datetime
