"""The audit log's Merkle tree: sealing, whole-log verification, proofs served and checked.

    python -m bench.audit_proofs [--events 100000] [--proofs 200] [--json]

Starts its own embedded PostgreSQL in a temporary directory, migrates a database, seeds
`--events` audit events shaped like the app's (`INSERT ... SELECT generate_series`, 10k per
transaction, no personal data), then measures, CPU counted in this process and in the
PostgreSQL backend serving it together (/proc/<pid>/stat of `pg_backend_pid()`):
- sealing: the chain and the tree, `app.db.audit.seal_pending` until caught up;
- whole-log verification: `app.db.audit.verify` (chain walk, events re-encoded, each leaf
  compared with the stored one, tree recomputed and compared level by level with the stored
  nodes, latest checkpoint proved), and `app.db.audit.verify_leaves` (the fast path: the tree
  recomputed from its stored leaf hashes, read in bulk, and every stored node compared; seals,
  events and the latest checkpoint checked; no event re-encoded);
- the tree alone from the events' canonical bytes, as an auditor holding an export of the whole
  log would (pure Python, no database);
- `--proofs` inclusion proofs served from stored nodes (one read of the nodes they need), and
  the offline verifier (`app.audit_verify.verify_bundle`) checking a bundle of them against
  the signed checkpoint, with a consistency proof from the half-size checkpoint;
- the auditor's whole-log check: the operator's export (`app.db.audit_chain.entries`, what
  GET /v1/audit/entries serves, page by page, written to a file after the checkpoint; HTTP and
  auth per page not counted, one request per 16,384 entries) and `app.audit_log.verify_log`
  recomputing the tree from every entry in that file against the signed checkpoint and the
  half-size one (`--known`): client CPU only, there is no database in it.
`--log-only` measures sealing and the whole-log check alone (for a large `--events`).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import asyncpg

from app.audit_log import header, verify_log
from app.audit_verify import FORMAT, verify_bundle
from app.config import APP_DB_ROLE
from app.db import audit, audit_chain, audit_merkle, audit_note, audit_tree, migrate
from app.db.embedded import EmbeddedPostgres
from app.db.engine import make_engine, make_sessionmaker
from app.services.audit_proofs import ENTRIES_BYTES, ENTRIES_MAX
from bench.policy_decisions import environment
from bench.scratch import on_scratch_database

DATABASE = "ilonet_bench_audit"
TICKS = os.sysconf("SC_CLK_TCK")
SEED = """
INSERT INTO audit_event (request_id, actor, organisation, action, outcome, resource_type,
  resource_id, decision_id, policy_version, rules, purpose, legal_basis, details)
SELECT md5(i::text), jsonb_build_object('iss', 'https://idp.nl.example', 'sub', 'ilo-' || i % 97,
  'org', 'NL', 'roles', jsonb_build_array('ilo')), (ARRAY['NL','FR','DE','BE'])[1 + i % 4],
  (ARRAY['processing_record.created','officer.contact_read','deployment.planned'])[1 + i % 3],
  'allowed', 'processing_record', gen_random_uuid()::text, md5(i::text || 'd'), 'p-2026.12',
  ARRAY['ILO-10.2','ILO-10.3'], 'return', 'LED-8', jsonb_build_object('fields', 3, 'version', 1)
FROM generate_series($1::int, $2::int) i
"""


def backend_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


class Cpu:
    """CPU seconds of this process and of one PostgreSQL backend, together."""

    def __init__(self, backend: int) -> None:
        self.backend = backend

    def __enter__(self) -> Cpu:
        self.started = (time.process_time(), backend_cpu(self.backend), time.perf_counter())
        return self

    def __exit__(self, *exc: object) -> None:
        client, server, wall = self.started
        self.client = time.process_time() - client
        self.server = backend_cpu(self.backend) - server
        self.wall = time.perf_counter() - wall

    def rate(self, count: int) -> dict[str, float]:
        total = max(self.client + self.server, 1e-9)
        return {
            "per_cpu_s": round(count / total),
            "client_cpu_s": round(self.client, 3),
            "postgres_cpu_s": round(self.server, 3),
            "wall_per_s": round(count / max(self.wall, 1e-9)),
        }


async def seed(url: str, events: int) -> None:
    c = await asyncpg.connect(url)
    try:
        for start in range(1, events + 1, 10_000):
            await c.execute(SEED, start, min(start + 9_999, events))
        await c.execute("ANALYZE")
    finally:
        await c.close()


async def prepare(server: EmbeddedPostgres, database: str, events: int) -> None:
    """`database` migrated and seeded with `events` sealed events, without parallel workers:
    their CPU would escape the backend's /proc/<pid>/stat."""
    owner = server.url(database=database)
    await asyncio.to_thread(migrate.upgrade, owner)
    await seed(owner, events)
    c = await asyncpg.connect(owner)
    try:
        await c.execute(f'ALTER DATABASE "{database}" SET max_parallel_workers_per_gather = 0')
    finally:
        await c.close()


async def run(server: EmbeddedPostgres, args: argparse.Namespace) -> dict[str, Any]:
    await prepare(server, DATABASE, args.events)
    owner = server.url(database=DATABASE)
    engine = make_engine(server.url(user=APP_DB_ROLE, database=DATABASE), pool_size=1)
    maker = make_sessionmaker(engine)
    key = audit_note.generate("bench.ilonet/audit-log")
    results: dict[str, Any] = {}
    try:
        async with maker() as session:
            driver = await audit_chain.driver(session)
            backend = int(await driver.fetchval("SELECT pg_backend_pid()"))
            await session.rollback()
            with Cpu(backend) as cpu:
                sealed = 0
                while True:
                    async with session.begin():
                        done = await audit.seal_pending(session, batch=20_000)
                    sealed += done
                    if done == 0:
                        break
            results["sealing"] = {"events": sealed, **cpu.rate(sealed)}
            # What autovacuum does to an append-only table after inserts (visibility map, stats).
            vacuum = await asyncpg.connect(owner)
            try:
                await vacuum.execute("VACUUM ANALYZE")
            finally:
                await vacuum.close()
            async with session.begin():
                driver = await audit_chain.driver(session)
                half = await audit_tree.size(driver) // 2
            # Two signed checkpoints: at half the log (as if signed earlier) and at its head.
            async with session.begin():
                driver = await audit_chain.driver(session)
                body = audit_note.Checkpoint.make(
                    key.name, half, await audit_tree.root(driver, half)
                ).body
                await driver.execute(
                    "INSERT INTO audit_signed_checkpoint (size, root, note) VALUES ($1, $2, $3)",
                    half,
                    audit_note.Checkpoint.parse(body).root,
                    audit_note.note(body, [key.sign(body)]),
                )
                latest, _ = await audit.sign_checkpoint(session, [key])
            assert latest is not None
            async with session.begin():
                driver = await audit_chain.driver(session)
                earlier = await audit_tree.signed(driver, half)
            assert earlier is not None
            await whole_log(session, backend, latest.note, earlier.note, key, results)
            if args.log_only:
                results["tree_size"] = sealed
                return results
            async with session.begin():
                with Cpu(backend) as cpu:
                    verified = await audit.verify(session)
            assert verified.valid, verified.reason
            results["verification"] = {"events": verified.sealed_events, **cpu.rate(sealed)}
            async with session.begin():
                with Cpu(backend) as cpu:
                    fast = await audit.verify_leaves(session)
            assert fast.valid, fast.reason
            assert fast.root_hash == verified.root_hash
            results["verification_leaves"] = {"events": fast.sealed_events, **cpu.rate(sealed)}

            async with session.begin():
                driver = await audit_chain.driver(session)
                leaves: list[bytes] = []
                while len(leaves) < sealed:
                    rows = await driver.fetch(audit_chain._WALK, len(leaves), 20_000)
                    leaves.extend(audit_chain.row_bytes(r, 4) for r in rows)
            started = time.process_time()
            tree = audit_merkle.Frontier()
            for leaf in leaves:
                tree.append(audit_merkle.leaf_hash(leaf))
            pure = time.process_time() - started
            assert tree.root() == latest.root
            results["tree_from_canonical_bytes"] = {
                "events": len(leaves),
                "per_cpu_s": round(len(leaves) / max(pure, 1e-9)),
            }

            indices = sorted(random.Random(7).sample(range(sealed), min(args.proofs, sealed)))
            async with session.begin():
                driver = await audit_chain.driver(session)
                with Cpu(backend) as cpu:
                    paths = [audit_merkle.inclusion_ranges(i, sealed) for i in indices]
                    wanted = {n for p in paths for n in audit_merkle.needed(p)}
                    nodes = await audit_tree.nodes(driver, wanted)
                    proofs = [audit_merkle.proof_hashes(p, nodes) for p in paths]
                    ranges = audit_merkle.consistency_ranges(half, sealed)
                    consistency = await audit_tree.proof(driver, ranges)
                earlier = await audit_tree.signed(driver, half)
            assert earlier is not None
            served = cpu.rate(len(indices))
            results["proofs_served"] = {
                "proofs": len(indices),
                "ms_per_proof_wall": round(1000 * cpu.wall / len(indices), 3),
                "ms_per_proof_cpu": round(1000 * (cpu.client + cpu.server) / len(indices), 3),
                **served,
            }
            bundle = {
                "format": FORMAT,
                "checkpoints": [earlier.note, latest.note],
                "consistency": [
                    {
                        "first": half,
                        "second": sealed,
                        "proof": [base64.b64encode(h).decode() for h in consistency],
                    }
                ],
                "events": [
                    {
                        "leaf": leaves[i].decode(),
                        "index": i,
                        "tree_size": sealed,
                        "proof": [base64.b64encode(h).decode() for h in proof],
                    }
                    for i, proof in zip(indices, proofs, strict=True)
                ],
            }
            started = time.process_time()
            report = verify_bundle(json.loads(json.dumps(bundle)), logs=[key.verifier])
            checked = time.process_time() - started
            assert report.events == len(indices)
            results["offline_verifier"] = {
                "proofs": len(indices),
                "ms_per_proof_cpu": round(1000 * checked / len(indices), 3),
                "bundle_bytes": len(json.dumps(bundle)),
            }
            results["tree_size"] = sealed
            async with session.begin():
                driver = await audit_chain.driver(session)
                results["stored_nodes"] = int(
                    await driver.fetchval("SELECT count(*) FROM audit_tree_node")
                )
    finally:
        await engine.dispose()
    return results


async def whole_log(
    session: Any,
    backend: int,
    note: str,
    known: str,
    key: audit_note.Signer,
    results: dict[str, Any],
) -> None:
    """The operator's export of every entry to a file, then the auditor's check of that file."""
    size = audit_note.Checkpoint.parse(audit_note.split(note)[0]).size
    path = Path(tempfile.gettempdir()) / f"ilonet-bench-log-{os.getpid()}.ndjson"
    try:
        async with session.begin():
            driver = await audit_chain.driver(session)
            with Cpu(backend) as cpu, path.open("wb") as out:
                out.write(header(note))
                start = 0
                while start < size:
                    end = min(start + ENTRIES_MAX, size)
                    page = await audit_chain.entries(driver, start, end, budget=ENTRIES_BYTES)
                    out.write(page)
                    start += page.count(b"\n")
        results["export"] = {"events": size, "bytes": path.stat().st_size, **cpu.rate(size)}
        started, wall = time.process_time(), time.perf_counter()
        report = verify_log(path, logs=[key.verifier], known=[known])
        spent, wall = time.process_time() - started, time.perf_counter() - wall
        assert report.tree_size == size, report
        assert report.known, report
        results["verify_log"] = {
            "events": size,
            "per_cpu_s": round(size / max(spent, 1e-9)),
            "client_cpu_s": round(spent, 3),
            "wall_per_s": round(size / max(wall, 1e-9)),
        }
    finally:
        path.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--proofs", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--log-only", action="store_true", help="sealing and the whole-log check")
    args = parser.parse_args(argv)
    results = on_scratch_database("ilonet-bench-audit-", DATABASE, lambda server: run(server, args))
    env = environment()
    print(f"audit Merkle tree over {results['tree_size']:,} events; load {os.getloadavg()}")
    for name in (
        "sealing",
        "export",
        "verify_log",
        "verification",
        "verification_leaves",
        "tree_from_canonical_bytes",
        "proofs_served",
        "offline_verifier",
    ):
        if name in results:
            print(f"  {name:28} {results[name]}")
    if args.json:
        print(json.dumps({"benchmark": "audit_proofs", **env, **results}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
