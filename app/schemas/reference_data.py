"""Transfer reference data: adequacy decisions and transfer instruments, with their sources."""

from datetime import date, datetime
from typing import Annotated, Literal, Self

from pydantic import Field, StringConstraints, model_validator

from app.deferred_models import DeferredModel
from app.policies.vocabulary import Purpose, Regime
from app.schemas.common import (
    Column2,
    Column200,
    Column300,
    Column500,
    ColumnId,
    CountryCode,
    OrganisationCode,
    ShortText,
    StoredText,
    StrictInput,
    Subject,
    Text,
    Version,
)

# Each bound is its column's (app/models/reference_data.py) and the one its pattern states.
ReferenceId = Annotated[
    str,
    StringConstraints(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9][A-Za-z0-9/._-]{0,31}$"),
]
InstrumentId = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9/._-]{0,63}$"),
]
# Visible ASCII only: `\S` means different things to pydantic (Unicode) and to JSON Schema.
SourceUrl = Annotated[
    str, StringConstraints(min_length=9, max_length=498, pattern=r"^https://[!-~]{1,490}$")
]
Party = Annotated[str, StringConstraints(min_length=2, max_length=16, pattern=r"^[A-Z]{2,16}$")]
# vocabulary.InstrumentKind, inline in OpenAPI (tests/test_openapi_vocabulary.py).
InstrumentKind = Literal["binding_instrument", "administrative_arrangement"]
# vocabulary.RecipientType, inline in OpenAPI.
RecipientTypeName = Literal["public_authority", "international_organisation", "other"]


def _validity(valid_from: date, valid_until: date | None) -> None:
    if valid_until is not None and valid_until < valid_from:
        raise ValueError("valid_until is before valid_from")


class ValiditySegmentFields(StrictInput):
    """One dated stretch of a decision's validity and the act giving it (e.g. a renewal)."""

    valid_from: date
    valid_until: date | None = None
    reference: ShortText
    source_url: SourceUrl

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        _validity(self.valid_from, self.valid_until)
        return self


class ScopeExclusionFields(StrictInput):
    """What a decision does not cover, by purpose or recipient type, over a dated stretch;
    an empty list means any (checked by GDPR-45, EUDPR-47, LED-36)."""

    id: ShortText
    article: ShortText = Field(description="Where the decision says so, e.g. its Art. 1(2)")
    purposes: list[Purpose] = Field(
        default_factory=list, max_length=len(Purpose), json_schema_extra={"uniqueItems": True}
    )
    recipient_types: list[RecipientTypeName] = Field(
        default_factory=list, max_length=3, json_schema_extra={"uniqueItems": True}
    )
    valid_from: date
    valid_until: date | None = None
    # Empty when there is nothing to add (its default, so "" is valid as sent too).
    note: StoredText = ""
    source_url: SourceUrl
    renewal_source_url: SourceUrl | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        _validity(self.valid_from, self.valid_until)
        return self


class AdequacyDecisionFields(StrictInput):
    country: CountryCode | None = None
    organisation: ShortText | None = Field(
        default=None, description="An international organisation (instead of a country)"
    )
    name: ShortText
    regimes: list[Regime] = Field(
        min_length=1, max_length=len(Regime), json_schema_extra={"uniqueItems": True}
    )
    covers_public_authorities: bool
    scope_note: Text
    valid_from: date
    valid_until: date | None = None
    reference: ShortText
    source_url: SourceUrl
    example: bool = False
    segments: list[ValiditySegmentFields] = Field(
        default_factory=list,
        max_length=20,
        description="Dated validity segments (empty: the one range valid_from..valid_until)",
    )
    exclusions: list[ScopeExclusionFields] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if (self.country is None) == (self.organisation is None):
            raise ValueError("name exactly one of country, organisation")
        _validity(self.valid_from, self.valid_until)
        return self


class AdequacyDecisionCreate(AdequacyDecisionFields):
    id: ReferenceId


class AdequacyDecisionOut(DeferredModel):
    # each string its column's bound (app/models/reference_data.py)
    id: Annotated[str, StringConstraints(max_length=32)]
    country: Column2 | None
    organisation: Column200 | None
    name: Column200
    # as AdequacyDecisionFields admits them
    regimes: list[Regime] = Field(max_length=len(Regime))
    covers_public_authorities: bool
    scope_note: StoredText
    valid_from: date
    valid_until: date | None
    reference: Column500
    source_url: Column500
    example: bool
    version: Version
    updated_by: Subject | None
    updated_at: datetime
    segments: list[ValiditySegmentFields] = Field(default=[], max_length=20)
    exclusions: list[ScopeExclusionFields] = Field(default=[], max_length=20)


class TransferInstrumentFields(StrictInput):
    kind: InstrumentKind
    title: Annotated[str, StringConstraints(min_length=1, max_length=500)]
    parties: list[Party] = Field(
        min_length=1,
        max_length=40,
        description='"EU": a Union act',
        json_schema_extra={"uniqueItems": True},
    )
    destination_country: CountryCode
    recipient_authorities: list[ShortText] = Field(
        min_length=1,
        max_length=40,
        description='"*": any public authority of the destination',
        json_schema_extra={"uniqueItems": True},
    )
    purposes: list[Purpose] = Field(
        min_length=1, max_length=len(Purpose), json_schema_extra={"uniqueItems": True}
    )
    regimes: list[Regime] = Field(
        min_length=1, max_length=len(Regime), json_schema_extra={"uniqueItems": True}
    )
    sa_authorisation_reference: ShortText | None = None
    valid_from: date
    valid_until: date | None = None
    reference: ShortText
    source_url: SourceUrl
    example: bool = False
    note: Text | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        _validity(self.valid_from, self.valid_until)
        return self


class TransferInstrumentCreate(TransferInstrumentFields):
    id: InstrumentId


class TransferInstrumentOut(DeferredModel):
    # each string its column's bound (app/models/reference_data.py)
    id: ColumnId
    kind: InstrumentKind
    title: Column500
    # as TransferInstrumentFields admits them
    parties: list[OrganisationCode] = Field(max_length=40)
    destination_country: Column2
    recipient_authorities: list[Column200] = Field(max_length=40)
    purposes: list[Purpose] = Field(max_length=len(Purpose))
    regimes: list[Regime] = Field(max_length=len(Regime))
    sa_authorisation_reference: Column300 | None
    valid_from: date
    valid_until: date | None
    reference: Column500
    source_url: Column500
    example: bool
    note: StoredText | None
    version: Version
    updated_by: Subject | None
    updated_at: datetime
