"""What a full check of the audit log (every event rehashed) can cost, approach by approach.

    python -m bench.audit_full_check [--events 100000] [--repeats 2] [--json]

Starts its own embedded PostgreSQL, seeds and seals `--events` events as bench/audit_proofs.py
does, then measures, CPU of this process and of the PostgreSQL backend together, the building
blocks of a full check and their best combination. The canonical bytes of each event (what its
seal covers) are kept, for the approaches that need them server-side, in a scratch table of the
benchmark's database, `bench_seal` (the seals plus a `canonical bytea` column, filled with
`row_bytes`): what a column written by the sealer would hold. The app's schema is not changed.

- `fetch`: the rows the full walk reads, through asyncpg, nothing hashed (the walk's ceiling);
- `full` and `leaves`: `app.db.audit.verify` and `app.db.audit.verify_leaves` as they are;
- `pg_leaf`, `pg_chain_leaf`: PostgreSQL computes each leaf (and each seal hash) from the
  canonical bytes and compares it with the stored one in the scan;
- `pg_columns_once`: every column of every event compared in PostgreSQL with the canonical
  document, parsed once per event (`json_to_record`; `actor` and `details` by `jsonb`
  equality, which holds 1 = 1.0, so a little less than the canonical bytes prove);
- `pg_columns_jsonb`: the same as one `jsonb` equality with a document built from the columns;
- `client_chain_leaf`: the canonical bytes read 16,384 to a `bytea` (`string_agg`), each seal
  hash and leaf recomputed with hashlib, the seal hashes compared, the tree recomputed
  (`Frontier.extend`); `client_leaf`: the same without the seal hashes;
- `copy_chain_leaf`: the seals and canonical bytes by `COPY ... TO STDOUT (FORMAT binary)`,
  each seal hash and leaf recomputed with hashlib, the tree recomputed (no stored leaf compared);
- `best_full`: `client_chain_leaf` with `pg_columns_once` in the same scan: every column, every
  seal, every leaf and the tree, i.e. the cheapest full check of these parts.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import io
import json
import os
import struct
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg

from app.config import APP_DB_ROLE
from app.db import audit, audit_chain
from app.db.audit_merkle import Frontier
from app.db.embedded import EmbeddedPostgres
from app.db.engine import make_engine, make_sessionmaker
from bench.audit_proofs import Cpu, prepare
from bench.policy_decisions import environment
from bench.scratch import on_scratch_database

DATABASE = "ilonet_bench_audit_full"
CHUNK = 1 << 14
_OCCURRED = "to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US') || '+00:00'"
_RECORD = (
    "id bigint, occurred_at text, request_id text, actor jsonb, organisation text, action text,"
    " outcome text, resource_type text, resource_id text, decision_id text,"
    " policy_version text, rules text[], purpose text, legal_basis text, details jsonb"
)
_SAME = (
    f"r.id = e.id AND r.occurred_at = {_OCCURRED}"
    " AND r.request_id IS NOT DISTINCT FROM e.request_id AND r.actor = e.actor"
    " AND r.organisation = e.organisation AND r.action = e.action AND r.outcome = e.outcome"
    " AND r.resource_type = e.resource_type"
    " AND r.resource_id IS NOT DISTINCT FROM e.resource_id"
    " AND r.decision_id IS NOT DISTINCT FROM e.decision_id"
    " AND r.policy_version IS NOT DISTINCT FROM e.policy_version"
    " AND r.rules = e.rules::text[] AND r.purpose IS NOT DISTINCT FROM e.purpose"
    " AND r.legal_basis IS NOT DISTINCT FROM e.legal_basis AND r.details = e.details"
)
_SCAN = (
    " FROM bench_seal s JOIN audit_event e ON e.id = s.event_id"
    " JOIN audit_tree_node n ON n.level = 0 AND n.idx = s.position - 1"
)
_LEAF = "sha256('\\x00'::bytea || s.canonical) = n.hash"
_SEAL = "encode(sha256(convert_to(s.prev_hash, 'UTF8') || s.canonical), 'hex') = s.hash"
_PARSED = ", json_to_record(convert_from(s.canonical, 'UTF8')::json) AS r(" + _RECORD + ")"
_BUILT = (
    f"jsonb_build_object('id', e.id, 'occurred_at', {_OCCURRED}, 'request_id', e.request_id,"
    " 'actor', e.actor, 'organisation', e.organisation, 'action', e.action,"
    " 'outcome', e.outcome, 'resource_type', e.resource_type, 'resource_id', e.resource_id,"
    " 'decision_id', e.decision_id, 'policy_version', e.policy_version,"
    " 'rules', to_jsonb(e.rules), 'purpose', e.purpose, 'legal_basis', e.legal_basis,"
    " 'details', e.details)"
)
QUERIES = {
    "pg_leaf": f"SELECT count(*) FILTER (WHERE NOT {_LEAF}){_SCAN}",
    "pg_chain_leaf": f"SELECT count(*) FILTER (WHERE NOT ({_LEAF} AND {_SEAL})){_SCAN}",
    "pg_columns_once": f"SELECT count(*) FILTER (WHERE NOT ({_SAME})){_SCAN}{_PARSED}",
    "pg_columns_jsonb": (
        "SELECT count(*) FILTER (WHERE convert_from(s.canonical, 'UTF8')::jsonb"
        f" <> {_BUILT}){_SCAN}"
    ),
}
# The seals in chunks of CHUNK, in one scan: canonical bytes, their lengths, seal hashes,
# previous hashes, stored leaves, and (for best_full) how many events differ from their document.
_CHUNKS = (
    "SELECT string_agg(s.canonical, ''::bytea ORDER BY s.position),"
    " string_agg(int4send(length(s.canonical)), ''::bytea ORDER BY s.position),"
    " string_agg(decode(s.hash, 'hex'), ''::bytea ORDER BY s.position),"
    " string_agg(s.prev_hash, '' ORDER BY s.position),"
    " string_agg(n.hash, ''::bytea ORDER BY s.position), {differing}"
    " FROM bench_seal s JOIN audit_tree_node n ON n.level = 0 AND n.idx = s.position - 1"
    " {joined} GROUP BY (s.position - 1) / {chunk} ORDER BY (s.position - 1) / {chunk}"
)


async def _fill(owner: str) -> None:
    """bench_seal: the seals with the canonical bytes of their events."""
    c = await asyncpg.connect(owner)
    try:
        await c.execute(
            "CREATE TABLE bench_seal (position bigint PRIMARY KEY, event_id bigint,"
            " prev_hash text, hash text, canonical bytea)"
        )
        rows = await c.fetch(audit_chain._WALK, 0, 1 << 40)
        records = [(r[0], r[1], r[2], r[3], audit_chain.row_bytes(r, 4)) for r in rows]
        await c.copy_records_to_table("bench_seal", records=records)
        await c.execute("VACUUM ANALYZE")
    finally:
        await c.close()


async def _client(c: Any, size: int, *, chain: bool, columns: bool) -> None:
    """The canonical bytes read in bulk, hashed with hashlib, the tree recomputed."""
    query = _CHUNKS.format(
        differing=f"count(*) FILTER (WHERE NOT ({_SAME}))" if columns else "0",
        joined=f"JOIN audit_event e ON e.id = s.event_id{_PARSED}" if columns else "",
        chunk=CHUNK,
    )
    sha256, tree, head = hashlib.sha256, Frontier(track=True), audit_chain.GENESIS
    for blob, lengths, hashes, prevs, stored, differing in await c.fetch(query):
        previous = prevs.encode()
        seals, leaves, offset = [], [], 0
        for i, length in enumerate(struct.unpack(f">{len(lengths) // 4}i", lengths)):
            canonical = blob[offset : offset + length]
            offset += length
            if chain:
                seals.append(sha256(previous[64 * i : 64 * i + 64] + canonical).digest())
            leaves.append(sha256(b"\x00" + canonical).digest())
        if chain:  # each seal continues the one before it, and holds its recomputed hash
            linked = bytes.fromhex(head) + hashes[:-32] == bytes.fromhex(prevs)
            assert linked, "a seal does not continue the chain"
            assert b"".join(seals) == hashes, "a seal hash differs"
            head = hashes[-32:].hex()
        assert differing == 0, "an event differs from its canonical bytes"
        assert b"".join(leaves) == stored, "a stored leaf differs"
        tree.extend(leaves)
    assert tree.size == size


async def _copy(c: Any, size: int) -> None:
    """COPY (binary) of the canonical bytes and the seals, both hashes with hashlib, the tree."""
    sink = io.BytesIO()

    async def write(chunk: bytes) -> None:
        sink.write(chunk)

    await c.copy_from_query(
        "SELECT prev_hash, hash, canonical FROM bench_seal ORDER BY position",
        output=write,
        format="binary",
    )
    data, offset = sink.getbuffer().tobytes(), 19  # signature, flags, header extension
    sha256, unpack, tree = hashlib.sha256, struct.unpack_from, Frontier(track=True)
    leaves = []
    for _ in range(size):
        (length,) = unpack(">i", data, offset + 2)
        previous = data[offset + 6 : offset + 6 + length]
        offset += 6 + length
        (length,) = unpack(">i", data, offset)
        sealed = data[offset + 4 : offset + 4 + length].decode()
        offset += 4 + length
        (length,) = unpack(">i", data, offset)
        canonical = data[offset + 4 : offset + 4 + length]
        offset += 4 + length
        assert sha256(previous + canonical).hexdigest() == sealed, "a seal hash differs"
        leaves.append(sha256(b"\x00" + canonical).digest())
    tree.extend(leaves)
    assert tree.size == size


async def run(server: EmbeddedPostgres, args: argparse.Namespace) -> dict[str, Any]:
    await prepare(server, DATABASE, args.events)
    owner = server.url(database=DATABASE)
    engine = make_engine(server.url(user=APP_DB_ROLE, database=DATABASE), pool_size=1)
    maker = make_sessionmaker(engine)
    results: dict[str, Any] = {}
    try:
        async with maker() as session:
            while True:
                async with session.begin():
                    if not await audit.seal_pending(session, batch=20_000):
                        break
        await _fill(owner)
        async with maker() as session:
            for name, check in (("full", audit.verify), ("leaves", audit.verify_leaves)):
                best: dict[str, Any] | None = None
                for _ in range(args.repeats):
                    async with session.begin():
                        backend = await (await audit_chain.driver(session)).fetchval(
                            "SELECT pg_backend_pid()"
                        )
                        with Cpu(int(backend)) as cpu:
                            verified = await check(session)
                    assert verified.valid, verified.reason
                    rate = cpu.rate(args.events)
                    best = rate if best is None or rate["per_cpu_s"] > best["per_cpu_s"] else best
                results[name] = best
    finally:
        await engine.dispose()
    c = await asyncpg.connect(owner)
    try:
        backend = int(await c.fetchval("SELECT pg_backend_pid()"))
        size = args.events
        jobs: dict[str, Callable[[], Awaitable[Any]]] = {
            "fetch": lambda: c.fetch(audit_chain._WALK, 0, size),
            **{name: functools.partial(c.fetchval, query) for name, query in QUERIES.items()},
            "client_chain_leaf": lambda: _client(c, size, chain=True, columns=False),
            "client_leaf": lambda: _client(c, size, chain=False, columns=False),
            "copy_chain_leaf": lambda: _copy(c, size),
            "best_full": lambda: _client(c, size, chain=True, columns=True),
        }
        for name, job in jobs.items():
            best = None
            for _ in range(args.repeats):
                with Cpu(backend) as cpu:
                    value = await job()
                assert value in (0, None) or isinstance(value, list), (name, value)
                rate = cpu.rate(size)
                best = rate if best is None or rate["per_cpu_s"] > best["per_cpu_s"] else best
            results[name] = best
    finally:
        await c.close()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    results = on_scratch_database(
        "ilonet-bench-audit-full-", DATABASE, lambda server: run(server, args)
    )
    print(f"full check of {args.events:,} events, best of {args.repeats}; load {os.getloadavg()}")
    for name, figures in results.items():
        print(f"  {name:18} {figures}")
    if args.json:
        print(json.dumps({"benchmark": "audit_full_check", **environment(), **results}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
