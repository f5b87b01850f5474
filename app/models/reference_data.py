"""Transfer reference data: Commission adequacy decisions and transfer instruments.

Loaded from app/reference/*.json by a migration and edited through the API; transfer decisions
read these tables, so changing the data changes decisions without a code change.
"""

from datetime import date, datetime
from typing import Any

from sqlalchemy import ARRAY, String, Text, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class AdequacyDecisionEntry(Base):
    __tablename__ = "adequacy_decision"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    country: Mapped[str | None] = mapped_column(String(2), index=True)
    organisation: Mapped[str | None] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(200))
    regimes: Mapped[list[str]] = mapped_column(ARRAY(String(8)))
    covers_public_authorities: Mapped[bool]
    scope_note: Mapped[str] = mapped_column(Text)
    valid_from: Mapped[date]
    valid_until: Mapped[date | None]
    reference: Mapped[str] = mapped_column(String(500))
    source_url: Mapped[str] = mapped_column(String(500))
    example: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(default=1)
    updated_by: Mapped[str | None] = mapped_column(String(300))
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())
    # Dated validity segments [{valid_from, valid_until, reference, source_url}] (empty: the one
    # range valid_from..valid_until) and scope exclusions by purpose or recipient type
    # [{id, article, purposes, recipient_types, valid_from, valid_until, note, source_url}].
    segments: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB, default=list, server_default=text("'[]'::jsonb")
    )
    exclusions: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB, default=list, server_default=text("'[]'::jsonb")
    )


class TransferInstrumentEntry(Base):
    __tablename__ = "transfer_instrument"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(500))
    parties: Mapped[list[str]] = mapped_column(ARRAY(String(16)))
    destination_country: Mapped[str] = mapped_column(String(2), index=True)
    recipient_authorities: Mapped[list[str]] = mapped_column(ARRAY(String(200)))
    purposes: Mapped[list[str]] = mapped_column(ARRAY(String(32)))
    regimes: Mapped[list[str]] = mapped_column(ARRAY(String(8)))
    sa_authorisation_reference: Mapped[str | None] = mapped_column(String(300))
    valid_from: Mapped[date]
    valid_until: Mapped[date | None]
    reference: Mapped[str] = mapped_column(String(500))
    source_url: Mapped[str] = mapped_column(String(500))
    example: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)
    updated_by: Mapped[str | None] = mapped_column(String(300))
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())
