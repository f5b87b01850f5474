"""Bounds on a request's head: header fields refused with 431 above their size (in the
middleware, and by the server before a head far above it is even buffered), and request ids
kept only when they are plain tokens."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import httptools
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from app.problems import PROBLEM_JSON, Problem, RequestHeaderFieldsTooLarge
from app.schemas.common import CURSOR_MAX

# A client's X-Request-ID is kept only when it matches; otherwise the request gets its own.
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
# The request line (method, target, version) is allowed this much beside the header fields: a
# query of the documented bounds fits, its longest value (a cursor of CURSOR_MAX characters)
# with every character percent-encoded UTF-8 (at most 12 characters each), and 8 KiB beside.
REQUEST_LINE_BYTES = 12 * CURSOR_MAX + 8192
# How long a connection refused with 431 is read from (and what arrives dropped) before closing.
LINGER_SECONDS = 2.0


def request_id_of(sent: str) -> str | None:
    """The client's request id when it is a plain token of 1-64 characters, else None."""
    return sent if REQUEST_ID.fullmatch(sent) else None


@dataclass(frozen=True, slots=True)
class HeaderLimits:
    """All header fields together (name, value, ": " and CRLF each) and any one field."""

    total_bytes: int = 16_384
    field_bytes: int = 8_192

    def check(self, headers: Iterable[tuple[bytes, bytes]]) -> Problem | None:
        total = 0
        for name, value in headers:
            size = len(name) + len(value) + 4
            if size > self.field_bytes:
                return RequestHeaderFieldsTooLarge(
                    f"A request header field is larger than {self.field_bytes} bytes."
                )
            total += size
        if total > self.total_bytes:
            return RequestHeaderFieldsTooLarge(
                f"The request header fields are larger than {self.total_bytes} bytes."
            )
        return None


def too_large_response(limit: int) -> bytes:
    """A complete HTTP/1.1 431 problem response that closes the connection."""
    problem = RequestHeaderFieldsTooLarge(f"The request head is larger than {limit} bytes.")
    body = json.dumps(problem.body("/"), separators=(",", ":")).encode()
    head = (
        "HTTP/1.1 431 Request Header Fields Too Large\r\n"
        f"content-type: {PROBLEM_JSON}\r\n"
        f"content-length: {len(body)}\r\n"
        "x-content-type-options: nosniff\r\n"
        "content-security-policy: default-src 'none'; frame-ancestors 'none'\r\n"
        "connection: close\r\n\r\n"
    )
    return head.encode("latin-1") + body


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol that answers 431 and closes the connection when a request
    head (request line and header fields) is larger than `h11_max_incomplete_event_size` (the
    bound uvicorn's h11 protocol keeps): a complete head before the application sees it, an
    incomplete one as soon as it has taken more, rather than buffering a head of any size."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.head_limit: int = self.config.h11_max_incomplete_event_size or (
            16_384 + REQUEST_LINE_BYTES
        )
        self.in_head = True
        self.head_bytes = 0  # received while the head is incomplete
        self.head_size = 0  # of the head parsed so far
        self.refused = False

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.in_head = True
        self.head_size = 0

    def on_url(self, url: bytes) -> None:
        self.head_size += len(url)
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self.head_size += len(name) + len(value) + 4
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self.in_head = False
        self.head_bytes = 0
        if self.head_size > self.head_limit:
            self.refused = True
            raise HeadTooLarge
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self.in_head = True
        self.head_bytes = 0

    def _refuse(self) -> None:
        """Answer 431, then stop sending and discard what still arrives for a moment before
        closing (closing at once would reset the connection and could lose the answer)."""
        if self.transport.is_closing():
            return
        self.transport.write(too_large_response(self.head_limit))
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self.loop.call_later(LINGER_SECONDS, self.transport.close)

    def data_received(self, data: bytes) -> None:
        if self.refused:
            return
        self._unset_keepalive_if_required()
        if self.in_head:
            self.head_bytes += len(data)
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:  # as uvicorn's own protocol does
            if self._should_upgrade():
                self.handle_websocket_upgrade()
            else:
                self._unsupported_upgrade_warning()
            return
        except httptools.HttpParserError:
            if self.refused:
                self._refuse()
            else:
                self.send_400_response("Invalid HTTP request received.")
            return
        if self.in_head and self.head_bytes > self.head_limit:
            self.refused = True
            self._refuse()


class HeadTooLarge(Exception):
    """Raised in the parser's callback to stop parsing a head above the limit."""
