"""Near-static data (participants, transfer reference data) cached per engine, revalidated cheaply.

A transfer decision needs every adequacy decision and transfer instrument and their digest; a
deployment decision needs the participants. Both change rarely, so each engine keeps the last
loaded value with the *stamp* it was loaded under, and a reader compares stamps instead of
reloading rows and re-hashing them:

- reference data: one aggregate query (`STAMP`: row count, sum of versions and latest
  `updated_at` of both tables, and a digest of the participant rows) read in the caller's own
  transaction, so what it gets matches its snapshot on every instance: a create adds a row, a
  replace bumps a version and `updated_at`, a deletion drops a row, whichever instance did it;
- participants: rows that only migrations write (app/db/guard.py refuses any other write), so
  their cache lives as long as the engine, and is dropped whenever a reference stamp shows that
  their digest changed (every transfer decision reads it).
"""

from __future__ import annotations

import weakref
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")

STAMP = text(
    "SELECT (SELECT count(*)::text || ':' || coalesce(sum(version), 0)::text || ':'"
    " || coalesce(max(updated_at)::text, '') FROM adequacy_decision)"
    " || '|' || (SELECT count(*)::text || ':' || coalesce(sum(version), 0)::text || ':'"
    " || coalesce(max(updated_at)::text, '') FROM transfer_instrument),"
    " (SELECT count(*)::text || ':' || coalesce(md5(string_agg("
    "code || ':' || kind || ':' || bound_by_regulation::text, ',' ORDER BY code)), '')"
    " FROM organisation)"
)

_CACHES: weakref.WeakKeyDictionary[Engine, dict[str, tuple[str, Any]]] = weakref.WeakKeyDictionary()


def _cache(session: AsyncSession) -> dict[str, tuple[str, Any]]:
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    return _CACHES.setdefault(engine, {})


async def reference_stamp(session: AsyncSession) -> str:
    """The stamp of the reference data in the session's snapshot; drops stale participants."""
    row = (await session.execute(STAMP)).one()
    cache = _cache(session)
    participants = cache.get("participants")
    if participants is not None and participants[0] not in ("", row[1]):
        cache.pop("participants", None)
    if participants is not None and participants[0] == "":
        cache["participants"] = (str(row[1]), participants[1])
    return f"{row[0]}|{row[1]}"


async def cached(
    session: AsyncSession, name: str, stamp: str, load: Callable[[], Awaitable[T]]
) -> T:
    """The value cached under `name` if it was loaded under `stamp`, else `load()` (kept)."""
    cache = _cache(session)
    hit = cache.get(name)
    if hit is not None and hit[0] == stamp:
        value: T = hit[1]
        return value
    loaded = await load()
    cache[name] = (stamp, loaded)
    return loaded


async def migration_owned(session: AsyncSession, name: str, load: Callable[[], Awaitable[T]]) -> T:
    """A value of rows only migrations write: cached for the engine's life (see above)."""
    cache = _cache(session)
    hit = cache.get(name)
    if hit is not None:
        value: T = hit[1]
        return value
    loaded = await load()
    cache.setdefault(name, ("", loaded))
    return loaded


def forget(session: AsyncSession) -> None:
    """Drop everything cached for the session's engine (tests, after editing rows directly)."""
    _cache(session).clear()
