"""GDPR Art. 30(1) (EUDPR Art. 31, LED Art. 24): the record of processing activities, derived
from the processing records, transfers and shares — never subject data."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from app.schemas.common import OrganisationCode


class RopaRecipientOut(BaseModel):
    kind: str = Field(description="officer, network or member_state_authority (a share)")
    recipient: str
    exchanges: int


class RopaTransferOut(BaseModel):
    destination: str
    recipient: str
    recipient_type: str
    ground: str
    rule: str
    reference: str = Field(description="The adequacy decision, instrument or derogation relied on")
    transfers: int
    first_on: date
    last_on: date


class RopaActivityOut(BaseModel):
    purpose: str
    regime: str
    article: str = Field(description="The article of the record of processing activities")
    data_subject_categories: list[str]
    data_categories: list[str]
    special_category: bool
    records: int
    records_erased: int
    records_restricted: int
    retention_cap_days: int | None = Field(description="ILO-10.2: the longest retention allowed")
    longest_retention_days: int = Field(description="Longest retain_until after creation")
    recipients: list[RopaRecipientOut]
    transfers: list[RopaTransferOut]


class RopaOut(BaseModel):
    organisation: OrganisationCode
    controller: str
    controller_contact: str | None = Field(
        description="The controller's functional contact (PUT /v1/organisations/{code}/contacts)"
    )
    dpo_contact: str | None = Field(description="The data protection officer's functional contact")
    generated_at: datetime
    activities: list[RopaActivityOut]
    note: str
