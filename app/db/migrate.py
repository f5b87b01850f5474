"""Running Alembic from code: upgrade, downgrade, drift check, and the head revision.

Alembic is imported by the functions that run it: a server whose schema is at head starts, and
answers /readyz, without loading Alembic or its scripts.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import TYPE_CHECKING

import asyncpg
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

if TYPE_CHECKING:
    from alembic.config import Config

# Shipped inside the package, so a regular (non-editable) install can migrate.
SCRIPT_LOCATION = Path(__file__).resolve().parents[1] / "migrations"


def alembic_config(owner_url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    config.attributes["database_url"] = owner_url
    return config


def upgrade(owner_url: str, revision: str = "head", *, one_transaction: bool = False) -> None:
    """Upgrade to `revision`: each revision in a transaction of its own, or all of them in one."""
    from alembic import command

    config = alembic_config(owner_url)
    config.attributes["one_transaction"] = one_transaction
    command.upgrade(config, revision)


def upgrade_unless_at_head(owner_url: str) -> bool:
    """Upgrade to head, all pending revisions in one transaction, unless the database is there
    already (read as its owner, without loading Alembic): whether it migrated."""
    import asyncio

    if asyncio.run(revision_of(owner_url)) == head_revision():
        return False
    upgrade(owner_url, one_transaction=True)
    return True


def downgrade(owner_url: str, revision: str = "base") -> None:
    from alembic import command

    command.downgrade(alembic_config(owner_url), revision)


def check(owner_url: str) -> None:
    """Raise when the models and the migrations disagree (`alembic check`)."""
    from alembic import command

    command.check(alembic_config(owner_url))


async def current_revision(engine: AsyncEngine) -> str | None:
    """The revision the database is at (readiness), read with the application's own role."""
    async with engine.connect() as connection:
        revision = (
            await connection.execute(text("SELECT version_num FROM alembic_version"))
        ).scalar_one_or_none()
    return None if revision is None else str(revision)


async def revision_of(owner_url: str) -> str | None:
    """The revision a database is at (None: not migrated at all), read as its owner."""
    dsn = make_url(owner_url).set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn)
    try:
        exists = await connection.fetchval("SELECT to_regclass('alembic_version') IS NOT NULL")
        if not exists:
            return None
        revision = await connection.fetchval("SELECT version_num FROM alembic_version")
    finally:
        await connection.close()
    return None if revision is None else str(revision)


async def ensure_database(admin_url: str, name: str) -> None:
    """Create the database on first start of an embedded server (as its superuser)."""
    connection = await asyncpg.connect(admin_url)
    try:
        exists = await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


def alembic_head() -> str:
    """The head revision as Alembic finds it (importing every script)."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config(""))
    head = script.get_current_head()
    assert head is not None
    return head


_REVISION = re.compile(r'^revision(?:: str)? = "([^"\n]+)"$', re.MULTILINE)
_DOWN_REVISION = re.compile(r'^down_revision(?:: [^=\n]+)? = (?:None|"([^"\n]+)")$', re.MULTILINE)


@functools.cache
def head_revision() -> str:
    """The head revision: read from the scripts' `revision` and `down_revision` lines (a
    straight chain), else as Alembic finds it. Read once per process: the scripts do not
    change under a running server."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (SCRIPT_LOCATION / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        revision, down = _REVISION.findall(source), _DOWN_REVISION.findall(source)
        if len(revision) != 1 or len(down) != 1:  # not a plain script: let Alembic read it
            return alembic_head()
        revisions.add(revision[0])
        if down[0]:
            parents.add(down[0])
    heads = revisions - parents
    if len(heads) != 1 or not parents <= revisions:
        return alembic_head()
    return heads.pop()
