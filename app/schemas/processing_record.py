"""Processing records (Art. 10): the metadata, and the subject data that only authorised readers
ever see decrypted. Subject-data field names per category are those of API.md (ILO-10.3f)."""

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, StringConstraints, WithJsonSchema

from app.bounds import LIST_MAX, first_items
from app.deferred_models import DeferredModel
from app.policies.vocabulary import DataCategory, ProtectionStatus, Purpose, Regime
from app.schemas.common import (
    PART_PAGE_MAX,
    Column16,
    Column32,
    Column64,
    Column100,
    ColumnId,
    CountryCode,
    CursorText,
    ExternalReference,
    JsonTypesAsDocumented,
    OrganisationCode,
    ShortText,
    StoredText,
    StrictInput,
    Subject,
    Text,
    Version,
)
from app.schemas.policy import ObligationOut
from app.schemas.share import ShareOut
from app.schemas.transfer import TransferOut

# A reference to a template held elsewhere: never an image or template in JSON.
BiometricRef = Annotated[
    str,
    StringConstraints(
        min_length=1, max_length=300, pattern=r"^[A-Za-z0-9][A-Za-z0-9:/._#-]{0,299}$"
    ),
]
# Literal fields are inline enums in OpenAPI; their values are those of app.policies.vocabulary
# (DataSubjectCategory, ErasureReason, Sex, SubjectRole): tests/test_openapi_vocabulary.py.
DataSubjectCategory = Literal[
    "returnee",
    "resettlement_candidate",
    "legal_migrant",
    "victim_of_trafficking",
    "suspected_smuggler",
    "witness",
    "other",
]
ErasureReason = Literal["retention_expired", "no_longer_necessary"]


class TravelDocument(StrictInput):
    type: ShortText
    number: ShortText
    issuing_country: CountryCode
    expires_on: date | None = None


class NationalityDocument(StrictInput):
    """A document that is (prima facie) evidence of nationality (Art. 10(3)(a))."""

    type: ShortText
    number: ShortText | None = None
    issuing_country: CountryCode | None = None
    issued_on: date | None = None


class Biometrics(StrictInput):
    facial_image_ref: BiometricRef | None = None
    fingerprint_refs: list[BiometricRef] = Field(
        default_factory=list, max_length=10, json_schema_extra={"uniqueItems": True}
    )


class FlightOrTransport(StrictInput):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, populate_by_name=True)

    carrier: ShortText
    number: ShortText
    departs_on: date
    from_: ShortText = Field(alias="from")
    to: ShortText


class Passenger(StrictInput):
    surname: ShortText
    given_names: ShortText | None = None
    date_of_birth: date | None = None
    nationality: CountryCode | None = None
    travel_document: TravelDocument | None = None


class SubjectData(JsonTypesAsDocumented):
    """The subject data. Known fields are typed; a field of no category is let through to the
    policy so that ILO-10.3f refuses it by name."""

    model_config = ConfigDict(extra="allow", str_strip_whitespace=True)

    surname: ShortText | None = None
    given_names: ShortText | None = None
    date_of_birth: date | None = None
    place_of_birth: ShortText | None = None
    sex: Literal["F", "M", "X"] | None = Field(default=None, description="ICAO Doc 9303")
    nationality: CountryCode | None = None
    travel_document: TravelDocument | None = None
    nationality_evidence: list[NationalityDocument] | None = Field(default=None, max_length=20)
    biometrics: Biometrics | None = None
    flight_or_transport: FlightOrTransport | None = None
    passengers: list[Passenger] | None = Field(default=None, max_length=1000)
    unhcr_reference: ShortText | None = None
    aliases: list[ShortText] | None = Field(default=None, max_length=50)
    role: Literal["suspect", "facilitator", "victim", "witness"] | None = None
    modus_operandi: Text | None = None
    means_of_transport: list[ShortText] | None = Field(default=None, max_length=50)
    intermediaries: list[ShortText] | None = Field(default=None, max_length=50)
    financial_flows: Text | None = None

    def field_names(self) -> frozenset[str]:
        """The fields present (known ones with a value, and every unknown one)."""
        known = {name for name in self.model_fields_set if getattr(self, name) is not None}
        return frozenset(known | set(self.model_extra or {}))

    def payload(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


# The subject data as shown: exactly what was sealed (SubjectData.payload(): the fields present,
# no nulls), typed in the document by the schema it was validated against when written.
SubjectDataShown = Annotated[
    dict[str, Any], WithJsonSchema({"$ref": "#/components/schemas/SubjectData"})
]


class ProcessingRecordCreate(StrictInput):
    officer_id: uuid.UUID = Field(description="The ILO processing the data")
    purpose: Purpose = Field(description="Art. 3(6)")
    data_categories: list[DataCategory] = Field(
        min_length=1, max_length=len(DataCategory), json_schema_extra={"uniqueItems": True}
    )
    data_subject_category: DataSubjectCategory
    subject_data: SubjectData
    protection_status: ProtectionStatus = Field(description="Needed by NR-1; sealed")
    necessity_justification: Text = Field(
        description="Why processing these data is necessary for the purpose (no subject data)"
    )
    began_on: date | None = Field(
        default=None,
        description="The day the processing began (ILO-10.2): today when absent; a case "
        "loaded from an existing system began earlier. Never in the future; the officer is "
        "deployed on it; retention is counted from it",
    )
    retain_until: date = Field(description="Erased on the day after (ILO-10.2)")
    external_reference: ExternalReference | None = Field(
        default=None,
        description="Your system's id for it, unique within your organisation (no personal data)",
    )


class ProcessingRecordOut(DeferredModel):
    id: uuid.UUID
    officer_id: uuid.UUID
    organisation: OrganisationCode = Field(description="The controller: the officer's organisation")
    authority_id: uuid.UUID
    purpose: Purpose
    data_categories: list[DataCategory] = Field(max_length=len(DataCategory))
    data_subject_category: DataSubjectCategory
    regime: Regime = Field(description="Derived from the controller and the purpose")
    special_category: bool = Field(description="Biometric data are present")
    # a field of no category is refused (ILO-10.3f): at most SubjectData's own fields
    subject_fields: list[Column64] = Field(
        max_length=len(SubjectData.model_fields),
        description="Names of the sealed fields, never values",
    )
    necessity_justification: StoredText
    began_on: date = Field(description="The day the processing began (ILO-10.2)")
    retain_until: date
    obligations: Annotated[list[ObligationOut], first_items(LIST_MAX), Field(max_length=LIST_MAX)]
    decision_id: ColumnId
    policy_version: ColumnId
    erased_at: datetime | None
    erasure_reason: ErasureReason | None
    external_reference: Column100 | None
    version: Version
    created_at: datetime = Field(description="When ILONet recorded it")
    subject_data: SubjectDataShown | None = Field(
        default=None,
        description="Only for the record's ILO or its integration with processing:read; "
        "every read is audited. Never in lists or POST responses; null once erased.",
    )
    protection_status: ProtectionStatus | None = Field(
        default=None, description="Sealed like subject_data, shown under the same conditions"
    )
    restriction_ground: Literal["a", "b", "c", "d"] | None = Field(
        default=None,
        description="GDPR Art. 18(1) ground while processing is restricted: the data are only "
        "stored; reading them needs restriction_ground (Art. 18(2)), no transfer or share",
    )
    restricted_at: datetime | None = None


class AccessEntryOut(DeferredModel):
    occurred_at: datetime
    # the audit event's columns
    action: Column64
    outcome: Column16
    actor_sub: Subject
    actor_organisation: OrganisationCode
    resource_type: Column64
    resource_id: Column64 | None
    purpose: Column32 | None
    legal_basis: Column64 | None


class ProcessingRecordExport(DeferredModel):
    """The data-subject access copy: the record with its subject data, where the data went,
    and who accessed them."""

    record: ProcessingRecordOut
    transfers: list[TransferOut] = Field(max_length=PART_PAGE_MAX)
    shares: list[ShareOut] = Field(max_length=PART_PAGE_MAX)
    accesses: list[AccessEntryOut] = Field(max_length=PART_PAGE_MAX)
    exported_at: datetime
    next_cursor: CursorText | None = Field(
        description="Pass as `cursor` for the next page of the three lists (each goes on where "
        "it stopped; one that has ended comes empty); null when all have ended"
    )
