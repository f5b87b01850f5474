"""A Chapter V transfer decided and recorded for a processing record (GDPR-30.1e, DOC-1).

ILONet records the transfer and its basis; it does not send the data to the recipient.
"""

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import ARRAY, ForeignKey, Index, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class Transfer(Base):
    __tablename__ = "transfer"
    __table_args__ = (Index("ix_transfer_transfer_on", "transfer_on"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    processing_record_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("processing_record.id"), index=True
    )
    organisation: Mapped[str] = mapped_column(ForeignKey("organisation.code"), index=True)
    recipient_name: Mapped[str] = mapped_column(String(200))
    recipient_type: Mapped[str] = mapped_column(String(32))
    recipient_is_law_enforcement: Mapped[bool]
    destination_country: Mapped[str | None] = mapped_column(String(2))
    destination_organisation: Mapped[str | None] = mapped_column(String(200))
    requested_basis: Mapped[str] = mapped_column(String(40))
    # instrument ids and references the client gave (accountability metadata, no subject data)
    details: Mapped[dict[str, Any]] = mapped_column(JSONB)
    fields_disclosed: Mapped[list[str]] = mapped_column(ARRAY(String(64)))
    justification: Mapped[str] = mapped_column(Text)
    transfer_on: Mapped[date]
    # GDPR-18.2: the Art. 18(1) ground the record was restricted on when transferred, and the
    # Art. 18(2) ground of the transfer (with the law an important public interest rests on)
    restriction_ground: Mapped[str | None] = mapped_column(String(1))
    restricted_use: Mapped[str | None] = mapped_column(String(32))
    restricted_use_law: Mapped[str | None] = mapped_column(String(300))
    # the Decision's basis: the first Chapter V ground that held
    basis_ground: Mapped[str] = mapped_column(String(40))
    basis_rule: Mapped[str] = mapped_column(String(32))
    basis_reference: Mapped[str] = mapped_column(String(500))
    decision_id: Mapped[str] = mapped_column(String(64))
    policy_version: Mapped[str] = mapped_column(String(64))
    recorded_by: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
