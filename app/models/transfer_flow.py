"""The recorded transfers counted by their facts and day (a flow): what an impact analysis of
a reference change reads, tens to thousands of rows rather than every transfer. A row is kept
by the transfer action in the transaction that records the transfer (app/db/transfer_flows.py);
transfers are never changed or deleted (an erasure keeps their metadata), so a count only grows.
"""

from datetime import date

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class TransferFlow(Base):
    __tablename__ = "transfer_flow"
    __table_args__ = (Index("ix_transfer_flow_transfer_on", "transfer_on"),)

    # md5 of the facts below but the day (app/db/transfer_flows.py: flow_key), and the day
    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    transfer_on: Mapped[date] = mapped_column(primary_key=True)
    organisation: Mapped[str] = mapped_column(ForeignKey("organisation.code"), index=True)
    regime: Mapped[str] = mapped_column(String(8))
    purpose: Mapped[str] = mapped_column(String(32))
    recipient_name: Mapped[str] = mapped_column(String(200))
    recipient_type: Mapped[str] = mapped_column(String(32))
    recipient_is_law_enforcement: Mapped[bool]
    destination_country: Mapped[str | None] = mapped_column(String(2))
    destination_organisation: Mapped[str | None] = mapped_column(String(200))
    requested_basis: Mapped[str] = mapped_column(String(40))
    # the transfer's details as JSON text (the JSONB column cast to text)
    details: Mapped[str] = mapped_column(Text)
    transfers: Mapped[int]
