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
  seal, every leaf and the tree, i.e. the cheapest full check of these parts;
- `copy_columns`: a complete full check with nothing stored beyond the app's schema: per chunk
  of 16,384 seals, the seals and exactly the event columns the canonical document holds by
  `COPY ... (FORMAT csv)` (seals in position order, each event by its primary key), the strings
  force-quoted with `\\` as the escape and `null` for NULL, so that each field of an ASCII
  event already is its JSON text; the canonical bytes assembled by one format string per row,
  `actor`, `details` and `rules` canonicalised once per distinct value in the chunk; both
  hashes with hashlib, the seal hashes, links and stored leaves compared in bulk (a chunk's
  concatenations), the tree folded and every stored node above the leaves compared, then the
  checks of `verify_leaves` (seals counted, events against seals, checkpoint a prefix);
  `copy_columns_distinct`: the same with every `actor`, `details` and `rules` canonicalised
  (a log whose every event has JSON of its own, the worst case for the memo); `copy_rows`: the
  same COPY, chunk by chunk, nothing assembled or hashed (what reading the columns costs).
"""

from __future__ import annotations

import argparse
import binascii
import functools
import hashlib
import io
import json
import os
import re
import struct
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg

from app.config import APP_DB_ROLE
from app.db import audit, audit_chain, audit_leaves
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


# The seals of positions ($1, $2] with their events' columns in canonical key order; the event
# by its primary key for each seal (OFFSET 0 keeps the lateral join a nested loop: a hash join
# would read every event once per chunk).
_KEYS = sorted(audit_chain._KEYS)
_ROWS = (
    "SELECT s.prev_hash, s.hash, e.action, e.actor, e.decision_id, e.details, e.id,"
    f" e.legal_basis, {_OCCURRED} AS occurred_at, e.organisation, e.outcome, e.policy_version,"
    " e.purpose, e.request_id, e.resource_id, e.resource_type, e.rules FROM audit_seal s"
    " LEFT JOIN LATERAL (SELECT * FROM audit_event e WHERE e.id = s.event_id OFFSET 0) e ON true"
    " WHERE s.position > $1 AND s.position <= $2 ORDER BY s.position"
)
_QUOTED = [k for k in _KEYS if k not in ("actor", "details", "id", "rules")]
_CSV: dict[str, Any] = {
    "format": "csv",
    "delimiter": "\t",
    "null": "null",
    "escape": "\\",
    "force_quote": _QUOTED,
}
_DOCUMENT = ("{" + ",".join(f'"{k}":%b' for k in _KEYS) + "}").encode()
_ESCAPED = re.compile(rb"\\(.)", re.S)


def _json_field(field: bytes) -> bytes:
    """The canonical JSON of a jsonb field as the CSV COPY printed it."""
    if field == b"null":
        return b"null"
    inner = field[1:-1]
    plain = b"\\\\" not in inner  # then every escape is of a quote
    text = (inner.replace(b'\\"', b'"') if plain else _ESCAPED.sub(rb"\1", inner)).decode()
    value = audit_chain._loads(text)
    if audit_chain._has_float(value):  # (orjson reads an integer beyond 64 bits as a float)
        value = json.loads(text)
    return audit_chain.encode(value)


def _rules_field(field: bytes) -> bytes:
    """The canonical JSON of a text[] field as the CSV COPY printed it (plain elements only)."""
    if field in (b"null", b"{}"):
        return b"[]"
    assert field[:1] == b"{", field
    assert b'"' not in field, field
    assert b"\\" not in field, field
    elements: Any = field[1:-1].decode().split(",")  # (encode takes any JSON value)
    return audit_chain.encode(elements)


async def _copied(c: Any, first: int, last: int) -> bytes:
    """The COPY of seals (first, last] with their events' columns, one line per seal."""
    parts: list[bytes] = []

    async def write(data: bytes) -> None:
        parts.append(data)

    await c.copy_from_query(_ROWS, first, last, output=write, **_CSV)
    return b"".join(parts)


async def _rows(c: Any, size: int) -> None:
    """`copy_rows`: the COPY of `copy_columns` alone."""
    for first in range(0, size, CHUNK):
        await _copied(c, first, min(first + CHUNK, size))


async def _columns(c: Any, size: int, *, memo: bool) -> None:
    """The full check from the columns (`copy_columns`): see the module's docstring."""
    stored = await c.prepare(audit_chain._STORED_LEAVES)
    sha256, document, tree = hashlib.sha256, _DOCUMENT, Frontier(track=True)
    head = audit_chain.GENESIS.encode()
    for first in range(0, size, CHUNK):
        last = min(first + CHUNK, size)
        data = await _copied(c, first, last)
        rows = last - first  # no field holds a tab or a line break: each line is one seal
        assert data.count(b"\n") == rows
        assert data.count(b"\t") == 16 * rows
        canonical: dict[bytes, bytes] = {}
        forgotten: dict[bytes, bytes] = {}
        known = (canonical if memo else forgotten).get
        seals, leaves, prevs, hashes = [], [], [], []
        for line in data.split(b"\n")[:-1]:
            f = line.split(b"\t")
            actor = known(f[3]) or canonical.setdefault(f[3], _json_field(f[3]))
            details = known(f[5]) or canonical.setdefault(f[5], _json_field(f[5]))
            rules = known(f[16]) or canonical.setdefault(f[16], _rules_field(f[16]))
            event = document % (
                f[2], actor, f[4], details, *f[6:16], rules
            )  # fmt: skip
            seals.append(sha256(f[0] + event).digest())
            leaves.append(sha256(b"\x00" + event).digest())
            prevs.append(f[0])
            hashes.append(f[1])
        joined = b"".join(hashes)
        assert b"".join(seals) == binascii.unhexlify(joined), "a seal hash differs"
        assert b"".join(prevs) == head + joined[:-64], "a seal does not continue the chain"
        head = hashes[-1]
        count, held = await stored.fetchrow(first, last)
        assert count == rows, "a stored leaf is missing"
        assert held == b"".join(leaves), "a stored leaf differs"
        tree.extend(leaves)
    # The stored nodes above the leaves (as audit_leaves.recompute), then verify_leaves' checks.
    level_nodes = await c.prepare(audit_leaves._LEVEL)
    recomputed = tree.digests()
    for level in range(1, len(recomputed)):
        count, digest = size >> level, hashlib.sha256()
        for start in range(0, count, CHUNK):
            nodes = await audit_leaves._read(level_nodes, level, start, min(start + CHUNK, count))
            assert nodes is not None
            digest.update(nodes)
        assert digest.digest() == recomputed[level], "a stored node differs"
    seals_count, top = await c.fetchrow(audit._SEALS)
    _, txid, event_id = await c.fetchrow(audit._SEAL_AT, top)
    assert (seals_count, top) == (size, size)
    assert tuple(await c.fetchrow(audit._EVENTS, txid, event_id)) == (0, 0, 0)
    assert await audit._not_a_prefix(c, size, tree.root()) is None


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
            "copy_rows": lambda: _rows(c, size),
            "copy_columns": lambda: _columns(c, size, memo=True),
            "copy_columns_distinct": lambda: _columns(c, size, memo=False),
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
