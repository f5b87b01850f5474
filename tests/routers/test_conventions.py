"""HTTP conventions shared by every resource: Idempotency-Key on POST, ETag/If-Match on updates.

Idempotency tests run on `committed_client` (the first request really commits before the retry,
and the in-flight lock is held from another connection); ETag tests run in the rolled-back
test transaction.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.db.idempotency import lock_key
from app.models import AuditEvent, DeploymentHistory
from tests import factories
from tests.conftest import TEST_ISSUER, FreshDatabase
from tests.factories import Auth

Committed = tuple[httpx.AsyncClient, AsyncEngine]
NL_SUB = "nl-case-system"


@pytest.fixture
async def db(fresh_db: FreshDatabase) -> AsyncIterator[asyncpg.Connection]:
    """An app-role connection of its own to the committed database, to inspect and to lock."""
    async with factories.connected(fresh_db.app_url) as connection:
        yield connection


def nl(auth: Auth, sub: str = NL_SUB) -> dict[str, str]:
    return auth("NL", ["deploying_authority"], sub=sub)


def with_key(headers: dict[str, str], key: str) -> dict[str, str]:
    return {**headers, "Idempotency-Key": key}


async def counts(db: asyncpg.Connection) -> dict[str, int]:
    return {
        "authority": await db.fetchval("SELECT count(*) FROM authority"),
        "audit": await db.fetchval(
            "SELECT count(*) FROM audit_event WHERE action = 'authority.created'"
        ),
        "outbox": await db.fetchval(
            "SELECT count(*) FROM outbox_event WHERE type = 'authority.created'"
        ),
    }


def assert_problem(response: httpx.Response, status: int, type_: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem: dict[str, Any] = response.json()
    assert problem["type"] == type_
    assert problem["status"] == status
    return problem


# --- Idempotency-Key ---------------------------------------------------------------------------


async def test_a_retry_with_the_same_key_and_body_replays_the_first_response(
    committed_client: Committed, db: asyncpg.Connection, auth: Auth
) -> None:
    client, _ = committed_client
    headers = with_key(nl(auth), "create-ind-1")
    body = factories.authority_body("NL")

    first = await client.post("/v1/authorities", json=body, headers=headers)
    assert first.status_code == 201, first.text
    assert "Idempotent-Replayed" not in first.headers
    retry = await client.post("/v1/authorities", json=body, headers=headers)

    assert retry.status_code == 201
    assert retry.content == first.content
    assert retry.headers["Idempotent-Replayed"] == "true"
    location = f"/v1/authorities/{first.json()['id']}"
    assert retry.headers["Location"] == first.headers["Location"] == location
    assert retry.headers["content-type"] == "application/json"
    assert await counts(db) == {"authority": 1, "audit": 1, "outbox": 1}
    stored = await db.fetchrow(
        "SELECT client, method, path, status, body, expires_at - now() AS ttl "
        "FROM idempotency_key WHERE key = 'create-ind-1'"
    )
    assert stored is not None
    assert stored["client"] == f"{TEST_ISSUER}|{NL_SUB}"
    assert (stored["method"], stored["path"], stored["status"]) == ("POST", "/v1/authorities", 201)
    assert bytes(stored["body"]) == first.content
    assert 23.9 * 3600 < stored["ttl"].total_seconds() <= 24 * 3600


async def test_the_stored_replay_of_an_officer_holds_no_contact_details(
    committed_client: Committed, db: asyncpg.Connection, auth: Auth
) -> None:
    client, _ = committed_client
    headers = nl(auth)
    authority = await factories.create_authority(client, headers)
    body = factories.officer_body(authority["id"])

    first = await client.post("/v1/officers", json=body, headers=with_key(headers, "officer-1"))
    assert first.status_code == 201, first.text
    retry = await client.post("/v1/officers", json=body, headers=with_key(headers, "officer-1"))

    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.content == first.content
    assert retry.json()["contact"] is None
    assert retry.headers["ETag"] == '"v1"'
    stored = bytes(await db.fetchval("SELECT body FROM idempotency_key WHERE key = 'officer-1'"))
    for personal in factories.OFFICER_PERSONAL_DATA:
        assert personal.encode() not in stored
    assert await db.fetchval("SELECT count(*) FROM officer") == 1


async def test_the_same_key_with_another_body_or_path_is_refused(
    committed_client: Committed, db: asyncpg.Connection, auth: Auth
) -> None:
    client, _ = committed_client
    headers = with_key(nl(auth), "reused")
    first = await client.post(
        "/v1/authorities", json=factories.authority_body("NL"), headers=headers
    )
    assert first.status_code == 201, first.text

    other_body = await client.post(
        "/v1/authorities", json=factories.authority_body("NL", name="KMar"), headers=headers
    )
    assert_problem(other_body, 422, "/problems/idempotency-key-reused")
    other_path = await client.post(
        "/v1/officers", json=factories.officer_body(first.json()["id"]), headers=headers
    )
    assert_problem(other_path, 422, "/problems/idempotency-key-reused")

    assert await counts(db) == {"authority": 1, "audit": 1, "outbox": 1}
    assert await db.fetchval("SELECT count(*) FROM officer") == 0


async def test_a_json_retry_written_otherwise_replays(
    committed_client: Committed, db: asyncpg.Connection, auth: Auth
) -> None:
    """Another key order and other whitespace encode the same request: it replays."""
    client, _ = committed_client
    headers = with_key(nl(auth), "reordered")
    body = factories.authority_body("NL")
    first = await client.post("/v1/authorities", json=body, headers=headers)
    assert first.status_code == 201, first.text

    rewritten = json.dumps(dict(reversed(list(body.items()))), indent=2).encode()
    assert rewritten != json.dumps(body).encode()
    retry = await client.post(
        "/v1/authorities",
        content=rewritten,
        headers={**headers, "Content-Type": "application/json; charset=utf-8"},
    )

    assert retry.status_code == 201
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.content == first.content
    assert retry.headers["Location"] == first.headers["Location"]
    assert await counts(db) == {"authority": 1, "audit": 1, "outbox": 1}


# A multipart body written by hand, so that each request's boundary and part headers are the
# test's: every encoder (curl, httpx, browsers) draws a new boundary for each request.
Part = tuple[str, str | None, str | None, bytes]  # name, filename, content type, bytes
UPLOAD_METADATA = {"title": "Activity report 2024", "category": "b_programme_or_report",
                   "audience": "steering_board"}  # fmt: skip
UPLOAD_TEXT = b"Activity report 2024: 173 liaison officers in 41 countries.\n"


def upload_parts(
    *,
    content: bytes = UPLOAD_TEXT,
    filename: str = "report.txt",
    media_type: str = "text/plain",
    metadata: dict[str, Any] | None = None,
) -> list[Part]:
    fields = json.dumps(UPLOAD_METADATA if metadata is None else metadata).encode()
    return [("metadata", None, None, fields), ("file", filename, media_type, content)]


def multipart(parts: list[Part], boundary: str, *, curl_style: bool) -> tuple[str, bytes]:
    """The Content-Type and body of a form: as curl writes it, or with lower-case header
    names and other spacing."""
    out = b""
    for name, filename, media_type, data in parts:
        disposition = f'form-data; name="{name}"' + (
            f'; filename="{filename}"' if filename is not None else ""
        )
        if curl_style:
            out += f"--{boundary}\r\nContent-Disposition: {disposition}\r\n".encode()
            if media_type is not None:
                out += f"Content-Type: {media_type}\r\n".encode()
        else:
            if media_type is not None:
                out += f"--{boundary}\r\ncontent-type:  {media_type}\r\n".encode()
            else:
                out += f"--{boundary}\r\n".encode()
            out += f"content-disposition:{disposition.replace('; ', ';')}\r\n".encode()
        out += b"\r\n" + data + b"\r\n"
    return f"multipart/form-data; boundary={boundary}", out + f"--{boundary}--\r\n".encode()


async def post_form(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    parts: list[Part],
    boundary: str,
    *,
    curl_style: bool = True,
) -> httpx.Response:
    content_type, body = multipart(parts, boundary, curl_style=curl_style)
    return await client.post(
        "/v1/documents/files", content=body, headers={**headers, "Content-Type": content_type}
    )


async def upload_counts(db: asyncpg.Connection) -> dict[str, int]:
    return {
        "document": await db.fetchval("SELECT count(*) FROM document"),
        "version": await db.fetchval("SELECT count(*) FROM document_version"),
        "audit": await db.fetchval(
            "SELECT count(*) FROM audit_event WHERE action = 'document.uploaded'"
        ),
        "keys": await db.fetchval("SELECT count(*) FROM idempotency_key"),
    }


async def test_a_multipart_upload_retried_with_another_boundary_replays(
    committed_client: Committed, db: asyncpg.Connection, auth: Auth
) -> None:
    client, _ = committed_client
    headers = with_key(auth("NL", ["sb_member"]), "upload-1")
    first = await post_form(client, headers, upload_parts(), "------------------------d74496d6")
    assert first.status_code == 201, first.text
    assert "Idempotent-Replayed" not in first.headers

    retry = await post_form(client, headers, upload_parts(), "a9f2c0e1b7d34e58", curl_style=False)

    assert retry.status_code == 201, retry.text
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.content == first.content
    document = first.json()
    assert retry.headers["Location"] == first.headers["Location"]
    assert first.headers["Location"] == f"/v1/documents/{document['id']}"
    assert document["versions"][0]["sha256"] == hashlib.sha256(UPLOAD_TEXT).hexdigest()
    assert await upload_counts(db) == {"document": 1, "version": 1, "audit": 1, "keys": 1}


@pytest.mark.parametrize(
    "changed",
    [
        pytest.param({"content": UPLOAD_TEXT.replace(b"173", b"174")}, id="a file byte"),
        pytest.param({"metadata": {**UPLOAD_METADATA, "title": "Report 2024"}}, id="metadata"),
        pytest.param({"filename": "report-2024.txt"}, id="the filename"),
        pytest.param({"media_type": "text/csv"}, id="the part content type"),
    ],
)
async def test_a_multipart_retry_that_changes_its_content_is_refused(
    committed_client: Committed, db: asyncpg.Connection, auth: Auth, changed: dict[str, Any]
) -> None:
    client, _ = committed_client
    headers = with_key(auth("NL", ["sb_member"]), "upload-2")
    first = await post_form(client, headers, upload_parts(), "boundary-one")
    assert first.status_code == 201, first.text
    stored = await db.fetchrow("SELECT request_hash, body FROM idempotency_key")

    refused = await post_form(client, headers, upload_parts(**changed), "boundary-two")

    assert_problem(refused, 422, "/problems/idempotency-key-reused")
    assert await upload_counts(db) == {"document": 1, "version": 1, "audit": 1, "keys": 1}
    assert await db.fetchrow("SELECT request_hash, body FROM idempotency_key") == stored
    assert bytes(stored["body"]) == first.content


async def test_a_key_stored_with_the_bytes_of_its_request_still_replays_those_bytes(
    committed_client: Committed, db: asyncpg.Connection, auth: Auth
) -> None:
    """A key stored when fingerprints hashed the raw body replays a retry of the same bytes;
    a retry encoded anew (another boundary) cannot be matched to it and is refused."""
    client, _ = committed_client
    headers = with_key(auth("NL", ["sb_member"]), "upload-3")
    content_type, body = multipart(upload_parts(), "boundary-one", curl_style=True)
    first = await post_form(client, headers, upload_parts(), "boundary-one")
    assert first.status_code == 201, first.text
    raw = hashlib.sha256(b"POST /v1/documents/files\n" + body).hexdigest()
    await db.execute("UPDATE idempotency_key SET request_hash = $1", raw)

    same_bytes = await post_form(client, headers, upload_parts(), "boundary-one")
    encoded_anew = await post_form(client, headers, upload_parts(), "boundary-two")

    assert same_bytes.status_code == 201, same_bytes.text
    assert same_bytes.headers["Idempotent-Replayed"] == "true"
    assert same_bytes.content == first.content
    assert_problem(encoded_anew, 422, "/problems/idempotency-key-reused")
    assert await upload_counts(db) == {"document": 1, "version": 1, "audit": 1, "keys": 1}
    assert content_type == "multipart/form-data; boundary=boundary-one"


async def test_keys_are_scoped_to_the_client(
    committed_client: Committed, db: asyncpg.Connection, auth: Auth
) -> None:
    client, _ = committed_client
    body = factories.authority_body("NL")
    first = await client.post(
        "/v1/authorities", json=body, headers=with_key(nl(auth), "shared-key")
    )
    other = await client.post(
        "/v1/authorities", json=body, headers=with_key(nl(auth, "nl-other-system"), "shared-key")
    )

    assert first.status_code == other.status_code == 201, other.text
    assert "Idempotent-Replayed" not in other.headers
    assert other.json()["id"] != first.json()["id"]
    assert await counts(db) == {"authority": 2, "audit": 2, "outbox": 2}
    clients = await db.fetch("SELECT client FROM idempotency_key ORDER BY client")
    assert [r["client"] for r in clients] == [
        f"{TEST_ISSUER}|nl-case-system",
        f"{TEST_ISSUER}|nl-other-system",
    ]


async def test_a_retry_while_the_first_is_in_flight_is_a_conflict(
    committed_client: Committed, db: asyncpg.Connection, auth: Auth
) -> None:
    client, _ = committed_client
    body = factories.authority_body("NL")
    key = "in-flight"
    held = lock_key(f"{TEST_ISSUER}|{NL_SUB}", key)
    # Another connection holds the key's lock, as the first request's transaction would.
    await db.execute("SELECT pg_advisory_lock($1)", held)
    try:
        response = await client.post("/v1/authorities", json=body, headers=with_key(nl(auth), key))
        assert_problem(response, 409, "/problems/idempotency-in-flight")
        # Another client's same key is another lock.
        other = await client.post(
            "/v1/authorities", json=body, headers=with_key(nl(auth, "nl-other-system"), key)
        )
        assert other.status_code == 201, other.text
    finally:
        await db.execute("SELECT pg_advisory_unlock($1)", held)
    assert await counts(db) == {"authority": 1, "audit": 1, "outbox": 1}

    # Once the first is done (here: never stored), the retry runs.
    retry = await client.post("/v1/authorities", json=body, headers=with_key(nl(auth), key))
    assert retry.status_code == 201, retry.text
    assert await counts(db) == {"authority": 2, "audit": 2, "outbox": 2}


async def test_a_failed_request_does_not_use_up_its_key(
    committed_client: Committed, db: asyncpg.Connection, auth: Auth
) -> None:
    """The key is stored in the write's transaction: a denied request stores nothing."""
    client, _ = committed_client
    fr = with_key(auth("FR", ["deploying_authority"]), "fr-key")
    denied = await client.post("/v1/authorities", json=factories.authority_body("NL"), headers=fr)
    assert_problem(denied, 403, "/problems/policy-denied")
    assert await db.fetchval("SELECT count(*) FROM idempotency_key") == 0

    allowed = await client.post("/v1/authorities", json=factories.authority_body("FR"), headers=fr)
    assert allowed.status_code == 201, allowed.text
    assert "Idempotent-Replayed" not in allowed.headers


async def test_without_a_key_two_posts_create_two_resources(
    committed_client: Committed, db: asyncpg.Connection, auth: Auth
) -> None:
    client, _ = committed_client
    body = factories.authority_body("NL")
    first = await client.post("/v1/authorities", json=body, headers=nl(auth))
    second = await client.post("/v1/authorities", json=body, headers=nl(auth))

    assert first.status_code == second.status_code == 201
    assert first.json()["id"] != second.json()["id"]
    assert await counts(db) == {"authority": 2, "audit": 2, "outbox": 2}
    assert await db.fetchval("SELECT count(*) FROM idempotency_key") == 0


async def test_an_expired_key_may_be_used_again(
    committed_client: Committed, fresh_db: FreshDatabase, db: asyncpg.Connection, auth: Auth
) -> None:
    client, _ = committed_client
    headers = with_key(nl(auth), "old-key")
    first = await client.post(
        "/v1/authorities", json=factories.authority_body("NL"), headers=headers
    )
    assert first.status_code == 201, first.text
    await db.execute("UPDATE idempotency_key SET expires_at = now() - interval '1 second'")

    again = await client.post(
        "/v1/authorities", json=factories.authority_body("NL", name="KMar"), headers=headers
    )

    assert again.status_code == 201, again.text
    assert "Idempotent-Replayed" not in again.headers
    assert again.json()["name"] == "KMar"
    assert await db.fetchval("SELECT count(*) FROM idempotency_key") == 1


@pytest.mark.parametrize("key", ["has space", "", "x" * 256, "tab\tkey"])
async def test_a_malformed_key_is_a_validation_problem(
    client: httpx.AsyncClient, session: AsyncSession, auth: Auth, key: str
) -> None:
    response = await client.post(
        "/v1/authorities", json=factories.authority_body("NL"), headers=with_key(nl(auth), key)
    )
    problem = assert_problem(response, 422, "/problems/validation-error")
    assert problem["errors"][0]["pointer"] == "/Idempotency-Key"
    assert await session.scalar(select(func.count()).select_from(AuditEvent)) == 0


async def test_a_retried_transition_replays_although_its_etag_is_now_stale(
    committed_client: Committed, db: asyncpg.Connection, auth: Auth
) -> None:
    """A retry is the same request: it gets the first answer, not a 412 for its own change."""
    client, _ = committed_client
    headers = nl(auth)
    _, _, deployment = await factories.create_deployment_chain(client, headers)
    url = f"/v1/deployments/{deployment['id']}/transitions"
    move = {"to": "deployed", "on": "2026-01-01"}
    retry_headers = {**with_key(headers, "deploy-1"), "If-Match": '"v1"'}

    first = await client.post(url, json=move, headers=retry_headers)
    assert first.status_code == 200, first.text
    retry = await client.post(url, json=move, headers=retry_headers)

    assert retry.status_code == 200
    assert retry.content == first.content
    assert retry.headers["ETag"] == first.headers["ETag"] == '"v2"'
    assert retry.headers["Idempotent-Replayed"] == "true"
    events = await db.fetch("SELECT event FROM deployment_history ORDER BY version")
    assert [r["event"] for r in events] == ["planned", "deployed"]


# --- ETag / If-Match ---------------------------------------------------------------------------


async def test_an_officer_update_needs_the_current_etag(
    client: httpx.AsyncClient, session: AsyncSession, auth: Auth
) -> None:
    headers = nl(auth)
    authority = await factories.create_authority(client, headers)
    created = await client.post(
        "/v1/officers", json=factories.officer_body(authority["id"]), headers=headers
    )
    assert created.headers["ETag"] == '"v1"'
    officer_id = created.json()["id"]
    url = f"/v1/officers/{officer_id}"
    fetched = await client.get(url, headers=headers)
    assert fetched.headers["ETag"] == '"v1"'

    async def patch(surname: str, if_match: str | None) -> httpx.Response:
        extra = {"If-Match": if_match} if if_match is not None else {}
        return await client.patch(url, json={"surname": surname}, headers={**headers, **extra})

    async def unchanged(version: int, surname: str) -> None:
        current = await client.get(url, headers=headers)
        assert current.headers["ETag"] == f'"v{version}"'
        assert (current.json()["version"], current.json()["surname"]) == (version, surname)

    missing = await patch("de Vries", None)
    assert_problem(missing, 428, "/problems/precondition-required")
    wrong = await patch("de Vries", '"v2"')
    problem = assert_problem(wrong, 412, "/problems/precondition-failed")
    assert '"v1"' in problem["detail"]
    await unchanged(1, "Jansen")

    updated = await patch("de Vries", '"v1"')
    assert updated.status_code == 200, updated.text
    assert updated.headers["ETag"] == '"v2"'
    assert (updated.json()["version"], updated.json()["surname"]) == (2, "de Vries")

    stale = await patch("Bakker", '"v1"')
    assert_problem(stale, 412, "/problems/precondition-failed")
    await unchanged(2, "de Vries")

    listed = await patch("Bakker", 'W/"v0", "v2"')
    assert listed.status_code == 200, listed.text
    assert listed.headers["ETag"] == '"v3"'
    star = await patch("Visser", "*")
    assert star.status_code == 200, star.text
    assert star.headers["ETag"] == '"v4"'

    actions = (
        await session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.resource_id == officer_id)
            .order_by(AuditEvent.id)
        )
    ).all()
    updates = [a for a in actions if a == "officer.updated"]
    assert len(updates) == 3  # the 428 and 412 attempts changed and recorded nothing


async def test_a_transition_needs_the_current_etag(
    client: httpx.AsyncClient, session: AsyncSession, auth: Auth
) -> None:
    headers = nl(auth)
    _, _, deployment = await factories.create_deployment_chain(client, headers)
    url = f"/v1/deployments/{deployment['id']}"

    async def move(to: str, on: str, if_match: str | None) -> httpx.Response:
        extra = {"If-Match": if_match} if if_match is not None else {}
        return await client.post(
            f"{url}/transitions", json={"to": to, "on": on}, headers={**headers, **extra}
        )

    async def history() -> list[str]:
        rows = await session.scalars(
            select(DeploymentHistory.event)
            .where(DeploymentHistory.deployment_id == deployment["id"])
            .order_by(DeploymentHistory.version)
        )
        return list(rows.all())

    assert_problem(
        await move("deployed", "2026-01-01", None), 428, "/problems/precondition-required"
    )
    assert_problem(
        await move("deployed", "2026-01-01", '"v7"'), 412, "/problems/precondition-failed"
    )
    current = await client.get(url, headers=headers)
    assert (current.json()["status"], current.headers["ETag"]) == ("planned", '"v1"')
    assert await history() == ["planned"]

    deployed = await move("deployed", "2026-01-01", '"v1"')
    assert deployed.status_code == 200, deployed.text
    assert deployed.headers["ETag"] == '"v2"'
    assert (deployed.json()["status"], deployed.json()["version"]) == ("deployed", 2)
    assert deployed.json()["deployed_on"] == "2026-01-01"

    assert_problem(await move("ended", "2026-06-30", '"v1"'), 412, "/problems/precondition-failed")
    assert await history() == ["planned", "deployed"]

    amended = await client.patch(
        url, json={"city": "Saint-Louis"}, headers={**headers, "If-Match": '"v2"'}
    )
    assert amended.status_code == 200, amended.text
    assert amended.headers["ETag"] == '"v3"'
    assert_problem(
        await client.patch(url, json={"city": "Thiès"}, headers={**headers, "If-Match": '"v2"'}),
        412,
        "/problems/precondition-failed",
    )
    assert_problem(
        await client.patch(url, json={"city": "Thiès"}, headers=headers),
        428,
        "/problems/precondition-required",
    )
    assert await history() == ["planned", "deployed", "amended"]


# --- concurrent updates with the same ETag -----------------------------------------------------


async def race(
    db: asyncpg.Connection,
    table: str,
    row_id: str,
    requests: Callable[[], list[Awaitable[httpx.Response]]],
) -> list[httpx.Response]:
    """Run requests that all read the row before any writes it.

    A row lock held from `db` lets each request load the row and check its If-Match, then makes
    every UPDATE wait; the lock is released once all of them are waiting.
    """
    transaction = db.transaction()
    await transaction.start()
    await db.execute(f"SELECT 1 FROM {table} WHERE id = $1 FOR UPDATE", row_id)  # noqa: S608
    tasks = [asyncio.ensure_future(r) for r in requests()]
    try:
        # Wait for a condition, never for a time: every request blocked on the lock (or done).
        async with asyncio.timeout(30):
            while True:
                await db.execute("SELECT pg_stat_clear_snapshot()")  # fresh activity, not cached
                waiting = await db.fetchval(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
                if waiting == len(tasks) or all(t.done() for t in tasks):
                    break
                await asyncio.sleep(0.02)
    finally:
        await transaction.rollback()
    return list(await asyncio.gather(*tasks))


async def test_two_updates_with_the_same_etag_cannot_both_succeed(
    committed_client: Committed, db: asyncpg.Connection, auth: Auth
) -> None:
    client, _ = committed_client
    headers = nl(auth)
    _, officer = await factories.create_officer_with_authority(client, headers)
    url = f"/v1/officers/{officer['id']}"

    responses = await race(
        db,
        "officer",
        officer["id"],
        lambda: [
            client.patch(url, json={"surname": name}, headers={**headers, "If-Match": '"v1"'})
            for name in ("de Vries", "Bakker")
        ],
    )

    statuses = sorted(r.status_code for r in responses)
    updates = await db.fetchval("SELECT count(*) FROM audit_event WHERE action = 'officer.updated'")
    assert (statuses, updates) == ([200, 412], 1), [json.loads(r.text) for r in responses]


@pytest.mark.parametrize("if_match", ["v1", "{}", "0", '"v1', 'W/"v1" "v2"'])
async def test_a_malformed_if_match_is_a_validation_problem(
    client: httpx.AsyncClient, session: AsyncSession, auth: Auth, if_match: str
) -> None:
    """Not an entity-tag list (RFC 9110 13.1.1): 422 naming the header, not a 412."""
    headers = nl(auth)
    authority = await factories.create_authority(client, headers)
    officer = await factories.create_officer(client, headers, authority_id=authority["id"])
    response = await client.patch(
        f"/v1/officers/{officer['id']}",
        json={"surname": "Bakker"},
        headers={**headers, "If-Match": if_match},
    )
    problem = assert_problem(response, 422, "/problems/validation-error")
    assert problem["errors"] == [
        {"pointer": "/If-Match", "in": "header", "detail": 'an ETag such as "v3", or *'}
    ]
    stored = await client.get(f"/v1/officers/{officer['id']}", headers=headers)
    assert (stored.json()["version"], stored.json()["surname"]) == (1, officer["surname"])
