"""Request bodies of the data-subject rights on a processing record (GDPR Art. 16, 18)."""

from datetime import date
from typing import Literal

from pydantic import Field

from app.policies.vocabulary import ProtectionStatus
from app.schemas.common import StrictInput
from app.schemas.processing_record import SubjectData

# vocabulary.RestrictionGround and RestrictedUse, inline in OpenAPI.
RestrictionGroundName = Literal["a", "b", "c", "d"]
RestrictedUseName = Literal[
    "consent", "legal_claims", "protection_of_rights", "important_public_interest"
]


class ProcessingRecordRectify(StrictInput):
    """The fields to replace (others stay as they are); values are sealed, never logged."""

    subject_data: SubjectData = Field(default_factory=SubjectData)
    protection_status: ProtectionStatus | None = Field(
        default=None, description="Rectified protection status (NR-1)"
    )

    def field_names(self) -> frozenset[str]:
        names = set(self.subject_data.field_names())
        if self.protection_status is not None:
            names.add("protection_status")
        return frozenset(names)

    model_config = StrictInput.model_config | {
        "json_schema_extra": {
            "examples": [{"subject_data": {"surname": "Diallo", "date_of_birth": "1990-04-01"}}]
        }
    }


class RestrictionCreate(StrictInput):
    ground: RestrictionGroundName = Field(
        description="Art. 18(1): (a) accuracy contested, (b) unlawful but erasure opposed, "
        "(c) needed by the subject for legal claims, (d) objection pending"
    )

    model_config = StrictInput.model_config | {"json_schema_extra": {"examples": [{"ground": "a"}]}}


class RestrictionLift(StrictInput):
    subject_informed_on: date | None = Field(
        default=None, description="Art. 18(3): when the data subject was informed (required)"
    )

    model_config = StrictInput.model_config | {
        "json_schema_extra": {"examples": [{"subject_informed_on": "2026-12-01"}]}
    }
