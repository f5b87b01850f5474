"""Institutional contacts: the functional addresses, switchboards and accounts of participating
organisations and of known public authorities, which the platform's scanner does not take for
personal data. Seeded from app/reference/institutional_contacts.json, edited through the API."""

from datetime import datetime

from sqlalchemy import ARRAY, ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class InstitutionalContact(Base):
    """One institution's registered contacts, kept by a participant (`organisation`)."""

    __tablename__ = "institutional_contact"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    organisation: Mapped[str] = mapped_column(ForeignKey("organisation.code"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    emails: Mapped[list[str]] = mapped_column(ARRAY(String(254)))
    phones: Mapped[list[str]] = mapped_column(ARRAY(String(32)))
    ibans: Mapped[list[str]] = mapped_column(ARRAY(String(42)))
    source_url: Mapped[str] = mapped_column(String(500))
    example: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(default=1)
    updated_by: Mapped[str | None] = mapped_column(String(300))
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())
