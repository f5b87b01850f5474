"""Alembic environment (async): runs as the database owner, never as the application role."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from app.db.engine import async_url
from app.models import Base

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    url = config.attributes.get("database_url") or config.get_main_option("sqlalchemy.url")
    if not url:
        from app.config import get_settings

        url = get_settings().database_url
    if not url:
        raise RuntimeError("No database URL: set DATABASE_URL or use `ilonet migrate`.")
    return async_url(str(url))


def _run(connection: Connection) -> None:
    # `serve` applies what is pending in one transaction (`migrate.upgrade_unless_at_head`): one
    # commit instead of one per revision, and a start that fails leaves the schema as it was.
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        compare_server_default=True,
        transaction_per_migration=not config.attributes.get("one_transaction", False),
    )
    with context.begin_transaction():
        context.run_migrations()


# Session-level advisory lock held while migrating: instances that start together on one
# database (`serve --migrate`, `ilonet migrate`) queue behind each other, and each one after the
# first finds the schema at head and does nothing. A crashed migrator's lock ends with its
# connection.
MIGRATION_LOCK = 0x1107_0A1E


async def _run_async() -> None:
    engine = create_async_engine(_url(), poolclass=NullPool)
    try:
        async with engine.connect() as lock:
            await lock.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
            await lock.commit()
            try:
                async with engine.connect() as connection:
                    await connection.run_sync(_run)
                    await connection.commit()
            finally:
                await lock.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
                await lock.commit()
    finally:
        await engine.dispose()


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
    else:
        asyncio.run(_run_async())


if context.is_offline_mode():
    raise RuntimeError("Offline (SQL script) migrations are not supported.")
run()
