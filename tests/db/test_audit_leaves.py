"""The two whole-log verifications and what each proves: the fast one over the stored leaf
hashes (`verify_leaves`, `ilonet audit verify --leaves`) and the full one, which recomputes
every leaf from its event (`verify`, the default).

Both reject a stored leaf hash changed behind the log's back, a dropped event and a truncated
log; only the full one sees an event changed with its leaf left alone, or a leaf rewritten with
every node above it after the latest signed checkpoint (the fast one trusts the stored leaves).
Tampering is done as the superuser owner, with the append-only triggers off.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from app import cli
from app.config import get_settings
from app.db import audit, audit_chain, audit_leaves, audit_merkle, audit_note
from app.db.audit import Verification
from app.db.engine import make_sessionmaker
from tests import factories
from tests.conftest import FreshDatabase
from tests.factories import Auth

ORIGIN = "ilonet.test/audit-log"


@pytest.fixture
async def owner(fresh_db: FreshDatabase) -> AsyncIterator[asyncpg.Connection]:
    async with factories.connected(fresh_db.owner_url) as connection:
        yield connection


async def grow(client: httpx.AsyncClient, auth: Auth, times: int = 1) -> None:
    """Four events a time: authority, officer, deployment created, and the contact read."""
    nl = auth("NL", ["deploying_authority"])
    for _ in range(times):
        _, officer, _ = await factories.create_deployment_chain(client, nl)
        assert (await client.get(f"/v1/officers/{officer['id']}", headers=nl)).status_code == 200


async def both(engine: AsyncEngine) -> tuple[Verification, Verification]:
    """(fast, full), each in its own transaction, after sealing what is pending."""
    maker = make_sessionmaker(engine)
    async with maker() as session, session.begin():
        await audit.seal_pending(session)
    async with maker() as session, session.begin():
        fast = await audit.verify_leaves(session)
    async with maker() as session, session.begin():
        full = await audit.verify(session)
    return fast, full


async def sign(engine: AsyncEngine) -> int:
    async with make_sessionmaker(engine)() as session, session.begin():
        signed, _ = await audit.sign_checkpoint(session, [audit_note.generate(ORIGIN)])
    assert signed is not None
    return signed.size


async def rewrite(owner: asyncpg.Connection, sql: str, *args: object) -> None:
    async with owner.transaction():
        for table in ("audit_event", "audit_seal", "audit_tree_node"):
            await owner.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
        await owner.execute(sql, *args)
        for table in ("audit_event", "audit_seal", "audit_tree_node"):
            await owner.execute(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only")


async def rebuild_tree(owner: asyncpg.Connection, leaves: list[bytes]) -> None:
    """Store the tree of these leaves in place of the log's (an operator covering a change)."""
    async with owner.transaction():
        await owner.execute(
            "ALTER TABLE audit_tree_node DISABLE TRIGGER audit_tree_node_append_only"
        )
        await owner.execute("DELETE FROM audit_tree_node")
        await owner.executemany(
            "INSERT INTO audit_tree_node (level, idx, hash) VALUES ($1, $2, $3)",
            [(level, idx, h) for (level, idx), h in audit_merkle.build(leaves).items()],
        )
        await owner.execute(
            "ALTER TABLE audit_tree_node ENABLE TRIGGER audit_tree_node_append_only"
        )


async def stored_leaves(owner: asyncpg.Connection) -> list[bytes]:
    rows = await owner.fetch("SELECT hash FROM audit_tree_node WHERE level = 0 ORDER BY idx")
    return [bytes(r["hash"]) for r in rows]


async def test_both_accept_an_intact_log_and_agree_and_the_cli_runs_either(
    committed_client: tuple[httpx.AsyncClient, AsyncEngine],
    fresh_db: FreshDatabase,
    owner: asyncpg.Connection,
    auth: Auth,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    request: pytest.FixtureRequest,
) -> None:
    client, engine = committed_client
    empty, _ = await both(engine)
    assert (empty.valid, empty.tree_size, empty.root_hash) == (
        True,
        0,
        audit_merkle.EMPTY_ROOT.hex(),
    )
    await grow(client, auth, 3)  # 12 leaves: levels of 12, 6, 3, 1 stored nodes
    fast, full = await both(engine)
    assert fast == full
    assert (fast.valid, fast.tree_size, fast.sealed_events, fast.unsealed_events) == (
        True,
        12,
        12,
        0,
    )
    assert fast.root_hash == audit_merkle.root(await stored_leaves(owner)).hex()
    # Read in chunks smaller than a level, the same root.
    async with make_sessionmaker(engine)() as session, session.begin():
        driver = await audit_chain.driver(session)
        assert (await audit_leaves.recompute(driver, chunk=5)).root.hex() == fast.root_hash
    # Only the full verification walked the chain, so only it records a checkpoint of it.
    assert await owner.fetchval("SELECT max(position) FROM audit_checkpoint") == 12

    for name, value in (
        ("DATABASE_URL", fresh_db.owner_url),
        ("ILONET_DATA_DIR", str(tmp_path)),
        ("ILONET_ENV", "test"),
    ):
        monkeypatch.setenv(name, value)
    # the command reads its settings once per process (app/config.py get_settings): read them
    # again from this environment, and again after it, whatever ran before on this worker
    get_settings.cache_clear()
    request.addfinalizer(get_settings.cache_clear)
    capsys.readouterr()
    # (in a thread: the command runs its own event loop)
    assert await asyncio.to_thread(cli.main, ["audit", "verify", "--leaves"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert (printed["mode"], printed["valid"], printed["root_hash"]) == (
        "leaves",
        True,
        fast.root_hash,
    )
    assert await asyncio.to_thread(cli.main, ["audit", "verify", "--leaves", "--incremental"]) == 2


async def test_a_changed_leaf_hash_a_dropped_event_and_a_truncated_log_are_refused_by_both(
    committed_client: tuple[httpx.AsyncClient, AsyncEngine],
    owner: asyncpg.Connection,
    auth: Auth,
) -> None:
    client, engine = committed_client
    await grow(client, auth, 2)
    assert all(v.valid for v in await both(engine))
    signed = await sign(engine)
    seals = await owner.fetch("SELECT position, event_id FROM audit_seal ORDER BY position")

    # A stored leaf hash that is not its event's: its parent no longer hashes it.
    honest = await stored_leaves(owner)
    await rewrite(
        owner, "UPDATE audit_tree_node SET hash = $1 WHERE level = 0 AND idx = 2", b"1" * 32
    )
    fast, full = await both(engine)
    assert (fast.valid, fast.reason) == (False, audit_leaves.DIFFERS)
    assert (full.valid, full.reason) == (False, audit_chain.LEAF_DIFFERS)
    assert (full.first_broken_position, full.first_broken_event_id) == (3, seals[2]["event_id"])
    await rewrite(
        owner, "UPDATE audit_tree_node SET hash = $1 WHERE level = 0 AND idx = 2", honest[2]
    )
    assert all(v.valid for v in await both(engine))

    # The last event dropped with its seal and every node it completed: shorter than signed.
    await rewrite(owner, "DELETE FROM audit_tree_node WHERE ((idx + 1) << level) = $1", signed)
    await rewrite(owner, "DELETE FROM audit_seal WHERE position = $1", signed)
    await rewrite(owner, "DELETE FROM audit_event WHERE id = $1", seals[-1]["event_id"])
    fast, full = await both(engine)
    for result in (fast, full):
        assert (result.valid, result.reason) == (
            False,
            "the latest signed checkpoint is not a prefix of the log",
        )

    # An event of the middle dropped, its seal kept.
    victim = seals[4]["event_id"]
    await rewrite(owner, "DELETE FROM audit_event WHERE id = $1", victim)
    fast, full = await both(engine)
    for result in (fast, full):
        assert (result.valid, result.reason) == (False, "the sealed event was deleted")
        assert (result.first_broken_position, result.first_broken_event_id) == (5, victim)
    # The auditor's entries stop there: a 409 naming the leaf, never a line missing.
    auditor = auth("COM", ["auditor"])
    broken = await client.get("/v1/audit/entries", params={"start": 0, "end": 6}, headers=auditor)
    assert broken.status_code == 409, broken.text
    assert broken.json()["detail"] == (
        "the audit log is broken: leaf 4 has no sealed event: `ilonet audit verify` says why"
    )
    before = await client.get("/v1/audit/entries", params={"start": 0, "end": 4}, headers=auditor)
    assert before.content.count(b"\n") == 4

    # And a seal of the middle dropped.
    await rewrite(owner, "DELETE FROM audit_seal WHERE position = 4")
    fast, full = await both(engine)
    assert (fast.valid, fast.reason, fast.first_broken_position) == (False, "seal 4 is missing", 4)
    assert (full.valid, full.reason) == (False, "seal 4 is missing")


async def test_only_the_full_verification_sees_what_the_stored_leaves_do_not_show(
    committed_client: tuple[httpx.AsyncClient, AsyncEngine],
    owner: asyncpg.Connection,
    auth: Auth,
) -> None:
    client, engine = committed_client
    await grow(client, auth, 2)
    assert all(v.valid for v in await both(engine))
    seals = await owner.fetch("SELECT position, event_id FROM audit_seal ORDER BY position")

    # A leaf rewritten with every node above it, no checkpoint signed since: the stored tree
    # is whole again, so the fast verification accepts it; the full one names the event.
    leaves = await stored_leaves(owner)
    await rebuild_tree(owner, [*leaves[:5], b"2" * 32, *leaves[6:]])
    fast, full = await both(engine)
    assert fast.valid
    assert (full.valid, full.reason) == (False, audit_chain.LEAF_DIFFERS)
    assert (full.first_broken_position, full.first_broken_event_id) == (6, seals[5]["event_id"])
    await rebuild_tree(owner, leaves)
    signed = await sign(engine)
    assert signed == len(leaves)

    # Once a checkpoint covers it, rewriting the tree is caught by both (not a prefix).
    await rebuild_tree(owner, [*leaves[:5], b"2" * 32, *leaves[6:]])
    fast, full = await both(engine)
    assert (fast.valid, fast.reason) == (
        False,
        "the latest signed checkpoint is not a prefix of the log",
    )
    assert (full.valid, full.first_broken_position) == (False, 6)
    await rebuild_tree(owner, leaves)

    # An event changed, its stored leaf left alone: only re-encoding the event shows it.
    victim = seals[1]["event_id"]
    await rewrite(owner, "UPDATE audit_event SET outcome = 'denied' WHERE id = $1", victim)
    fast, full = await both(engine)
    assert fast.valid
    assert (full.valid, full.reason) == (False, "the event differs from what was sealed")
    assert (full.first_broken_position, full.first_broken_event_id) == (2, victim)
    # The auditor's whole-log check sees it too: the entries served (re-encoded from the
    # columns) no longer give the signed root, and only the changed event's leaf differs.
    served = await client.get(
        "/v1/audit/entries", params={"start": 0, "end": signed}, headers=auth("COM", ["auditor"])
    )
    entries = served.content.split(b"\n")[:-1]
    root = await owner.fetchval("SELECT root FROM audit_signed_checkpoint WHERE size = $1", signed)
    assert len(entries) == signed
    assert audit_merkle.root([audit_merkle.leaf_hash(e) for e in entries]) != bytes(root)
    assert [i for i, e in enumerate(entries) if audit_merkle.leaf_hash(e) != leaves[i]] == [1]
    assert json.loads(entries[1])["outcome"] == "denied"

    # An event slipped in behind the head (a txid below every sealed one): never to be sealed.
    slipped = await owner.fetchval(
        "INSERT INTO audit_event (actor, organisation, action, outcome, resource_type)"
        " VALUES ('{}'::jsonb, 'NL', 'officer.created', 'allowed', 'officer') RETURNING id"
    )
    await rewrite(owner, "UPDATE audit_event SET txid = 1 WHERE id = $1", slipped)
    fast, _ = await both(engine)
    assert (fast.valid, fast.reason, fast.first_broken_event_id, fast.unsealed_events) == (
        False,
        "an event was inserted behind the sealed part of the chain",
        slipped,
        1,
    )
