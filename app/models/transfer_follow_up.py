"""The follow-up of an identification request (Visa Code Art. 25a): what the third country's
authority answered and what came of it. It refers to its transfer and holds no subject data."""

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class TransferFollowUp(Base):
    __tablename__ = "transfer_follow_up"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    transfer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("transfer.id"), unique=True)
    processing_record_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("processing_record.id"), index=True
    )
    organisation: Mapped[str] = mapped_column(ForeignKey("organisation.code"), index=True)
    outcome: Mapped[str] = mapped_column(String(16))
    answered_on: Mapped[date | None]
    travel_document_issued_on: Mapped[date | None]
    return_operation_accepted: Mapped[bool | None]
    decision_id: Mapped[str] = mapped_column(String(64))
    policy_version: Mapped[str] = mapped_column(String(64))
    recorded_by: Mapped[str] = mapped_column(String(300))
    updated_by: Mapped[str] = mapped_column(String(300))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())
