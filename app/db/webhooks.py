"""Bookkeeping of webhook delivery: the feed position of each subscription and its deliveries.

Like the idempotency store and the audit seals, these rows are the machinery of an already
decided thing, not a guarded resource: the subscription itself is created and deleted through
the Writer (decided, audited, on the feed); fanning its events out and recording each attempt
asks no policy question (what a subscription may see was fixed when it was decided) and carries
no personal data. So they are written here, in app/db, and not through the Writer, which would
add an audit event (and a feed event, which would be fanned out again) for every attempt.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Text, cast, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.guard import WRITER_OPTION, authorise
from app.models import OutboxEvent, WebhookDelivery, WebhookSubscription

_XMIN = cast(cast(func.pg_snapshot_xmin(func.pg_current_snapshot()), Text), BigInteger)


async def current_horizon(session: AsyncSession) -> tuple[int, int]:
    """The feed position just before every transaction still in flight or yet to start.

    A subscription starting here gets every event of a transaction that commits from now on
    (its own creation's included) and none committed before.
    """
    xmin = await session.scalar(select(_XMIN))
    assert xmin is not None
    return int(xmin), 0


async def enqueue(
    session: AsyncSession,
    subscription: WebhookSubscription,
    events: Sequence[OutboxEvent],
    *,
    position: tuple[int, int],
    now: datetime,
) -> int:
    """Queue `events` for `subscription` and advance its position to `position`.

    A (subscription, event) pair is queued at most once, whatever happens to positions.
    """
    inserted = 0
    if events:
        statement = (
            insert(WebhookDelivery)
            .values(
                [
                    {
                        "id": uuid.uuid4(),
                        "subscription_id": subscription.id,
                        "outbox_event_id": event.id,
                        "event_type": event.type,
                        "attempts": 0,
                        "next_attempt_at": now,
                        "status": "pending",
                    }
                    for event in events
                ]
            )
            .on_conflict_do_nothing(
                index_elements=[WebhookDelivery.subscription_id, WebhookDelivery.outbox_event_id]
            )
            .returning(WebhookDelivery.id)
        )
        result = await session.execute(statement.execution_options(**{WRITER_OPTION: True}))
        inserted = len(result.all())
    # The position is bookkeeping, not a change of the subscription: its version stays.
    await session.execute(
        update(WebhookSubscription)
        .where(WebhookSubscription.id == subscription.id)
        .values(position_txid=position[0], position_id=position[1])
        .execution_options(**{WRITER_OPTION: True, "synchronize_session": False})
    )
    return inserted


async def record_attempt(
    session: AsyncSession, delivery: WebhookDelivery, changes: Mapping[str, Any]
) -> None:
    """Store the outcome of one attempt on a delivery the caller has locked."""
    for name, value in changes.items():
        setattr(delivery, name, value)
    authorise(session, delivery)
    await session.flush()
