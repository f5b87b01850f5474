"""The change feed for integrations, filtered to what the caller may see."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from app.db import outbox
from app.problems import ValidationFailed
from app.schemas.event import FeedEvent, FeedPage
from app.security import Principal
from app.services.access import require_read_scope

# Readers of an organisation's own processing records (API.md "Visibility").
ORGANISATION_READERS = frozenset({"ilo", "dpo", "auditor"})


async def read_feed(
    *, session: AsyncSession, principal: Principal, after: str | None, limit: int
) -> FeedPage:
    require_read_scope(principal, "events:read", resource_type="event")
    try:
        position = outbox.decode_position(after) if after else None
    except ValueError as exc:
        raise ValidationFailed(
            [{"pointer": "/after", "in": "query", "detail": "not a feed position"}]
        ) from exc
    reader = bool(principal.roles & ORGANISATION_READERS) or "processing:read" in principal.scopes
    rows = await outbox.read_after(
        session,
        after=position,
        visible=outbox.visible_to(principal.org, organisation_reader=reader),
        limit=limit,
    )
    items = [
        FeedEvent(
            position=outbox.encode_position(r.txid, r.id),
            type=r.type,
            resource_type=r.resource_type,
            resource_id=r.resource_id,
            organisation=r.organisation,
            occurred_at=r.occurred_at,
        )
        for r in rows
    ]
    return FeedPage(items=items, next_after=items[-1].position if items else after)
