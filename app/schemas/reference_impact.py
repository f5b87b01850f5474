"""The impact analysis of a proposed change of the transfer reference data (no subject data)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal, Self

from pydantic import BaseModel, Field, model_validator

from app.schemas.common import StrictInput
from app.schemas.policy import BasisOut
from app.schemas.reference_data import (
    ReferenceId,
    ScopeExclusionFields,
    TransferInstrumentCreate,
)

# vocabulary.ReferenceChangeKind, inline in OpenAPI.
ReferenceChangeKindName = Literal[
    "adequacy_ended", "adequacy_narrowed", "instrument_withdrawn", "instrument_added"
]


class ReferenceChangeIn(StrictInput):
    kind: ReferenceChangeKindName
    on: date = Field(
        description="The day the change takes effect",
        ge=date(1900, 1, 1),
        le=date(9999, 12, 30),
    )
    adequacy_decision_id: ReferenceId | None = None
    instrument_id: str | None = Field(default=None, max_length=64)
    exclusion: ScopeExclusionFields | None = Field(
        default=None, description="adequacy_narrowed: what the decision no longer covers"
    )
    instrument: TransferInstrumentCreate | None = Field(
        default=None, description="instrument_added: the new instrument"
    )

    @model_validator(mode="after")
    def _complete(self) -> Self:
        needs = {
            "adequacy_ended": ("adequacy_decision_id",),
            "adequacy_narrowed": ("adequacy_decision_id", "exclusion"),
            "instrument_withdrawn": ("instrument_id",),
            "instrument_added": ("instrument",),
        }[self.kind]
        missing = [n for n in needs if getattr(self, n) is None]
        if missing:
            raise ValueError(f"{self.kind} needs {', '.join(missing)}")
        return self


class ImpactIn(StrictInput):
    change: ReferenceChangeIn
    months: int = Field(default=12, ge=1, le=60, description="The recorded transfers looked at")
    organisation: str | None = Field(
        default=None, max_length=16, description="Only this organisation's flows"
    )

    model_config = StrictInput.model_config | {
        "json_schema_extra": {
            "examples": [
                {
                    "change": {
                        "kind": "adequacy_ended",
                        "adequacy_decision_id": "2021/1772",
                        "on": "2027-01-01",
                    },
                    "months": 12,
                }
            ]
        }
    }


class ImpactGroupOut(BaseModel):
    """Flows decided the same way: one organisation, destination, recipient and ground."""

    organisation: str
    destination: str
    recipient: str
    recipient_type: str
    regime: str
    purpose: str
    ground: BasisOut | None = Field(description="The ground that holds today")
    now_denied_by: str | None = Field(description="The rule of that ground, no longer holding")
    reason: str | None
    still_holds: BasisOut | None = Field(description="The ground that would hold after")
    alternative: BasisOut | None = Field(
        description="A derogation that would hold if the controller named it (read restrictively)"
    )
    transfers: int
    first_transfer_on: date
    last_transfer_on: date
    transfer_ids: list[uuid.UUID] | None = Field(
        description="For the organisation's DPO only; null for other readers"
    )


class OrganisationImpactOut(BaseModel):
    organisation: str
    affected_flows: int
    still_covered: int = Field(description="Affected flows another ground would still cover")


class ImpactOut(BaseModel):
    change: ReferenceChangeIn
    window_from: date
    window_to: date
    transfers_evaluated: int
    affected_flows: int
    organisations: list[OrganisationImpactOut]
    groups: list[ImpactGroupOut]
    evaluated_at: datetime
    note: str


class ReferenceImpactOut(BaseModel):
    """An impact detected when a reference change was applied, for one organisation."""

    id: uuid.UUID
    organisation: str
    reference_kind: str
    reference_id: str
    reference_version: int
    affected_flows: int
    flows: list[dict[str, object]] | None = Field(description="For the organisation's DPO only")
    detected_at: datetime
