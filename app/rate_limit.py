"""Rate limits per client (`iss`+`sub`) and per organisation: token buckets in each instance,
kept close to consistent across instances through PostgreSQL without a write per request.

Each bucket holds up to `limit` units and refills at `limit` per minute. A request is admitted
when its client's bucket and its organisation's both hold a unit, or refused with 429
`rate-limited` and `Retry-After` (the seconds until both hold one again). It is charged by cost:
one unit, one more per whole `ILONET_RATE_LIMIT_BYTES_PER_UNIT` of its body (uploads), and
what its route adds once the cost is known (`charge`: each batch item, each started
`ILONET_RATE_LIMIT_TRANSFERS_PER_UNIT` transfers an impact analysis judged). A bucket may go
into debt: the client then waits until it is repaid. Every answer to an authenticated request
states the client's policy and state (draft-ietf-httpapi-ratelimit-headers):
`RateLimit-Policy: "default";q=600;w=60` and `RateLimit: "default";r=<units left>;t=<seconds
until the bucket is full>`.

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

    def take(self, *keys: str, cost: int = 1) -> int | None:
        """Admit a request when each key's bucket holds a unit, and charge it `cost` units
        (a bucket may go into debt): None when admitted, else the seconds to wait."""
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
        self.charge(*keys, cost=cost)
        return None

    def charge(self, *keys: str, cost: int) -> None:
        """Take `cost` more units out of each key's bucket (a cost known after admission)."""
        now = self.clock()
        for key in keys:
            if self._limit(key) > 0 and cost > 0:
                self._refilled(key, now).tokens -= cost
                self._consumed[key] = self._consumed.get(key, 0) + cost

    def status(self, key: str) -> tuple[int, int, int] | None:
        """(limit, units left, seconds until the bucket is full) of a key; None when unlimited."""
        limit = self._limit(key)
        if limit <= 0:
            return None
        bucket = self._refilled(key, self.clock())
        left = max(0, math.floor(bucket.tokens))
        return limit, left, math.ceil(max(0.0, limit - bucket.tokens) * 60.0 / limit)

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


@dataclass(frozen=True, slots=True)
class Costs:
    """What a request costs beyond its unit (settings `rate_limit_*`)."""

    per_batch_item: int = 1
    transfers_per_unit: int = 1000
    bytes_per_unit: int = 262_144

    @classmethod
    def from_settings(cls, settings: Settings) -> Costs:
        return cls(
            settings.rate_limit_cost_per_batch_item,
            settings.rate_limit_transfers_per_unit,
            settings.rate_limit_bytes_per_unit,
        )

    def body(self, size: int) -> int:
        """Each whole block of body bytes (a small body costs nothing beyond its unit)."""
        return max(0, size) // self.bytes_per_unit

    def transfers(self, count: int) -> int:
        return math.ceil(count / self.transfers_per_unit) if count > 0 else 0

    def items(self, count: int) -> int:
        return count * self.per_batch_item


POLICY = "default"
STATE = "ilonet.rate_limit"
# Each figure of the headers is an int64 at most (a quota, units left, seconds), so each header
# has a length the document states (app/routers/header_docs.py).
FIGURE_MAX = 2**63 - 1
POLICY_HEADER_MAX = len(f'"{POLICY}";q={FIGURE_MAX};w=60')
STATE_HEADER_MAX = len(f'"{POLICY}";r={FIGURE_MAX};t={FIGURE_MAX}')


def _figure(value: int) -> int:
    return max(0, min(value, FIGURE_MAX))


def headers(limiter: RateLimiter, key: str) -> list[tuple[bytes, bytes]]:
    """`RateLimit-Policy` and `RateLimit` of a client key (none when it is unlimited)."""
    status = limiter.status(key)
    if status is None:
        return []
    limit, left, reset = (_figure(n) for n in status)
    return [
        (b"ratelimit-policy", f'"{POLICY}";q={limit};w=60'.encode()),
        (b"ratelimit", f'"{POLICY}";r={left};t={reset}'.encode()),
    ]


def response_headers(scope_state: dict[str, Any]) -> list[tuple[bytes, bytes]]:
    """The rate-limit headers of a response, as the request's state left them (for the
    middleware, when the response starts: after every charge of the route)."""
    found = scope_state.get(STATE)
    if found is None:
        return []
    limiter, key = found
    return headers(limiter, key)


def _keys(principal: Principal) -> tuple[str, str]:
    return client_key(principal), organisation_key(principal)


def _body_size(request: Request) -> int:
    length = request.headers.get("content-length", "")
    return int(length) if length.isdigit() else 0


async def enforce(request: Request, principal: CurrentPrincipal) -> None:
    """The dependency of every /v1 route: admitted when the client's and the organisation's
    buckets hold a unit; charged one, and one per whole block of body bytes."""
    limiter: RateLimiter = request.app.state.rate_limiter
    keys = _keys(principal)
    request.scope.setdefault("state", {})[STATE] = (limiter, keys[0])
    wait = limiter.take(*keys, cost=1 + costs(request).body(_body_size(request)))
    if wait is not None:
        raise RateLimited(
            f"Too many requests from this client or organisation; retry after {wait} s.",
            retry_after=wait,
        )


def charge(request: Request, principal: Principal, units: int) -> None:
    """Charge the request's client and organisation `units` more, once its cost is known."""
    limiter: RateLimiter = request.app.state.rate_limiter
    limiter.charge(*_keys(principal), cost=units)


def costs(request: Request) -> Costs:
    return Costs.from_settings(request.app.state.settings)


def charge_items(request: Request, principal: Principal, count: int) -> None:
    """A batch: each item beyond the request's own unit."""
    charge(request, principal, costs(request).items(max(0, count - 1)))


def charge_transfers(request: Request, principal: Principal, count: int) -> None:
    """An impact analysis: each started block of the transfers it judged."""
    charge(request, principal, costs(request).transfers(count))


def charge_bytes(request: Request, principal: Principal, size: int) -> None:
    """An upload path: bytes beyond the body's (e.g. what a file inflates to when read), one
    unit per whole `ILONET_RATE_LIMIT_BYTES_PER_UNIT`."""
    charge(request, principal, costs(request).body(size))


RateLimit = Annotated[None, Depends(enforce)]
