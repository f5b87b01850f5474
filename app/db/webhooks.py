"""Bookkeeping of webhook delivery: the feed position of each subscription and its deliveries.

Like the idempotency store and the audit seals, these rows are the machinery of an already
decided thing, not a guarded resource: the subscription itself is created and deleted through
the Writer (decided, audited, on the feed); fanning its events out and recording each attempt
asks no policy question (what a subscription may see was fixed when it was decided) and carries
no personal data. So they are written here, in app/db, and not through the Writer, which would
add an audit event (and a feed event, which would be fanned out again) for every attempt.

Sending holds no transaction across the HTTP requests (an open one would hold back the horizon
the audit sealer and the change feed wait on): deliveries are claimed under a lease in one short
committed transaction, and their outcomes stored in another.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import BigInteger, Text, cast, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.db.guard import WRITER_OPTION
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


# --- sending under a lease ----------------------------------------------------------------------

Claimed = tuple[WebhookDelivery, WebhookSubscription, OutboxEvent]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one claimed delivery: the columns to set, and the subscription to mark
    failing when this was its last attempt."""

    delivery_id: uuid.UUID
    changes: Mapping[str, Any]
    failing: uuid.UUID | None = None


async def claim_due(
    maker: async_sessionmaker[AsyncSession],
    *,
    now: datetime,
    lease_seconds: float,
    limit: int,
    token: uuid.UUID,
) -> list[Claimed]:
    """Lease up to `limit` due deliveries to `token`, in a transaction of their own, committed.

    Due: pending, `next_attempt_at` passed, and no lease or an expired one (its sender crashed
    or gave up). SKIP LOCKED lets concurrent senders claim disjoint batches without waiting;
    once committed, the lease (not a lock) keeps other senders off, so the requests run with
    no transaction open. The rows come back detached, read in the same transaction.
    """
    due = (
        select(WebhookDelivery.id)
        .where(
            WebhookDelivery.status == "pending",
            WebhookDelivery.next_attempt_at <= now,
            or_(WebhookDelivery.leased_until.is_(None), WebhookDelivery.leased_until <= now),
            # Nothing is sent to a subscription marked failing until its owner enables it.
            WebhookDelivery.subscription_id.in_(
                select(WebhookSubscription.id).where(WebhookSubscription.failing_since.is_(None))
            ),
        )
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .cte("due")
    )
    async with maker() as session, session.begin():
        await session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id == due.c.id)
            .values(leased_until=now + timedelta(seconds=lease_seconds), lease_token=token)
            .execution_options(**{WRITER_OPTION: True, "synchronize_session": False})
        )
        rows = (
            await session.execute(
                select(WebhookDelivery, WebhookSubscription, OutboxEvent)
                .join(
                    WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id
                )
                .join(OutboxEvent, OutboxEvent.id == WebhookDelivery.outbox_event_id)
                .where(WebhookDelivery.lease_token == token, WebhookDelivery.status == "pending")
                .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
            )
        ).all()
        session.expunge_all()
    return [(delivery, subscription, event) for delivery, subscription, event in rows]


async def record_outcomes(
    maker: async_sessionmaker[AsyncSession], *, token: uuid.UUID, outcomes: Sequence[Outcome]
) -> set[uuid.UUID]:
    """Store outcomes of deliveries leased to `token`, in one short transaction, and end the
    lease; returns the deliveries recorded. A delivery whose lease was taken over (it expired
    and another sender claimed it) is left to that sender: its outcome is not ours to store.
    """
    recorded: set[uuid.UUID] = set()
    if not outcomes:
        return recorded
    async with maker() as session, session.begin():
        for outcome in outcomes:
            result = await session.execute(
                update(WebhookDelivery)
                .where(
                    WebhookDelivery.id == outcome.delivery_id,
                    WebhookDelivery.lease_token == token,
                    WebhookDelivery.status == "pending",
                )
                .values(**outcome.changes, leased_until=None, lease_token=None)
                .returning(WebhookDelivery.id)
                .execution_options(**{WRITER_OPTION: True, "synchronize_session": False})
            )
            done = result.scalars().all()
            recorded.update(done)
            if done and outcome.failing is not None:
                # The version stays: this is delivery bookkeeping, not the owner's change.
                await session.execute(
                    update(WebhookSubscription)
                    .where(
                        WebhookSubscription.id == outcome.failing,
                        WebhookSubscription.failing_since.is_(None),
                    )
                    .values(failing_since=func.now())
                    .execution_options(**{WRITER_OPTION: True, "synchronize_session": False})
                )
    return recorded


async def purge_deliveries(session: AsyncSession, *, before: datetime, limit: int) -> int:
    """Delete up to `limit` delivered or failed deliveries queued before `before`, in one
    statement: SKIP LOCKED leaves rows another instance is deleting (or sending) to it, so each
    row is purged once, by one instance, and no instance waits for another."""
    old = (
        select(WebhookDelivery.id)
        .where(
            WebhookDelivery.status.in_(("delivered", "failed")),
            WebhookDelivery.created_at < before,
        )
        .limit(limit)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    result = await session.execute(
        delete(WebhookDelivery)
        .where(WebhookDelivery.id.in_(old))
        .returning(WebhookDelivery.id)
        .execution_options(**{WRITER_OPTION: True, "synchronize_session": False})
    )
    return len(result.all())
