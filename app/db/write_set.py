"""One guarded action's write set in one statement: the row, its related rows, its audit and
change-feed events as data-modifying CTEs of a single INSERT (one round trip).

The Writer builds ORM instances as before (so builders, tripwires and callers see the same
objects; `new` makes one without an attribute event per value); this module turns the plain
inserts among them into Core `INSERT`s chained by `WITH`, executed with the Writer's execution
option (app/db/guard.py still refuses any other bulk write). The statement's shape depends only
on the tables and columns it writes, so SQLAlchemy's compiled cache compiles each shape once.
The created row comes back by `RETURNING` and is attached to the session as a persistent, clean
instance (the same object the builder made), with its server defaults filled in.

PostgreSQL runs every sub-statement of a WITH against one snapshot and checks foreign keys at
the end of the statement, so a history row may reference the row inserted beside it.

A write may be conditional on a row it did not read (`Requires`: e.g. the officer a deployment
names, with the organisation its decision assumed): then every insert of the statement selects
its values only where that row exists, so the condition is checked in the write's own round
trip and either everything is written or nothing is (`Unmet`).

A large value (a stored file's bytes, its extracted text: `LARGE` or more) is not bound into
the statement: the driver would encode the whole bind message (tens of MB, copied several
times) in one run of the event loop, holding every other request meanwhile. It goes first to
a temporary table of the transaction by `COPY`, in pieces of `PIECE` between which the loop
serves others, and the statement takes it from there (`_stage`): the same statement, the same
transaction, the same stored row; the temporary table is dropped at commit or rollback.
"""

from __future__ import annotations

import asyncio
import itertools
import struct
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import (
    Column,
    ColumnElement,
    Insert,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    exists,
    insert,
    inspect,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapper, make_transient_to_detached
from sqlalchemy.orm.attributes import instance_dict

from app.db.guard import WRITER_OPTION
from app.models.base import Base

_OPTIONS = {WRITER_OPTION: True}


# What write_set reads of a mapped class, read from its mapper once: whether its rows can be
# plain inserts (one table, no inheritance), its table, (attribute, column) of each column, and
# its relationships' attributes.
_Layout = tuple[bool, Table, tuple[tuple[str, str], ...], tuple[str, ...]]
_LAYOUTS: dict[Mapper[Any], _Layout] = {}


def _layout(mapper: Mapper[Any]) -> _Layout:
    found = _LAYOUTS.get(mapper)
    if found is None:
        table = mapper.local_table
        assert isinstance(table, Table)
        single = mapper.inherits is None and len(mapper.tables) == 1
        columns = tuple((prop.key, prop.columns[0].key) for prop in mapper.column_attrs)
        relationships = tuple(r.key for r in mapper.relationships)
        found = _LAYOUTS[mapper] = (single, table, columns, relationships)
    return found


def plain(instance: Base) -> bool:
    """An instance a Core INSERT writes exactly as the unit of work would: one table, no
    relationship values, not yet in a session."""
    state = inspect(instance)
    if state.session_id is not None or state.key is not None:
        return False
    single, _, _, relationships = _layout(state.mapper)
    if not single:
        return False
    loaded = state.dict
    return not any(loaded.get(key) is not None for key in relationships)


def values(instance: Base) -> tuple[Table, dict[str, Any]]:
    """The instance's table and the column values it was given (Core applies the defaults)."""
    state = inspect(instance)
    _, table, columns, _ = _layout(state.mapper)
    loaded = state.dict
    return table, {column: loaded[key] for key, column in columns if key in loaded}


_COLUMN_KEYS: dict[Mapper[Any], frozenset[str]] = {}
B = TypeVar("B", bound=Base)


def new(model: type[B], **given: Any) -> B:
    """A new (transient) `model` holding `given`, as its constructor makes it, but with its
    values put in its state at once instead of through one attribute event each: what a
    builder hands the Writer for a plain insert (the events record changes for the unit of
    work, which a plain insert never consults). Only column attributes; an unknown name is
    refused as the constructor refuses it."""
    mapper: Mapper[Any] = inspect(model)
    keys = _COLUMN_KEYS.get(mapper)
    if keys is None:
        keys = _COLUMN_KEYS[mapper] = frozenset(key for key, _ in _layout(mapper)[2])
    unknown = given.keys() - keys
    if unknown:
        raise TypeError(f"{model.__name__} has no column attribute {', '.join(sorted(unknown))}")
    instance: B = mapper.class_manager.new_instance()
    instance_dict(instance).update(given)
    return instance


class Unmet(Exception):
    """The row a conditional write requires was not there as required: nothing was written."""


# A row that must exist, with these column values, for the write to happen.
Requires = tuple[Table, Mapping[str, Any]]
# A part: its table, its columns, and those of them whose value is staged (bound by its key)
_Part = tuple[str, tuple[str, ...], tuple[str, ...]]
_Shape = tuple[bool, tuple[_Part, ...], tuple[str, tuple[str, ...]] | None]
_STATEMENTS: dict[_Shape, Insert] = {}

# A value of this many bytes (or characters of text) or more is staged by COPY, not bound.
LARGE = 1 << 20
# The pieces a staged value is sent in, each encoded and written in one turn of the loop: this
# many bytes of a binary value, characters of a text (at most 4 UTF-8 bytes each).
PIECE = 256 * 1024
# The transaction's staged values: one row each, `b` a binary value or `t` a text, by key `n`.
_STAGE = Table(
    "write_set_large",
    MetaData(),
    Column("n", Integer),
    Column("b", LargeBinary),
    Column("t", Text),
    schema="pg_temp",
)
_CREATE_STAGE = (
    "CREATE TEMPORARY TABLE IF NOT EXISTS write_set_large (n integer, b bytea, t text) "
    "ON COMMIT DROP"
)
_KEYS = itertools.count(1)  # unique within the process, so within any transaction
_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0)
_NULL = struct.pack("!i", -1)


def _insert(
    table: Table,
    columns: tuple[str, ...],
    index: int,
    where: ColumnElement[bool] | None,
    staged: tuple[str, ...] = (),
) -> Insert:
    params = [
        _staged_value(table, c, f"p{index}_{c}")
        if c in staged
        else bindparam(f"p{index}_{c}", type_=table.c[c].type)
        for c in columns
    ]
    if where is None:
        return insert(table).values(dict(zip(columns, params, strict=True)))
    return insert(table).from_select(columns, select(*params).where(where))


def _condition(table: Table, columns: tuple[str, ...]) -> ColumnElement[bool]:
    return exists().where(
        *(table.c[c] == bindparam(f"r_{c}", type_=table.c[c].type) for c in columns)
    )


def _staged_value(table: Table, column: str, key: str) -> Any:
    """The staged value of a column, found by the key bound as `key`."""
    stored = _STAGE.c.b if isinstance(table.c[column].type, LargeBinary) else _STAGE.c.t
    return (
        select(stored)
        .where(_STAGE.c.n == bindparam(key, type_=Integer))
        .scalar_subquery()
        .label(None)
    )


def _stageable(table: Table, column: str, value: Any) -> bool:
    """A value to stage: large, and of the type its column stores as sent. Its size is asked
    first: every value of every write passes here, and few are large."""
    if isinstance(value, str):
        return len(value) >= LARGE and isinstance(table.c[column].type, String)
    if isinstance(value, bytes | bytearray | memoryview):
        return len(value) >= LARGE and isinstance(table.c[column].type, LargeBinary)
    return False


_StagedPart = tuple[Table, tuple[str, ...], tuple[str, ...]]


def _statement(
    parts: Sequence[_StagedPart],
    returning: bool,
    requires: tuple[Table, tuple[str, ...]] | None = None,
) -> Insert:
    """The statement of one shape (tables, columns, staged columns), built once: its bound
    parameters are placeholders, so SQLAlchemy finds its compiled form without walking new
    values."""
    required = None if requires is None else (requires[0].fullname, requires[1])
    shape = (returning, tuple((t.fullname, c, s) for t, c, s in parts), required)
    statement = _STATEMENTS.get(shape)
    if statement is None:
        where = None if requires is None else _condition(*requires)
        (table, columns, staged), *rest = parts
        statement = _insert(table, columns, 0, where, staged)
        if returning:
            statement = statement.returning(*table.c)
        ctes = [
            _insert(t, c, i, where, s).cte(f"w{i}") for i, (t, c, s) in enumerate(rest, start=1)
        ]
        if ctes:
            statement = statement.add_cte(*ctes)
        _STATEMENTS[shape] = statement
    return statement


def statement_for(
    parts: Sequence[tuple[Table, Mapping[str, Any]]],
    *,
    returning: bool,
    requires: Requires | None = None,
    staged: Mapping[tuple[int, str], int] | None = None,
) -> tuple[Insert, dict[str, Any]]:
    """The one statement of `parts` (the first one returned when `returning`) and its bound
    values; every insert conditional on `requires` when given; the values `staged` (by part
    and column: their key in the stage) taken from the stage."""
    staged = staged or {}
    shape = [
        (table, tuple(sorted(row)), tuple(sorted(c for c in row if (i, c) in staged)))
        for i, (table, row) in enumerate(parts)
    ]
    params = {
        f"p{i}_{c}": staged.get((i, c), row[c]) for i, (_, row) in enumerate(parts) for c in row
    }
    condition = None
    if requires is not None:
        table, wanted = requires
        condition = (table, tuple(sorted(wanted)))
        params.update({f"r_{c}": v for c, v in wanted.items()})
    return _statement(shape, returning, condition), params


async def write(
    session: AsyncSession,
    inserts: Sequence[tuple[Table, Mapping[str, Any]]],
    *,
    created: Base | None = None,
    requires: Requires | None = None,
) -> None:
    """Execute `inserts` (and the insert of `created`, first) as one statement.

    `created` comes back attached to the session, persistent and clean, with every column
    loaded (its server defaults from `RETURNING`). With `requires` (only with `created`), each
    insert happens only where that row exists: when it does not, nothing is written and Unmet
    is raised.
    """
    parts = list(inserts)
    if created is not None:
        parts.insert(0, values(created))
    if not parts:
        return
    if requires is not None and created is None:
        raise ValueError("a conditional write needs the row it creates, to tell it happened")
    large = {
        (i, column): value
        for i, (table, row) in enumerate(parts)
        for column, value in row.items()
        if _stageable(table, column, value)
    }
    staged = await _stage(session, large) if large else None
    statement, params = statement_for(
        parts, returning=created is not None, requires=requires, staged=staged
    )
    result = await session.execute(statement, params, execution_options=_OPTIONS)
    if created is None:
        return
    found = result.mappings().one_or_none()
    if found is None:
        raise Unmet(f"{requires[0].name if requires else '?'} row not as required")
    _attach(session, created, dict(found))


async def _stage(
    session: AsyncSession, large: Mapping[tuple[int, str], Any]
) -> dict[tuple[int, str], int]:
    """Copy the large values into the transaction's stage; the key each one is found by."""
    keys = {where: next(_KEYS) for where in large}
    connection = await session.connection()
    # through SQLAlchemy, so that the transaction has begun before the driver is used directly
    await connection.exec_driver_sql(_CREATE_STAGE)
    raw = await connection.get_raw_connection()
    driver: Any = raw.driver_connection
    rows = [(keys[where], value) for where, value in large.items()]
    await driver.copy_to_table(
        _STAGE.name,
        schema_name=_STAGE.schema,
        columns=[c.name for c in _STAGE.c],
        source=_copy_data(rows),
        format="binary",
    )
    return keys


async def _copy_data(rows: Sequence[tuple[int, Any]]) -> AsyncIterator[bytes | memoryview]:
    """`rows` (key, value) in COPY's binary format (a row: its field count, then each field's
    length, -1 for NULL, and bytes: the key, the binary value, the text's UTF-8), in pieces of
    PIECE bytes or characters, the loop free between two (the driver writes each piece as it
    comes)."""
    yield _COPY_HEADER
    for key, value in rows:
        if isinstance(value, str):
            encoded = await _utf8(value)
            size = sum(len(piece) for piece in encoded)
            yield struct.pack("!hii", 3, 4, key) + _NULL + struct.pack("!i", size)
            for piece in encoded:
                yield piece
                await asyncio.sleep(0)
        else:
            data = memoryview(value).cast("B")
            yield struct.pack("!hiii", 3, 4, key, len(data))
            for start in range(0, len(data), PIECE):
                yield data[start : start + PIECE]
                await asyncio.sleep(0)
            yield _NULL
    yield struct.pack("!h", -1)


async def _utf8(text: str) -> list[bytes]:
    """The text's UTF-8 in pieces, encoded one piece per turn of the loop (its length in bytes
    has to be sent before it)."""
    pieces = []
    for start in range(0, len(text), PIECE):
        pieces.append(text[start : start + PIECE].encode())
        await asyncio.sleep(0)
    return pieces


def _attach(session: AsyncSession, instance: Base, returned: Mapping[str, Any]) -> None:
    """The instance as the row RETURNING gave: its values put in its state while it is still
    transient, then made persistent and clean at once (make_transient_to_detached commits every
    loaded value; nothing is left to expire), instead of one committed-value event per column."""
    state = inspect(instance)
    loaded = state.dict
    for key, column in _layout(state.mapper)[2]:
        if column in returned:
            loaded[key] = returned[column]
    make_transient_to_detached(instance)
    session.add(instance)
