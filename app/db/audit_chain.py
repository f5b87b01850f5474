"""The hash chain on raw rows: sealing and verification without ORM entities.

Both read events straight from the driver (asyncpg, inside the session's transaction), with
`occurred_at` rendered by PostgreSQL in the exact ISO form `canonical` uses and the JSON
columns as text, and hash them with `encode`: orjson with sorted keys, whose bytes equal
`json.dumps(sort_keys=True, separators=(",", ":"))` (ensure_ascii) for every document without
non-ASCII text or floats; any other document is encoded by `json` itself, so the bytes, and
therefore every existing chain, stay the same (tests/db/test_audit_chain.py). A verification's
walk hashes a chunk of rows in one tight loop and hands the chunk's leaves to the tree at once
(`Frontier.extend`, level by level); `row_bytes` skips the float search of the decoded JSON when
a pattern over its text shows none can be there.

Checkpoints (`audit_checkpoint`) remember a verified (position, hash): an incremental
verification starts there, after checking that the seal at that position still holds it.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.audit_merkle import Frontier

# Events sealed between two turns of the event loop (each is a few microseconds of hashing):
# a batch of thousands would otherwise hold every request on this process for its whole length.
YIELD_EVERY = 200
# Rows of the log's entries read at once (a few milliseconds of encoding between two reads).
ENTRY_CHUNK = 1024

GENESIS = "0" * 64
_SORTED = orjson.OPT_SORT_KEYS
_loads = orjson.loads

# occurred_at as datetime.astimezone(UTC).isoformat(timespec="microseconds") renders it.
_OCCURRED = "to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US') || '+00:00'"
_EVENT_COLUMNS = (
    f"e.id, {_OCCURRED}, e.request_id, e.actor::text, e.organisation, e.action, e.outcome,"
    " e.resource_type, e.resource_id, e.decision_id, e.policy_version, e.rules, e.purpose,"
    " e.legal_basis, e.details::text"
)
_PENDING = (
    f"SELECT e.txid, {_EVENT_COLUMNS} FROM audit_event e"
    " WHERE e.txid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint"
    " AND (e.txid, e.id) > ($1::bigint, $2::bigint) ORDER BY e.txid, e.id LIMIT $3"
)
_HEAD = (
    "SELECT s.position, s.hash, e.txid, e.id FROM audit_seal s"
    " LEFT JOIN audit_event e ON e.id = s.event_id ORDER BY s.position DESC LIMIT 1"
)
_INSERT_SEALS = (
    "INSERT INTO audit_seal (position, event_id, prev_hash, hash)"
    " SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[])"
)
# The sealed events of positions (first, last], for the log's entries (leaf i: position i + 1).
_ENTRIES = (
    f"SELECT s.position, {_EVENT_COLUMNS} FROM audit_seal s"
    " LEFT JOIN audit_event e ON e.id = s.event_id"
    " WHERE s.position > $1 AND s.position <= $2 ORDER BY s.position LIMIT $3"
)
_WALK = (
    f"SELECT s.position, s.event_id, s.prev_hash, s.hash, {_EVENT_COLUMNS} FROM audit_seal s"
    " LEFT JOIN audit_event e ON e.id = s.event_id"
    " WHERE s.position > $1 ORDER BY s.position LIMIT $2"
)
# The leaf hashes the tree stores for seals (first, last], concatenated, and how many there are.
_STORED_LEAVES = (
    "SELECT count(*), string_agg(hash, ''::bytea ORDER BY idx) FROM audit_tree_node"
    " WHERE level = 0 AND idx >= $1 AND idx < $2"
)
LEAF_DIFFERS = "the stored leaf hash is not the hash of the sealed event"


_KEYS = (
    "id",
    "occurred_at",
    "request_id",
    "actor",
    "organisation",
    "action",
    "outcome",
    "resource_type",
    "resource_id",
    "decision_id",
    "policy_version",
    "rules",
    "purpose",
    "legal_basis",
    "details",
)


_SCALARS = (str, int, bool, type(None))


def _has_float(value: Any) -> bool:
    """Whether a JSON value holds a float anywhere (loops, not generators: this is hot)."""
    kind = type(value)
    if kind is float:
        return True
    if kind is dict:
        value = value.values()
    elif kind is not list:
        return False
    for item in value:
        if type(item) in _SCALARS:
            continue
        if _has_float(item):
            return True
    return False


def _dumps(document: dict[str, Any]) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


def _fast(document: dict[str, Any]) -> bytes | None:
    """orjson's bytes when they are json's: sorted keys, ASCII only, no DEL (json escapes
    what is not printable ASCII); None when they might not be."""
    try:
        fast: bytes = orjson.dumps(document, option=_SORTED)
    except TypeError:  # an integer beyond 64 bits
        return None
    return fast if fast.isascii() and b"\x7f" not in fast else None


def encode(document: dict[str, Any]) -> bytes:
    """`json.dumps(document, sort_keys=True, separators=(",", ":")).encode()`, faster."""
    if _has_float(document):  # float formatting differs between json and orjson
        return _dumps(document)
    return _fast(document) or _dumps(document)


def row_hash(prev_hash: str, row: Any, offset: int) -> str:
    """The seal hash of the event in `row[offset:offset + 15]` (the `_EVENT_COLUMNS`)."""
    return hashlib.sha256(prev_hash.encode() + row_bytes(row, offset)).hexdigest()


# A number token with a fraction or an exponent, or an integer that may exceed 64 bits: the only
# JSON whose orjson bytes may differ from json's. It may also match inside a string (a UUID's
# "4e"); then the careful path decides, so a match costs time, never a wrong byte.
_MAYBE_FLOAT = re.compile(r"[0-9](?:[.eE]|[0-9]{18})")


def row_bytes(row: Any, offset: int) -> bytes:
    """`careful_row_bytes`, fast when neither JSON column can hold a float or a big integer:
    one orjson decode each, one sorted encode of the document built in place."""
    actor_raw, details_raw = row[offset + 3], row[offset + 14]
    search = _MAYBE_FLOAT.search
    if (actor_raw is None or search(actor_raw) is None) and (
        details_raw is None or search(details_raw) is None
    ):
        try:
            document = {
                "id": row[offset],
                "occurred_at": row[offset + 1],
                "request_id": row[offset + 2],
                "actor": _loads(actor_raw) if actor_raw is not None else None,
                "organisation": row[offset + 4],
                "action": row[offset + 5],
                "outcome": row[offset + 6],
                "resource_type": row[offset + 7],
                "resource_id": row[offset + 8],
                "decision_id": row[offset + 9],
                "policy_version": row[offset + 10],
                "rules": row[offset + 11] or [],
                "purpose": row[offset + 12],
                "legal_basis": row[offset + 13],
                "details": _loads(details_raw) if details_raw is not None else None,
            }
            fast: bytes = orjson.dumps(document, option=_SORTED)
        except (orjson.JSONDecodeError, TypeError):
            return careful_row_bytes(row, offset)
        if fast.isascii() and b"\x7f" not in fast:
            return fast
    return careful_row_bytes(row, offset)


def careful_row_bytes(row: Any, offset: int) -> bytes:
    """The canonical bytes of the event in `row[offset:offset + 15]`: what its seal covers and
    its leaf of the Merkle tree is.

    Only `actor` and `details` (JSON) can hold floats; every other column is typed. orjson
    reads integers beyond 64 bits as floats, so a float in either sends both back to json,
    exactly as the ORM's JSON columns read them."""
    values = list(row[offset : offset + 15])
    actor_raw, details_raw = values[3], values[14]
    try:
        actor = orjson.loads(actor_raw) if actor_raw is not None else None
        details = orjson.loads(details_raw) if details_raw is not None else None
        exact = not (_has_float(actor) or _has_float(details))
    except orjson.JSONDecodeError:
        exact = False
    if not exact:
        actor = json.loads(actor_raw) if actor_raw is not None else None
        details = json.loads(details_raw) if details_raw is not None else None
    values[3] = actor
    values[11] = list(values[11] or [])
    values[14] = details
    document = dict(zip(_KEYS, values, strict=True))
    return (_fast(document) if exact else None) or _dumps(document)


async def driver(session: AsyncSession) -> Any:
    """The session's asyncpg connection, inside the session's transaction."""
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    return raw.driver_connection


async def head_position(driver: Any) -> int:
    return int(await driver.fetchval("SELECT coalesce(max(position), 0) FROM audit_seal"))


async def seal(driver: Any, *, batch: int) -> tuple[int, list[bytes]]:
    """Seal up to `batch` finished events after the head (the caller holds the seal lock);
    returns the position before them and their leaf hashes, for the Merkle tree."""
    head = await driver.fetchrow(_HEAD)
    position, prev_hash = (head[0], head[1]) if head else (0, GENESIS)
    after = (head[2], head[3]) if head and head[2] is not None else (-1, -1)
    start = position
    rows = await driver.fetch(_PENDING, after[0], after[1], batch)
    if not rows:
        return start, []
    positions, ids, prevs, hashes, leaves = [], [], [], [], []
    sha256 = hashlib.sha256
    for n, row in enumerate(rows, 1):
        if n % YIELD_EVERY == 0:
            await asyncio.sleep(0)  # the requests waiting on this event loop run meanwhile
        position += 1
        encoded = row_bytes(row, 1)
        digest = sha256(prev_hash.encode() + encoded).hexdigest()
        positions.append(position)
        ids.append(row[1])
        prevs.append(prev_hash)
        hashes.append(digest)
        leaves.append(sha256(b"\x00" + encoded).digest())
        prev_hash = digest
    await driver.execute(_INSERT_SEALS, positions, ids, prevs, hashes)
    return start, leaves


async def leaves_after(driver: Any, position: int, limit: int) -> list[bytes]:
    """The leaf hashes of the sealed events after `position` (the chain entering the tree)."""
    rows = await driver.fetch(_WALK, position, limit)
    leaves = []
    for row in rows:
        position += 1
        if row[0] != position or row[4] is None:
            raise RuntimeError(f"seal {position} or its event is missing: verify the chain")
        leaves.append(hashlib.sha256(b"\x00" + row_bytes(row, 4)).digest())
    return leaves


class MissingLeaf(LookupError):
    """A leaf of the tree whose seal or sealed event is not there (the chain is broken)."""

    def __init__(self, index: int) -> None:
        super().__init__(f"leaf {index} has no sealed event: `ilonet audit verify` says why")
        self.index = index


async def entries(
    driver: Any, start: int, end: int, *, budget: int, chunk: int = ENTRY_CHUNK
) -> bytes:
    """The log's entries [start, end), each leaf's canonical bytes on a line of its own (they
    are one-line ASCII JSON): read `chunk` rows at a time, and ended early, on a whole line,
    once `budget` bytes are reached (the caller goes on from where it ended)."""
    statement = await driver.prepare(_ENTRIES)
    lines: list[bytes] = []
    size, position = 0, start
    while position < end and size < budget:
        rows = await statement.fetch(position, end, chunk)
        for row in rows:
            if row[0] != position + 1 or row[1] is None:
                raise MissingLeaf(position)
            line = row_bytes(row, 1)
            lines.append(line)
            size += len(line) + 1
            position += 1
            if size >= budget:
                break
        if not rows:
            raise MissingLeaf(position)
    lines.append(b"")
    return b"\n".join(lines) if len(lines) > 1 else b""


@dataclass(frozen=True, slots=True)
class Walk:
    position: int
    head_hash: str
    verified: int
    broken: str | None = None
    broken_position: int | None = None
    broken_event_id: int | None = None


async def latest_checkpoint(driver: Any) -> tuple[int, str] | None:
    row = await driver.fetchrow(
        "SELECT position, hash FROM audit_checkpoint ORDER BY position DESC LIMIT 1"
    )
    return (int(row[0]), str(row[1])) if row else None


async def checkpoint(driver: Any, position: int, head_hash: str) -> None:
    """Remember a verified head (once per position)."""
    if position == 0:
        return
    await driver.execute(
        "INSERT INTO audit_checkpoint (position, hash) VALUES ($1, $2)"
        " ON CONFLICT (position) DO NOTHING",
        position,
        head_hash,
    )


async def walk(
    driver: Any, *, start: tuple[int, str] | None, chunk: int, tree: Frontier | None = None
) -> Walk:
    """Verify the seals after `start` (default the genesis) up to the head; each verified
    event's leaf is compared with the leaf hash the tree stores for it (a chunk's at once) and
    joins `tree` (a frontier at `start`), so the walk also recomputes the root."""
    position, prev_hash = start or (0, GENESIS)
    if start is not None:
        held = await driver.fetchval("SELECT hash FROM audit_seal WHERE position = $1", position)
        if held != prev_hash:
            return Walk(0, GENESIS, 0, "the chain differs from its checkpoint", position, None)
    statement = await driver.prepare(_WALK)
    stored = await driver.prepare(_STORED_LEAVES)
    sha256 = hashlib.sha256
    while True:
        first = position
        rows = await statement.fetch(position, chunk)
        if not rows:
            return Walk(position, prev_hash, position)
        leaves: list[bytes] = []
        broken, row = None, None
        for row in rows:
            encoded = None
            if row[0] == position + 1 and row[2] == prev_hash and row[4] is not None:
                encoded = row_bytes(row, 4)
                if sha256(prev_hash.encode() + encoded).hexdigest() != row[3]:
                    encoded = None
            if encoded is None:  # broken: say how (and keep the tree as far as it held)
                broken = _broken(row, position, prev_hash)
                break
            leaves.append(sha256(b"\x00" + encoded).digest())
            position, prev_hash = row[0], row[3]
        differs = await _first_differing(stored, first, leaves)
        if differs is not None:  # an earlier break than the chain's, if any
            del leaves[differs:]
            row, broken = rows[differs], LEAF_DIFFERS
            position, prev_hash = first + differs, row[2]  # (the chain held up to it)
        if tree is not None:
            tree.extend(leaves)
        if broken is not None and row is not None:
            return Walk(position, prev_hash, position, broken, row[0], row[1])


async def _first_differing(statement: Any, first: int, leaves: list[bytes]) -> int | None:
    """Where the recomputed leaves of seals first+1.. first differ from the stored ones; None
    where they agree, or where the tree lacks some of them (its own checks then say so)."""
    if not leaves:
        return None
    count, joined = await statement.fetchrow(first, first + len(leaves))
    if count != len(leaves) or joined == b"".join(leaves):
        return None
    mismatched = (i for i, leaf in enumerate(leaves) if joined[32 * i : 32 * i + 32] != leaf)
    return next(mismatched, len(leaves) - 1)


def _broken(row: Any, position: int, prev_hash: str) -> str:
    """What is wrong with a seal the walk refused."""
    if row[0] != position + 1:
        return f"seal {position + 1} is missing"
    if row[2] != prev_hash:
        return "the seal does not continue the chain"
    if row[4] is None:
        return "the sealed event was deleted"
    return "the event differs from what was sealed"
