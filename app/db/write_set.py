"""One guarded action's write set in one statement: the row, its related rows, its audit and
change-feed events as data-modifying CTEs of a single INSERT (one round trip).

The Writer builds ORM instances as before (so builders, tripwires and callers see the same
objects); this module turns the plain inserts among them into Core `INSERT`s chained by
`WITH`, executed with the Writer's execution option (app/db/guard.py still refuses any other
bulk write). The statement's shape depends only on the tables and columns it writes, so
SQLAlchemy's compiled cache compiles each shape once. The created row comes back by
`RETURNING` and is attached to the session as a persistent, clean instance (the same object
the builder made), with its server defaults filled in.

PostgreSQL runs every sub-statement of a WITH against one snapshot and checks foreign keys at
the end of the statement, so a history row may reference the row inserted beside it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Insert, Table, insert, inspect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapper, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from app.db.guard import WRITER_OPTION
from app.models.base import Base

_OPTIONS = {WRITER_OPTION: True}


def plain(instance: Base) -> bool:
    """An instance a Core INSERT writes exactly as the unit of work would: one table, no
    relationship values, not yet in a session."""
    state = inspect(instance)
    mapper: Mapper[Any] = state.mapper
    if state.session_id is not None or state.key is not None:
        return False
    if mapper.inherits is not None or len(mapper.tables) != 1:
        return False
    loaded = state.dict
    return not any(loaded.get(r.key) is not None for r in mapper.relationships)


def values(instance: Base) -> tuple[Table, dict[str, Any]]:
    """The instance's table and the column values it was given (Core applies the defaults)."""
    state = inspect(instance)
    mapper: Mapper[Any] = state.mapper
    loaded = state.dict
    row: dict[str, Any] = {}
    for prop in mapper.column_attrs:
        if prop.key in loaded:
            row[prop.columns[0].key] = loaded[prop.key]
    table = mapper.local_table
    assert isinstance(table, Table)
    return table, row


def _insert(table: Table, row: Mapping[str, Any]) -> Insert:
    return insert(table).values(dict(row))


async def write(
    session: AsyncSession,
    inserts: Sequence[tuple[Table, Mapping[str, Any]]],
    *,
    created: Base | None = None,
) -> None:
    """Execute `inserts` (and the insert of `created`, first) as one statement.

    `created` comes back attached to the session, persistent and clean, with every column
    loaded (its server defaults from `RETURNING`).
    """
    parts = list(inserts)
    head: Insert
    if created is not None:
        table, given = values(created)
        head = _insert(table, given).returning(*table.c)
    elif parts:
        first, row = parts.pop(0)
        head = _insert(first, row)
    else:
        return
    ctes = [_insert(t, r).cte(f"w{i}") for i, (t, r) in enumerate(parts)]
    statement = head.add_cte(*ctes) if ctes else head
    result = await session.execute(statement, execution_options=_OPTIONS)
    if created is None:
        return
    returned: Mapping[str, Any] = dict(result.mappings().one())
    _attach(session, created, returned)


def _attach(session: AsyncSession, instance: Base, returned: Mapping[str, Any]) -> None:
    mapper: Mapper[Any] = inspect(instance).mapper
    make_transient_to_detached(instance)
    for prop in mapper.column_attrs:
        column = prop.columns[0]
        if column.key in returned:
            set_committed_value(instance, prop.key, returned[column.key])
    session.add(instance)
