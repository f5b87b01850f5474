"""Keyset pagination of a list route, end to end: the `limit` and `cursor` query parameters, the
keyset window its list function applies to the query (app/keyset.py), signed cursors bound to the
caller and the list, a byte budget per page, the `{items, next_cursor}` page and the
`Link: rel="next"` header (app/page_links.py).

A list route takes `paging: Paged` and answers `await paging.page(rows, render)` with the rows its
list function read through `paging.window`."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import inspect
import json
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Query, Request, Response

from app.keyset import Window
from app.page_links import link_header
from app.problems import ValidationFailed
from app.schemas.common import CURSOR_MAX, PAGE_MAX, PART_PAGE_MAX, Page
from app.security import CurrentPrincipal

R = TypeVar("R")
T = TypeVar("T")

Limit = Annotated[int, Query(ge=1, le=PAGE_MAX, description=f"Page size (1-{PAGE_MAX}).")]
# A cursor as the server makes it: base64url, a dot, padded base64url (so it is ASCII, and a request
# carrying the longest stays well within the request head's bound).
CURSOR_PATTERN = r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+={0,2}$"
Cursor = Annotated[
    str | None,
    Query(
        max_length=CURSOR_MAX,
        pattern=CURSOR_PATTERN,
        description="Opaque cursor from `next_cursor`.",
    ),
]


def _sign(secret: bytes, payload: bytes) -> str:
    return base64.urlsafe_b64encode(hmac.digest(secret, payload, hashlib.sha256)[:16]).decode()


def _binding(client: str, route: str) -> str:
    """The client and the list a cursor is for, as a digest of fixed size (16 bytes)."""
    digest = hashlib.sha256(json.dumps([client, route]).encode()).digest()[:16]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def encode_cursor(secret: bytes, client: str, position: list[Any], *, route: str = "") -> str:
    """A signed cursor of at most CURSOR_MAX characters (whatever the client's or the list's
    name: they are bound as a digest); a position past it is a programming error."""
    payload = json.dumps(
        {"b": _binding(client, route), "p": position}, separators=(",", ":"), ensure_ascii=False
    ).encode()
    body = base64.urlsafe_b64encode(payload).decode().rstrip("=")
    cursor = f"{body}.{_sign(secret, payload)}"
    if len(cursor) > CURSOR_MAX:
        raise ValueError(f"a cursor of {len(cursor)} characters (at most {CURSOR_MAX})")
    return cursor


def decode_cursor(secret: bytes, client: str, cursor: str, *, route: str = "") -> list[Any]:
    """The position in a cursor this client was given for this list; a 422 problem for anything
    else (a foreign, forged or mangled cursor, or one of another list, whose position would not
    even have the type of this list's keys)."""
    invalid = ValidationFailed(
        [{"pointer": "/cursor", "in": "query", "detail": "invalid or foreign cursor"}]
    )
    try:
        body, signature = cursor.split(".", 1)
        payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except ValueError as exc:
        raise invalid from exc
    # bytes, not str: compare_digest refuses str holding anything but ASCII
    if not hmac.compare_digest(_sign(secret, payload).encode(), signature.encode()):
        raise invalid
    data = json.loads(payload)
    if data.get("b") != _binding(client, route) or not isinstance(data.get("p"), list):
        raise invalid
    return list(data["p"])


def set_next_link(request: Request, response: Response, next_cursor: str | None) -> None:
    if next_cursor is None:
        return
    response.headers["Link"] = link_header(request, next_cursor)


_encode = json.JSONEncoder(default=str).encode  # json.dumps(value, default=str), built once
# What json.dumps(value, default=str) renders values of these exact types as, by its length:
# an id's 36 characters and a date's 10, quoted (no escapes: ASCII digits, letters, dashes).
_FIXED = {uuid.UUID: 38, date: 12}


@functools.cache
def _column_keys(table: Any) -> tuple[tuple[str, ...], int]:
    """A table's column keys, and what the braces and the `"name":,` around each take."""
    keys = tuple(column.key for column in table.columns)
    return keys, 2 + sum(len(key) + 4 for key in keys)


def rendered_size(row: object) -> int:
    """About how many bytes a row takes as JSON: its columns as `"name":value,` (an ORM row), or
    its JSON text. No less than the rendering of those columns (non-ASCII text is counted as its
    escapes); close enough to budget a page.

    An ORM row's values are not rendered one by one: ids and dates have a fixed length, a
    timestamp its text's, bytes their own, and the rest are encoded as one JSON array, whose
    length is the sum of theirs plus the brackets and the `, ` between them."""
    table = getattr(row, "__table__", None)
    if table is None:
        return len(json.dumps(row, default=str))
    keys, size = _column_keys(table)
    loaded = row.__dict__
    rest: list[Any] = []
    for key in keys:
        value: Any = loaded[key] if key in loaded else getattr(row, key, None)
        kind = type(value)
        if kind in _FIXED:
            size += _FIXED[kind]
        elif kind is datetime:
            size += len(str(value)) + 2
        elif kind is bytes:
            size += len(value)
        else:
            rest.append(value)
    if rest:
        size += len(_encode(rest)) - 2 - 2 * (len(rest) - 1)
    return size


# The page model, parametrized once and held here: pydantic keeps its parametrized models only
# weakly, so one made per request is collected with the garbage and built again (its validator
# and serializer made anew) by the next list request, on the event loop.
_PAGE: Any = Page[T]  # type: ignore[valid-type]


class Paging:
    """One list request's page: the window its list function reads (`window`), and the answer
    made of the rows read (`page`): at most `limit` of them, within the byte budget, with the
    cursor and `Link` of the next page when there is one."""

    def __init__(
        self, request: Request, response: Response, client: str, limit: int, cursor: str | None
    ) -> None:
        self.request = request
        self.response = response
        self.client = client
        self.limit = limit
        self.route = request.url.path
        self.secret: bytes = request.app.state.keyring.secret_key
        self.max_bytes: int = request.app.state.settings.page_max_bytes
        after = decode_cursor(self.secret, client, cursor, route=self.route) if cursor else None
        self.window = Window(after=after, limit=limit)

    def cut(self, rows: Sequence[R]) -> tuple[list[R], str | None]:
        """Rows were read through the window (limit + 1): the extra one says whether a next
        page exists.

        A page also ends early, with a next cursor, before its rows would exceed the byte budget
        (`ILONET_PAGE_MAX_BYTES`); it always holds at least one row, so every page makes progress.
        """
        items: list[R] = []
        budget = self.max_bytes
        for row in rows[: self.limit]:
            budget -= rendered_size(row)
            if items and budget < 0:
                break
            items.append(row)
        more = len(rows) > len(items)
        next_cursor = None
        if items:
            # asked even on the last page, so a list that forgot its keyset fails at once
            position = self.window.position(items[-1])
            if more:
                next_cursor = encode_cursor(self.secret, self.client, position, route=self.route)
        set_next_link(self.request, self.response, next_cursor)
        return items, next_cursor

    async def page(
        self, rows: Sequence[R], render: Callable[[list[R]], list[T] | Awaitable[list[T]]]
    ) -> Page[T]:
        """The answer: the page's rows rendered (`render` may be a coroutine function), and the
        next cursor."""
        items, next_cursor = self.cut(rows)
        rendered = render(items)
        if inspect.isawaitable(rendered):
            rendered = await rendered
        page: Page[T] = _PAGE(items=rendered, next_cursor=next_cursor)
        return page


def paged(*, default: int = 50, maximum: int = 200) -> Any:
    """The dependency giving a list route its Paging, with the `limit` (1 to `maximum`,
    `default` when absent) and `cursor` query parameters."""

    async def paging(
        request: Request,
        response: Response,
        principal: CurrentPrincipal,
        limit: int = default,
        cursor: Cursor = None,
    ) -> Paging:
        return Paging(request, response, principal.client_key, limit, cursor)

    # an object, not the text postponed annotations make of it: `maximum` is this call's
    paging.__annotations__["limit"] = Annotated[
        int, Query(ge=1, le=maximum, description=f"Page size (1-{maximum}).")
    ]
    return Depends(paging)


Paged = Annotated[Paging, paged()]
# A list within a resource's answer, a page of it at a time (the resource's own name for the
# list, and `next_cursor`).
PartPaged = Annotated[Paging, paged(default=PART_PAGE_MAX, maximum=PART_PAGE_MAX)]
