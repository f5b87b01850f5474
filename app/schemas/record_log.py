"""A processing record's logs as exported for the supervisory authority (LED Art. 25(3))."""

import uuid
from datetime import datetime

from pydantic import Field

from app.deferred_models import DeferredModel
from app.schemas.common import PART_PAGE_MAX, CursorText, OrganisationCode
from app.schemas.event import AuditEventOut


class RecordLogExport(DeferredModel):
    record_id: uuid.UUID
    organisation: OrganisationCode
    regime: str = Field(max_length=16, description="The record's regime (gdpr, eudpr, led)")
    exported_at: datetime
    decision_id: str = Field(max_length=64, description="The export's Decision (LED-25.3)")
    events: list[AuditEventOut] = Field(
        max_length=PART_PAGE_MAX,
        description="The events of the record, its transfers, shares and follow-ups, and the "
        "reads of its log, oldest first: collection, alteration, consultation, disclosure, "
        "erasure and the refusals; a page of them (`next_cursor` leads to the next)",
    )
    next_cursor: CursorText | None = Field(description="Pass as `cursor` for the next page")
