"""A participant of the network: member state, Schengen-associated state, Commission, agency, EP."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, func
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


class OrganisationContact(Base):
    """The functional contacts of a participant as controller and of its data protection
    officer, as its record of processing activities names them (GDPR Art. 30(1)(a)). One row a
    participant, made by the migration that adds the participant; kept by the organisation."""

    __tablename__ = "organisation_contact"

    organisation: Mapped[str] = mapped_column(ForeignKey("organisation.code"), primary_key=True)
    controller_contact: Mapped[str | None] = mapped_column(String(500))
    dpo_contact: Mapped[str | None] = mapped_column(String(500))
    version: Mapped[int] = mapped_column(default=1)
    updated_by: Mapped[str | None] = mapped_column(String(300))
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())
