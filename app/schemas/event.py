"""The change feed and the audit trail, as clients read them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class FeedEvent(BaseModel):
    position: str = Field(description="Opaque position; pass the last one as `after`.")
    type: str
    resource_type: str
    resource_id: str
    organisation: str
    occurred_at: datetime


class FeedPage(BaseModel):
    items: list[FeedEvent]
    next_after: str | None = Field(description="Position to continue from (also when empty).")


class AuditEventOut(BaseModel):
    id: int
    occurred_at: datetime
    request_id: str | None
    actor: dict[str, Any]
    organisation: str
    action: str
    outcome: str
    resource_type: str
    resource_id: str | None
    decision_id: str | None
    policy_version: str | None
    rules: list[str]
    purpose: str | None
    legal_basis: str | None
    details: dict[str, Any]


class AuditVerification(BaseModel):
    valid: bool
    sealed_events: int
    unsealed_events: int
    head_hash: str
    first_broken_position: int | None
    first_broken_event_id: int | None
    reason: str | None
    tree_size: int = Field(description="leaves of the Merkle tree recomputed from the events")
    root_hash: str = Field(description="its RFC 9162 root hash (hex)")
