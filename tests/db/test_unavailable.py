"""A database that cannot be reached is a 503 `/problems/service-unavailable` with Retry-After,
within the configured bounds: no pooled connection in time, a connect that times out, the
connection dropped mid-request (also while a denial's audit event is being committed).

The outage drill (tests/drills/test_outage.py) does the same with a real server and a real
PostgreSQL stopped under load; these pin each path in-process.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.config import Settings
from app.db import audit, denial_audit
from app.db.engine import database_unavailable, make_engine, make_sessionmaker
from app.db.session import ReadSession
from app.main import create_app
from tests.conftest import FreshDatabase, Postgres
from tests.factories import Auth, create_record, deployed_ilo

BOUND = 0.5  # seconds: the connect and pool timeouts these tests configure


def _is_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "/problems/service-unavailable"
    assert body["detail"] == "The database cannot be reached; retry the request later."
    assert response.headers["retry-after"] == "7"
    assert response.headers["x-request-id"]


@pytest.fixture
def bounded(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "db_connect_timeout_seconds": BOUND,
            "db_pool_timeout_seconds": BOUND,
            "db_retry_after_seconds": 7,
        }
    )


async def _client(app: FastAPI, engine: AsyncEngine) -> httpx.AsyncClient:
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


async def test_no_pooled_connection_in_time_is_503(
    bounded: Settings, fresh_db: FreshDatabase, auth: Auth
) -> None:
    engine = make_engine(fresh_db.app_url, pool_size=1, settings=bounded)
    held = [await engine.connect(), await engine.connect()]  # pool_size + max_overflow
    try:
        async with await _client(create_app(bounded), engine) as client:
            started = time.monotonic()
            response = await client.get("/v1/organisations/NL", headers=auth("NL"))
            elapsed = time.monotonic() - started
        _is_unavailable(response)
        assert BOUND <= elapsed < BOUND + 2
    finally:
        for connection in held:
            await connection.close()
        await engine.dispose()


@pytest.fixture
async def silent_port() -> AsyncIterator[int]:
    """A TCP port that accepts connections and never answers (a hung database host)."""
    peers: list[asyncio.StreamWriter] = []

    async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peers.append(writer)

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    port: int = server.sockets[0].getsockname()[1]
    yield port
    for writer in peers:
        writer.close()
    server.close()
    await server.wait_closed()


async def test_a_connect_that_times_out_is_503(
    bounded: Settings, silent_port: int, auth: Auth
) -> None:
    engine = make_engine(
        f"postgresql://ilonet_app@127.0.0.1:{silent_port}/ilonet", settings=bounded
    )
    try:
        async with await _client(create_app(bounded), engine) as client:
            started = time.monotonic()
            response = await client.get("/v1/organisations/NL", headers=auth("NL"))
            elapsed = time.monotonic() - started
        _is_unavailable(response)
        assert BOUND <= elapsed < BOUND + 2
    finally:
        await engine.dispose()


async def _terminate_own_backend(postgres: Postgres, session: AsyncSession) -> None:
    """Drop the session's connection from the server side, as a database shutdown does."""
    pid = await session.scalar(text("SELECT pg_backend_pid()"))
    await postgres.admin(f"SELECT pg_terminate_backend({int(pid)})")


async def test_the_connection_dropped_mid_request_is_503_and_nothing_is_written(
    bounded: Settings,
    fresh_db: FreshDatabase,
    postgres: Postgres,
    auth: Auth,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = make_engine(fresh_db.app_url, settings=bounded)
    try:
        async with await _client(create_app(bounded), engine) as client:
            ilo = await deployed_ilo(client, auth)
            real_commit = AsyncSession.commit

            async def dropped_commit(self: AsyncSession) -> None:
                await _terminate_own_backend(postgres, self)
                await real_commit(self)

            monkeypatch.setattr(AsyncSession, "commit", dropped_commit)
            response = await client.post(
                "/v1/authorities",
                json={"organisation": "NL", "name": "Dropped", "authority_kind": "police"},
                headers=auth("NL"),
            )
            monkeypatch.undo()
        _is_unavailable(response)
        owner = await asyncpg.connect(fresh_db.owner_url)
        try:
            names = [r["name"] for r in await owner.fetch("SELECT name FROM authority")]
        finally:
            await owner.close()
        assert "Dropped" not in names
        assert ilo.authority_id  # the set-up before the drop was committed
    finally:
        await engine.dispose()


async def test_a_denial_whose_audit_commit_fails_is_503_not_500(
    bounded: Settings,
    fresh_db: FreshDatabase,
    postgres: Postgres,
    auth: Auth,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = make_engine(fresh_db.app_url, settings=bounded)
    try:
        async with await _client(create_app(bounded), engine) as client:
            ilo = await deployed_ilo(client, auth)
            record = await create_record(client, ilo)
            calls: list[str] = []

            async def record_then_drop(session: AsyncSession, *args: Any) -> None:
                calls.append("record_denial")
                await audit.record_denial(session, *args)
                await _terminate_own_backend(postgres, session)

            monkeypatch.setattr(denial_audit, "record_denial", record_then_drop)
            # an existing record of another organisation: a denial audited at once
            foreign = await client.get(
                f"/v1/processing-records/{record['id']}", headers=auth("FR", ["dpo"])
            )
            monkeypatch.undo()
            assert calls == ["record_denial"], "the 404 is a denial that is audited"
            _is_unavailable(foreign)
            # The server answers again once the database does: the next denial is a 404.
            again = await client.get(
                f"/v1/processing-records/{record['id']}", headers=auth("FR", ["dpo"])
            )
        assert again.status_code == 404, again.text
    finally:
        await engine.dispose()


async def test_too_many_connections_is_503(
    bounded: Settings, fresh_db: FreshDatabase, postgres: Postgres, auth: Auth
) -> None:
    await postgres.admin(f'ALTER DATABASE "{fresh_db.name}" CONNECTION LIMIT 0')
    engine = make_engine(fresh_db.app_url, settings=bounded)
    try:
        async with await _client(create_app(bounded), engine) as client:
            response = await client.get("/v1/organisations/NL", headers=auth("NL"))
        _is_unavailable(response)
    finally:
        await engine.dispose()


async def test_a_database_error_of_another_kind_is_still_a_500(app: FastAPI) -> None:
    async def divide(session: ReadSession) -> None:
        await session.execute(text("SELECT 1 / 0"))

    app.add_api_route("/v1/divide", divide)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        response = await c.get("/v1/divide")
    assert response.status_code == 500, response.text
    assert response.json()["type"] == "/problems/internal-error"
    assert "division" not in response.text
    assert "retry-after" not in response.headers


async def test_every_api_connection_bounds_statements_and_idle_transactions(
    settings: Settings, fresh_db: FreshDatabase
) -> None:
    configured = settings.model_copy(
        update={"db_statement_timeout_ms": 1500, "db_idle_in_transaction_timeout_ms": 2500}
    )
    engine = make_engine(fresh_db.app_url, settings=configured)
    try:
        async with engine.connect() as connection:
            shown = [
                (await connection.execute(text(f"SHOW {name}"))).scalar_one()
                for name in ("statement_timeout", "idle_in_transaction_session_timeout")
            ]
        assert shown == ["1500ms", "2500ms"]
    finally:
        await engine.dispose()


async def test_a_statement_past_the_timeout_is_cancelled_and_counts_as_unavailable(
    settings: Settings, fresh_db: FreshDatabase
) -> None:
    configured = settings.model_copy(update={"db_statement_timeout_ms": 100})
    engine = make_engine(fresh_db.app_url, settings=configured)
    try:
        async with engine.connect() as connection:
            with pytest.raises(DBAPIError, match="statement timeout") as raised:
                await connection.execute(text("SELECT pg_sleep(30)"))
        assert database_unavailable(raised.value)
    finally:
        await engine.dispose()
