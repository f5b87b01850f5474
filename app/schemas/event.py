"""The change feed and the audit trail, as clients read them."""

from datetime import datetime
from typing import Annotated, Any

from pydantic import Field, StringConstraints

from app.bounds import Message, RuleIds
from app.deferred_models import DeferredModel
from app.schemas.common import PAGE_MAX, BigCount, BigId, ColumnId, Hex64, OrganisationCode


class FeedEvent(DeferredModel):
    # at most what `after` takes back (GET /v1/events)
    position: ColumnId = Field(description="Opaque position; pass the last one as `after`.")
    type: ColumnId
    resource_type: ColumnId
    resource_id: ColumnId
    organisation: OrganisationCode
    occurred_at: datetime


class FeedPage(DeferredModel):
    items: list[FeedEvent] = Field(max_length=PAGE_MAX)
    next_after: ColumnId | None = Field(description="Position to continue from (also when empty).")


class AuditEventOut(DeferredModel):
    id: BigId
    occurred_at: datetime
    request_id: ColumnId | None
    actor: dict[str, Any]
    organisation: OrganisationCode
    action: ColumnId
    outcome: Annotated[str, StringConstraints(max_length=16)]
    resource_type: ColumnId
    resource_id: ColumnId | None
    decision_id: ColumnId | None
    policy_version: ColumnId | None
    rules: RuleIds
    purpose: Annotated[str, StringConstraints(max_length=32)] | None
    legal_basis: ColumnId | None
    details: dict[str, Any]


class AuditVerification(DeferredModel):
    valid: bool
    sealed_events: BigCount
    unsealed_events: BigCount
    head_hash: Hex64
    first_broken_position: BigCount | None
    first_broken_event_id: BigId | None
    reason: Message | None
    tree_size: BigCount = Field(description="leaves of the Merkle tree recomputed from the events")
    root_hash: Hex64 = Field(description="its RFC 9162 root hash (hex)")
