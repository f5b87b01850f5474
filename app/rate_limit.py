"""Rate limits per client (`iss`+`sub`) and per organisation: token buckets in each instance,
kept close to consistent across instances through PostgreSQL without a write per request.

Each bucket holds up to `limit` tokens and refills at `limit` per minute; a request takes one
token from its client's bucket and one from its organisation's, or is refused with 429
`rate-limited` and `Retry-After` (the seconds until both buckets hold a token again).

Every `ILONET_RATE_LIMIT_SYNC_SECONDS` an instance publishes what it consumed since its last
publication (`NOTIFY ilonet_rate_limit`, keys hashed) and takes what the other instances
published out of its own buckets. So across N instances a key gets at most its limit plus what
the other instances let through during one sync interval; nothing is stored, and a restarted
instance starts with full buckets.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import math
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.config import Settings
from app.problems import RateLimited
from app.security import CurrentPrincipal, Principal

log = logging.getLogger("ilonet.rate_limit")
CHANNEL = "ilonet_rate_limit"
_PAYLOAD_BYTES = 7000  # NOTIFY payloads must stay below 8000 bytes


def client_key(principal: Principal) -> str:
    return "c:" + hashlib.sha256(principal.client_key.encode()).hexdigest()[:24]


def organisation_key(principal: Principal) -> str:
    return "o:" + hashlib.sha256(principal.org.encode()).hexdigest()[:24]


@dataclass
class _Bucket:
    tokens: float
    updated: float


@dataclass
class RateLimiter:
    """In-process token buckets; `clock` is injectable (monotonic seconds)."""

    client_per_minute: int
    organisation_per_minute: int
    clock: Callable[[], float] = time.monotonic
    _buckets: dict[str, _Bucket] = field(default_factory=dict)
    _consumed: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Settings) -> RateLimiter:
        return cls(settings.rate_limit_client_per_minute, settings.rate_limit_org_per_minute)

    def _limit(self, key: str) -> int:
        return self.client_per_minute if key.startswith("c:") else self.organisation_per_minute

    def _refilled(self, key: str, now: float) -> _Bucket:
        limit = self._limit(key)
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(float(limit), now)
        bucket.tokens = min(float(limit), bucket.tokens + (now - bucket.updated) * limit / 60.0)
        bucket.updated = now
        return bucket

    def take(self, *keys: str) -> int | None:
        """Take one token from each key's bucket: None when allowed, else the seconds to wait."""
        now = self.clock()
        keys = tuple(k for k in keys if self._limit(k) > 0)
        buckets = [self._refilled(key, now) for key in keys]
        waits = [
            (1.0 - bucket.tokens) * 60.0 / self._limit(key)
            for key, bucket in zip(keys, buckets, strict=True)
            if bucket.tokens < 1.0
        ]
        if waits:
            return max(1, math.ceil(max(waits)))
        for key, bucket in zip(keys, buckets, strict=True):
            bucket.tokens -= 1.0
            self._consumed[key] = self._consumed.get(key, 0) + 1
        return None

    def drain(self) -> dict[str, int]:
        """What this instance consumed since the last drain (to publish)."""
        consumed, self._consumed = self._consumed, {}
        return consumed

    def absorb(self, consumed: dict[str, int]) -> None:
        """Take what other instances consumed out of the local buckets (never below empty)."""
        now = self.clock()
        for key, count in consumed.items():
            if self._limit(key) > 0:
                bucket = self._refilled(key, now)
                bucket.tokens = max(0.0, bucket.tokens - count)

    def forget_full(self) -> None:
        """Drop full buckets, so memory follows the active clients only."""
        now = self.clock()
        for key in [k for k in self._buckets if self._refilled(k, now).tokens >= self._limit(k)]:
            del self._buckets[key]


def payloads(instance: str, consumed: dict[str, int]) -> Iterator[str]:
    """NOTIFY payloads (each below the PostgreSQL limit) carrying `consumed`."""
    chunk: dict[str, int] = {}
    size = 0
    for key, count in consumed.items():
        entry = len(key) + len(str(count)) + 6
        if chunk and size + entry > _PAYLOAD_BYTES:
            yield json.dumps({"i": instance, "c": chunk}, separators=(",", ":"))
            chunk, size = {}, 0
        chunk[key] = count
        size += entry
    if chunk:
        yield json.dumps({"i": instance, "c": chunk}, separators=(",", ":"))


def parse(instance: str, payload: str) -> dict[str, int]:
    """Another instance's consumption from a payload; {} for our own or a malformed one."""
    try:
        data: Any = json.loads(payload)
    except ValueError:
        return {}
    if not isinstance(data, dict) or data.get("i") == instance:
        return {}
    counts = data.get("c")
    if not isinstance(counts, dict):
        return {}
    return {k: v for k, v in counts.items() if isinstance(k, str) and isinstance(v, int) and v > 0}


class Sync:
    """Publishes this instance's consumption and absorbs the others' through LISTEN/NOTIFY."""

    def __init__(self, limiter: RateLimiter, engine: AsyncEngine) -> None:
        self.limiter = limiter
        self.engine = engine
        self.instance = uuid.uuid4().hex

    def on_notify(self, payload: str) -> None:
        self.limiter.absorb(parse(self.instance, payload))

    async def publish(self) -> int:
        consumed = self.limiter.drain()
        if not consumed:
            return 0
        # Autocommit: each NOTIFY is delivered at once, no transaction is left open.
        async with self.engine.connect() as conn:
            auto = await conn.execution_options(isolation_level="AUTOCOMMIT")
            for payload in payloads(self.instance, consumed):
                await auto.execute(select(func.pg_notify(CHANNEL, payload)))
        return len(consumed)

    async def run(self, interval: float) -> None:
        """Listen on a dedicated connection and publish every `interval` seconds until
        cancelled; a lost connection is logged and opened again."""
        while True:
            try:
                async with self.engine.connect() as conn:
                    raw = await conn.get_raw_connection()
                    driver: Any = raw.driver_connection

                    def listener(_c: object, _pid: int, _channel: str, payload: str) -> None:
                        self.on_notify(payload)

                    await driver.add_listener(CHANNEL, listener)
                    try:
                        while True:
                            await asyncio.sleep(interval)
                            await self.publish()
                            self.limiter.forget_full()
                    finally:
                        with contextlib.suppress(Exception):
                            await driver.remove_listener(CHANNEL, listener)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("rate-limit sync failed", extra={"event": "rate_limit.sync"})
                await asyncio.sleep(interval)


async def enforce(request: Request, principal: CurrentPrincipal) -> None:
    """The dependency of every /v1 route: one token per client and per organisation."""
    limiter: RateLimiter = request.app.state.rate_limiter
    wait = limiter.take(client_key(principal), organisation_key(principal))
    if wait is not None:
        raise RateLimited(
            f"Too many requests from this client or organisation; retry after {wait} s.",
            retry_after=wait,
        )


RateLimit = Annotated[None, Depends(enforce)]
