"""Institutional contacts (reference data): an institution's functional addresses, switchboards
and accounts, which the platform's scanner does not take for personal data."""

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from app.deferred_models import DeferredModel
from app.schemas.common import (
    Column200,
    Column500,
    ColumnId,
    OrganisationCode,
    ShortText,
    StrictInput,
    Subject,
    Version,
)
from app.schemas.reference_data import InstrumentId, Party, SourceUrl

# The shapes of the contacts; whether a number is one and an IBAN's check digits verify is
# checked by the service (app/services/institutional_contact.py), a 422 naming the item.
# A mailbox as published (`info@ind.nl`); compared without regard to case.
Mailbox = Annotated[
    str,
    StringConstraints(
        min_length=3, max_length=254, pattern=r"^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,245}$"
    ),
]
PhoneNumber = Annotated[
    str,
    StringConstraints(min_length=4, max_length=32, pattern=r"^\+[0-9 ().-]{3,31}$"),
]
Iban = Annotated[
    str,
    StringConstraints(
        min_length=15, max_length=42, pattern=r"^[A-Za-z]{2}[0-9]{2}[A-Za-z0-9 -]{11,38}$"
    ),
]


class InstitutionalContactFields(StrictInput):
    organisation: Party = Field(
        description="The participant that keeps the entry (its reference administrator edits it)"
    )
    name: ShortText = Field(description="The institution, e.g. a ministry's liaison office")
    emails: list[Mailbox] = Field(
        default_factory=list, max_length=50, json_schema_extra={"uniqueItems": True}
    )
    phones: list[PhoneNumber] = Field(
        default_factory=list,
        max_length=50,
        description="Switchboards and functional lines, in international form (+ country code)",
        json_schema_extra={"uniqueItems": True},
    )
    ibans: list[Iban] = Field(
        default_factory=list, max_length=20, json_schema_extra={"uniqueItems": True}
    )
    source_url: SourceUrl = Field(description="Where the institution publishes these contacts")
    example: bool = False


class InstitutionalContactCreate(InstitutionalContactFields):
    id: InstrumentId


class InstitutionalContactOut(DeferredModel):
    """The stored entry: each text its column's length, each list the most its input admits."""

    id: ColumnId
    organisation: OrganisationCode
    name: Column200
    emails: Annotated[list[Annotated[str, StringConstraints(max_length=254)]], Field(max_length=50)]
    phones: Annotated[list[Annotated[str, StringConstraints(max_length=32)]], Field(max_length=50)]
    ibans: Annotated[list[Annotated[str, StringConstraints(max_length=42)]], Field(max_length=20)]
    source_url: Column500
    example: bool
    version: Version
    updated_by: Subject | None
    updated_at: datetime
