"""An upload's file is extracted and scanned before the request's transaction begins: while the
worker scans, the request holds no pooled connection and no transaction (so a slow scan keeps
no connection from other requests and meets no idle-in-transaction limit). The scan is held
by the test's own hook on `run_bounded`, released once the database has been looked at.

Run on `committed_client`: its app has an engine with a real pool, and its requests commit."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.config import Settings
from app.db.writer import Writer
from app.security import Principal
from app.services import document as document_service
from app.services.guarded import Context
from app.workers import run_bounded
from tests import factories
from tests.conftest import TEST_ISSUER, FreshDatabase
from tests.factories import Auth

Committed = tuple[httpx.AsyncClient, AsyncEngine]
CLEAN = "Sahel risk analysis Q3 2024: detections fell by 23% (4 512 against 5 861).\n"
REVISED = "Sahel risk analysis Q3 2024, revised: detections fell by 24%.\n"
NL_BOARD_MEMBER = Principal(
    iss=TEST_ISSUER,
    sub="nl-sb-member",
    org="NL",
    roles=frozenset({"sb_member"}),
    officer_id=None,
    scopes=frozenset(),
)


class HeldScan:
    """Holds each scan until released: `started` is set when the request reaches the worker."""

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.release = asyncio.Event()
        self.calls = 0

    async def __call__(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        self.started.set()
        await self.release.wait()
        return await run_bounded(fn, *args, **kwargs)


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> HeldScan:
    scan = HeldScan()
    monkeypatch.setattr(document_service, "run_bounded", scan)
    return scan


@pytest.fixture
async def db(fresh_db: FreshDatabase) -> AsyncIterator[asyncpg.Connection]:
    """A connection of the test's own to the committed database, to look at it."""
    async with factories.connected(fresh_db.app_url) as connection:
        yield connection


async def app_transactions(db: asyncpg.Connection) -> list[str]:
    """The states of the app's backends on this database that are inside a transaction."""
    rows = await db.fetch(
        "SELECT state FROM pg_stat_activity WHERE datname = current_database() "
        "AND application_name = 'ilonet' AND pid <> pg_backend_pid() "
        "AND xact_start IS NOT NULL"
    )
    return [str(row["state"]) for row in rows]


async def while_scanning(
    held: HeldScan, engine: AsyncEngine, db: asyncpg.Connection, sent: Awaitable[httpx.Response]
) -> httpx.Response:
    """Send the request, and once its file is at the scan, check that it holds nothing."""
    request = asyncio.ensure_future(sent)
    started = asyncio.ensure_future(held.started.wait())
    await asyncio.wait({request, started}, return_when=asyncio.FIRST_COMPLETED)
    assert not request.done(), request.result().text  # the request waits for its scan
    assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    assert await app_transactions(db) == []
    held.release.set()
    return await request


async def stored_upload(db: asyncpg.Connection, document_id: str) -> list[tuple[int, str]]:
    rows = await db.fetch(
        "SELECT number, sha256 FROM document_version WHERE document_id = $1 ORDER BY number",
        document_id,
    )
    return [(row["number"], row["sha256"]) for row in rows]


async def audit_actions(db: asyncpg.Connection, document_id: str) -> list[str]:
    rows = await db.fetch(
        "SELECT action FROM audit_event WHERE resource_id = $1 ORDER BY id", document_id
    )
    return [row["action"] for row in rows]


def upload(content: str = CLEAN) -> dict[str, Any]:
    return {
        "title": "Sahel risk analysis Q3 2024",
        "category": "a_analytical_product",
        "audience": "all_ilos",
        "media_type": "text/plain",
        "content": content,
    }


async def test_a_json_upload_holds_no_connection_while_scanned_and_its_replay_scans_nothing(
    committed_client: Committed, db: asyncpg.Connection, auth: Auth, held: HeldScan
) -> None:
    client, engine = committed_client
    headers = {**auth("NL", ["sb_member"]), "Idempotency-Key": "sahel-q3"}

    response = await while_scanning(
        held, engine, db, client.post("/v1/documents", json=upload(), headers=headers)
    )

    assert response.status_code == 201, response.text
    document_id = response.json()["id"]
    digest = hashlib.sha256(CLEAN.encode()).hexdigest()
    assert response.json()["versions"][0]["sha256"] == digest
    assert await stored_upload(db, document_id) == [(1, digest)]
    assert await audit_actions(db, document_id) == ["document.uploaded"]
    assert held.calls == 1
    replay = await client.post("/v1/documents", json=upload(), headers=headers)
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.content == response.content
    assert held.calls == 1  # a replay is answered before the file would be scanned again
    assert await db.fetchval("SELECT count(*) FROM document") == 1


async def test_a_multipart_upload_holds_no_connection_while_scanned(
    committed_client: Committed, db: asyncpg.Connection, auth: Auth, held: HeldScan
) -> None:
    client, engine = committed_client
    metadata = {"title": "Activity report 2024", "category": "b_programme_or_report",
                "audience": "steering_board"}  # fmt: skip

    response = await while_scanning(
        held,
        engine,
        db,
        client.post(
            "/v1/documents/files",
            files={"file": ("report.txt", CLEAN.encode(), "text/plain")},
            data={"metadata": json.dumps(metadata)},
            headers={**auth("NL", ["sb_member"]), "Idempotency-Key": "report-2024"},
        ),
    )

    assert response.status_code == 201, response.text
    document_id = response.json()["id"]
    digest = hashlib.sha256(CLEAN.encode()).hexdigest()
    assert await stored_upload(db, document_id) == [(1, digest)]
    assert await audit_actions(db, document_id) == ["document.uploaded"]
    stored = await db.fetchval("SELECT status FROM idempotency_key WHERE key = 'report-2024'")
    assert stored == 201


async def test_a_new_version_holds_no_connection_while_scanned(
    committed_client: Committed, db: asyncpg.Connection, auth: Auth, held: HeldScan
) -> None:
    client, engine = committed_client
    sb = auth("NL", ["sb_member"])
    held.release.set()  # the first version is scanned at once
    created = await client.post("/v1/documents", json=upload(), headers=sb)
    assert created.status_code == 201, created.text
    document_id = created.json()["id"]
    held.started.clear()
    held.release.clear()

    response = await while_scanning(
        held,
        engine,
        db,
        client.post(
            f"/v1/documents/{document_id}/versions",
            json={"media_type": "text/plain", "content": REVISED},
            headers={**sb, "If-Match": '"v1"'},
        ),
    )

    assert response.status_code == 201, response.text
    assert [v["number"] for v in response.json()["versions"]] == [1, 2]
    assert await stored_upload(db, document_id) == [
        (1, hashlib.sha256(CLEAN.encode()).hexdigest()),
        (2, hashlib.sha256(REVISED.encode()).hexdigest()),
    ]
    assert await audit_actions(db, document_id) == ["document.uploaded", "document.version_added"]


async def test_a_denied_upload_is_scanned_outside_the_transaction_and_denied_as_before(
    committed_client: Committed, db: asyncpg.Connection, auth: Auth, held: HeldScan
) -> None:
    client, engine = committed_client
    content = "Contact jan.devries@minbuza.nl about passport no. NK4581203.\n"

    response = await while_scanning(
        held,
        engine,
        db,
        client.post("/v1/documents", json=upload(content), headers=auth("NL", ["sb_member"])),
    )

    assert response.status_code == 403, response.text
    problem = response.json()
    assert problem["type"] == "/problems/policy-denied"
    assert {v["rule"] for v in problem["violations"]} == {"ILO-9.3"}
    assert "jan.devries" not in response.text
    assert await db.fetchval("SELECT count(*) FROM document") == 0
    denial = await db.fetchrow(
        "SELECT rules, details::text AS details FROM audit_event WHERE action = 'policy.denied'"
    )
    assert denial is not None
    assert "ILO-9.3" in denial["rules"]
    assert "jan.devries" not in denial["details"]


async def test_an_inspection_refuses_to_run_inside_a_transaction(
    session: AsyncSession, settings: Settings
) -> None:
    """The write path's property, not one route's: an action that inspects its body cannot be
    performed on a session whose transaction has begun."""
    await session.execute(select(1))  # the transaction begins
    writer = Writer(session, NL_BOARD_MEMBER, request_id=None)
    context = Context(writer, settings, lock=True)
    body = document_service.UPLOAD.body.model_validate(upload())

    with pytest.raises(RuntimeError, match="before the transaction begins"):
        await context.perform(document_service.UPLOAD, None, body)
