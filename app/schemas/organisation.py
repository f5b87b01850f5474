"""Participants of the network (read-only reference data) and the contacts each keeps."""

from datetime import datetime
from typing import Any

from pydantic import ConfigDict, Field

from app.deferred_models import DeferredModel
from app.policies.vocabulary import OrganisationKind
from app.schemas.common import (
    Column2,
    Column200,
    Column500,
    Int32,
    OrganisationCode,
    StrictInput,
    Version,
)


class OrganisationOut(DeferredModel):
    model_config = ConfigDict(from_attributes=True)

    code: OrganisationCode = Field(
        description="Organisation code: ISO 3166-1 alpha-2 for states, else COM …"
    )
    name: Column200
    kind: OrganisationKind
    country: Column2 | None
    bound_by_regulation: bool
    board_seats: Int32 = Field(description="Steering Board members it appoints (Art. 7(2)-(3)).")
    alternate_seats: Int32
    voting_right: bool
    former_name: Column200 | None
    participation: Column500


def _functional_contact() -> Any:
    return Field(
        default=None,
        min_length=3,
        max_length=500,
        description="A functional contact (a function's mailbox, telephone or postal address), "
        "never a named person's",
    )


class ContactsIn(StrictInput):
    """The organisation's contacts as its record of processing activities names them."""

    controller_contact: str | None = _functional_contact()
    dpo_contact: str | None = _functional_contact()


class ContactsOut(DeferredModel):
    model_config = ConfigDict(from_attributes=True)

    organisation: OrganisationCode
    controller_contact: Column500 | None
    dpo_contact: Column500 | None
    version: Version
    updated_at: datetime
