"""KEK rotation: re-wrap every stored data key under the active KEK (`ilonet keys rotate`).

Only the wrapped data keys and their KEK ids change, never a ciphertext, a version or an ETag.
The rows are taken in batches with `FOR UPDATE SKIP LOCKED` and each batch commits on its own,
so a rotation runs beside a serving instance without holding a row a request is writing (a row
a request holds is taken by a later batch), can be stopped at any time and resumed, and does
nothing on a second run. Each row's KEK id is stored with its wrapped key: until every row names
the active KEK, the old ones stay configured (ILONET_KEKS) and every record stays readable.

Each committed batch leaves an audit event (`kek.rewrapped`: table, count, KEK ids; nothing
personal).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import InstrumentedAttribute

from app.db import crypto
from app.db.audit import new_event
from app.db.guard import WRITER_OPTION, authorise
from app.keyring import Keyring
from app.models import Officer, ProcessingRecord, WebhookSubscription

SYSTEM_ACTOR: dict[str, Any] = {"iss": "ilonet", "sub": "ilonet-keys-rotate", "roles": []}


@dataclass(frozen=True, slots=True)
class SealedColumns:
    """Where a table keeps a wrapped data key, and the context its key is bound to."""

    table: str
    model: Any
    wrapped: InstrumentedAttribute[Any]
    kek_id: InstrumentedAttribute[Any]
    context: Callable[[uuid.UUID], bytes]


# The contexts are those the services seal with (app/services/officer.py, processing_record.py,
# webhook.py); tests/db/test_rekey.py reads every kind back through the API after a rotation.
SEALED: tuple[SealedColumns, ...] = (
    SealedColumns(
        "officer",
        Officer,
        Officer.contact_wrapped_key,
        Officer.contact_kek_id,
        lambda i: b"officer-contact:" + i.bytes,
    ),
    SealedColumns(
        "processing_record",
        ProcessingRecord,
        ProcessingRecord.wrapped_key,
        ProcessingRecord.kek_id,
        lambda i: i.bytes,
    ),
    SealedColumns(
        "webhook_subscription",
        WebhookSubscription,
        WebhookSubscription.secret_wrapped_key,
        WebhookSubscription.secret_kek_id,
        lambda i: b"webhook-secret:" + i.bytes,
    ),
    # the secret a rotation keeps signing with during its overlap (app/services/webhook_rotation.py)
    SealedColumns(
        "webhook_previous_secret",
        WebhookSubscription,
        WebhookSubscription.previous_secret_wrapped_key,
        WebhookSubscription.previous_secret_kek_id,
        lambda i: b"webhook-secret:" + i.bytes,
    ),
)


def _stale(columns: SealedColumns, keyring: Keyring) -> Any:
    return (columns.kek_id.is_not(None)) & (columns.kek_id != keyring.kek_id)


async def remaining(session: AsyncSession, keyring: Keyring) -> dict[str, int]:
    """How many data keys of each table are not yet wrapped under the active KEK."""
    counts = {}
    for columns in SEALED:
        query = select(func.count()).select_from(columns.model).where(_stale(columns, keyring))
        counts[columns.table] = int(await session.scalar(query) or 0)
    return counts


async def rewrap_batch(
    session: AsyncSession, keyring: Keyring, columns: SealedColumns, *, limit: int
) -> int:
    """Re-wrap up to `limit` data keys of one table, skipping rows others hold; the caller
    commits. Returns how many were re-wrapped."""
    rows = (
        await session.execute(
            select(columns.model.id, columns.wrapped, columns.kek_id, columns.model.organisation)
            .where(_stale(columns, keyring))
            .order_by(columns.model.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    ).all()
    moved: dict[str, dict[str, int]] = {}
    for row_id, wrapped, old_id, organisation in rows:
        new_wrapped = crypto.rewrap(
            wrapped,
            old_kek=keyring.kek_for(old_id),
            old_kek_id=old_id,
            new_kek=keyring.kek,
            new_kek_id=keyring.kek_id,
            context=columns.context(row_id),
        )
        await session.execute(
            update(columns.model)
            .where(columns.model.id == row_id, columns.kek_id == old_id)
            .values({columns.wrapped: new_wrapped, columns.kek_id: keyring.kek_id})
            .execution_options(**{WRITER_OPTION: True})
        )
        by_kek = moved.setdefault(organisation, {})
        by_kek[old_id] = by_kek.get(old_id, 0) + 1
    for organisation, by_kek in sorted(moved.items()):
        event = new_event(
            actor={**SYSTEM_ACTOR, "org": organisation},
            organisation=organisation,
            action="kek.rewrapped",
            outcome="allowed",
            resource_type=columns.table,
            resource_id=None,
            request_id=None,
            details={"count": sum(by_kek.values()), "from": by_kek, "to": keyring.kek_id},
        )
        session.add(authorise(session, event))
    await session.flush()
    return len(rows)


Progress = Callable[[int], None]


async def rotate(
    maker: async_sessionmaker[AsyncSession],
    keyring: Keyring,
    *,
    batch_size: int = 200,
    progress: Progress | None = None,
    max_idle_rounds: int = 50,
    idle_wait_seconds: float = 0.2,
) -> dict[str, int]:
    """Re-wrap every data key under the active KEK, one committed batch at a time.

    Resumable and idempotent: it only ever looks for keys wrapped under another KEK. Rows held
    by running requests are skipped and taken in a later round; it returns when none is left
    (or, after `max_idle_rounds` rounds that found only held rows, with what is left).
    """
    done = dict.fromkeys((c.table for c in SEALED), 0)
    idle = 0
    while True:
        moved = 0
        for columns in SEALED:
            async with maker() as session, session.begin():
                count = await rewrap_batch(session, keyring, columns, limit=batch_size)
            done[columns.table] += count
            moved += count
            if count and progress is not None:
                progress(count)
        if moved:
            idle = 0
            continue
        async with maker() as session:
            left = sum((await remaining(session, keyring)).values())
        if left == 0:
            return done
        idle += 1
        if idle >= max_idle_rounds:
            return done
        await asyncio.sleep(idle_wait_seconds)  # the rows left are held by running requests
