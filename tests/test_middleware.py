"""app/middleware.py in isolation: where an unstorable string is, the security headers, and a
body handed on in pieces with the event loop free between them."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator

import httpx
from starlette.types import Receive, Scope, Send

from app.middleware import (
    API_CSP,
    REPLAY_CHUNK_BYTES,
    RequestContextMiddleware,
    SecurityHeadersMiddleware,
    unstorable_string,
)
from tests.loop_turns import counting_turns


def test_the_pointer_names_the_string_that_cannot_be_stored() -> None:
    document = {"a": [{"ok": "fine"}, {"b/c": ["x", "y\x00"]}], "z": "\ud800"}
    assert unstorable_string(document) == (
        "/a/1/b~1c/1",
        "the value holds a NUL character (U+0000), which cannot be stored",
    )
    assert unstorable_string({"z": "\ud800"}) == (
        "/z",
        "the value holds an unpaired UTF-16 surrogate, which is not a character",
    )
    found = unstorable_string({"m~x\x00": 1})
    assert found is not None
    assert found[0] == "/m~0x"
    assert found[1].startswith("the member name holds a NUL")
    assert unstorable_string({"k": ["\U0001f600", 1, None, True, {"n": "C:\\u0000"}]}) is None
    deep: object = "\x00"
    for _ in range(5000):  # deeper than Python's recursion limit
        deep = [deep]
    found = unstorable_string(deep)
    assert found is not None
    assert found[0] == "/0" * 5000


async def test_an_own_csp_is_kept_refusing_framing_and_a_server_header_dropped() -> None:
    async def page(scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(b"content-security-policy", b"default-src 'self'"), (b"server", b"x/1")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"<html></html>"})

    async def api(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    # a page's own policy is kept, made to refuse framing when it does not say
    own = "default-src 'self'; frame-ancestors 'none'"
    for inner, csp in ((page, own), (api, API_CSP)):
        transport = httpx.ASGITransport(app=SecurityHeadersMiddleware(inner, behind_tls=False))
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            response = await c.get("/")
        assert response.headers.get_list("content-security-policy") == [csp]
        assert "server" not in response.headers
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["cross-origin-resource-policy"] == "same-origin"
        assert response.headers["permissions-policy"].startswith("accelerometer=()")
        assert "strict-transport-security" not in response.headers


async def test_a_large_body_reaches_the_route_in_pieces_with_the_loop_free_between() -> None:
    """A multipart upload of several pieces' size arrives whole, REPLAY_CHUNK_BYTES at a time,
    and another task runs between two pieces (the parser never holds the loop for it all)."""
    body = bytes(range(256)) * (REPLAY_CHUNK_BYTES * 3 // 256 + 7)
    pieces: list[bytes] = []
    turns: list[int] = []

    async def route(scope: Scope, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            pieces.append(message["body"])
            turns.append(loop.count)
            if not message["more_body"]:
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    app = RequestContextMiddleware(route, max_body_bytes=1024, upload_max_bytes=len(body))
    transport = httpx.ASGITransport(app=app)
    client = httpx.AsyncClient(transport=transport, base_url="http://t")
    async with counting_turns() as loop, client as c:
        response = await c.post(
            "/v1/documents/files",
            content=body,
            headers={"content-type": "multipart/form-data; boundary=x"},
        )
    assert response.status_code == 200
    assert b"".join(pieces) == body
    assert [len(p) for p in pieces[:-1]] == [REPLAY_CHUNK_BYTES] * 3
    assert 0 < len(pieces[-1]) < REPLAY_CHUNK_BYTES
    assert all(later > earlier for earlier, later in itertools.pairwise(turns))


async def test_a_body_sent_in_small_chunks_reaches_the_route_whole_in_full_pieces() -> None:
    """An upload as a server receives it (many chunks of odd sizes, never joined into one
    copy of the whole body) reaches the route byte for byte, in pieces of REPLAY_CHUNK_BYTES;
    an empty body as one empty, final piece."""
    body = bytes(range(251)) * (REPLAY_CHUNK_BYTES * 2 // 251 + 3)
    sizes = itertools.cycle([1, 65_536, 7_000, 300_001, 13])

    async def sent_in_chunks() -> AsyncIterator[bytes]:
        offset = 0
        while offset < len(body):
            size = next(sizes)
            yield body[offset : offset + size]
            offset += size

    received: list[list[bytes]] = []

    async def route(scope: Scope, receive: Receive, send: Send) -> None:
        pieces: list[bytes] = []
        while True:
            message = await receive()
            pieces.append(message["body"])
            if not message["more_body"]:
                break
        received.append(pieces)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    app = RequestContextMiddleware(route, max_body_bytes=1024, upload_max_bytes=len(body))
    headers = {"content-type": "multipart/form-data; boundary=x"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        chunked = await c.post("/v1/documents/files", content=sent_in_chunks(), headers=headers)
        empty = await c.post("/v1/documents/files", content=b"", headers=headers)
    assert (chunked.status_code, empty.status_code) == (200, 200)
    pieces, nothing = received
    assert b"".join(pieces) == body
    assert [len(p) for p in pieces[:-1]] == [REPLAY_CHUNK_BYTES] * 2
    assert 0 < len(pieces[-1]) < REPLAY_CHUNK_BYTES
    assert nothing == [b""]


async def test_an_empty_body_declared_json_reaches_the_route_as_one_empty_piece() -> None:
    """A GET that names a JSON content type and sends no body (generated clients do) is
    handed one empty, final piece when its route reads the body: no piece at all was a 500."""
    received: list[dict[str, object]] = []

    async def route(scope: Scope, receive: Receive, send: Send) -> None:
        received.append(dict(await receive()))
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    app = RequestContextMiddleware(route, max_body_bytes=1024, upload_max_bytes=1024)
    headers = {"content-type": "application/json"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        answered = await c.get("/v1/statistics/readmission/SN", headers=headers)
    assert answered.status_code == 200
    assert received == [{"type": "http.request", "body": b"", "more_body": False}]
