"""A witness posts its cosignature of a checkpoint ILONet signed (`audit_checkpoint.cosign`,
AUDIT-W1): stored append-only with its audit event, carried by the bundle; a bad signature,
another checkpoint, an unknown key, the operator itself or a replay are refused."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.audit_verify import Rejected, verify_bundle
from app.db import audit_note
from app.models import AuditCosignature, AuditEvent
from app.services import audit_cosign
from tests import factories
from tests.audit_witnesses import STRANGER, WITNESS, cosigned_head, witness_headers
from tests.conftest import FreshDatabase
from tests.factories import Auth

PATH = "/v1/audit/cosignatures"


async def _post(client: httpx.AsyncClient, note: str, headers: dict[str, str]) -> httpx.Response:
    return await client.post(PATH, json={"note": note}, headers=headers)


def _rules(response: httpx.Response) -> list[str]:
    return [v["rule"] for v in response.json()["violations"]]


def _messages(response: httpx.Response) -> str:
    return " | ".join(v["message"] for v in response.json()["violations"])


async def _stored(session: AsyncSession) -> list[AuditCosignature]:
    return list((await session.scalars(select(AuditCosignature))).all())


@pytest.fixture
async def owner(fresh_db: FreshDatabase) -> AsyncIterator[asyncpg.Connection]:
    async with factories.connected(fresh_db.owner_url) as connection:
        yield connection


async def test_a_registered_witness_posts_its_cosignature_and_the_bundle_carries_it(
    committed_client: tuple[httpx.AsyncClient, AsyncEngine],
    owner: asyncpg.Connection,
    auth: Auth,
) -> None:
    client, _ = committed_client
    await factories.create_authority(client, auth("NL", ["deploying_authority"]))
    note = await cosigned_head(client, auth)
    checkpoint = audit_note.Checkpoint.parse(audit_note.split(note)[0])
    assert checkpoint.size >= 1
    posted = await _post(client, note, witness_headers(auth))
    assert posted.status_code == 201, posted.text
    body = posted.json()
    (line,) = [s.line() for s in audit_note.split(note)[1] if s.name == WITNESS.name]
    assert (body["tree_size"], body["organisation"], body["witness"], body["signature"]) == (
        checkpoint.size,
        "DE",
        WITNESS.name,
        line,
    )
    (row,) = await owner.fetch("SELECT * FROM audit_cosignature")
    assert (row["tree_size"], row["key_id"], row["organisation"], row["signature"]) == (
        checkpoint.size,
        WITNESS.verifier.key_id.hex(),
        "DE",
        line,
    )
    assert row["cosigned_at"] > 0
    (event,) = await owner.fetch(
        "SELECT * FROM audit_event WHERE action = 'audit_checkpoint.cosigned'"
    )
    key_id = WITNESS.verifier.key_id.hex()
    assert (event["organisation"], event["outcome"], event["resource_id"]) == (
        "DE",
        "allowed",
        f"{checkpoint.size}/{key_id}",
    )
    assert json.loads(event["details"]) == {
        "tree_size": checkpoint.size,
        "witness": WITNESS.name,
        "authorised_action": "audit_checkpoint.cosign",
        "subject_organisation": "DE",
    }
    assert list(event["rules"]) == ["ACL-ROLE", "AUDIT-W1"]

    auditor = auth("COM", ["auditor"])
    bundle = await client.get(
        "/v1/audit/bundle", params={"tree_size": checkpoint.size}, headers=auditor
    )
    assert bundle.status_code == 200, bundle.text
    key = (await client.get("/v1/audit/log-key", headers=auditor)).json()["verifier_keys"][0]
    log = audit_note.parse_verifier(key)
    report = verify_bundle(bundle.json(), logs=[log], witnesses=[WITNESS.verifier], require=1)
    assert report.witnesses == [WITNESS.name]
    with pytest.raises(Rejected, match="1 known witness cosignature"):
        verify_bundle(
            bundle.json(),
            logs=[log],
            witnesses=[WITNESS.verifier, STRANGER.verifier],
            require=2,
        )

    replay = await _post(client, note, witness_headers(auth))
    assert replay.status_code == 409, replay.text
    assert "has cosigned checkpoint" in replay.json()["detail"]
    assert await owner.fetchval("SELECT count(*) FROM audit_cosignature") == 1


async def test_the_cosignature_table_is_append_only(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    note = await cosigned_head(client, auth)
    assert (await _post(client, note, witness_headers(auth))).status_code == 201
    with pytest.raises(DBAPIError):
        async with session.begin_nested():
            await session.execute(text("UPDATE audit_cosignature SET organisation = 'FR'"))
    with pytest.raises(DBAPIError):
        async with session.begin_nested():
            await session.execute(text("DELETE FROM audit_cosignature"))


async def test_a_checkpoint_carrying_its_most_cosignatures_takes_no_more(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    note = await cosigned_head(client, auth)
    monkeypatch.setattr(audit_cosign, "COSIGNATURES_MAX", 0)
    refused = await _post(client, note, witness_headers(auth))
    assert refused.status_code == 409, refused.text
    assert "the most a checkpoint carries" in refused.json()["detail"]
    assert await _stored(session) == []


def _tampered(note: str) -> str:
    """The same note with the witness's signature bytes flipped."""
    body, signatures = audit_note.split(note)
    changed = [
        audit_note.Signature(s.name, s.key_id, s.signature[:-1] + bytes([s.signature[-1] ^ 1]))
        if s.name == WITNESS.name
        else s
        for s in signatures
    ]
    return audit_note.note(body, changed)


def _other_checkpoint(note: str) -> str:
    """A checkpoint ILONet never signed (another root), cosigned by the registered witness."""
    body = audit_note.split(note)[0]
    checkpoint = audit_note.Checkpoint.parse(body)
    forged = audit_note.Checkpoint.make(checkpoint.origin, checkpoint.size, b"\x07" * 32)
    return audit_note.note(forged.body, [WITNESS.sign(forged.body, timestamp=1_700_000_000)])


@pytest.mark.parametrize(
    ("case", "wanted"),
    [
        ("bad signature", "does not verify over the checkpoint"),
        ("other checkpoint", "is not one ILONet signed"),
        ("unknown key", "no signature by a witness key registered for DE"),
        ("not registered", "no signature by a witness key registered for FR"),
        ("operator", "COM operates the log and cannot witness it"),
    ],
)
async def test_audit_w1_a_hostile_cosignature_is_refused_and_stores_nothing(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession, case: str, wanted: str
) -> None:
    note = await cosigned_head(client, auth)
    headers: dict[str, Any] = witness_headers(auth)
    if case == "bad signature":
        note = _tampered(note)
    elif case == "other checkpoint":
        note = _other_checkpoint(note)
    elif case == "unknown key":
        note = await cosigned_head(client, auth, witness=STRANGER)
    elif case == "not registered":
        headers = witness_headers(auth, "FR")
    else:
        headers = witness_headers(auth, "COM")
    refused = await _post(client, note, headers)
    assert refused.status_code == 403, refused.text
    assert _rules(refused) == ["AUDIT-W1"]
    assert wanted in _messages(refused)
    assert await _stored(session) == []
    (denied,) = (
        await session.scalars(select(AuditEvent).where(AuditEvent.action == "policy.denied"))
    ).all()
    assert denied.details["attempted"] == "audit_checkpoint.cosign"


@pytest.mark.parametrize(
    "headers",
    [
        ("DE", ["integration"], {"scopes": ["webhooks:write"]}),
        ("DE", ["auditor"], {}),
        ("NL", ["deploying_authority"], {}),
    ],
)
async def test_only_a_witness_client_may_post(
    client: httpx.AsyncClient,
    auth: Auth,
    session: AsyncSession,
    headers: tuple[str, list[str], dict[str, Any]],
) -> None:
    note = await cosigned_head(client, auth)
    org, roles, extra = headers
    refused = await _post(client, note, auth(org, roles, **extra))
    assert refused.status_code == 403, refused.text
    assert "ACL-ROLE" in _rules(refused)
    assert await _stored(session) == []


@pytest.mark.parametrize(
    "note", ["", "not a note", "example.org/log\n1\nAAAA\n\n\u2014 w AAAAAAAA\n", "x" * 20_000]
)
async def test_a_malformed_note_is_a_422(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession, note: str
) -> None:
    refused = await _post(client, note, witness_headers(auth))
    assert refused.status_code == 422, refused.text
    assert await _stored(session) == []
