"""What the background work has still to do, for the metrics (reads only)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

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
