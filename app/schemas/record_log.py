"""A processing record's logs as exported for the supervisory authority (LED Art. 25(3))."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from app.schemas.common import OrganisationCode
from app.schemas.event import AuditEventOut


class RecordLogExport(BaseModel):
    record_id: uuid.UUID
    organisation: OrganisationCode
    regime: str = Field(max_length=16, description="The record's regime (gdpr, eudpr, led)")
    exported_at: datetime
    decision_id: str = Field(max_length=64, description="The export's Decision (LED-25.3)")
    events: list[AuditEventOut] = Field(
        description="Every event of the record, its transfers, shares and follow-ups, and the "
        "reads of its log, oldest first: collection, alteration, consultation, disclosure, "
        "erasure and the refusals"
    )
