"""The last line of defence: what the database itself lets each role do to the audit log.

The application connects as `ilonet_app`, which may append to and read the audit log but has no
privilege to change it, create tables, or switch the append-only triggers off; and even the owner,
a superuser, is refused by those triggers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import asyncpg
import pytest

from app.config import APP_DB_ROLE
from tests import factories
from tests.conftest import FreshDatabase


@dataclass(frozen=True)
class AuditTable:
    name: str
    insert: str  # returns the new row's key ($1 below)
    select: str
    update: str
    delete: str

    def statement(self, kind: str) -> str:
        statements = {"update": self.update, "delete": self.delete, "truncate": self.truncate}
        return statements[kind]

    @property
    def truncate(self) -> str:
        return f"TRUNCATE {self.name}"


AUDIT_EVENT = AuditTable(
    "audit_event",
    insert="INSERT INTO audit_event (actor, organisation, action, outcome, resource_type) "
    "VALUES ('{}'::jsonb, 'NL', 'test.append', 'allowed', 'test') RETURNING id",
    select="SELECT * FROM audit_event WHERE id = $1",
    update="UPDATE audit_event SET outcome = 'denied' WHERE id = $1",
    delete="DELETE FROM audit_event WHERE id = $1",
)
AUDIT_SEAL = AuditTable(
    "audit_seal",
    insert="INSERT INTO audit_seal (position, event_id, prev_hash, hash) "
    "VALUES (1, 1, repeat('0', 64), repeat('a', 64)) RETURNING position",
    select="SELECT * FROM audit_seal WHERE position = $1",
    update="UPDATE audit_seal SET hash = repeat('b', 64) WHERE position = $1",
    delete="DELETE FROM audit_seal WHERE position = $1",
)
AUDIT_TABLES = [
    pytest.param(AUDIT_EVENT, id="audit_event"),
    pytest.param(AUDIT_SEAL, id="audit_seal"),
]
CHANGES = ["update", "delete", "truncate"]


async def change(connection: asyncpg.Connection, table: AuditTable, kind: str, key: int) -> None:
    """UPDATE/DELETE target the row just inserted, so a row-level trigger would really fire."""
    statement = table.statement(kind)
    if "$1" in statement:
        await connection.execute(statement, key)
    else:
        await connection.execute(statement)


@pytest.fixture
async def app_connection(fresh_db: FreshDatabase) -> AsyncIterator[asyncpg.Connection]:
    async with factories.connected(fresh_db.app_url) as connection:
        yield connection


@pytest.fixture
async def owner_connection(fresh_db: FreshDatabase) -> AsyncIterator[asyncpg.Connection]:
    async with factories.connected(fresh_db.owner_url) as connection:
        yield connection


async def test_app_role_is_an_unprivileged_non_owner(app_connection: asyncpg.Connection) -> None:
    assert await app_connection.fetchval("SELECT current_user") == APP_DB_ROLE
    role = await app_connection.fetchrow(
        "SELECT rolsuper, rolcreatedb, rolcreaterole, rolbypassrls "
        "FROM pg_roles WHERE rolname = current_user"
    )
    assert role is not None
    assert dict(role) == {
        "rolsuper": False,
        "rolcreatedb": False,
        "rolcreaterole": False,
        "rolbypassrls": False,
    }
    owned = await app_connection.fetchval(
        "SELECT count(*) FROM pg_class WHERE relowner = "
        "(SELECT oid FROM pg_roles WHERE rolname = current_user)"
    )
    assert owned == 0


async def test_app_role_can_append_to_and_read_the_audit_log(
    app_connection: asyncpg.Connection,
) -> None:
    event_id = await app_connection.fetchval(AUDIT_EVENT.insert)
    row = await app_connection.fetchrow(
        "SELECT organisation, action, outcome, resource_type, actor FROM audit_event WHERE id = $1",
        event_id,
    )
    assert row is not None
    assert dict(row) == {
        "organisation": "NL",
        "action": "test.append",
        "outcome": "allowed",
        "resource_type": "test",
        "actor": "{}",
    }


@pytest.mark.parametrize("table", AUDIT_TABLES)
@pytest.mark.parametrize("kind", CHANGES)
async def test_app_role_has_no_privilege_to_change_the_audit_log(
    app_connection: asyncpg.Connection, table: AuditTable, kind: str
) -> None:
    key = await app_connection.fetchval(table.insert)
    before = await app_connection.fetchrow(table.select, key)
    assert before is not None
    with pytest.raises(asyncpg.exceptions.InsufficientPrivilegeError) as refused:
        await change(app_connection, table, kind, key)
    # refused by the missing privilege itself, before any trigger could run
    assert f"permission denied for table {table.name}" in str(refused.value)
    assert await app_connection.fetchrow(table.select, key) == before


async def test_app_role_cannot_create_tables(app_connection: asyncpg.Connection) -> None:
    with pytest.raises(asyncpg.exceptions.InsufficientPrivilegeError) as refused:
        await app_connection.execute("CREATE TABLE public.shadow_audit (id bigint)")
    assert "permission denied for schema public" in str(refused.value)


async def test_app_role_cannot_switch_the_append_only_triggers_off(
    app_connection: asyncpg.Connection,
) -> None:
    with pytest.raises(asyncpg.exceptions.InsufficientPrivilegeError):
        await app_connection.execute("ALTER TABLE audit_event DISABLE TRIGGER USER")
    with pytest.raises(asyncpg.exceptions.InsufficientPrivilegeError):
        # `replica` would skip ordinary triggers; only a superuser may set it
        await app_connection.execute("SET session_replication_role = replica")


@pytest.mark.parametrize("table", AUDIT_TABLES)
@pytest.mark.parametrize("kind", CHANGES)
async def test_even_the_superuser_owner_is_refused_by_the_trigger(
    owner_connection: asyncpg.Connection, table: AuditTable, kind: str
) -> None:
    assert await owner_connection.fetchval(
        "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
    )
    key = await owner_connection.fetchval(table.insert)
    before = await owner_connection.fetchrow(table.select, key)
    assert before is not None
    with pytest.raises(asyncpg.exceptions.PostgresError) as refused:
        await change(owner_connection, table, kind, key)
    assert "append-only" in str(refused.value)
    assert f"{kind.upper()} on {table.name}" in str(refused.value)
    assert await owner_connection.fetchrow(table.select, key) == before
