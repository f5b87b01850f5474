"""The Merkle tree of the audit log in the RFC 9162 shape: hashing, proofs and their checks.

Pure (standard library only), so the offline verifier uses it without a database. Leaf i is
the canonical bytes of the event sealed at position i + 1 (app/db/audit.py's `canonical`);
its hash is SHA-256(0x00 || leaf), a node's SHA-256(0x01 || left || right) (RFC 9162 2.1.1).

The tree is stored as its perfect subtrees (level, index): the node at level L, index i covers
leaves [i * 2^L, (i + 1) * 2^L). Any range hash a proof needs, MTH(D[a:b]), is the fold of at
most 2 log n such nodes (`cover`), so proofs are served from stored nodes, never by rehashing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

Node = tuple[int, int]  # (level, index) of a perfect subtree
Range = tuple[int, int]  # [start, end) of leaves

EMPTY_ROOT = hashlib.sha256(b"").digest()


class ProofError(ValueError):
    """A proof that does not verify."""


def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def root(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH of the leaves, bottom-up (the whole-log check: one pass, no recursion)."""
    if not leaf_hashes:
        return EMPTY_ROOT
    level = list(leaf_hashes)
    while len(level) > 1:
        paired = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])  # an unpaired right edge rises unchanged
        level = paired
    return level[0]


def cover(start: int, end: int) -> list[Node]:
    """The perfect subtrees that make up MTH(D[start:end]) for a range of the RFC's recursion
    (start aligned to a power of two at least as large as the range), left to right."""
    nodes: list[Node] = []
    while start < end:
        level = (end - start).bit_length() - 1
        while start % (1 << level):
            level -= 1
        nodes.append((level, start >> level))
        start += 1 << level
    return nodes


def range_hash(start: int, end: int, nodes: Mapping[Node, bytes]) -> bytes:
    """MTH(D[start:end]) from its cover: the right edge folds right to left (RFC shape)."""
    parts = [nodes[n] for n in cover(start, end)]
    digest = parts[-1]
    for left in reversed(parts[:-1]):
        digest = node_hash(left, digest)
    return digest


def inclusion_ranges(index: int, size: int) -> list[Range]:
    """The ranges whose hashes are PATH(index, D[0:size]), leaf side first (RFC 9162 2.1.3.1)."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of size {size}")
    path: list[Range] = []
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        if index < start + k:
            path.append((start + k, end))
            end = start + k
        else:
            path.append((start, start + k))
            start += k
    return list(reversed(path))


def consistency_ranges(first: int, second: int) -> list[Range]:
    """The ranges whose hashes are PROOF(first, D[0:second]) (RFC 9162 2.1.4.1)."""
    if not 0 <= first <= second:
        raise ValueError(f"no consistency proof from size {first} to {second}")
    if first == 0:
        return []  # every tree extends the empty one
    proof: list[Range] = []
    start, end, m, whole = 0, second, first, True
    while m != end - start:
        k = _split(end - start)
        if m <= k:
            proof.append((start + k, end))
            end = start + k
        else:
            proof.append((start, start + k))
            start, m, whole = start + k, m - k, False
    if not whole:
        proof.append((start, end))
    return list(reversed(proof))


def needed(ranges: Sequence[Range]) -> set[Node]:
    return {node for a, b in ranges for node in cover(a, b)}


def proof_hashes(ranges: Sequence[Range], nodes: Mapping[Node, bytes]) -> list[bytes]:
    return [range_hash(a, b, nodes) for a, b in ranges]


def build(leaf_hashes: Sequence[bytes]) -> dict[Node, bytes]:
    """Every perfect subtree of the leaves (what storage holds), for tests and tools."""
    nodes: dict[Node, bytes] = {(0, i): h for i, h in enumerate(leaf_hashes)}
    level, count = 0, len(leaf_hashes)
    while count > 1:
        for i in range(count // 2):
            nodes[(level + 1, i)] = node_hash(nodes[(level, 2 * i)], nodes[(level, 2 * i + 1)])
        level, count = level + 1, count // 2
    return nodes


def append_nodes(
    start: int, leaf_hashes: Sequence[bytes], stored: Callable[[Node], bytes]
) -> dict[Node, bytes]:
    """The nodes that appending leaves at index `start` completes, given the stored ones
    (only left siblings on the old right edge are asked for: at most one per level)."""
    new: dict[Node, bytes] = {(0, start + i): h for i, h in enumerate(leaf_hashes)}
    level, lo, hi = 0, start, start + len(leaf_hashes)  # new nodes [lo, hi) at `level`
    while hi - lo > 0:
        parent_lo, parent_hi = lo // 2, hi // 2
        for p in range(parent_lo, parent_hi):
            left, right = (level, 2 * p), (level, 2 * p + 1)
            new[(level + 1, p)] = node_hash(new[left] if left in new else stored(left), new[right])
        level, lo, hi = level + 1, parent_lo, parent_hi
    return new


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root_hash: bytes
) -> None:
    """RFC 9162 2.1.3.2, for a leaf hash; raises ProofError."""
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is not in a tree of size {size}")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ProofError("the inclusion proof is too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("the inclusion proof is too short")
    if r != root_hash:
        raise ProofError("the inclusion proof does not lead to the checkpoint's root")


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> None:
    """RFC 9162 2.1.4.2; raises ProofError (a fork or a rewritten history fails here)."""
    if first == second:
        if proof or first_root != second_root:
            raise ProofError("two checkpoints of one size with different roots: a fork")
        return
    if first == 0 and first_root == EMPTY_ROOT and not proof and second > 0:
        return  # every tree extends the empty one
    if not 0 < first < second:
        raise ProofError(f"no consistency from size {first} to {second}")
    if not proof:
        raise ProofError("the consistency proof is empty")
    path = list(proof)
    if first & (first - 1) == 0:  # a power of two: the old root is the first node
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("the consistency proof is too long")
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("the consistency proof is too short")
    if fr != first_root:
        raise ProofError("the older checkpoint is not a prefix of the newer one")
    if sr != second_root:
        raise ProofError("the consistency proof does not lead to the newer root")


class Frontier:
    """The right edge of a growing tree (its perfect subtrees, largest first): appending a leaf
    costs one hash plus the merges it completes, and the root is at hand at every size.
    `track`: also digest, level by level, every node appended leaves complete (in index
    order), to compare with the stored nodes in one pass (`digests`)."""

    __slots__ = ("levels", "size", "stack")

    def __init__(self, size: int = 0, stack: Sequence[bytes] = (), *, track: bool = False) -> None:
        if len(stack) != size.bit_count():
            raise ValueError("a frontier holds one subtree per set bit of its size")
        self.size = size
        self.stack = list(stack)
        self.levels: list[Any] | None = [] if track else None

    @classmethod
    def of(cls, size: int, nodes: Mapping[Node, bytes], *, track: bool = False) -> Frontier:
        return cls(size, [nodes[n] for n in cover(0, size)], track=track)

    def append(self, leaf: bytes) -> None:
        stack, s, levels = self.stack, self.size, self.levels
        stack.append(leaf)
        if levels is not None:
            _digest(levels, 0, leaf)
        level = 0
        while s & 1:
            right = stack.pop()
            merged = node_hash(stack.pop(), right)
            stack.append(merged)
            s >>= 1
            level += 1
            if levels is not None:
                _digest(levels, level, merged)
        self.size += 1

    def extend(self, leaves: Sequence[bytes]) -> None:
        """`append` each leaf, level by level: a level's new nodes are paired in one tight
        loop (the same nodes, digested in the same order, as appending one by one)."""
        if not leaves:
            return
        size, stack, levels = self.size, self.stack, self.levels
        pending: dict[int, bytes] = {}  # the frontier's left nodes waiting for a right sibling
        for level in range(size.bit_length()):
            if size >> level & 1:
                pending[level] = stack.pop()
        sha256, nodes, start, level = hashlib.sha256, list(leaves), size, 0
        while nodes:
            if levels is not None:
                if level == len(levels):
                    levels.append(sha256())
                levels[level].update(b"".join(nodes))
            if start & 1:
                nodes.insert(0, pending.pop(level))
                start -= 1
            if len(nodes) & 1:
                pending[level] = nodes.pop()
            it = iter(nodes)
            nodes = [
                sha256(b"\x01" + left + right).digest() for left, right in zip(it, it, strict=False)
            ]
            start >>= 1
            level += 1
        self.stack = [pending[k] for k in sorted(pending, reverse=True)]
        self.size = size + len(leaves)

    def digests(self) -> list[bytes]:
        """SHA-256 of the concatenated nodes of each level the appends completed."""
        return [h.digest() for h in self.levels or []]

    def root(self) -> bytes:
        if not self.stack:
            return EMPTY_ROOT
        digest = self.stack[-1]
        for left in reversed(self.stack[:-1]):
            digest = node_hash(left, digest)
        return digest


def _digest(levels: list[Any], level: int, node: bytes) -> None:
    if level == len(levels):
        levels.append(hashlib.sha256())
    levels[level].update(node)
