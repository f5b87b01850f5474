"""An exchange of personal data inside the Union (Art. 3(6)(d), recital 26; ILO-10.4)."""

import uuid
from datetime import date, datetime

from sqlalchemy import ARRAY, ForeignKey, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class Share(Base):
    __tablename__ = "share"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    processing_record_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("processing_record.id"), index=True
    )
    organisation: Mapped[str] = mapped_column(ForeignKey("organisation.code"), index=True)
    recipient_kind: Mapped[str] = mapped_column(String(32))
    recipient_officer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("officer.id"))
    recipient_network: Mapped[str | None] = mapped_column(String(64))
    recipient_org: Mapped[str | None] = mapped_column(String(16))
    recipient_authority: Mapped[str | None] = mapped_column(String(200))
    # The receiving authority as registered in ILONet (GET /v1/authorities), when named by id:
    # the record of processing activities counts its exchanges under one name.
    recipient_authority_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("authority.id"))
    fields_disclosed: Mapped[list[str]] = mapped_column(ARRAY(String(64)))
    justification: Mapped[str] = mapped_column(Text)
    shared_on: Mapped[date]
    # GDPR-18.2: the Art. 18(1) ground the record was restricted on when shared, and the Art.
    # 18(2) ground of the share (with the law an important public interest rests on)
    restriction_ground: Mapped[str | None] = mapped_column(String(1))
    restricted_use: Mapped[str | None] = mapped_column(String(32))
    restricted_use_law: Mapped[str | None] = mapped_column(String(300))
    decision_id: Mapped[str] = mapped_column(String(64))
    policy_version: Mapped[str] = mapped_column(String(64))
    recorded_by: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
