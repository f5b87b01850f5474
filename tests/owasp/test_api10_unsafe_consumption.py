"""OWASP API10:2023 Unsafe Consumption of APIs: a webhook receiver's answer is never trusted.

Of an answer only the status code and a short reason of the service's own are stored; its body
is never read (so a huge, endless, slow or undecodable one costs nothing and is kept nowhere),
its headers are bounded, and a redirect is an answer, never followed. The receivers are raw
TCP servers on 127.0.0.1 (allowed explicitly) that answer what each test scripts.
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from app.background import fan_out_webhooks, run_job
from app.config import Settings
from app.services.webhook_delivery import SendResult, send_due
from tests import factories
from tests.conftest import FreshDatabase
from tests.factories import Auth

Committed = tuple[httpx.AsyncClient, AsyncEngine]
Answer = Callable[[asyncio.StreamWriter], Awaitable[None]]
CHUNK = b"x" * 65_536
# Far more than socket buffers hold: a sender that read the body would be stuck reading it.
HUGE = 1 << 40


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The receivers are on this machine; a long timeout, so that reading an answer's body
    would show as a timeout rather than pass unnoticed."""
    return settings.model_copy(
        update={
            "webhook_allowed_networks": [ipaddress.ip_network("127.0.0.1/32")],
            "webhook_timeout_seconds": 20.0,
        }
    )


@dataclass
class Scripted:
    """Reads a request, then answers with `answer`; counts requests and bytes sent."""

    answer: Answer | None = None
    port: int = 0
    paths: list[str] = field(default_factory=list)
    sent: int = 0
    finished: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
            self.paths.append(head.split(" ", 2)[1])
            length = next(
                int(line.split(":", 1)[1])
                for line in head.split("\r\n")
                if line.lower().startswith("content-length:")
            )
            await reader.readexactly(length)
            assert self.answer is not None
            await self.answer(writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the sender hung up: that is what these tests expect of it
        finally:
            writer.close()
            self.finished.set()

    async def write(self, writer: asyncio.StreamWriter, data: bytes) -> None:
        writer.write(data)
        await writer.drain()
        self.sent += len(data)


@pytest.fixture
async def receiver() -> AsyncIterator[Scripted]:
    box = Scripted()
    server = await asyncio.start_server(box.handle, "127.0.0.1", 0)
    box.port = server.sockets[0].getsockname()[1]
    try:
        yield box
    finally:
        server.close()
        await server.wait_closed()


async def deliver_once(
    client: httpx.AsyncClient, engine: AsyncEngine, auth: Auth, settings: Settings, url: str
) -> SendResult:
    headers = auth("NL", ["integration"], sub="nl-cms", scopes=["webhooks:write"])
    response = await client.post(
        "/v1/webhooks", json={"url": url, "event_types": ["authority.created"]}, headers=headers
    )
    assert response.status_code == 201, response.text
    await factories.create_authority(client, auth("NL", ["deploying_authority"], sub="nl-manager"))
    maker = async_sessionmaker(engine, expire_on_commit=False)
    assert await run_job(maker, settings, fan_out_webhooks) == 1
    return await send_due(maker=maker, settings=settings)


async def stored(fresh_db: FreshDatabase) -> dict[str, Any]:
    """The delivery row as the database has it, every column."""
    async with factories.connected(fresh_db.app_url) as db:
        rows: list[asyncpg.Record] = await db.fetch("SELECT * FROM webhook_delivery")
    (row,) = rows
    return dict(row)


def text_of(row: dict[str, Any]) -> str:
    return " ".join(str(value) for value in row.values())


async def test_a_huge_body_is_not_read(
    committed_client: Committed,
    fresh_db: FreshDatabase,
    auth: Auth,
    settings: Settings,
    receiver: Scripted,
) -> None:
    async def endless(writer: asyncio.StreamWriter) -> None:
        await receiver.write(writer, f"HTTP/1.1 200 OK\r\nContent-Length: {HUGE}\r\n\r\n".encode())
        while True:
            await receiver.write(writer, CHUNK)

    receiver.answer = endless
    client, engine = committed_client
    result = await deliver_once(client, engine, auth, settings, receiver.url)
    # The sender hung up instead of reading: the receiver's writes fail, it stops.
    await asyncio.wait_for(receiver.finished.wait(), timeout=30)
    assert result.delivered == 1
    row = await stored(fresh_db)
    assert (row["status"], row["last_status_code"], row["last_error"]) == ("delivered", 200, None)
    assert receiver.sent < 64 * 1024 * 1024, "no more than what the sockets buffer was taken"
    assert "xxxx" not in text_of(row)


async def test_a_slow_body_is_not_waited_for(
    committed_client: Committed,
    fresh_db: FreshDatabase,
    auth: Auth,
    settings: Settings,
    receiver: Scripted,
) -> None:
    never = asyncio.Event()

    async def stalled(writer: asyncio.StreamWriter) -> None:
        # the first bytes of the body: letters no id, hex digest or timestamp of the row can hold
        await receiver.write(writer, b"HTTP/1.1 202 Accepted\r\nContent-Length: 10\r\n\r\nqzw")
        await never.wait()  # the rest of the body never comes

    receiver.answer = stalled
    client, engine = committed_client
    waiting = asyncio.create_task(deliver_once(client, engine, auth, settings, receiver.url))
    try:
        result = await asyncio.wait_for(waiting, timeout=settings.webhook_timeout_seconds / 2)
    finally:
        never.set()
    assert result.delivered == 1
    row = await stored(fresh_db)
    assert (row["status"], row["last_status_code"], row["last_error"]) == ("delivered", 202, None)
    assert "qzw" not in text_of(row)


async def test_a_redirect_to_an_internal_address_is_not_followed(
    committed_client: Committed,
    fresh_db: FreshDatabase,
    auth: Auth,
    settings: Settings,
    receiver: Scripted,
) -> None:
    internal = f"http://127.0.0.1:{receiver.port}/internal/admin?via=169.254.169.254"

    async def moved(writer: asyncio.StreamWriter) -> None:
        await receiver.write(
            writer,
            f"HTTP/1.1 302 Found\r\nLocation: {internal}\r\nContent-Length: 0\r\n\r\n".encode(),
        )

    receiver.answer = moved
    client, engine = committed_client
    result = await deliver_once(client, engine, auth, settings, receiver.url)
    assert (result.retried, result.delivered) == (1, 0)
    assert receiver.paths == ["/hooks"], "the Location was not requested"
    row = await stored(fresh_db)
    assert (row["status"], row["last_status_code"], row["last_error"]) == (
        "pending",
        302,
        "HTTP 302",
    )
    assert "internal" not in text_of(row)
    assert "169.254" not in text_of(row)


async def test_a_non_utf8_error_body_is_neither_decoded_nor_stored(
    committed_client: Committed,
    fresh_db: FreshDatabase,
    auth: Auth,
    settings: Settings,
    receiver: Scripted,
) -> None:
    garbage = b"\xff\xfe\xc3\x28 stack trace \x00\x80" * 500

    async def broken(writer: asyncio.StreamWriter) -> None:
        await receiver.write(
            writer,
            b"HTTP/1.1 500 \xff\xfe\r\nContent-Type: text/plain; charset=utf-8\r\n"
            + f"Content-Length: {len(garbage)}\r\n\r\n".encode()
            + garbage,
        )

    receiver.answer = broken
    client, engine = committed_client
    result = await deliver_once(client, engine, auth, settings, receiver.url)
    assert result.retried == 1
    row = await stored(fresh_db)
    assert (row["status"], row["last_status_code"], row["last_error"]) == (
        "pending",
        500,
        "HTTP 500",
    )
    assert "stack trace" not in text_of(row)


async def test_endless_headers_are_cut_off_with_a_short_reason(
    committed_client: Committed,
    fresh_db: FreshDatabase,
    auth: Auth,
    settings: Settings,
    receiver: Scripted,
) -> None:
    async def endless(writer: asyncio.StreamWriter) -> None:
        await receiver.write(writer, b"HTTP/1.1 200 OK\r\n")
        while True:
            await receiver.write(writer, b"X-Filler: " + b"y" * 1000 + b"\r\n")

    receiver.answer = endless
    client, engine = committed_client
    result = await deliver_once(client, engine, auth, settings, receiver.url)
    await asyncio.wait_for(receiver.finished.wait(), timeout=30)
    assert result.retried == 1
    row = await stored(fresh_db)
    assert (row["status"], row["last_status_code"]) == ("pending", None)
    assert row["last_error"] == "transport error: RemoteProtocolError"
    assert receiver.sent < 64 * 1024 * 1024
    assert "yyyy" not in text_of(row)
