"""Chapter V transfers of a processing record to a third country or international organisation."""

import uuid
from datetime import date, datetime
from typing import Literal, Self

from pydantic import Field, model_validator

from app.deferred_models import DeferredModel
from app.policies.vocabulary import TransferBasis
from app.schemas.common import (
    Column1,
    Column2,
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
from app.schemas.policy import BasisOut

# Literal fields are inline enums in OpenAPI; their values are those of app.policies.vocabulary
# (RecipientType, SpecificSituation): tests/test_openapi_vocabulary.py.
RecipientType = Literal["public_authority", "international_organisation", "other"]
# vocabulary.RestrictedUse: the Art. 18(2) ground of an exchange of a restricted record
RestrictedUseName = Literal[
    "consent", "legal_claims", "protection_of_rights", "important_public_interest"
]
Reference = ShortText


class Recipient(StrictInput):
    name: ShortText
    type: RecipientType
    is_law_enforcement: bool = False


class TransferDetails(StrictInput):
    """What the named basis rests on (DOC-1). Accountability metadata: no subject data here."""

    adequacy_decision_id: Reference | None = None
    instrument_id: Reference | None = None
    authorisation_reference: Reference | None = Field(
        default=None, description="SA/EDPS authorisation of an administrative arrangement"
    )
    legal_reference: Reference | None = Field(
        default=None, description="The law recognising the public interest (GDPR 49(4)), LED 39"
    )
    incapacity_reason: Reference | None = None
    assessment_reference: Reference | None = None
    specific_situation: (
        Literal[
            "vital_interests",
            "subject_legitimate_interests",
            "public_security_threat",
            "individual_case_law_enforcement",
        ]
        | None
    ) = None
    data_from_other_member_state: CountryCode | None = None
    prior_authorisation_reference: Reference | None = None


class TransferCreate(StrictInput):
    recipient: Recipient
    destination_country: CountryCode | None = None
    destination_organisation: ShortText | None = None
    basis: TransferBasis = Field(description="The basis the controller relies on")
    details: TransferDetails = Field(default_factory=TransferDetails)
    fields_disclosed: list[FieldName] = Field(
        min_length=1, max_length=30, json_schema_extra={"uniqueItems": True}
    )
    justification: Text = Field(description="The necessity assessment (ILO-10.4, DOC-1)")
    transfer_on: date = Field(description="Within the record's life (ILO-10.2)")
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
    def _one_destination(self) -> Self:
        if (self.destination_country is None) == (self.destination_organisation is None):
            raise ValueError("name exactly one of destination_country, destination_organisation")
        return self


class TransferOut(DeferredModel):
    id: uuid.UUID
    processing_record_id: uuid.UUID
    organisation: OrganisationCode
    recipient: Recipient
    destination_country: Column2 | None
    destination_organisation: Column200 | None
    requested_basis: TransferBasis
    details: TransferDetails
    fields_disclosed: Disclosed
    justification: StoredText
    transfer_on: date
    restriction_ground: Column1 | None = Field(
        description="The Art. 18(1) ground the record was restricted on when exchanged: the "
        "recipient is told (GDPR-18.2, Art. 19)"
    )
    restricted_use: RestrictedUseName | None
    restricted_use_law: Column300 | None
    basis: BasisOut = Field(description="The first Chapter V ground that held (GDPR-30.1e)")
    decision_id: ColumnId
    policy_version: ColumnId
    recorded_by: Subject
    created_at: datetime
