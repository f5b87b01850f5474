"""An ILO's processing of personal data (Art. 10): metadata in the clear, subject data sealed.

Erasure keeps the row as a tombstone (the metadata the records of processing need) and destroys
the ciphertext and its wrapped data key (crypto-shredding).
"""

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import ARRAY, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class ProcessingRecord(Base):
    __tablename__ = "processing_record"
    __table_args__ = (
        Index("ix_processing_record_organisation_officer_id", "organisation", "officer_id"),
        Index("ix_processing_record_erased_at_retain_until", "erased_at", "retain_until"),
        UniqueConstraint(
            "organisation",
            "external_reference",
            name="uq_processing_record_organisation_external_reference",
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    officer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("officer.id"))
    # the controller: the officer's organisation, acting through the officer's authority
    organisation: Mapped[str] = mapped_column(ForeignKey("organisation.code"))
    authority_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("authority.id"))
    purpose: Mapped[str] = mapped_column(String(32))
    data_categories: Mapped[list[str]] = mapped_column(ARRAY(String(64)))
    data_subject_category: Mapped[str] = mapped_column(String(32))
    regime: Mapped[str] = mapped_column(String(8))
    special_category: Mapped[bool]
    # names only (never values): what the sealed payload holds
    subject_fields: Mapped[list[str]] = mapped_column(ARRAY(String(64)))
    necessity_justification: Mapped[str] = mapped_column(Text)
    # the day the processing began (ILO-10.2 dates the deployment, the retention and every
    # exchange from it); created_at is when ILONet recorded it
    began_on: Mapped[date]
    retain_until: Mapped[date]
    # {"subject_data": {...}, "protection_status": ...} sealed with a per-record data key
    ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    wrapped_key: Mapped[bytes | None] = mapped_column(LargeBinary)
    kek_id: Mapped[str | None] = mapped_column(String(64))
    obligations: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    decision_id: Mapped[str] = mapped_column(String(64))
    policy_version: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(300))
    erased_at: Mapped[datetime | None]
    erasure_reason: Mapped[str | None] = mapped_column(String(32))
    # GDPR-18: the Art. 18(1) ground (a)-(d) while the record is restricted, else None
    restriction_ground: Mapped[str | None] = mapped_column(String(1))
    restricted_at: Mapped[datetime | None]
    # the client system's own id for the record (no personal data), unique within the
    # organisation
    external_reference: Mapped[str | None] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())
