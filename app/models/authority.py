"""A national or Union authority under an organisation; deploying authorities are these."""

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class Authority(Base):
    __tablename__ = "authority"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    organisation: Mapped[str] = mapped_column(ForeignKey("organisation.code"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    authority_kind: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
