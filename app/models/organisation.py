"""A participant of the network: member state, Schengen-associated state, Commission, agency, EP."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class Organisation(Base):
    __tablename__ = "organisation"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32), index=True)
    country: Mapped[str | None] = mapped_column(String(2))
    bound_by_regulation: Mapped[bool]
    board_seats: Mapped[int]
    alternate_seats: Mapped[int]
    voting_right: Mapped[bool]
    former_name: Mapped[str | None] = mapped_column(String(200))
    participation: Mapped[str] = mapped_column(String(500))
