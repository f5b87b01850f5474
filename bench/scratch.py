"""A scratch embedded PostgreSQL for a benchmark: started in a temporary directory with one empty
database, stopped and removed afterwards, whatever the run does."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import asyncpg

from app.db.embedded import EmbeddedPostgres

T = TypeVar("T")


def on_scratch_database(
    prefix: str, database: str, run: Callable[[EmbeddedPostgres], Awaitable[T]]
) -> T:
    """`run(server)` against a fresh cluster in which `database` exists (and is empty)."""
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    server = EmbeddedPostgres(workdir / "pgdata")
    try:
        server.start()

        async def go() -> T:
            c = await asyncpg.connect(server.url())
            try:
                await c.execute(f'CREATE DATABASE "{database}"')
            finally:
                await c.close()
            return await run(server)

        return asyncio.run(go())
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
