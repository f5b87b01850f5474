"""The follow-up of an identification request (Visa Code Art. 25a): no subject data, only the
transfer it refers to and what the third country's authority answered."""

import uuid
from datetime import date, datetime

from pydantic import ConfigDict, Field

from app.deferred_models import DeferredModel
from app.policies.vocabulary import IdentificationOutcome
from app.schemas.common import (
    Column2,
    ColumnId,
    Days,
    OrganisationCode,
    StrictInput,
    Subject,
    Version,
)


class TransferFollowUpIn(StrictInput):
    """What the authority answered (RA-2: an answer is dated on or after the request)."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "outcome": "confirmed",
                    "answered_on": "2026-11-20",
                    "travel_document_issued_on": "2026-11-27",
                    "return_operation_accepted": True,
                }
            ]
        },
    )

    outcome: IdentificationOutcome = Field(
        description="confirmed / not_confirmed (with answered_on), or no_answer"
    )
    answered_on: date | None = Field(default=None, description="When the answer arrived")
    travel_document_issued_on: date | None = Field(
        default=None, description="When the third country issued the travel document"
    )
    return_operation_accepted: bool | None = Field(
        default=None, description="Whether the third country accepted the return operation"
    )


class TransferFollowUpOut(DeferredModel):
    id: uuid.UUID
    transfer_id: uuid.UUID
    processing_record_id: uuid.UUID
    organisation: OrganisationCode
    destination_country: Column2 | None  # the transfer's (String(2))
    requested_on: date = Field(description="The transfer date: when the request was sent")
    outcome: IdentificationOutcome
    answered_on: date | None
    response_days: Days | None = Field(description="Days from the request to the answer")
    travel_document_issued_on: date | None
    return_operation_accepted: bool | None
    decision_id: ColumnId
    policy_version: ColumnId
    recorded_by: Subject
    updated_by: Subject
    version: Version
    created_at: datetime
    updated_at: datetime
