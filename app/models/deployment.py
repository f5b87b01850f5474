"""An Art. 4 deployment notification and its history of states and amendments."""

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import ARRAY, ForeignKey, Index, String, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class Deployment(Base):
    __tablename__ = "deployment"
    __table_args__ = (
        Index("ix_deployment_host_country_status", "host_country", "status"),
        UniqueConstraint(
            "organisation",
            "external_reference",
            name="uq_deployment_organisation_external_reference",
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    officer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("officer.id"), index=True)
    organisation: Mapped[str] = mapped_column(ForeignKey("organisation.code"), index=True)
    posting_type: Mapped[str] = mapped_column(String(32))
    host_country: Mapped[str] = mapped_column(String(2))
    city: Mapped[str] = mapped_column(String(200))
    region_countries: Mapped[list[str]] = mapped_column(ARRAY(String(2)))
    topics: Mapped[list[str]] = mapped_column(ARRAY(String(64)))
    tasks: Mapped[list[str]] = mapped_column(ARRAY(String(64)))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    represented_member_states: Mapped[list[str]] = mapped_column(ARRAY(String(2)))
    representation_agreement_reference: Mapped[str | None] = mapped_column(String(300))
    shared_tasks: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    co_deploying_member_states: Mapped[list[str]] = mapped_column(ARRAY(String(2)))
    status: Mapped[str] = mapped_column(String(16), index=True)
    deployed_on: Mapped[date | None]
    ended_on: Mapped[date | None]
    cancelled_on: Mapped[date | None]
    # the client system's own id for the notification, unique within the organisation
    external_reference: Mapped[str | None] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())


class DeploymentHistory(Base):
    """One entry per notification: planned, amended, deployed, ended, cancelled."""

    __tablename__ = "deployment_history"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    deployment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("deployment.id"), index=True)
    event: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    effective_on: Mapped[date | None]
    version: Mapped[int]
    # the notification as it stood after this entry (no personal data)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSONB)
    actor_sub: Mapped[str] = mapped_column(String(300))
    decision_id: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(server_default=func.now())
