"""GDPR-19: a rectification, erasure or restriction to communicate to one recipient of a record's
data (a transfer's recipient or a share's), as a task the controller marks done."""

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class RecipientNotification(Base):
    __tablename__ = "recipient_notification"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    processing_record_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("processing_record.id"), index=True
    )
    organisation: Mapped[str] = mapped_column(ForeignKey("organisation.code"), index=True)
    # what is communicated: rectification, erasure, restriction
    cause: Mapped[str] = mapped_column(String(16))
    # where the data went: a transfer or a share of the record, by id
    exchange_kind: Mapped[str] = mapped_column(String(16))
    exchange_id: Mapped[uuid.UUID]
    recipient: Mapped[str] = mapped_column(String(300))
    destination: Mapped[str | None] = mapped_column(String(200))
    done_at: Mapped[datetime | None]
    done_by: Mapped[str | None] = mapped_column(String(300))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())
