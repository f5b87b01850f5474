"""Rate limits per client and per organisation: token buckets with an injected clock, the 429
problem with Retry-After, and the consumption instances share through LISTEN/NOTIFY."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.config import Settings
from app.main import create_app
from app.models import AuditEvent
from app.rate_limit import CHANNEL, RateLimiter, Sync, parse, payloads

Auth = Callable[..., dict[str, str]]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_client_gets_its_limit_then_waits_for_a_token() -> None:
    clock = Clock()
    limiter = RateLimiter(client_per_minute=3, organisation_per_minute=100, clock=clock)
    assert [limiter.take("c:a", "o:nl") for _ in range(3)] == [None, None, None]
    assert limiter.take("c:a", "o:nl") == 20  # one token every 60/3 s
    clock.now += 19.5
    assert limiter.take("c:a", "o:nl") == 1
    clock.now += 0.5
    assert limiter.take("c:a", "o:nl") is None
    assert limiter.take("c:b", "o:nl") is None  # another client has its own bucket


def test_an_organisation_limit_covers_all_its_clients() -> None:
    limiter = RateLimiter(client_per_minute=100, organisation_per_minute=4, clock=Clock())
    allowed = [limiter.take(f"c:{n}", "o:nl") for n in range(4)]
    assert allowed == [None] * 4
    assert limiter.take("c:new", "o:nl") == 15
    assert limiter.take("c:new", "o:fr") is None
    # A refused request takes no token: the client's bucket is still full.
    assert limiter.drain() == {
        "c:0": 1,
        "c:1": 1,
        "c:2": 1,
        "c:3": 1,
        "o:nl": 4,
        "c:new": 1,
        "o:fr": 1,
    }


def test_zero_turns_a_limit_off() -> None:
    limiter = RateLimiter(client_per_minute=0, organisation_per_minute=0, clock=Clock())
    assert all(limiter.take("c:a", "o:nl") is None for _ in range(10_000))


def test_instances_take_each_others_consumption_out_of_their_buckets() -> None:
    clock = Clock()
    one = RateLimiter(client_per_minute=5, organisation_per_minute=100, clock=clock)
    two = RateLimiter(client_per_minute=5, organisation_per_minute=100, clock=clock)
    for _ in range(4):
        assert one.take("c:a", "o:nl") is None
    messages = list(payloads("one", one.drain()))
    assert one.drain() == {}
    for message in messages:
        assert parse("two", message) == {"c:a": 4, "o:nl": 4}
        assert parse("one", message) == {}  # an instance ignores its own publication
        two.absorb(parse("two", message))
    assert two.take("c:a", "o:nl") is None
    assert two.take("c:a", "o:nl") == 12


def test_large_consumption_is_split_below_the_notify_limit() -> None:
    consumed = {f"c:{n:024d}": n + 1 for n in range(2000)}
    messages = list(payloads("one", consumed))
    assert len(messages) > 1
    assert all(len(m.encode()) < 8000 for m in messages)
    merged: dict[str, int] = {}
    for message in messages:
        merged.update(parse("two", message))
    assert merged == consumed
    assert parse("two", "not json") == {}
    assert parse("two", '{"i": "x", "c": {"c:a": -3, "c:b": "1"}}') == {}


@pytest.fixture
def limited_app(
    settings: Settings, app_engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> tuple[FastAPI, Clock]:
    application = create_app(settings)
    application.state.engine = app_engine
    application.state.sessionmaker = sessionmaker
    clock = Clock()
    application.state.rate_limiter = RateLimiter(2, 3, clock=clock)
    return application, clock


async def test_429_problem_with_retry_after(
    limited_app: tuple[FastAPI, Clock], auth: Auth, session: AsyncSession
) -> None:
    application, clock = limited_app
    transport = httpx.ASGITransport(app=application)
    events_before = await session.scalar(select(func.count()).select_from(AuditEvent))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        nl = auth("NL", ["deploying_authority"], sub="nl-1")
        assert (await client.get("/v1/organisations/NL", headers=nl)).status_code == 200
        assert (await client.get("/v1/organisations/NL", headers=nl)).status_code == 200
        refused = await client.get("/v1/organisations/NL", headers=nl)
        assert refused.status_code == 429
        assert refused.headers["Retry-After"] == "30"
        assert refused.headers["content-type"] == "application/problem+json"
        body = refused.json()
        assert body["type"] == "/problems/rate-limited"
        assert body["status"] == 429
        assert body["instance"] == "/v1/organisations/NL"
        # Another client of NL takes the organisation's last token, then NL is out.
        other = auth("NL", ["deploying_authority"], sub="nl-2")
        assert (await client.get("/v1/organisations/NL", headers=other)).status_code == 200
        assert (await client.get("/v1/organisations/NL", headers=other)).status_code == 429
        # Health probes and unauthenticated calls are not counted.
        assert (await client.get("/healthz")).status_code == 200
        assert (await client.get("/v1/organisations/NL")).status_code == 401
        clock.now += 30
        assert (await client.get("/v1/organisations/NL", headers=nl)).status_code == 200
    # Refused requests touched no data and wrote no audit event.
    assert await session.scalar(select(func.count()).select_from(AuditEvent)) == events_before


async def test_sync_publishes_through_postgresql(app_engine: AsyncEngine) -> None:
    clock = Clock()
    sender = Sync(RateLimiter(10, 100, clock=clock), app_engine)
    receiver = Sync(RateLimiter(10, 100, clock=clock), app_engine)
    heard = asyncio.Event()
    async with app_engine.connect() as conn:
        raw = await conn.get_raw_connection()
        driver = raw.driver_connection
        assert driver is not None

        def listener(_c: object, _pid: int, _channel: str, payload: str) -> None:
            receiver.on_notify(payload)
            heard.set()

        await driver.add_listener(CHANNEL, listener)
        try:
            for _ in range(7):
                assert sender.limiter.take("c:a", "o:nl") is None
            assert await sender.publish() == 2
            await asyncio.wait_for(heard.wait(), timeout=30)
        finally:
            await driver.remove_listener(CHANNEL, listener)
    assert [receiver.limiter.take("c:a", "o:nl") for _ in range(4)] == [None, None, None, 6]
    assert await sender.publish() == 0  # nothing new to publish
