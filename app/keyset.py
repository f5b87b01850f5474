"""The keyset window of one list page: the condition "after the last row seen", the order and
the row count (a page's size plus one, which says whether a next page exists), applied to a
query by the list function that builds it; and the position of a row in that order."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import Select, and_, or_
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import ColumnElement, UnaryExpression

from app.problems import ValidationFailed

S = TypeVar("S", bound="Select[*tuple[Any, ...]]")
R = TypeVar("R")

KeyColumn = ColumnElement[Any] | QueryableAttribute[Any]

INVALID = [{"pointer": "/cursor", "in": "query", "detail": "invalid or foreign cursor"}]


def _plain(value: object) -> object:
    """A key's value as the cursor keeps it (JSON): ids and days as text, numbers as numbers."""
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def _typed(column: KeyColumn, value: object) -> object:
    """A cursor's value back in the key's own type (a 422 problem when it is not of that type)."""
    try:
        kind = column.type.python_type
    except NotImplementedError:
        return value
    try:
        if kind is uuid.UUID:
            return uuid.UUID(str(value))
        if kind in (date, datetime) and isinstance(value, str):
            return kind.fromisoformat(value)
        if kind in (int, float, str) and isinstance(value, bool | int | float | str):
            return kind(value)
        if isinstance(value, kind):
            return value
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(INVALID) from exc
    raise ValidationFailed(INVALID)


@dataclass(frozen=True)
class Key:
    """One key of the order: a column or expression, ascending or descending."""

    column: KeyColumn
    descending: bool

    @classmethod
    def of(cls, key: KeyColumn) -> Key:
        """The key of a column or expression, or of its `.desc()`/`.asc()`. A column that may
        be null cannot be a key: no row compares after a null, so rows would go missing."""
        descending = isinstance(key, UnaryExpression) and key.modifier is operators.desc_op
        if isinstance(key, UnaryExpression) and key.modifier in (
            operators.desc_op,
            operators.asc_op,
        ):
            key = key.element
        if getattr(getattr(key, "expression", key), "nullable", False):
            raise ValueError(f"a keyset key may not be null: {key}")
        return cls(key, descending)

    def after(self, value: object) -> ColumnElement[bool]:
        return self.column < value if self.descending else self.column > value

    def order(self) -> ColumnElement[Any]:
        return self.column.desc() if self.descending else self.column.asc()


@dataclass
class Window:
    """What one page reads: the rows after `after` (a position in the keys' order, or the
    start), at most `limit` of them plus one. `apply` states the keys; the page's position is
    then taken from its last row in the same keys."""

    after: list[Any] | None
    limit: int
    keys: tuple[Key, ...] = field(default=())
    positioner: Callable[[Any], list[Any]] | None = None

    def apply(
        self,
        query: S,
        *keys: KeyColumn,
        position: Callable[[Any], list[Any]] | None = None,
    ) -> S:
        """The query ordered by `keys` (unique together: end with the id), after the cursor's
        position, limited to the page's size plus one. `position` reads a row's keys when the
        rows are not entities holding them as attributes (a row of several columns)."""
        if not keys:
            raise ValueError("a keyset needs at least one key")
        self.keys = tuple(Key.of(k) for k in keys)
        self.positioner = position
        if self.after is not None:
            query = query.where(self.condition(self.after))
        return query.order_by(*(k.order() for k in self.keys)).limit(self.limit + 1)

    def seek(self, position: Callable[[Any], list[Any]]) -> tuple[list[Any] | None, int]:
        """For a list read by SQL of its own (app/db): the position to read after (in the
        order that SQL keeps) and how many rows to read; `position` gives a row's place."""
        self.keys = ()
        self.positioner = position
        return self.after, self.limit + 1

    def slice(self, rows: Sequence[R], key: Callable[[R], str]) -> list[R]:
        """For a list made in memory, in the order of `key` (unique, text): the rows after the
        cursor's position, as many as the page reads."""
        after, count = self.seek(lambda row: [key(row)])
        if after is not None and (len(after) != 1 or not isinstance(after[0], str)):
            raise ValidationFailed(INVALID)
        start = after[0] if after is not None else None
        return [row for row in rows if start is None or key(row) > start][:count]

    def condition(self, after: list[Any]) -> ColumnElement[bool]:
        """Row comparison in the keys' order: (a, b) after (x, y) is a > x or (a = x and b > y),
        each key in its own direction."""
        if len(after) != len(self.keys):
            raise ValidationFailed(INVALID)
        values = [_typed(k.column, v) for k, v in zip(self.keys, after, strict=True)]
        ors = []
        for i, key in enumerate(self.keys):
            equal = [k.column == v for k, v in zip(self.keys[:i], values[:i], strict=True)]
            ors.append(and_(*equal, key.after(values[i])))
        return or_(*ors)

    def position(self, row: object) -> list[Any]:
        """The row's place in the order, as a cursor keeps it."""
        if not self.keys and self.positioner is None:
            raise RuntimeError("the list's query was never given its keyset (Window.apply)")
        if self.positioner is not None:
            return [_plain(v) for v in self.positioner(row)]
        return [_plain(getattr(row, str(k.column.key))) for k in self.keys]
