"""Art. 5 cooperation networks: the network, its facilitator designations, its meetings, and
the ad-hoc actions the Steering Board assigns to it (Art. 8(3)).

Membership is not stored: it is derived from the deployments active on a date
(app/services/network_membership.py).
"""

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import ARRAY, ForeignKey, String, Text, Uuid, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class Network(Base):
    __tablename__ = "network"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    countries: Mapped[list[str]] = mapped_column(ARRAY(String(2)))
    # Liaison officers of non-Member States (Art. 5(1)): [{name, country, organisation}].
    # Personal data: shown only as officers' contact details are (read policy `network`).
    associated_officers: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    organisation: Mapped[str] = mapped_column(ForeignKey("organisation.code"), index=True)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())


class NetworkFacilitator(Base):
    """One notification to the Board (ILO-5.3): a designation, or that none was appointed."""

    __tablename__ = "network_facilitator"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    network_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("network.id"), index=True)
    organisation: Mapped[str] = mapped_column(ForeignKey("organisation.code"))
    officer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("officer.id"), index=True)
    deployment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("deployment.id"), index=True)
    basis: Mapped[str | None] = mapped_column(String(16))
    agreement_reference: Mapped[str | None] = mapped_column(String(300))
    agreed_by: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid))
    designated_on: Mapped[date]
    # ILO-5.3: when the Board was notified (the designation's time, set by the database).
    board_notified_at: Mapped[datetime] = mapped_column(server_default=func.now())
    # The facilitator's deployment ended (or the designation was superseded) on this date.
    ended_on: Mapped[date | None]
    decision_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())


class NetworkMeeting(Base):
    __tablename__ = "network_meeting"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    network_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("network.id"), index=True)
    organisation: Mapped[str] = mapped_column(ForeignKey("organisation.code"))
    held_on: Mapped[date] = mapped_column(index=True)
    attendees: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid))
    agenda: Mapped[str] = mapped_column(Text)
    topics: Mapped[list[str]] = mapped_column(ARRAY(String(32)))
    # A platform document (its id or reference); the platform itself comes later.
    minutes_document: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    # A meeting not yet held may be cancelled; its record stays, with the day and the reason.
    cancelled_on: Mapped[date | None]
    cancellation_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1, server_default="1")


class AdHocAction(Base):
    """An ad-hoc action the Steering Board assigns to a network (ILO-8.3)."""

    __tablename__ = "ad_hoc_action"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    network_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("network.id"), index=True)
    organisation: Mapped[str] = mapped_column(ForeignKey("organisation.code"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    decided_on: Mapped[date]
    # The Board decision that decided it (free text or a decision id; no foreign key).
    board_decision_reference: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())
