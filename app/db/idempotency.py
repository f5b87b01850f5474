"""Idempotency-Key storage: lock, look up, and store first responses in the write's transaction.

A transaction-scoped advisory lock per (client, key) tells a retry that arrives while the first
request is still running (409) from one that arrives after it committed (replay). The stored
response is the first one byte for byte; responses of personal-data writes carry no subject data,
so nothing stored here needs erasing. What a key remembers of its request is
app/request_fingerprint.py's.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.guard import WRITER_OPTION
from app.models import IdempotencyKey


@dataclass(frozen=True, slots=True)
class StoredResponse:
    status: int
    headers: dict[str, str]
    body: bytes


def lock_key(client: str, key: str) -> int:
    digest = hashlib.sha256(f"{client}\n{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


async def try_lock(session: AsyncSession, client: str, key: str) -> bool:
    return bool(await session.scalar(select(func.pg_try_advisory_xact_lock(lock_key(client, key)))))


async def find(session: AsyncSession, client: str, key: str) -> IdempotencyKey | None:
    return await session.scalar(
        select(IdempotencyKey).where(
            IdempotencyKey.client == client,
            IdempotencyKey.key == key,
            IdempotencyKey.expires_at > func.now(),
        )
    )


async def store(
    session: AsyncSession,
    *,
    client: str,
    key: str,
    fingerprint: str,
    method: str,
    path: str,
    response: StoredResponse,
    ttl: timedelta,
) -> None:
    values: dict[str, Any] = {
        "client": client,
        "key": key,
        "request_hash": fingerprint,
        "method": method,
        "path": path,
        "status": response.status,
        "headers": response.headers,
        "body": response.body,
        "expires_at": datetime.now(UTC) + ttl,
    }
    statement = insert(IdempotencyKey).values(values)
    # An expired key may be reused: its old row is replaced.
    statement = statement.on_conflict_do_update(
        index_elements=[IdempotencyKey.client, IdempotencyKey.key],
        set_={k: statement.excluded[k] for k in values if k not in ("client", "key")},
    )
    await session.execute(statement.execution_options(**{WRITER_OPTION: True}))


async def purge_expired(session: AsyncSession) -> int:
    result = await session.execute(
        delete(IdempotencyKey)
        .where(IdempotencyKey.expires_at <= func.now())
        .execution_options(**{WRITER_OPTION: True})
    )
    return int(getattr(result, "rowcount", 0) or 0)
