"""The Merkle tree's hashing and proofs against RFC 9162's own recursive definitions
(MTH, PATH, PROOF), and the signed-note format against the Go note package's published key,
signature and note, byte for byte."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.db import audit_merkle as merkle
from app.db import audit_note as notes


def mth(d: list[bytes]) -> bytes:
    """RFC 9162 2.1.1, literally."""
    if not d:
        return hashlib.sha256(b"").digest()
    if len(d) == 1:
        return hashlib.sha256(b"\x00" + d[0]).digest()
    k = 1 << ((len(d) - 1).bit_length() - 1)
    return hashlib.sha256(b"\x01" + mth(d[:k]) + mth(d[k:])).digest()


def path(m: int, d: list[bytes]) -> list[bytes]:
    """RFC 9162 2.1.3.1."""
    if len(d) <= 1:
        return []
    k = 1 << ((len(d) - 1).bit_length() - 1)
    if m < k:
        return [*path(m, d[:k]), mth(d[k:])]
    return [*path(m - k, d[k:]), mth(d[:k])]


def subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    """RFC 9162 2.1.4.1."""
    if m == len(d):
        return [] if b else [mth(d)]
    k = 1 << ((len(d) - 1).bit_length() - 1)
    if m <= k:
        return [*subproof(m, d[:k], b), mth(d[k:])]
    return [*subproof(m - k, d[k:], False), mth(d[:k])]


def leaves(n: int) -> list[bytes]:
    return [f'{{"id":{i}}}'.encode() for i in range(n)]


@pytest.mark.parametrize("n", [*range(1, 34), 100, 127, 128, 129])
def test_stored_nodes_give_the_rfc_root_paths_and_proofs(n: int) -> None:
    d = leaves(n)
    hashes = [merkle.leaf_hash(x) for x in d]
    nodes = merkle.build(hashes)
    assert merkle.root(hashes) == merkle.range_hash(0, n, nodes) == mth(d)
    for i in range(n):
        proof = merkle.proof_hashes(merkle.inclusion_ranges(i, n), nodes)
        assert proof == path(i, d)
        merkle.verify_inclusion(i, n, hashes[i], proof, mth(d))
    for m in range(1, n + 1):
        proof = merkle.proof_hashes(merkle.consistency_ranges(m, n), nodes)
        assert proof == subproof(m, d, True)
        merkle.verify_consistency(m, n, mth(d[:m]), mth(d), proof)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(2, 300), data=st.data())
def test_a_changed_leaf_or_a_changed_history_fails_its_proof(n: int, data: st.DataObject) -> None:
    d = leaves(n)
    nodes = merkle.build([merkle.leaf_hash(x) for x in d])
    i = data.draw(st.integers(0, n - 1))
    proof = merkle.proof_hashes(merkle.inclusion_ranges(i, n), nodes)
    with pytest.raises(merkle.ProofError):
        merkle.verify_inclusion(i, n, merkle.leaf_hash(d[i] + b" "), proof, mth(d))
    with pytest.raises(merkle.ProofError):  # the same proof does not place it elsewhere
        merkle.verify_inclusion((i + 1) % n, n, merkle.leaf_hash(d[i]), proof, mth(d))
    m = data.draw(st.integers(1, n - 1))
    consistency = merkle.proof_hashes(merkle.consistency_ranges(m, n), nodes)
    rewritten = [*d[: m - 1], b"rewritten"]
    with pytest.raises(merkle.ProofError):
        merkle.verify_consistency(m, n, mth(rewritten), mth(d), consistency)
    with pytest.raises(merkle.ProofError):
        merkle.verify_consistency(m, n, mth(d[:m]), mth([*d[:-1], b"x"]), consistency)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 300), data=st.data())
def test_appending_in_batches_stores_exactly_the_trees_nodes(n: int, data: st.DataObject) -> None:
    hashes = [merkle.leaf_hash(x) for x in leaves(n)]
    stored: dict[merkle.Node, bytes] = {}
    size = 0
    while size < n:
        batch = data.draw(st.integers(1, n - size))
        stored.update(merkle.append_nodes(size, hashes[size : size + batch], stored.__getitem__))
        size += batch
        assert merkle.Frontier.of(size, stored).root() == mth(leaves(size))
    assert stored == merkle.build(hashes)


def test_every_tree_extends_the_empty_one_and_only_one_root_per_size() -> None:
    d = leaves(5)
    merkle.verify_consistency(0, 5, merkle.EMPTY_ROOT, mth(d), [])
    merkle.verify_consistency(5, 5, mth(d), mth(d), [])
    with pytest.raises(merkle.ProofError, match="fork"):
        merkle.verify_consistency(5, 5, mth(d), mth([*leaves(4), b"other"]), [])


# The golang.org/x/mod/sumdb/note documentation's example key and signed note.
GO_SIGNER = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VERIFIER = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_NOTE = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
    "\n"
    "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdng"
    "otpRZb6KE6RyyBwJnAM=\n"
)


def test_notes_match_the_go_note_package_byte_for_byte() -> None:
    signer = notes.parse_signer(GO_SIGNER)
    assert signer.verifier.vkey() == GO_VERIFIER
    assert signer.skey() == GO_SIGNER
    body, signatures = notes.split(GO_NOTE)
    assert notes.note(body, [signer.sign(body)]) == GO_NOTE
    assert notes.parse_verifier(GO_VERIFIER).verifies(body, signatures[0])
    assert not notes.parse_verifier(GO_VERIFIER).verifies(body + "!", signatures[0])


def test_a_cosignature_verifies_only_under_the_witness_key_and_over_its_checkpoint() -> None:
    log, witness = notes.generate("example.org/log"), notes.generate("dpa.example", 0x04)
    body = notes.Checkpoint.make("example.org/log", 3, mth(leaves(3))).body
    signed = notes.note(body, [log.sign(body), witness.sign(body, timestamp=1_700_000_000)])
    assert notes.signed_by(signed, log.verifier).size == 3
    assert notes.cosigners(signed, [witness.verifier]) == ["dpa.example"]
    assert notes.cosigners(signed, [notes.generate("dpa.example", 0x04).verifier]) == []
    other = notes.Checkpoint.make("example.org/log", 3, mth(leaves(4)[1:])).body
    moved = notes.note(other, notes.split(signed)[1])
    assert notes.cosigners(moved, [witness.verifier]) == []
    with pytest.raises(notes.NoteError):
        notes.signed_by(moved, log.verifier)
