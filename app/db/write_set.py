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

from sqlalchemy import Insert, Table, bindparam, insert, inspect
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


_Shape = tuple[bool, tuple[tuple[str, tuple[str, ...]], ...]]
_STATEMENTS: dict[_Shape, Insert] = {}


def _insert(table: Table, columns: tuple[str, ...], index: int) -> Insert:
    return insert(table).values(
        {c: bindparam(f"p{index}_{c}", type_=table.c[c].type) for c in columns}
    )


def _statement(parts: Sequence[tuple[Table, tuple[str, ...]]], returning: bool) -> Insert:
    """The statement of one shape (tables and columns), built once: its bound parameters are
    placeholders, so SQLAlchemy finds its compiled form without walking new values."""
    shape = (returning, tuple((t.fullname, columns) for t, columns in parts))
    statement = _STATEMENTS.get(shape)
    if statement is None:
        (table, columns), *rest = parts
        statement = _insert(table, columns, 0)
        if returning:
            statement = statement.returning(*table.c)
        ctes = [_insert(t, c, i).cte(f"w{i}") for i, (t, c) in enumerate(rest, start=1)]
        if ctes:
            statement = statement.add_cte(*ctes)
        _STATEMENTS[shape] = statement
    return statement


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
    if created is not None:
        parts.insert(0, values(created))
    if not parts:
        return
    shape = [(table, tuple(sorted(row))) for table, row in parts]
    params = {f"p{i}_{c}": row[c] for i, (_, row) in enumerate(parts) for c in row}
    statement = _statement(shape, created is not None)
    result = await session.execute(statement, params, execution_options=_OPTIONS)
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
