"""Art. 4 deployment notifications."""

import uuid
from datetime import date, datetime
from typing import Any, Literal, Self

from pydantic import Field, model_validator

from app.deferred_models import DeferredModel
from app.policies.vocabulary import DeploymentStatus, InformationTopic, PostingType, Purpose
from app.problems import RULES_KEY
from app.schemas.common import (
    Column2,
    Column32,
    Column64,
    Column100,
    Column200,
    Column300,
    ColumnId,
    CountryCode,
    ExternalReference,
    OrganisationCode,
    ShortText,
    StrictInput,
    Subject,
    Version,
)


class SharedTaskIn(StrictInput):
    member_state: CountryCode
    task: str = Field(min_length=1, max_length=64, description="An Art. 3(6) purpose or 3(4) topic")
    agreement_reference: str = Field(min_length=1, max_length=300)


class SharedTaskOut(DeferredModel):
    """A task shared with another Member State (Art. 3(6) purpose or 3(4) topic), as recorded."""

    # as SharedTaskIn admits them (the JSONB column keeps them as given)
    member_state: Column2
    task: Column64
    agreement_reference: Column300


class DeploymentFields(StrictInput):
    posting_type: PostingType
    host_country: CountryCode = Field(description="A third country (ISO 3166-1 alpha-2)")
    city: ShortText
    region_countries: list[CountryCode] = Field(
        default_factory=list, max_length=60, json_schema_extra={"uniqueItems": True}
    )
    topics: list[InformationTopic] = Field(
        default_factory=list,
        max_length=len(InformationTopic),
        description="Art. 3(4)",
        json_schema_extra={"uniqueItems": True},
    )
    tasks: list[Purpose] = Field(
        default_factory=list,
        max_length=len(Purpose),
        description="Art. 3(6)",
        json_schema_extra={"uniqueItems": True},
    )
    starts_on: date
    ends_on: date = Field(
        description="The planned end: a deployment is for a set period (ILO-2.2, ILO-4.1)",
        json_schema_extra={RULES_KEY: ["ILO-2.2", "ILO-4.1"]},
    )
    represented_member_states: list[CountryCode] = Field(
        default_factory=list, max_length=32, json_schema_extra={"uniqueItems": True}
    )
    representation_agreement_reference: str | None = Field(default=None, max_length=300)
    shared_tasks: list[SharedTaskIn] = Field(default_factory=list, max_length=64)
    co_deploying_member_states: list[CountryCode] = Field(
        default_factory=list, max_length=32, json_schema_extra={"uniqueItems": True}
    )


class DeploymentCreate(DeploymentFields):
    officer_id: uuid.UUID
    external_reference: ExternalReference | None = Field(
        default=None,
        description="Your system's id for it, unique within your organisation (no personal data)",
    )


class DeploymentAmend(StrictInput):
    """Fields to change in a notification (absent fields stay as they are)."""

    posting_type: PostingType | None = None
    host_country: CountryCode | None = None
    city: ShortText | None = None
    region_countries: list[CountryCode] | None = Field(
        default=None, max_length=60, json_schema_extra={"uniqueItems": True}
    )
    topics: list[InformationTopic] | None = Field(
        default=None, max_length=len(InformationTopic), json_schema_extra={"uniqueItems": True}
    )
    tasks: list[Purpose] | None = Field(
        default=None, max_length=len(Purpose), json_schema_extra={"uniqueItems": True}
    )
    starts_on: date | None = None
    ends_on: date | None = None
    represented_member_states: list[CountryCode] | None = Field(
        default=None, max_length=32, json_schema_extra={"uniqueItems": True}
    )
    representation_agreement_reference: str | None = Field(default=None, max_length=300)
    shared_tasks: list[SharedTaskIn] | None = Field(default=None, max_length=64)
    co_deploying_member_states: list[CountryCode] | None = Field(
        default=None, max_length=32, json_schema_extra={"uniqueItems": True}
    )

    @model_validator(mode="after")
    def _no_null_for_required_fields(self) -> Self:
        """An absent field stays as it is; a null one is refused (422), except the only field
        a notification may leave empty."""
        nulled = sorted(
            name
            for name in self.model_fields_set
            if getattr(self, name) is None and name != "representation_agreement_reference"
        )
        if nulled:
            raise ValueError(f"{', '.join(nulled)} may be left out, not set to null")
        return self


class TransitionIn(StrictInput):
    to: Literal["deployed", "ended", "cancelled"]  # vocabulary.TransitionTarget, inline
    on: date


class DeploymentOut(DeferredModel):
    id: uuid.UUID
    officer_id: uuid.UUID
    organisation: OrganisationCode
    posting_type: PostingType
    host_country: Column2
    city: Column200
    # each array at most what its input admits (DeploymentCreate, DeploymentAmend)
    region_countries: list[Column2] = Field(max_length=60)
    topics: list[InformationTopic] = Field(max_length=len(InformationTopic))
    tasks: list[Purpose] = Field(max_length=len(Purpose))
    starts_on: date
    ends_on: date
    represented_member_states: list[Column2] = Field(max_length=32)
    representation_agreement_reference: Column300 | None
    shared_tasks: list[SharedTaskOut] = Field(max_length=64)  # as DeploymentFields admits
    co_deploying_member_states: list[Column2] = Field(max_length=32)
    eu_funding_eligible: bool = Field(description="Derived (ILO-6.3)")
    status: DeploymentStatus
    deployed_on: date | None
    ended_on: date | None
    cancelled_on: date | None
    external_reference: Column100 | None
    version: Version
    created_at: datetime
    updated_at: datetime


class HistoryEntryOut(DeferredModel):
    event: Column32
    status: DeploymentStatus
    effective_on: date | None
    version: Version
    snapshot: dict[str, Any]
    actor_sub: Subject
    decision_id: ColumnId
    recorded_at: datetime
