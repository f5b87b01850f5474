"""The background sealer's pace (app/background.py `seal_audit`): a backlog is sealed a batch per
transaction, with a rest between batches, and still every event exactly once, in order, with
the Merkle tree over exactly the sealed events.

Transactions are counted from the rows themselves: every seal row carries, in `xmin`, the id of
the transaction that inserted it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app import background
from app.config import Settings
from app.db import audit, audit_chain, audit_merkle, audit_note, audit_tree
from app.db.engine import make_engine, make_sessionmaker
from tests import factories
from tests.conftest import HARNESS_ENGINE, FreshDatabase

# Two full batches and a part, in one transaction (one txid), as a burst of writes leaves them.
BACKLOG = 2 * background.SEAL_BATCH + background.SEAL_BATCH // 2
SEED = """
INSERT INTO audit_event (request_id, actor, organisation, action, outcome, resource_type,
  resource_id, decision_id, policy_version, rules, purpose, legal_basis, details)
SELECT 'backlog-' || i, jsonb_build_object('sub', 'ilo-' || i % 7, 'org', 'NL'), 'NL',
  'deployment.planned', 'allowed', 'deployment', i::text, md5(i::text), 'p-test',
  ARRAY['ILO-4.1'], 'deployment', 'ILO-4', jsonb_build_object('n', i)
FROM generate_series(1, $1::int) i
"""


@pytest.fixture
async def engine(fresh_db: FreshDatabase) -> AsyncIterator[AsyncEngine]:
    async with factories.connected(fresh_db.owner_url) as owner:
        await owner.execute(SEED, BACKLOG)
    engine = make_engine(fresh_db.app_url, pool_size=2, settings=HARNESS_ENGINE)
    yield engine
    await engine.dispose()


@pytest.fixture
async def owner(fresh_db: FreshDatabase) -> AsyncIterator[asyncpg.Connection]:
    async with factories.connected(fresh_db.owner_url) as connection:
        yield connection


async def seal_until_caught_up(engine: AsyncEngine) -> list[int]:
    """Run the job as the maintenance loop does, until a run seals nothing: each run's count."""
    maker = make_sessionmaker(engine)
    runs = []
    while done := await background.run_job(maker, Settings(), background.seal_audit):
        runs.append(done)
    return runs


async def test_a_backlog_is_sealed_once_each_in_order_a_batch_per_transaction(
    engine: AsyncEngine, owner: asyncpg.Connection
) -> None:
    runs = await seal_until_caught_up(engine)

    assert sum(runs) == BACKLOG
    seals = await owner.fetch(
        "SELECT s.position, s.event_id, e.txid, s.xmin::text::bigint AS sealed_by"
        " FROM audit_seal s JOIN audit_event e ON e.id = s.event_id ORDER BY s.position"
    )
    # every event sealed, once, at positions 1..n in (txid, id) order
    assert [r["position"] for r in seals] == list(range(1, BACKLOG + 1))
    events = await owner.fetch("SELECT id FROM audit_event ORDER BY txid, id")
    assert [r["event_id"] for r in seals] == [r["id"] for r in events]
    # one transaction per batch: no transaction sealed more than a batch, and the backlog took
    # as many transactions as it has batches
    per_transaction: dict[int, int] = {}
    for r in seals:
        per_transaction[r["sealed_by"]] = per_transaction.get(r["sealed_by"], 0) + 1
    assert max(per_transaction.values()) == background.SEAL_BATCH
    assert len(per_transaction) == 3
    # the tree holds exactly the sealed events: every node it stores is the node of the tree
    # built at once from the sealed events' leaves (none lost or doubled at a batch's edge)
    maker = make_sessionmaker(engine)
    async with maker() as session, session.begin():
        driver = await audit_chain.driver(session)
        assert await audit_tree.size(driver) == BACKLOG
        leaves = await audit_chain.leaves_after(driver, 0, BACKLOG)
        stored_root = await audit_tree.root(driver, BACKLOG)
    nodes = await owner.fetch("SELECT level, idx, hash FROM audit_tree_node")
    assert {(r["level"], r["idx"]): bytes(r["hash"]) for r in nodes} == audit_merkle.build(leaves)
    assert stored_root == audit_merkle.root(leaves)
    async with maker() as session, session.begin():
        verification = await audit.verify(session)
    assert verification.valid
    assert (verification.sealed_events, verification.unsealed_events) == (BACKLOG, 0)
    assert verification.tree_size == BACKLOG


async def test_the_sealer_rests_between_batches_and_not_after_the_last(
    engine: AsyncEngine, owner: asyncpg.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each rest comes after a full batch, before the next; the run ends when a batch comes
    back short (the run's time bound is lifted here, so that only the backlog decides)."""
    steps: list[str] = []
    seal_pending = audit.seal_pending

    async def sealing(session: AsyncSession, *, batch: int) -> int:
        done = await seal_pending(session, batch=batch)
        steps.append(f"seal {done}")
        return done

    async def rest(seconds: float) -> None:
        assert seconds >= 0
        steps.append("rest")

    monkeypatch.setattr(background, "SEAL_RUN_SECONDS", float("inf"))
    monkeypatch.setattr(audit, "seal_pending", sealing)
    monkeypatch.setattr(background, "_rest", rest)
    maker = make_sessionmaker(engine)

    assert await background.run_job(maker, Settings(), background.seal_audit) == BACKLOG
    full, part = f"seal {background.SEAL_BATCH}", f"seal {BACKLOG - 2 * background.SEAL_BATCH}"
    assert steps == [full, "rest", full, "rest", part]
    assert await owner.fetchval("SELECT count(*) FROM audit_seal") == BACKLOG


async def test_the_checkpoint_job_seals_one_batch_and_signs_the_tree_it_holds(
    engine: AsyncEngine, owner: asyncpg.Connection
) -> None:
    """A backlog is the sealer's to pace: the checkpoint job seals at most one batch before it
    signs, and signs the tree as it then stands; the next checkpoint covers the rest."""
    settings = Settings(audit_log_keys=[audit_note.generate("ilonet.test/audit-log").skey()])
    maker = make_sessionmaker(engine)

    assert await background.run_job(maker, settings, background.sign_audit_checkpoint) == 1
    assert await owner.fetchval("SELECT count(*) FROM audit_seal") == background.SEAL_BATCH
    await seal_until_caught_up(engine)
    assert await background.run_job(maker, settings, background.sign_audit_checkpoint) == 1

    signed = await owner.fetch("SELECT size, root FROM audit_signed_checkpoint ORDER BY size")
    async with maker() as session, session.begin():
        driver = await audit_chain.driver(session)
        leaves = await audit_chain.leaves_after(driver, 0, BACKLOG)
    assert [(r["size"], bytes(r["root"])) for r in signed] == [
        (background.SEAL_BATCH, audit_merkle.root(leaves[: background.SEAL_BATCH])),
        (BACKLOG, audit_merkle.root(leaves)),
    ]
