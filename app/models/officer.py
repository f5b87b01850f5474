"""An immigration liaison officer; contact details are personal data, encrypted at rest."""

import uuid
from datetime import datetime

from sqlalchemy import ARRAY, ForeignKey, LargeBinary, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class Officer(Base):
    __tablename__ = "officer"
    __table_args__ = (
        UniqueConstraint(
            "organisation", "external_reference", name="uq_officer_organisation_external_reference"
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    organisation: Mapped[str] = mapped_column(ForeignKey("organisation.code"), index=True)
    authority_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("authority.id"), index=True)
    surname: Mapped[str] = mapped_column(String(200))
    given_names: Mapped[str] = mapped_column(String(200))
    expertise: Mapped[list[str]] = mapped_column(ARRAY(String(64)))
    # {"phone": ..., "email": ...} sealed with a per-officer data key (app/db/crypto.py)
    contact_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    contact_wrapped_key: Mapped[bytes | None] = mapped_column(LargeBinary)
    contact_kek_id: Mapped[str | None] = mapped_column(String(64))
    contact_erased_at: Mapped[datetime | None]
    # the client system's own id for the officer, unique within the organisation
    external_reference: Mapped[str | None] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())
