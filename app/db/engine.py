"""Database URLs, engines and session factories."""

from __future__ import annotations

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from app.config import APP_DB_ROLE, Settings


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


def make_engine(url: str, *, pool_size: int = 10) -> AsyncEngine:
    return create_async_engine(
        async_url(url),
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        connect_args={"server_settings": {"application_name": "ilonet"}},
    )


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
