"""Rate limits per client and per organisation: token buckets with an injected clock, the 429
problem with Retry-After, and the consumption instances share through LISTEN/NOTIFY."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.config import Settings
from app.main import create_app
from app.models import AuditEvent
from app.rate_limit import CHANNEL, Costs, RateLimiter, Sync, parse, payloads

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
        first = await client.get("/v1/organisations/NL", headers=nl)
        assert first.status_code == 200
        assert first.headers["RateLimit-Policy"] == '"default";q=2;w=60'
        assert first.headers["RateLimit"] == '"default";r=1;t=30'
        assert (await client.get("/v1/organisations/NL", headers=nl)).status_code == 200
        refused = await client.get("/v1/organisations/NL", headers=nl)
        assert refused.status_code == 429
        assert refused.headers["Retry-After"] == "30"
        assert refused.headers["RateLimit-Policy"] == '"default";q=2;w=60'
        assert refused.headers["RateLimit"] == '"default";r=0;t=60'
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


def test_a_request_is_admitted_on_one_unit_and_charged_its_cost_into_debt() -> None:
    clock = Clock()
    limiter = RateLimiter(client_per_minute=60, organisation_per_minute=1000, clock=clock)
    assert limiter.take("c:a", "o:nl", cost=100) is None  # admitted: the bucket held a unit
    assert limiter.status("c:a") == (60, 0, 100)  # 40 in debt: 100 units to refill, 100 s
    assert limiter.take("c:a", "o:nl") == 41  # until the debt is repaid and a unit is back
    clock.now += 41
    assert limiter.take("c:a", "o:nl") is None
    limiter.charge("c:a", "o:nl", cost=5)
    assert limiter.drain() == {"c:a": 106, "o:nl": 106}
    assert RateLimiter(0, 0, clock=clock).status("c:a") is None


def test_costs_by_items_transfers_and_bytes() -> None:
    costs = Costs(per_batch_item=1, transfers_per_unit=1000, bytes_per_unit=262_144)
    assert (costs.items(500), costs.transfers(100_000), costs.transfers(1)) == (500, 100, 1)
    assert (costs.body(0), costs.body(262_143), costs.body(16 * 1_048_576)) == (0, 0, 64)


async def test_a_batch_and_an_impact_analysis_are_charged_by_their_size(
    limited_app: tuple[FastAPI, Clock], auth: Auth
) -> None:
    application, clock = limited_app
    application.state.rate_limiter = RateLimiter(600, 3000, clock=clock)
    transport = httpx.ASGITransport(app=application)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        com = auth("COM", ["reference_admin"])
        change = {"kind": "adequacy_ended", "adequacy_decision_id": "2021/1772", "on": "2027-01-01"}
        analysed = await client.post("/v1/reference/impact", json={"change": change}, headers=com)
        assert analysed.status_code == 200, analysed.text
        assert analysed.headers["RateLimit"] == '"default";r=599;t=1'  # no transfer judged
        nl = auth("NL", ["deploying_authority"], sub="nl-batch")
        items = [{"authority_id": str(uuid.uuid4()), "surname": "X", "given_names": "Y"}] * 50
        batch = await client.post(
            "/v1/officers:batch?dry_run=true", json={"items": items}, headers=nl
        )
        # one unit for the request (a body under 256 KiB adds none), one per further item
        assert batch.headers["RateLimit"] == '"default";r=550;t=5', batch.text
