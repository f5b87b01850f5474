"""ASGI middleware: request id, structured JSON request logs (app/json_logs.py formats them),
header-size, body-size and media-type limits, strings PostgreSQL cannot store, the rate-limit
state of every answer and the security headers of every response."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.http_limits import HeaderLimits, request_id_of
from app.problems import (
    PROBLEM_JSON,
    MalformedRequest,
    NotFound,
    PayloadTooLarge,
    Problem,
    UnsupportedMediaType,
    ValidationFailed,
)
from app.rate_limit import response_headers

access_log = logging.getLogger("ilonet.access")

JSON_TYPES = ("application/json", "application/problem+json", "application/merge-patch+json")


class RequestContextMiddleware:
    """Assigns X-Request-ID, enforces the body limit and JSON media type, logs each request."""

    # Platform uploads carry files: they have their own, larger limit (documents).
    UPLOAD_PREFIX = "/v1/documents"

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int,
        upload_max_bytes: int | None = None,
        header_limits: HeaderLimits | None = None,
    ) -> None:
        self.app = app
        self.json_max_bytes = max_body_bytes
        self.upload_max_bytes = upload_max_bytes or max_body_bytes
        self.max_body_bytes = max_body_bytes
        self.header_limits = header_limits or HeaderLimits()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        # A request id as sent only when it is a plain token; anything else is never echoed,
        # logged or audited: the request gets a generated one.
        request_id = request_id_of(headers.get("x-request-id", "")) or uuid.uuid4().hex
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        started = time.perf_counter()
        status_holder = {"status": 500}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [
                    *[(k, v) for k, v in message["headers"] if k.lower() != b"x-request-id"],
                    (b"x-request-id", request_id.encode()),
                    *response_headers(state),
                ]
            await send(message)

        upload = scope["method"] == "POST" and str(scope["path"]).startswith(self.UPLOAD_PREFIX)
        limit = self.upload_max_bytes if upload else self.json_max_bytes
        try:
            problem = (
                self.header_limits.check(scope["headers"])
                or self._precheck(scope, headers, limit)
                or unstorable_in_request_line(scope)
            )
            chunks: list[bytes] = []
            if problem is None:
                read = await self._read_body(receive, limit)
                if read is None:  # the client went away before sending its body
                    status_holder["status"] = 499
                    return
                if isinstance(read, Problem):
                    problem = read
                else:
                    chunks = read
                    content_type = headers.get("content-type", "")
                    if _is_json(content_type):
                        body = b"".join(chunks)
                        chunks = [body]
                        problem = unstorable_in_body(content_type, body)
            if problem is not None:
                await self._send_problem(problem, scope, send_with_id)
            else:
                await self.app(scope, _replaying(chunks, receive), send_with_id)
        finally:
            state = scope.get("state", {})
            principal = state.get("principal")
            access_log.info(
                "request",
                extra={
                    "request_id": request_id,
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status_holder["status"],
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    "client_org": getattr(principal, "org", None),
                    "client_sub": getattr(principal, "sub", None),
                },
            )

    @staticmethod
    def _too_large(limit: int) -> str:
        return f"The request body exceeds {limit} bytes."

    def _precheck(self, scope: Scope, headers: dict[str, str], limit: int) -> Problem | None:
        length = headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            return PayloadTooLarge(self._too_large(limit))
        has_body = (length not in (None, "0")) or "transfer-encoding" in headers
        if scope["method"] in ("POST", "PUT", "PATCH") and has_body:
            media_type = headers.get("content-type", "").split(";")[0].strip().lower()
            if media_type not in JSON_TYPES and not media_type.startswith("multipart/"):
                return UnsupportedMediaType(
                    f"Send the body as application/json, not {media_type or 'an untyped body'}."
                )
        return None

    async def _read_body(self, receive: Receive, limit: int) -> list[bytes] | Problem | None:
        """The whole body, as the chunks it came in (at most the limit: the checks below need
        all of it), a 413 problem, or None when the client disconnected. Joined only where a
        check reads it whole (JSON): an upload's 10 MB copied in one piece held the loop."""
        chunks: list[bytes] = []
        received = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > limit:
                return PayloadTooLarge(self._too_large(limit))
            if chunk:
                chunks.append(chunk)
            if not message.get("more_body", False):
                return chunks

    async def _send_problem(self, problem: Problem, scope: Scope, send: Send) -> None:
        body = json.dumps(problem.body(scope["path"])).encode()
        await send(
            {
                "type": "http.response.start",
                "status": problem.status,
                "headers": [
                    (b"content-type", PROBLEM_JSON.encode()),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


# The body is handed on in pieces of this size, the loop free between them: a multipart upload
# of the full upload limit is parsed a piece at a time, never in one hold of the loop.
REPLAY_CHUNK_BYTES = 256 * 1024


def _replaying(chunks: list[bytes], receive: Receive) -> Receive:
    """The body read already (the chunks it came in), in pieces of REPLAY_CHUNK_BYTES (each
    made and handed on after a turn of the event loop but the first); then whatever the server
    sends (a disconnect)."""
    pieces = _pieces(chunks)
    piece: bytes | None = next(pieces)
    started = False

    async def replay() -> Message:
        nonlocal piece, started
        if piece is None:
            return await receive()
        if started:
            await asyncio.sleep(0)  # let the other requests run between two pieces
        started = True
        given, piece = piece, next(pieces, None)
        return {"type": "http.request", "body": given, "more_body": piece is not None}

    return replay


def _pieces(chunks: list[bytes]) -> Iterator[bytes]:
    """The chunks joined or cut into pieces of REPLAY_CHUNK_BYTES (the last one shorter); one
    empty piece for no body."""
    taken: list[memoryview] = []
    size = 0
    given = False
    for chunk in chunks:
        view = memoryview(chunk)
        while view:
            part = view[: REPLAY_CHUNK_BYTES - size]
            taken.append(part)
            size += len(part)
            view = view[len(part) :]
            if size == REPLAY_CHUNK_BYTES:
                yield b"".join(taken)
                taken, size, given = [], 0, True
    if taken or not given:
        yield b"".join(taken)


# --- strings PostgreSQL cannot store --------------------------------------------------------
#
# PostgreSQL text (and jsonb) cannot hold U+0000, and UTF-8 cannot encode an unpaired UTF-16
# surrogate: a string holding either fails in the database as a 500. They are refused here, once
# for every body, query and path parameter and header, before any route sees them.

NUL_DETAIL = "holds a NUL character (U+0000), which cannot be stored"
SURROGATE_DETAIL = "holds an unpaired UTF-16 surrogate, which is not a character"
# In JSON, NUL and surrogates can only arrive escaped (raw control characters are invalid JSON).
_SUSPECT_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})")


def _unstorable(text: str) -> str | None:
    if "\x00" in text:
        return NUL_DETAIL
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return SURROGATE_DETAIL
    return None


def _token(name: str) -> str:
    """A name as a JSON pointer token (RFC 6901), without the characters it was refused for."""
    clean = name.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")
    return clean.replace("~", "~0").replace("/", "~1")


def unstorable_string(document: Any) -> tuple[str, str] | None:
    """The JSON pointer of the first string (member name or value) of a parsed JSON document
    that cannot be stored, and why; None when every string can be."""
    stack: list[tuple[str, Any]] = [("", document)]
    while stack:  # iterative: the document may be as deep as the JSON parser allows
        pointer, value = stack.pop()
        if isinstance(value, str):
            reason = _unstorable(value)
            if reason is not None:
                return pointer, f"the value {reason}"
        elif isinstance(value, dict):
            for key in value:
                reason = _unstorable(key)
                if reason is not None:
                    return f"{pointer}/{_token(key)}", f"the member name {reason}"
            stack.extend((f"{pointer}/{_token(k)}", v) for k, v in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend((f"{pointer}/{i}", v) for i, v in reversed(list(enumerate(value))))
    return None


def _is_json(content_type: str) -> bool:
    return content_type.split(";")[0].strip().lower() in JSON_TYPES


def unstorable_in_body(content_type: str, body: bytes) -> Problem | None:
    """A JSON body with a NUL byte (not UTF-8 JSON), or a string that cannot be stored."""
    if not body or not _is_json(content_type):
        return None
    if b"\x00" in body:
        # UTF-8 JSON never holds a zero byte; UTF-16/32 JSON would hide escapes from the scan
        return MalformedRequest("The request body must be UTF-8 JSON; it holds a zero byte.")
    if _SUSPECT_ESCAPE.search(body) is None:
        return None
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return None  # not JSON: the route answers 400 malformed-request
    found = unstorable_string(document)
    if found is None:
        return None
    pointer, reason = found
    return ValidationFailed([{"pointer": pointer, "in": "body", "detail": reason}])


def unstorable_in_request_line(scope: Scope) -> Problem | None:
    """NUL in a query parameter or header (422 naming it), or in the path (404: nothing is named
    so). Answered before authentication, so not audited: no resource was reached."""
    query: bytes = scope.get("query_string", b"")
    if b"%00" in query or b"\x00" in query:
        for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
            if "\x00" in name or "\x00" in value:
                return ValidationFailed(
                    [{"pointer": f"/{_token(name)}", "in": "query", "detail": NUL_DETAIL}]
                )
    for raw_name, raw_value in scope.get("headers", []):
        if b"\x00" in raw_value:
            name = raw_name.decode("latin-1")
            return ValidationFailed([{"pointer": f"/{name}", "in": "header", "detail": NUL_DETAIL}])
    if "\x00" in scope.get("path", ""):
        # Every resource name (uuid, code, reference id) excludes it, and so does every route.
        return NotFound("No resource has a NUL character in its name.")
    return None


# --- security headers -----------------------------------------------------------------------

# The API answers JSON: nothing in it may load, run or frame anything. /docs sets its own.
API_CSP = "default-src 'none'; frame-ancestors 'none'"
HSTS = "max-age=31536000; includeSubDomains"
# No page of the service uses a browser feature: none is granted to it or to anything it frames.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), publickey-credentials-get=(), "
    "screen-wake-lock=(), serial=(), usb=(), xr-spatial-tracking=()"
)


def _framing_refused(csp: bytes) -> bytes:
    """A page's own Content-Security-Policy, refusing to be framed if it does not say."""
    if b"frame-ancestors" in csp.lower():
        return csp
    return csp.rstrip(b"; ") + b"; frame-ancestors 'none'"


class SecurityHeadersMiddleware:
    """Adds nosniff, no-referrer, a Content-Security-Policy (unless the response has its own,
    which is made to refuse framing), X-Frame-Options DENY, a Permissions-Policy granting no
    feature, Cross-Origin-Resource-Policy same-origin and, over TLS, Strict-Transport-Security
    to every response; drops any Server header. Wrapped outside Starlette's error middleware,
    so that a 500 carries them too."""

    def __init__(self, app: ASGIApp, *, behind_tls: bool) -> None:
        self.app = app
        self.behind_tls = behind_tls

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        added = [
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
            (b"content-security-policy", API_CSP.encode()),
            (b"x-frame-options", b"DENY"),
            (b"permissions-policy", PERMISSIONS_POLICY.encode()),
            (b"cross-origin-resource-policy", b"same-origin"),
        ]
        if self.behind_tls or scope.get("scheme") == "https":
            added.append((b"strict-transport-security", HSTS.encode()))

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, _framing_refused(v) if k.lower() == b"content-security-policy" else v)
                    for k, v in message.get("headers", [])
                    if k.lower() != b"server"
                ]
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in added if k not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_secured)
