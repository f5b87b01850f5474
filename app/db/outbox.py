"""Reading the change feed in a stable order that never skips a late-committing transaction.

Events are ordered by (txid, id). A reader only returns events of transactions older than the
oldest transaction still in flight (`pg_snapshot_xmin`): any transaction that could still commit
has a txid at or above that horizon, and every later one a larger txid, so nothing can appear
behind a position once a reader has passed it.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import OutboxEvent

_XMIN = text("pg_snapshot_xmin(pg_current_snapshot())::text::bigint")


def encode_position(txid: int, event_id: int) -> str:
    return f"{txid}-{event_id}"


def decode_position(position: str) -> tuple[int, int]:
    txid, event_id = position.split("-", 1)
    return int(txid), int(event_id)


async def read_after(
    session: AsyncSession,
    *,
    after: tuple[int, int] | None,
    visible: ColumnElement[bool],
    limit: int,
) -> Sequence[OutboxEvent]:
    query = select(OutboxEvent).where(OutboxEvent.txid < _XMIN, visible)
    if after is not None:
        query = query.where(
            func.row(OutboxEvent.txid, OutboxEvent.id) > func.row(after[0], after[1])
        )
    return (
        await session.scalars(query.order_by(OutboxEvent.txid, OutboxEvent.id).limit(limit))
    ).all()
