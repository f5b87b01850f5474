"""The offline verifier: checks an exported bundle of signed checkpoints, witness
cosignatures, consistency and inclusion proofs with nothing but the log's public key(s) and the
witnesses' — no database, no server (`ilonet audit verify-proof`).

A bundle (GET /v1/audit/bundle, or `ilonet audit export`) is JSON:
    {"format": "ilonet-audit-bundle/v1",
     "checkpoints": [<signed note>, ...],                   ascending size
     "consistency": [{"first": m, "second": n, "proof": [<base64>, ...]}, ...],
     "events": [{"leaf": <canonical event JSON>, "index": i, "tree_size": n,
                 "proof": [<base64>, ...]}, ...]}
Checked: every checkpoint is signed by the log; checkpoints of one size agree (else the log was
forked: two auditors were shown different trees); each later checkpoint extends the one before
(a consistency proof: nothing rewritten, nothing truncated); the newest carries cosignatures of
at least k known witnesses; each event is included in a checkpoint of the bundle. Checkpoints
an auditor kept from earlier (`known`, e.g. another auditor's) join the same checks.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from app.db import audit_merkle, audit_note
from app.db.audit_merkle import ProofError
from app.db.audit_note import Checkpoint, NoteError, Verifier

FORMAT = "ilonet-audit-bundle/v1"


class Rejected(ValueError):
    """The bundle does not prove what it claims; the message says what failed."""


@dataclass(slots=True)
class Report:
    origin: str = ""
    tree_size: int = 0
    root_hash: str = ""
    checkpoints: int = 0
    events: int = 0
    witnesses: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "valid": True,
            "origin": self.origin,
            "tree_size": self.tree_size,
            "root_hash": self.root_hash,
            "checkpoints": self.checkpoints,
            "events_included": self.events,
            "witnesses": self.witnesses,
        }


def _hashes(values: Any, what: str) -> list[bytes]:
    if not isinstance(values, list):
        raise Rejected(f"{what} is not a list of base64 hashes")
    try:
        hashes = [base64.b64decode(v, validate=True) for v in values]
    except (binascii.Error, TypeError):
        raise Rejected(f"{what} holds a hash that is not base64") from None
    if any(len(h) != 32 for h in hashes):
        raise Rejected(f"{what} holds a hash that is not 32 bytes")
    return hashes


def _int(value: Any, what: str) -> int:
    if type(value) is not int or value < 0:
        raise Rejected(f"{what} is not a non-negative integer")
    return value


def signed_by_size(
    notes: Sequence[str], logs: Sequence[Verifier]
) -> dict[int, tuple[Checkpoint, str]]:
    """Checkpoints by size, each signed by a log key; two roots for one size is a fork."""
    by_size: dict[int, tuple[Checkpoint, str]] = {}
    for text in notes:
        checkpoint = None
        for log in logs:
            try:
                checkpoint = audit_note.signed_by(text, log)
                break
            except NoteError:
                continue
        if checkpoint is None:
            raise Rejected("a checkpoint is not signed by the log's key")
        if checkpoint.origin != logs[0].name:
            raise Rejected(f"a checkpoint names another log ({checkpoint.origin})")
        held = by_size.get(checkpoint.size)
        if held is not None and held[0].root != checkpoint.root:
            raise Rejected(
                f"two checkpoints of size {checkpoint.size} with different roots: the log was "
                "forked (different auditors were shown different trees)"
            )
        if held is not None:
            text = audit_note.merge([held[1], text])  # one checkpoint, every signature
        by_size[checkpoint.size] = (checkpoint, text)
    return by_size


def _consistent(by_size: dict[int, tuple[Checkpoint, str]], proofs: Any) -> None:
    """Each checkpoint extends the one before it (proved by the bundle's consistency proofs)."""
    given: dict[tuple[int, int], list[bytes]] = {}
    for item in proofs if isinstance(proofs, list) else []:
        pair = (_int(item.get("first"), "first"), _int(item.get("second"), "second"))
        given[pair] = _hashes(item.get("proof"), "a consistency proof")
    sizes = sorted(by_size)
    for first, second in pairwise(sizes):
        if first == 0:
            continue
        if (first, second) not in given:
            raise Rejected(f"no consistency proof from size {first} to {second}")
        try:
            audit_merkle.verify_consistency(
                first, second, by_size[first][0].root, by_size[second][0].root, given[first, second]
            )
        except ProofError as error:
            raise Rejected(
                f"checkpoint {second} does not extend checkpoint {first} (history rewritten, "
                f"truncated or forked): {error}"
            ) from None


def _included(by_size: dict[int, tuple[Checkpoint, str]], events: Any) -> int:
    count = 0
    for item in events if isinstance(events, list) else []:
        leaf, index = item.get("leaf"), _int(item.get("index"), "an event's index")
        size = _int(item.get("tree_size"), "an event's tree size")
        if not isinstance(leaf, str) or not leaf.isascii():
            raise Rejected("an event's leaf is not its canonical (ASCII) JSON")
        if size not in by_size:
            raise Rejected(f"an event is proved against size {size}, which no checkpoint signs")
        try:
            json.loads(leaf)
            audit_merkle.verify_inclusion(
                index,
                size,
                audit_merkle.leaf_hash(leaf.encode()),
                _hashes(item.get("proof"), "an inclusion proof"),
                by_size[size][0].root,
            )
        except (ProofError, ValueError) as error:
            raise Rejected(f"event at index {index} is not in the checkpoint: {error}") from None
        count += 1
    return count


def verify_bundle(
    bundle: Any,
    *,
    logs: Sequence[Verifier],
    witnesses: Sequence[Verifier] = (),
    require: int = 0,
    known: Sequence[str] = (),
) -> Report:
    """Check a bundle (parsed JSON); raises Rejected naming the first failure."""
    if not logs:
        raise Rejected("the log's public key is needed")
    if not isinstance(bundle, dict) or bundle.get("format") != FORMAT:
        raise Rejected(f"not an audit bundle ({FORMAT})")
    notes = bundle.get("checkpoints")
    if not isinstance(notes, list) or not notes or not all(isinstance(n, str) for n in notes):
        raise Rejected("the bundle has no checkpoints")
    try:
        by_size = signed_by_size([*notes, *known], logs)
    except NoteError as error:
        raise Rejected(str(error)) from None
    _consistent(by_size, bundle.get("consistency"))
    newest, text = by_size[max(by_size)]
    try:
        cosigned = audit_note.cosigners(
            audit_note.merge([text, *(n for n in notes if audit_note.split(n)[0] == newest.body)]),
            list(witnesses),
        )
    except NoteError as error:
        raise Rejected(str(error)) from None
    if len(cosigned) < require:
        raise Rejected(
            f"the newest checkpoint (size {newest.size}) carries {len(cosigned)} known witness "
            f"cosignature(s), {require} required"
        )
    included = _included(by_size, bundle.get("events"))
    return Report(newest.origin, newest.size, newest.root.hex(), len(by_size), included, cosigned)
