"""What an applied change of the transfer reference data did to one organisation's recorded
flows: the count and the flows (transfer ids, recipients, grounds; never subject data)."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class ReferenceImpact(Base):
    __tablename__ = "reference_impact"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    organisation: Mapped[str] = mapped_column(ForeignKey("organisation.code"), index=True)
    reference_kind: Mapped[str] = mapped_column(String(32))
    reference_id: Mapped[str] = mapped_column(String(64))
    reference_version: Mapped[int]
    affected_flows: Mapped[int]
    flows: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    detected_at: Mapped[datetime] = mapped_column(server_default=func.now())
