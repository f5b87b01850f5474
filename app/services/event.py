"""The change feed for integrations, filtered to what the caller may see."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from app.db import outbox
from app.db.visibility import visible
from app.models import OutboxEvent
from app.problems import ValidationFailed
from app.schemas.event import FeedEvent, FeedPage
from app.security import Principal
from app.services import access


async def read_feed(
    *, session: AsyncSession, principal: Principal, after: str | None, limit: int
) -> FeedPage:
    seen = access.visibility(principal, "event")
    try:
        position = outbox.decode_position(after) if after else None
    except ValueError as exc:
        raise ValidationFailed(
            [{"pointer": "/after", "in": "query", "detail": "not a feed position"}]
        ) from exc
    rows = await outbox.read_after(
        session, after=position, visible=visible(OutboxEvent, seen), limit=limit
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
