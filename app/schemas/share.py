"""Exchanges of a processing record inside the Union (Art. 3(6)(d), recital 26)."""

import uuid
from datetime import date, datetime
from typing import Literal, Self

from pydantic import Field, model_validator

from app.deferred_models import DeferredModel
from app.schemas.common import (
    Column1,
    Column64,
    Column200,
    Column300,
    ColumnId,
    CountryCode,
    Disclosed,
    FieldName,
    OrganisationCode,
    ShortText,
    StoredText,
    StrictInput,
    Subject,
    Text,
)
from app.schemas.transfer import RestrictedUseName

# vocabulary.ShareRecipientKind, inline in OpenAPI (tests/test_openapi_vocabulary.py).
RecipientKind = Literal["officer", "network", "member_state_authority"]
_REQUIRED: dict[str, tuple[str, ...]] = {
    "officer": ("recipient_officer_id",),
    "network": ("recipient_network",),
    "member_state_authority": ("recipient_org",),
}
_ALLOWED: dict[str, tuple[str, ...]] = {
    **_REQUIRED,
    "member_state_authority": ("recipient_org", "recipient_authority", "recipient_authority_id"),
}
_RECIPIENT_FIELDS = (
    "recipient_officer_id",
    "recipient_network",
    "recipient_org",
    "recipient_authority",
    "recipient_authority_id",
)


class ShareCreate(StrictInput):
    recipient_kind: RecipientKind
    recipient_officer_id: uuid.UUID | None = None
    recipient_network: str | None = Field(default=None, min_length=1, max_length=64)
    recipient_org: CountryCode | None = Field(
        default=None, description="The Member State whose competent authority receives"
    )
    recipient_authority: ShortText | None = Field(
        default=None, description="The receiving authority's name, as a label"
    )
    recipient_authority_id: uuid.UUID | None = Field(
        default=None,
        description="The receiving authority as registered (GET /v1/authorities), of "
        "recipient_org; its name is the label when recipient_authority is absent",
    )
    fields_disclosed: list[FieldName] = Field(
        min_length=1, max_length=30, json_schema_extra={"uniqueItems": True}
    )
    justification: Text = Field(description="Why the exchange is strictly necessary (ILO-10.4)")
    shared_on: date | None = Field(
        default=None, description="Today when absent; within the record's life (ILO-10.2)"
    )
    restricted_use: RestrictedUseName | None = Field(
        default=None,
        description="GDPR-18.2: the Art. 18(2) ground (EUDPR Art. 20(2)) an exchange of a "
        "restricted record rests on, beside its basis; consent only for a share",
    )
    restricted_use_law: ShortText | None = Field(
        default=None,
        description="The Union or Member-State law an important_public_interest rests on",
    )

    @model_validator(mode="after")
    def _recipient_matches_kind(self) -> Self:
        wanted = _REQUIRED[self.recipient_kind]
        allowed = _ALLOWED[self.recipient_kind]
        missing = [name for name in wanted if getattr(self, name) is None]
        if self.recipient_kind == "member_state_authority" and (
            self.recipient_authority is None and self.recipient_authority_id is None
        ):
            missing.append("recipient_authority_id or recipient_authority")
        extra = [
            name
            for name in _RECIPIENT_FIELDS
            if name not in allowed and getattr(self, name) is not None
        ]
        if missing or extra:
            raise ValueError(
                f"recipient_kind {self.recipient_kind} needs "
                f"{', '.join(dict.fromkeys([*wanted, *missing]))}"
                + (f" and not {', '.join(extra)}" if extra else "")
            )
        return self


class ShareOut(DeferredModel):
    id: uuid.UUID
    processing_record_id: uuid.UUID
    organisation: OrganisationCode
    recipient_kind: RecipientKind
    recipient_officer_id: uuid.UUID | None
    recipient_network: Column64 | None
    recipient_org: OrganisationCode | None
    recipient_authority: Column200 | None
    recipient_authority_id: uuid.UUID | None
    fields_disclosed: Disclosed
    justification: StoredText
    shared_on: date
    restriction_ground: Column1 | None = Field(
        description="The Art. 18(1) ground the record was restricted on when exchanged: the "
        "recipient is told (GDPR-18.2, Art. 19)"
    )
    restricted_use: RestrictedUseName | None
    restricted_use_law: Column300 | None
    decision_id: ColumnId
    policy_version: ColumnId
    recorded_by: Subject
    created_at: datetime
