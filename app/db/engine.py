"""Database URLs, engines and session factories, and what counts as "the database is gone"."""

from __future__ import annotations

import asyncpg
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from app.config import APP_DB_ROLE, Settings

# SQLSTATEs of a server that cannot serve us now: class 08 (connection exception), 53
# (insufficient resources: too many connections, out of memory or disk), the three shutdowns,
# and a statement cancelled by statement_timeout (57014): the database could not answer in time.
_UNAVAILABLE_CLASSES = ("08", "53")
_UNAVAILABLE_STATES = ("57P01", "57P02", "57P03", "57014")


def async_url(url: str) -> str:
    """Any postgres URL, with the asyncpg driver."""
    parsed = make_url(url)
    return parsed.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)


def app_url(settings: Settings, owner_url: str) -> str:
    """The application's own connection: a role that owns nothing (see the first migration)."""
    if settings.app_database_url:
        return async_url(settings.app_database_url)
    parsed = make_url(async_url(owner_url))
    return parsed.set(username=APP_DB_ROLE, password=None).render_as_string(hide_password=False)


def make_engine(
    url: str, *, pool_size: int | None = None, settings: Settings | None = None
) -> AsyncEngine:
    """An engine whose every wait is bounded: connecting (`db_connect_timeout_seconds`), waiting
    for a pooled connection (`db_pool_timeout_seconds`), one statement
    (`db_statement_timeout_ms`) and a transaction left idle (`db_idle_in_transaction_timeout_ms`),
    so an unreachable or overloaded database fails a request within bounds (a 503, see
    app/problems.py) instead of holding it."""
    settings = settings or Settings()
    size = pool_size if pool_size is not None else settings.db_pool_size
    return create_async_engine(
        async_url(url),
        pool_size=size,
        max_overflow=settings.db_max_overflow if pool_size is None else size,
        # No pre-ping round trip per checkout: a connection that died (a restarted server) fails
        # its statement, SQLAlchemy invalidates the pool, and the request is a 503 that the
        # client retries (tests/drills/test_outage.py).
        pool_pre_ping=False,
        pool_timeout=settings.db_pool_timeout_seconds,
        connect_args={
            "timeout": settings.db_connect_timeout_seconds,
            "server_settings": session_settings(settings),
        },
    )


def session_settings(settings: Settings) -> dict[str, str]:
    """PostgreSQL settings of every application connection."""
    return {
        "application_name": "ilonet",
        "statement_timeout": str(settings.db_statement_timeout_ms),
        "idle_in_transaction_session_timeout": str(settings.db_idle_in_transaction_timeout_ms),
    }


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


def _causes(error: BaseException) -> list[BaseException]:
    """The error, the driver error SQLAlchemy wrapped, and their explicit causes (bounded)."""
    seen: list[BaseException] = []
    pending: list[BaseException | None] = [error]
    while pending and len(seen) < 16:
        current = pending.pop()
        if current is None or any(current is s for s in seen):
            continue
        seen.append(current)
        orig = getattr(current, "orig", None)
        pending += [
            orig if isinstance(orig, BaseException) else None,
            current.__cause__,
        ]
    return seen


def database_unavailable(error: BaseException) -> bool:
    """True when `error` means the database cannot be reached now (a retry later may succeed):
    refused or timed-out connects, a connection dropped mid-request, a server shutting down or
    out of connections, no pooled connection within the pool timeout."""
    for cause in _causes(error):
        if isinstance(cause, sa_exc.TimeoutError):  # pool checkout timeout
            return True
        if isinstance(cause, sa_exc.DBAPIError) and cause.connection_invalidated:
            return True
        if isinstance(cause, (OSError, TimeoutError)):  # refused, no socket, connect timeout
            return True
        if isinstance(cause, asyncpg.PostgresError):
            state = str(getattr(cause, "sqlstate", "") or "")
            if state[:2] in _UNAVAILABLE_CLASSES or state in _UNAVAILABLE_STATES:
                return True
    return False
