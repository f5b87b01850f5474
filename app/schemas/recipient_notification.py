"""GDPR-19 tasks: a rectification, erasure or restriction to communicate to one recipient."""

import uuid
from datetime import datetime
from typing import Literal

from pydantic import Field

from app.deferred_models import DeferredModel
from app.schemas.common import Column200, Column300, OrganisationCode, Subject, Version

# vocabulary.NotificationCause, inline in OpenAPI.
NotificationCauseName = Literal["rectification", "erasure", "restriction"]


class RecipientNotificationOut(DeferredModel):
    id: uuid.UUID
    processing_record_id: uuid.UUID
    organisation: OrganisationCode
    cause: NotificationCauseName
    exchange_kind: Literal["transfer", "share"]
    exchange_id: uuid.UUID
    recipient: Column300 = Field(description="The recipient named in the transfer or share")
    destination: Column200 | None
    done_at: datetime | None = Field(description="When the controller recorded it done")
    done_by: Subject | None
    version: Version
    created_at: datetime
