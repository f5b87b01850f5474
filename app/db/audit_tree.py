"""The Merkle tree's storage: its nodes grow with the seals, its heads are signed, its proofs
are read from stored nodes (app/db/audit_merkle.py says what each one is).

Every function takes the session's asyncpg connection (app/db/audit_chain.py's `driver`) and
runs in the caller's transaction: leaves join the tree in the transaction that seals them,
under the seal lock, so the tree never lags or leads the chain once it has caught up.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.db import audit_chain, audit_merkle
from app.db.audit_merkle import Node
from app.db.audit_note import Checkpoint, Signer, note

_SIZE = "SELECT coalesce(max(idx) + 1, 0) FROM audit_tree_node WHERE level = 0"
_NODES = (
    "SELECT n.level, n.idx, n.hash FROM audit_tree_node n"
    " JOIN unnest($1::smallint[], $2::bigint[]) AS w(level, idx)"
    " ON n.level = w.level AND n.idx = w.idx"
)
_INSERT = (
    "INSERT INTO audit_tree_node (level, idx, hash)"
    " SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::bytea[])"
)
_DIGESTS = (
    "SELECT level, sha256(string_agg(hash, ''::bytea ORDER BY idx)) FROM audit_tree_node"
    " WHERE ((idx + 1) << level) > $1 GROUP BY level ORDER BY level"
)
_SIGNED = "SELECT size, root, note, signed_at FROM audit_signed_checkpoint"
_LATEST = _SIGNED + " ORDER BY size DESC LIMIT 1"
_AT = _SIGNED + " WHERE size = $1"
_BEFORE = _SIGNED + " WHERE size < $1 ORDER BY size DESC LIMIT $2"


@dataclass(frozen=True, slots=True)
class SignedCheckpoint:
    size: int
    root: bytes
    note: str
    signed_at: datetime


async def size(driver: Any) -> int:
    return int(await driver.fetchval(_SIZE))


async def nodes(driver: Any, wanted: Iterable[Node]) -> dict[Node, bytes]:
    keys = sorted(wanted)
    if not keys:
        return {}
    rows = await driver.fetch(_NODES, [k[0] for k in keys], [k[1] for k in keys])
    found = {(int(r[0]), int(r[1])): bytes(r[2]) for r in rows}
    if len(found) != len(keys):
        raise LookupError("the tree lacks nodes it should hold")
    return found


async def append(driver: Any, start: int, leaves: Sequence[bytes]) -> None:
    """Add leaves at index `start` (the tree's size) and every node they complete."""
    if not leaves:
        return
    edge = [(lvl, (start >> lvl) - 1) for lvl in range(start.bit_length()) if (start >> lvl) & 1]
    stored = await nodes(driver, edge)
    new = audit_merkle.append_nodes(start, leaves, stored.__getitem__)
    keys = list(new)
    await driver.execute(
        _INSERT, [k[0] for k in keys], [k[1] for k in keys], [new[k] for k in keys]
    )


async def catch_up(driver: Any, *, batch: int) -> int:
    """Bring sealed events that predate the tree into it (the chain migrated once, in batches);
    returns how many; the caller seals more only when the tree holds every seal."""
    tree, head = await size(driver), await audit_chain.head_position(driver)
    if tree >= head:
        return 0
    leaves = await audit_chain.leaves_after(driver, tree, min(batch, head - tree))
    await append(driver, tree, leaves)
    return len(leaves)


async def root(driver: Any, tree_size: int) -> bytes:
    wanted = audit_merkle.cover(0, tree_size)
    return (
        audit_merkle.range_hash(0, tree_size, await nodes(driver, wanted))
        if wanted
        else (audit_merkle.EMPTY_ROOT)
    )


async def frontier(driver: Any, tree_size: int) -> audit_merkle.Frontier:
    """The stored right edge at a size (where a walk resumes the tree), tracking new nodes."""
    wanted = audit_merkle.cover(0, tree_size)
    return audit_merkle.Frontier.of(tree_size, await nodes(driver, wanted), track=True)


async def digests(driver: Any, after: int) -> list[bytes]:
    """Per level, SHA-256 of the stored nodes that end after leaf `after` (in index order):
    PostgreSQL reads them in primary-key order, which is the order a walk appends them."""
    rows = await driver.fetch(_DIGESTS, after)
    return [bytes(r[1]) for r in rows]


async def proof(driver: Any, ranges: Sequence[audit_merkle.Range]) -> list[bytes]:
    return audit_merkle.proof_hashes(ranges, await nodes(driver, audit_merkle.needed(ranges)))


async def leaf_index(driver: Any, event_id: int) -> int | None:
    position = await driver.fetchval(
        "SELECT position FROM audit_seal WHERE event_id = $1", event_id
    )
    return int(position) - 1 if position is not None else None


def _checkpoint(row: Any) -> SignedCheckpoint:
    return SignedCheckpoint(int(row[0]), bytes(row[1]), str(row[2]), row[3])


async def signed(driver: Any, tree_size: int | None = None) -> SignedCheckpoint | None:
    """The checkpoint signed at a size, or the latest."""
    if tree_size is None:
        row = await driver.fetchrow(_LATEST)
    else:
        row = await driver.fetchrow(_AT, tree_size)
    return _checkpoint(row) if row else None


async def signed_before(driver: Any, before: int | None, limit: int) -> list[SignedCheckpoint]:
    """Signed checkpoints, newest first, below a size (a page)."""
    rows = await driver.fetch(
        _BEFORE,
        before if before is not None else 2**62,
        limit,
    )
    return [_checkpoint(r) for r in rows]


async def sign(
    driver: Any, origin: str, signers: Sequence[Signer]
) -> tuple[SignedCheckpoint | None, bool]:
    """Sign the tree's head if it grew since the latest checkpoint: the latest checkpoint, and
    whether this call signed it."""
    latest = await signed(driver)
    tree_size = await size(driver)
    if latest is not None and latest.size >= tree_size:
        return latest, False  # (an empty log's checkpoint has size 0 and the empty root)
    body = Checkpoint.make(origin, tree_size, await root(driver, tree_size)).body
    text = note(body, [signer.sign(body) for signer in signers])
    await driver.execute(
        "INSERT INTO audit_signed_checkpoint (size, root, note) VALUES ($1, $2, $3)"
        " ON CONFLICT (size) DO NOTHING",
        tree_size,
        Checkpoint.parse(body).root,
        text,
    )
    return await signed(driver, tree_size), True
