"""The audit log: append-only events, and the seals that chain them (tamper evidence)."""

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Identity, Index, String, func, text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class AuditEvent(Base):
    """One write, read of personal data, or denied attempt. Never holds personal data."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_txid_id", "txid", "id"),
        Index("ix_audit_event_organisation_id", "organisation", "id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    # The writing transaction: events are sealed in (txid, id) order once no older txn is open.
    txid: Mapped[int] = mapped_column(
        BigInteger, server_default=text("pg_current_xact_id()::text::bigint")
    )
    occurred_at: Mapped[datetime] = mapped_column(server_default=func.now())
    request_id: Mapped[str | None] = mapped_column(String(64))
    actor: Mapped[dict[str, Any]] = mapped_column(JSONB)
    organisation: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(64), index=True)
    outcome: Mapped[str] = mapped_column(String(16))
    resource_type: Mapped[str] = mapped_column(String(64))
    resource_id: Mapped[str | None] = mapped_column(String(64))
    decision_id: Mapped[str | None] = mapped_column(String(64))
    policy_version: Mapped[str | None] = mapped_column(String(64))
    rules: Mapped[list[str]] = mapped_column(ARRAY(String(32)), server_default="{}")
    purpose: Mapped[str | None] = mapped_column(String(32))
    legal_basis: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=text("'{}'::jsonb"))


class AuditSeal(Base):
    """The hash chain: seal n holds sha256(hash of seal n-1 + the canonical form of its event)."""

    __tablename__ = "audit_seal"

    position: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    event_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    sealed_at: Mapped[datetime] = mapped_column(server_default=func.now())


class AuditCheckpoint(Base):
    """A verified head of the chain: an incremental verification starts from the latest."""

    __tablename__ = "audit_checkpoint"

    position: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[str] = mapped_column(String(64))
    verified_at: Mapped[datetime] = mapped_column(server_default=func.now())
