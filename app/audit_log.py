"""The whole-log verifier: recomputes the audit log's Merkle tree from every entry of an exported
log and checks it against the signed, witnessed checkpoint with nothing but public keys — no
database, no server (`ilonet audit verify-log`), as an auditor or monitor of a transparency log
does (RFC 9162 2.1, C2SP tlog-tiles).

A log file (`ilonet audit export --log`) is NDJSON: a first line
    {"format": "ilonet-audit-log/v1", "checkpoint": <signed note with its cosignatures>}
then the checkpoint's `size` entries in leaf order, one per line: leaf i's exact bytes, the
canonical JSON of the event sealed at position i + 1 (GET /v1/audit/entries).
Checked: the checkpoint is signed by the log (its origin the key's name) and cosigned by at
least k known witnesses; the file holds exactly `size` entries (fewer: truncated, more: added),
each one ASCII line; SHA-256(0x00 || entry) folded into the tree (app/db/audit_merkle.py) gives
the checkpoint's root (else an entry was changed); each checkpoint kept from earlier (`known`)
is signed by the log, and its root is the root of the entries' prefix of its size (consistency,
computed), so one of the same size with another root is a fork.

The file is read in blocks, its leaves hashed in one tight loop per block and folded into the
tree level by level (`Frontier.extend`): memory stays that of a block, whatever the log's size.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from app.audit_verify import Rejected, signed_by_size
from app.db import audit_note
from app.db.audit_merkle import Frontier
from app.db.audit_note import Checkpoint, NoteError, Verifier

FORMAT = "ilonet-audit-log/v1"
BLOCK = 8 << 20  # bytes read at once


def header(note: str) -> bytes:
    """The first line of a log file: its format and the checkpoint (a signed note)."""
    return json.dumps({"format": FORMAT, "checkpoint": note}).encode() + b"\n"


@dataclass(slots=True)
class LogReport:
    origin: str = ""
    tree_size: int = 0
    root_hash: str = ""
    witnesses: list[str] = field(default_factory=list)
    known: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "valid": True,
            "origin": self.origin,
            "tree_size": self.tree_size,
            "root_hash": self.root_hash,
            "entries": self.tree_size,
            "witnesses": self.witnesses,
            "known_checkpoints_consistent": self.known,
        }


def _header(stream: BinaryIO) -> str:
    line = stream.readline(1 << 20)
    try:
        head = json.loads(line)
    except ValueError:
        head = None
    if not isinstance(head, dict) or head.get("format") != FORMAT:
        raise Rejected(f"not an audit log file ({FORMAT}: a header line, then the entries)")
    note = head.get("checkpoint")
    if not isinstance(note, str):
        raise Rejected("the log file's header carries no checkpoint")
    return note


def _blocks(stream: BinaryIO) -> Iterator[list[bytes]]:
    """The entries, a block's whole lines at a time (a last line without its newline is an
    entry too: cut off, it differs from the entry it was)."""
    carry = b""
    while block := stream.read(BLOCK):
        data = carry + block
        cut = data.rfind(b"\n")
        if cut < 0:
            carry = data
            continue
        carry = data[cut + 1 :]
        yield data[:cut].split(b"\n")
    if carry:
        yield [carry]


def _well_formed(lines: list[bytes], first: int) -> None:
    if all(lines) and all(map(bytes.isascii, lines)):
        return
    for i, line in enumerate(lines):
        if not line:
            raise Rejected(f"entry {first + i} is an empty line")
        if not line.isascii():
            raise Rejected(f"entry {first + i} is not its event's canonical (ASCII) JSON")


def _recompute(stream: BinaryIO, size: int, known: dict[int, Checkpoint]) -> Frontier:
    """The tree of the file's entries, checked entry by entry against the checkpoint's size
    and, at each known checkpoint's size, against its root."""
    sha256, tree = hashlib.sha256, Frontier()
    stops = sorted(m for m in known if 0 < m < size)
    for lines in _blocks(stream):
        _well_formed(lines, tree.size)
        if tree.size + len(lines) > size:
            raise Rejected(
                f"the file holds more entries than the checkpoint's {size}: entry {size} "
                "and after are not in the checkpoint (added)"
            )
        leaves = [sha256(b"\x00" + line).digest() for line in lines]
        while stops and stops[0] <= tree.size + len(leaves):
            cut = stops[0] - tree.size
            tree.extend(leaves[:cut])
            leaves = leaves[cut:]
            _prefix(tree, known[stops.pop(0)])
        tree.extend(leaves)
    if tree.size < size:
        raise Rejected(
            f"the file holds {tree.size} entries, the checkpoint {size}: entry {tree.size} "
            "and after are missing (truncated)"
        )
    return tree


def _prefix(tree: Frontier, earlier: Checkpoint) -> None:
    if tree.root() != earlier.root:
        raise Rejected(
            f"the first {earlier.size} entries do not give the root of the known checkpoint "
            f"of size {earlier.size}: the log was rewritten before entry {earlier.size}, or "
            "forked (the known checkpoint is of another tree)"
        )


def verify_log(
    path: Path,
    *,
    logs: Sequence[Verifier],
    witnesses: Sequence[Verifier] = (),
    require: int = 0,
    known: Sequence[str] = (),
    cosigned: Sequence[str] = (),
) -> LogReport:
    """Check a log file; raises Rejected naming the first failure."""
    if not logs:
        raise Rejected("the log's public key is needed")
    with path.open("rb") as stream:
        note = _header(stream)
        try:
            checkpoint = signed_by_size([note], logs)
            (head, text) = next(iter(checkpoint.values()))
            earlier = signed_by_size(known, logs) if known else {}
            bodies = [n for n in cosigned if audit_note.split(n)[0] == head.body]
            cosigners = audit_note.cosigners(audit_note.merge([text, *bodies]), list(witnesses))
        except NoteError as error:
            raise Rejected(str(error)) from None
        other = earlier.get(head.size)
        if other is not None and other[0].root != head.root:
            raise Rejected(
                f"a known checkpoint of size {head.size} has another root than the log's: the "
                "log was forked (different auditors were shown different trees)"
            )
        newer = [m for m in earlier if m > head.size]
        if newer:
            raise Rejected(
                f"a known checkpoint (size {min(newer)}) is larger than the log's ({head.size}): "
                "export at least that size, or the log was truncated"
            )
        if len(cosigners) < require:
            raise Rejected(
                f"the checkpoint (size {head.size}) carries {len(cosigners)} known witness "
                f"cosignature(s), {require} required"
            )
        known_roots = {m: c for m, (c, _) in earlier.items()}
        tree = _recompute(stream, head.size, known_roots)
    if tree.root() != head.root:
        after = max((m for m in known_roots if m < head.size), default=0)
        where = f" at or after entry {after} (the first {after} match a known checkpoint)"
        raise Rejected(
            "the entries do not give the checkpoint's root: an entry was changed"
            + (where if after else "")
        )
    sizes = sorted(m for m in known_roots if m <= head.size)
    return LogReport(head.origin, head.size, head.root.hex(), cosigners, sizes)
