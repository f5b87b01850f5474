"""Data-protection drill: after an erasure through the API (ILO-10.2) and one by the retention
sweep (`ilonet sweep`, ILO-9.3), a full `pg_dump`, every row as the owner reads it, and every log
line of the drill (the server's stdout/stderr, the commands' output, PostgreSQL's own log) hold
none of the erased subjects' plaintext, no bearer token and no secret (KEK, cursor key, webhook
secret, the token signing key).

Positive controls show each search can find what it looks for: before erasure the plaintext is in
the API's access copy and the sealed ciphertext is in the dump; the dump holds the records'
plaintext metadata and the logs hold the drill's requests.
"""

from __future__ import annotations

import asyncio
import base64
import os
import secrets
import string
import subprocess
import uuid
from typing import Any

import asyncpg
import httpx
import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.db import crypto
from app.db.embedded import _bin
from tests.drills.harness import Sandbox, client_limits
from tests.factories import SUBJECT_DATA, deployed_ilo, record_body

pytestmark = pytest.mark.drill


def _word(prefix: str) -> str:
    """A name no other data of the drill can contain by chance."""
    return prefix + "".join(secrets.choice(string.ascii_lowercase) for _ in range(12))


def _subject() -> dict[str, Any]:
    document = dict(SUBJECT_DATA["travel_document"])
    document["number"] = "Q" + secrets.token_hex(6).upper()
    return {
        **SUBJECT_DATA,
        "surname": _word("Sur"),
        "given_names": _word("Giv"),
        "travel_document": document,
    }


def _plaintext(subject: dict[str, Any]) -> list[str]:
    return [subject["surname"], subject["given_names"], subject["travel_document"]["number"]]


def _pg_dump(url: str) -> str:
    done = subprocess.run(
        [str(_bin("pg_dump")), "--no-owner", url], capture_output=True, check=True, timeout=60
    )
    return done.stdout.decode()


async def _every_row_as_text(owner_url: str) -> str:
    """Every row of every table, as the database owner sees it."""
    connection = await asyncpg.connect(owner_url)
    try:
        tables = await connection.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        )
        chunks = []
        for table in tables:
            # table names come from the catalogue, not from input
            rows = await connection.fetch(f'SELECT t::text AS row FROM "{table[0]}" t')  # noqa: S608
            chunks += [row["row"] for row in rows]
    finally:
        await connection.close()
    return "\n".join(chunks)


async def _sealed(owner_url: str, record_id: str) -> tuple[bytes, bytes]:
    connection = await asyncpg.connect(owner_url)
    try:
        row = await connection.fetchrow(
            "SELECT ciphertext, wrapped_key FROM processing_record WHERE id = $1",
            uuid.UUID(record_id),
        )
    finally:
        await connection.close()
    assert row is not None
    return bytes(row["ciphertext"]), bytes(row["wrapped_key"])


def _forms(secret: bytes) -> list[str]:
    """How a secret's bytes could appear in text: base64 (both alphabets) and hex (bytea)."""
    return [
        base64.b64encode(secret).decode(),
        base64.urlsafe_b64encode(secret).decode().rstrip("="),
        secret.hex(),
    ]


async def test_erased_subjects_and_secrets_are_nowhere(box: Sandbox) -> None:
    kek = os.urandom(32)
    cursor_key = secrets.token_urlsafe(32)
    server = box.serve(
        env={
            "ILONET_KEK": base64.b64encode(kek).decode(),
            "ILONET_SECRET_KEY": cursor_key,
            # a receiver on this machine (nothing listens: deliveries fail, which is fine here)
            "ILONET_WEBHOOK_ALLOWED_NETWORKS": '["127.0.0.1/32"]',
        }
    )
    box.wait_ready(server)
    auth = box.auth()
    tokens: list[str] = []

    def remember(headers: dict[str, str]) -> dict[str, str]:
        tokens.append(headers["Authorization"].removeprefix("Bearer "))
        return headers

    async with httpx.AsyncClient(
        base_url=server.base_url, timeout=30, limits=client_limits()
    ) as client:
        ilo = await deployed_ilo(client, lambda *a, **k: remember(auth(*a, **k)))
        remember(ilo.headers)
        integration = remember(
            auth("NL", ["integration"], sub="nl-cms", scopes=["webhooks:write", "events:read"])
        )
        hook = await client.post(
            "/v1/webhooks",
            json={"url": "http://127.0.0.1/hooks", "event_types": ["deployment.planned"]},
            headers=integration,
        )
        assert hook.status_code == 201, hook.text
        webhook_secret = hook.json()["secret"]
        assert webhook_secret.startswith("whsec_")

        subjects = {"api": _subject(), "sweep": _subject()}
        records: dict[str, dict[str, Any]] = {}
        for how, subject in subjects.items():
            marker = f"Necessity {how} {uuid.uuid4().hex}."
            body = record_body(ilo.officer_id, subject_data=subject, necessity_justification=marker)
            headers = {**ilo.headers, "Idempotency-Key": f"dp-{how}"}
            created = await client.post("/v1/processing-records", json=body, headers=headers)
            assert created.status_code == 201, created.text
            records[how] = {"id": created.json()["id"], "marker": marker}
            # A replay is the stored first response: it must not carry the subject either.
            replay = await client.post("/v1/processing-records", json=body, headers=headers)
            assert replay.headers["idempotent-replayed"] == "true"
            assert not any(value in replay.text for value in _plaintext(subject))

        # Positive controls: the plaintext exists (the access copy shows it); it is sealed.
        sealed = {}
        for how, record in records.items():
            export = await client.get(
                f"/v1/processing-records/{record['id']}/export", headers=ilo.headers
            )
            assert export.status_code == 200, export.text
            assert all(value in export.text for value in _plaintext(subjects[how]))
            sealed[how] = await _sealed(box.owner_url(), record["id"])
            opened = crypto.open_sealed(
                *sealed[how], kek=kek, kek_id="kek-1", context=uuid.UUID(record["id"]).bytes
            )
            assert opened["subject_data"]["surname"] == subjects[how]["surname"]
        before = await asyncio.to_thread(_pg_dump, box.owner_url())
        for how, (ciphertext, wrapped_key) in sealed.items():
            assert ciphertext.hex() in before
            assert wrapped_key.hex() in before
            assert records[how]["marker"] in before

        # Erasure through the API.
        erased = await client.post(
            f"/v1/processing-records/{records['api']['id']}/erasure", headers=ilo.headers
        )
        assert erased.status_code == 200, erased.text
        assert erased.json()["subject_data"] is None

        # Erasure by the retention sweep, beside the running server.
        connection = await asyncpg.connect(box.owner_url())
        try:
            # Set-up only: the retention period of the second record has run out.
            await connection.execute(
                "UPDATE processing_record SET retain_until = current_date - 1 WHERE id = $1",
                uuid.UUID(records["sweep"]["id"]),
            )
        finally:
            await connection.close()
        swept = box.run("sweep")
        assert swept.returncode == 0, swept.stderr
        assert '"records_erased": 1' in swept.stdout
        read = await client.get(
            f"/v1/processing-records/{records['sweep']['id']}", headers=ilo.headers
        )
        assert read.status_code == 200, read.text
        assert read.json()["subject_data"] is None
        assert read.json()["erasure_reason"] is not None
        verified = box.run("audit", "verify")
        assert verified.returncode == 0, verified.stdout + verified.stderr

        dump = await asyncio.to_thread(_pg_dump, box.owner_url())
        rows = await _every_row_as_text(box.owner_url())
    assert box.stop(server) == 0
    logs = "\n".join(
        [
            server.log(),
            swept.stdout,
            swept.stderr,
            verified.stdout,
            verified.stderr,
            (box.pgdata / "server.log").read_text(errors="replace"),
        ]
    )
    # Positive controls of the searches after erasure: the tombstones and the requests are there.
    assert all(record["marker"] in dump for record in records.values())
    assert "processing_record.erased" in dump
    assert f"/v1/processing-records/{records['api']['id']}/erasure" in logs

    plaintext = [value for subject in subjects.values() for value in _plaintext(subject)]
    signing_key = (box.data_dir / "dev-jwt-key.pem").read_text()
    key_lines = [line for line in signing_key.splitlines() if line and "-----" not in line]
    forbidden = {
        "plaintext": plaintext,
        "bearer token": tokens + [token.rsplit(".", 1)[1] for token in tokens],
        "KEK": _forms(kek),
        "cursor key": [cursor_key],
        "webhook secret": [
            webhook_secret,
            webhook_secret.removeprefix("whsec_"),
            *_forms(base64.b64decode(webhook_secret.removeprefix("whsec_"))),
        ],
        "signing key": key_lines,
    }
    for where, haystack in (("pg_dump", dump), ("rows", rows), ("logs", logs)):
        for what, needles in forbidden.items():
            found = [needle for needle in needles if needle in haystack]
            assert found == [], f"{what} in {where}"
    for how, (ciphertext, wrapped_key) in sealed.items():
        for haystack in (dump, rows):
            assert ciphertext.hex() not in haystack
            assert wrapped_key.hex() not in haystack
        # What an attacker holding the KEK and the old ciphertext can do without the data key.
        context = uuid.UUID(records[how]["id"]).bytes
        with pytest.raises(InvalidTag):
            AESGCM(kek).decrypt(ciphertext[:12], ciphertext[12:], context)
    assert box.postgres_processes() == []
