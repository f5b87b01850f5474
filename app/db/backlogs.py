"""What the background work has still to do, read into the metrics' gauges (reads only)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from app import metrics

log = logging.getLogger("ilonet.metrics")

# Cheap on a long log: the events past the last sealed one (ids grow with time).
_BACKLOGS = text(
    "SELECT (SELECT count(*) FROM audit_event WHERE id > coalesce("
    "(SELECT event_id FROM audit_seal ORDER BY position DESC LIMIT 1), 0)),"
    " (SELECT count(*) FROM webhook_delivery WHERE status = 'pending')"
)


async def backlogs(engine: AsyncEngine) -> tuple[int, int]:
    """(audit events not sealed yet, webhook deliveries pending)."""
    async with engine.connect() as connection:
        unsealed, pending = (await connection.execute(_BACKLOGS)).one()
    return int(unsealed), int(pending)


async def sample(engine: AsyncEngine) -> None:
    """Refresh the gauges that need the database (sealer lag, webhook backlog) and the pool."""
    pool: Any = engine.pool
    metrics.observe_pool(pool.checkedout(), pool.size())
    metrics.observe_backlogs(*await backlogs(engine))


async def sample_forever(engine: AsyncEngine, interval: float = 5.0) -> None:
    while True:
        try:
            await sample(engine)
        except Exception:
            log.warning("metrics sample failed", extra={"event": "metrics.sample"})
        await asyncio.sleep(interval)
