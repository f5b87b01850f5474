"""The stored Merkle tree recomputed from its stored leaf hashes, read in bulk (the fast
whole-log verification, `ilonet audit verify --leaves`).

Every seal stores its event's leaf hash, SHA-256(0x00 || canonical event), as the tree's node
(0, position - 1), in the transaction that seals it (app/db/audit_tree.py). Here each level is
read as one bytea per 16,384 nodes (`string_agg` in index order, with the count and the
lengths that show none is missing or malformed), the leaves are folded into the tree with
hashlib in tight loops (`Frontier.extend`), and every stored node above them is compared with
the recomputed one, level by level (SHA-256 of each level's nodes in index order).

What this proves: every stored node is the hash of the two below it, down to the stored leaf
hashes, and the tree holds nothing else, so every proof served from the nodes holds; with the
checks of app/db/audit.py `verify_leaves`, one leaf per seal, an event for every seal and the
latest signed checkpoint a prefix of the tree. What it does not: that a stored leaf hash is the
hash of its event as the table holds it now. That takes re-encoding every event, which the full
verification (`verify`, the default) does, comparing each recomputed leaf with the stored one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from app.db import audit_tree
from app.db.audit_merkle import EMPTY_ROOT, Frontier

CHUNK = 1 << 14  # nodes per read: a sort of them, if the plan has one, stays in memory
_LEVEL = (
    "SELECT count(*), min(length(hash)), max(length(hash)),"
    " string_agg(hash, ''::bytea ORDER BY idx) FROM audit_tree_node"
    " WHERE level = $1 AND idx >= $2 AND idx < $3"
)
# Per level, the least and the greatest index (two index probes each), and the levels' range.
_BOUNDS = (
    "SELECT l, (SELECT min(idx) FROM audit_tree_node WHERE level = l),"
    " (SELECT max(idx) FROM audit_tree_node WHERE level = l)"
    " FROM generate_series(0, 63) l ORDER BY l"
)
_LEVELS = "SELECT min(level), max(level) FROM audit_tree_node"
SHORT = "the Merkle tree lacks a node or holds one that is not a hash"
DIFFERS = "the Merkle tree's nodes are not the hashes of its stored leaves"
EXTRA = "the Merkle tree holds nodes beyond its leaves"


@dataclass(frozen=True, slots=True)
class Recomputed:
    size: int
    root: bytes = EMPTY_ROOT
    broken: str | None = None


async def _read(statement: Any, level: int, start: int, end: int) -> bytes | None:
    """Nodes [start, end) of a level, concatenated; None unless all are there, 32 bytes each."""
    count, shortest, longest, joined = await statement.fetchrow(level, start, end)
    if count != end - start or (shortest, longest) != (32, 32):
        return None
    return bytes(joined)


async def recompute(driver: Any, *, chunk: int = CHUNK) -> Recomputed:
    """The tree's root recomputed from its stored leaves, every stored node compared."""
    size = await audit_tree.size(driver)
    statement = await driver.prepare(_LEVEL)
    tree = Frontier(track=True)
    for start in range(0, size, chunk):
        leaves = await _read(statement, 0, start, min(start + chunk, size))
        if leaves is None:
            return Recomputed(size, broken=SHORT)
        tree.extend([leaves[i : i + 32] for i in range(0, len(leaves), 32)])
    recomputed = tree.digests()
    for level in range(1, len(recomputed)):
        count, digest = size >> level, hashlib.sha256()
        for start in range(0, count, chunk):
            nodes = await _read(statement, level, start, min(start + chunk, count))
            if nodes is None:
                return Recomputed(size, broken=SHORT)
            digest.update(nodes)
        if digest.digest() != recomputed[level]:
            return Recomputed(size, broken=DIFFERS)
    # Each level held exactly its nodes [0, count) (counted in the ranges read); none beyond.
    bounds = [(r[1], r[2]) for r in await driver.fetch(_BOUNDS)]
    expected = [(0, (size >> level) - 1) if size >> level else (None, None) for level in range(64)]
    levels = tuple(await driver.fetchrow(_LEVELS))
    if bounds != expected or levels != ((0, size.bit_length() - 1) if size else (None, None)):
        return Recomputed(size, broken=EXTRA)
    return Recomputed(size, tree.root())
