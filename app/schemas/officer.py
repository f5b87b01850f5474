"""Immigration liaison officers. Contact fields are personal data (Art. 9(2)(d), 9(3))."""

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from app.deferred_models import DeferredModel
from app.policies.vocabulary import InformationTopic
from app.schemas.common import (
    Column100,
    Column200,
    ExternalReference,
    OrganisationCode,
    ShortText,
    StrictInput,
    Version,
)

Phone = Annotated[
    str, StringConstraints(min_length=7, max_length=25, pattern=r"^\+[0-9 ()-]{6,24}$")
]
Email = Annotated[
    str, StringConstraints(max_length=254, pattern=r"^[^@\s]{1,64}@[^@\s]{1,190}\.[A-Za-z]{2,}$")
]


class Contact(StrictInput):
    phone: Phone | None = None
    email: Email | None = None


class OfficerCreate(StrictInput):
    authority_id: uuid.UUID
    surname: ShortText
    given_names: ShortText
    expertise: list[InformationTopic] = Field(
        default_factory=list,
        max_length=len(InformationTopic),
        json_schema_extra={"uniqueItems": True},
    )
    contact: Contact | None = None
    external_reference: ExternalReference | None = Field(
        default=None,
        description="Your system's id for it, unique within your organisation (no personal data)",
    )


class OfficerUpdate(StrictInput):
    """Fields to change (JSON merge-patch style: absent fields stay as they are)."""

    surname: ShortText | None = None
    given_names: ShortText | None = None
    expertise: list[InformationTopic] | None = Field(
        default=None, max_length=len(InformationTopic), json_schema_extra={"uniqueItems": True}
    )
    contact: Contact | None = None


class OfficerOut(DeferredModel):
    id: uuid.UUID
    organisation: OrganisationCode
    authority_id: uuid.UUID
    surname: Column200
    given_names: Column200
    expertise: list[InformationTopic] = Field(max_length=len(InformationTopic))
    contact: Contact | None = Field(
        description="Only for the officer's own authority and the roles of Art. 9(3); "
        "null otherwise or once erased."
    )
    contact_erased_at: datetime | None
    external_reference: Column100 | None
    version: Version
    created_at: datetime
    updated_at: datetime
