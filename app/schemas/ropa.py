"""GDPR Art. 30(1) (EUDPR Art. 31, LED Art. 24): the record of processing activities, derived
from the processing records, transfers and shares — never subject data."""

from datetime import date, datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from app.bounds import Label, Message, RuleId
from app.deferred_models import DeferredModel
from app.policies.vocabulary import DataCategory, DataSubjectCategory, Purpose, Regime
from app.schemas.common import (
    PART_PAGE_MAX,
    Column32,
    Column200,
    Column500,
    Count,
    CursorText,
    Days,
    OrganisationCode,
)

# A share's recipient as the record names it: an authority's name (String(200)) and its
# organisation ("<name> (<org>)"), "network <id>" or "officer <uuid>".
ShareRecipient = Annotated[str, StringConstraints(max_length=200 + 2 + 16 + 1)]


class RopaRecipientOut(DeferredModel):
    kind: Column32 = Field(description="officer, network or member_state_authority (a share)")
    recipient: ShareRecipient
    exchanges: Count


class RopaTransferOut(DeferredModel):
    # the transfers' columns
    destination: Column200
    recipient: Column200
    recipient_type: Column32
    ground: Annotated[str, StringConstraints(max_length=40)]
    rule: RuleId
    reference: Column500 = Field(
        description="The adequacy decision, instrument or derogation relied on"
    )
    transfers: Count
    first_on: date
    last_on: date


class RopaActivityOut(DeferredModel):
    purpose: Column32
    regime: Annotated[str, StringConstraints(max_length=8)]
    article: Label = Field(description="The article of the record of processing activities")
    data_subject_categories: list[Column32] = Field(max_length=len(DataSubjectCategory))
    data_categories: list[Annotated[str, StringConstraints(max_length=64)]] = Field(
        max_length=len(DataCategory)
    )
    special_category: bool
    records: Count
    records_erased: Count
    records_restricted: Count
    retention_cap_days: Days | None = Field(description="ILO-10.2: the longest retention allowed")
    longest_retention_days: Days = Field(description="Longest retain_until after creation")
    recipients: list[RopaRecipientOut]
    transfers: list[RopaTransferOut]


class RopaOut(DeferredModel):
    organisation: OrganisationCode
    controller: Column200  # the organisation's name
    controller_contact: Column500 | None = Field(
        description="The controller's functional contact (PUT /v1/organisations/{code}/contacts)"
    )
    dpo_contact: Column500 | None = Field(
        description="The data protection officer's functional contact"
    )
    generated_at: datetime
    # one per purpose and regime
    activities: list[RopaActivityOut] = Field(max_length=len(Purpose) * len(Regime))
    note: Message


# The most recipients and transfers of one activity a page of the JSON register shows.
ROPA_PART_MAX = 100


class RopaActivityPart(RopaActivityOut):
    """An activity as a page shows it: at most ROPA_PART_MAX of its recipients and transfers;
    an activity with more comes again on the next page with the ones that follow."""

    recipients: list[RopaRecipientOut] = Field(max_length=ROPA_PART_MAX)
    transfers: list[RopaTransferOut] = Field(max_length=ROPA_PART_MAX)


class RopaPage(RopaOut):
    """The register as JSON, a page of its activities' parts at a time."""

    activities: list[RopaActivityPart] = Field(max_length=PART_PAGE_MAX)  # type: ignore[assignment]
    next_cursor: CursorText | None = Field(description="Pass as `cursor` for the next page")
