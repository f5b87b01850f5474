"""Keyset pagination: signed cursors bound to the caller, and the `Link: rel="next"` header."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable, Sequence
from typing import Annotated, Any, TypeVar

from fastapi import Query, Request, Response

from app.problems import ValidationFailed

R = TypeVar("R")

Limit = Annotated[int, Query(ge=1, le=200, description="Page size (1-200).")]
Cursor = Annotated[
    str | None, Query(max_length=512, description="Opaque cursor from `next_cursor`.")
]


def _sign(secret: bytes, payload: bytes) -> str:
    return base64.urlsafe_b64encode(hmac.digest(secret, payload, hashlib.sha256)[:16]).decode()


def encode_cursor(secret: bytes, client: str, position: list[Any]) -> str:
    payload = json.dumps({"c": client, "p": position}, separators=(",", ":")).encode()
    body = base64.urlsafe_b64encode(payload).decode().rstrip("=")
    return f"{body}.{_sign(secret, payload)}"


def decode_cursor(secret: bytes, client: str, cursor: str) -> list[Any]:
    """The position in a cursor this client was given; a 422 problem for anything else."""
    invalid = ValidationFailed(
        [{"pointer": "/cursor", "in": "query", "detail": "invalid or foreign cursor"}]
    )
    try:
        body, signature = cursor.split(".", 1)
        payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except ValueError as exc:
        raise invalid from exc
    if not hmac.compare_digest(_sign(secret, payload), signature):
        raise invalid
    data = json.loads(payload)
    if data.get("c") != client or not isinstance(data.get("p"), list):
        raise invalid
    return list(data["p"])


def set_next_link(request: Request, response: Response, next_cursor: str | None) -> None:
    if next_cursor is None:
        return
    url = request.url.include_query_params(cursor=next_cursor)
    response.headers["Link"] = f'<{url}>; rel="next"'


class Pager:
    """Cursor handling for one list request: the position to start after, and the next page."""

    def __init__(self, request: Request, response: Response, client: str, limit: int) -> None:
        self.request = request
        self.response = response
        self.client = client
        self.limit = limit
        self.secret: bytes = request.app.state.keyring.secret_key

    def after(self, cursor: str | None) -> list[Any] | None:
        return decode_cursor(self.secret, self.client, cursor) if cursor else None

    def page(
        self, rows: Sequence[R], position: Callable[[R], list[Any]]
    ) -> tuple[list[R], str | None]:
        """Rows were fetched with limit + 1: the extra one says whether a next page exists."""
        items = list(rows[: self.limit])
        next_cursor = (
            encode_cursor(self.secret, self.client, position(items[-1]))
            if len(rows) > self.limit
            else None
        )
        set_next_link(self.request, self.response, next_cursor)
        return items, next_cursor
