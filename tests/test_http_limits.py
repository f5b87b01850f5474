"""A request's head in bounds (app/http_limits.py): header fields above their size are a 431
problem, in the middleware and from the server itself before a huge head is buffered; a request
id is kept only when it is a plain token, and one that is not never reaches logs or audit."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
from collections.abc import Callable

import httpx
import pytest
import uvicorn
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.types import Receive, Scope, Send

from app.http_limits import REQUEST_LINE_BYTES, HeaderLimits, request_id_of
from app.models import AuditEvent
from tests.factories import authority_body

Auth = Callable[..., dict[str, str]]
PROBLEM = "/problems/request-header-fields-too-large"


def test_the_limits_count_every_field_and_each_one() -> None:
    limits = HeaderLimits(total_bytes=1024, field_bytes=300)
    assert limits.check([(b"a", b"x" * 295)]) is None  # 1 + 295 + ": " and CRLF = 300
    too_long = limits.check([(b"a", b"x" * 296)])
    assert too_long is not None
    assert (too_long.status, too_long.type) == (431, PROBLEM)
    assert "larger than 300 bytes" in too_long.detail
    many = limits.check([(b"h%d" % i, b"x" * 200) for i in range(5)])
    assert many is not None
    assert "larger than 1024 bytes" in many.detail


def test_a_request_id_is_kept_only_as_a_plain_token() -> None:
    assert request_id_of("req-1_2.3:4") == "req-1_2.3:4"
    assert request_id_of("a" * 64) == "a" * 64
    for refused in ("", "a" * 65, "réq", "<script>", 'a"b', "a'b", "a b", "a\tb", "отчёт"):
        assert request_id_of(refused) is None


async def test_a_100_kb_header_or_too_many_fields_are_a_431_problem(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    for headers in (
        {**auth("NL", ["dpo"]), "X-Padding": "x" * 100_000},
        {**auth("NL", ["dpo"]), **{f"X-Pad-{i}": "x" * 4000 for i in range(5)}},
    ):
        response = await client.get("/v1/organisations/NL", headers=headers)
        assert response.status_code == 431
        assert response.headers["content-type"] == "application/problem+json"
        body = response.json()
        assert (body["type"], body["status"]) == (PROBLEM, 431)
        assert body["instance"] == "/v1/organisations/NL"
        assert response.headers["x-content-type-options"] == "nosniff"
    fine = await client.get("/v1/organisations/NL", headers=auth("NL", ["dpo"]))
    assert fine.status_code == 200


async def test_a_request_id_not_a_token_is_replaced_in_the_answer_the_log_and_the_audit(
    client: httpx.AsyncClient,
    auth: Auth,
    session: AsyncSession,
    caplog: pytest.LogCaptureFixture,
) -> None:
    kept = await client.get("/healthz", headers={"X-Request-ID": "edge-42:a.b_c"})
    assert kept.headers["x-request-id"] == "edge-42:a.b_c"
    headers = auth("NL", ["deploying_authority"])
    for sent in ("réqüest".encode(), b"<img src=x>", b"a\"b'c", "отчёт".encode()):
        with caplog.at_level(logging.INFO, logger="ilonet.access"):
            response = await client.post(
                "/v1/authorities",
                json=authority_body("NL"),
                headers=[
                    *((k.encode(), v.encode()) for k, v in headers.items()),
                    (b"X-Request-ID", sent),
                ],
            )
        assert response.status_code == 201, response.text
        given = response.headers["x-request-id"]
        assert len(given) == 32
        assert all(c in "0123456789abcdef" for c in given)
        # the access log's line for this request (other loggers, such as a background job's,
        # may write after it)
        logged = [
            getattr(r, "request_id", None) for r in caplog.records if r.name == "ilonet.access"
        ]
        assert logged[-1] == given
        text = sent.decode("utf-8")
        assert all(text not in str(r.__dict__) for r in caplog.records)
        event = (
            await session.scalars(
                select(AuditEvent).where(AuditEvent.resource_id == response.json()["id"])
            )
        ).one()
        assert event.request_id == given
        caplog.clear()


async def test_the_pages_refuse_framing_and_every_answer_grants_no_feature(
    client: httpx.AsyncClient,
) -> None:
    explorer = await client.get("/docs")
    api = await client.get("/healthz")
    for response in (explorer, api):
        assert response.headers["x-frame-options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert response.headers["cross-origin-resource-policy"] == "same-origin"
        assert "camera=()" in response.headers["permissions-policy"]
    # the explorer keeps its own policy (its scripts by hash, requests to this origin)
    assert "script-src 'self' 'sha256-" in explorer.headers["content-security-policy"]
    assert explorer.headers.get_list("content-security-policy") == [
        explorer.headers["content-security-policy"]
    ]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def _exchange(port: int, head: bytes, padding: int) -> tuple[bytes, bool]:
    """Send a request head with a header of `padding` bytes; the answer, and whether the
    server closed the connection before the whole head was sent."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    cut = False
    try:
        writer.write(head)
        sent = 0
        chunk = b"x" * 65_536
        while sent < padding:
            writer.write(chunk[: padding - sent])
            sent += min(len(chunk), padding - sent)
            await writer.drain()
        writer.write(b"\r\n\r\n")
        await writer.drain()
    except ConnectionError:
        cut = True
    answer = await reader.read()  # the server ends the answer with EOF
    writer.close()
    return answer, cut


async def test_the_server_answers_431_to_a_huge_head_without_buffering_it() -> None:
    seen: list[str] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        seen.append(scope["path"])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    port = _free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        http="app.http_limits:BoundedHttpToolsProtocol",
        h11_max_incomplete_event_size=16_384 + REQUEST_LINE_BYTES,
        log_config=None,
        lifespan="off",
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:  # noqa: ASYNC110 (uvicorn offers no event to wait on)
            await asyncio.sleep(0.01)
        head = b"GET /big HTTP/1.1\r\nHost: t\r\nX-Padding: "
        for padding in (100_000, 4 * 1_048_576):
            answer, _ = await _exchange(port, head, padding)
            status, _, rest = answer.partition(b"\r\n")
            assert status == b"HTTP/1.1 431 Request Header Fields Too Large"
            body = json.loads(rest.partition(b"\r\n\r\n")[2])
            assert (body["type"], body["status"]) == (PROBLEM, 431)
        ok = httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}")
        async with ok:
            assert (await ok.get("/small", headers={"X-A": "b" * 1000})).status_code == 200
        assert seen == ["/small"]  # the huge heads never reached the application
    finally:
        server.should_exit = True
        await task
