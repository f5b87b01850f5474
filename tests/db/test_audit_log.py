"""The whole-log verifier (`ilonet audit verify-log`, app/audit_log.py) with nothing but public
keys: it accepts an exported log whose entries give the signed, cosigned checkpoint's root, and
rejects, naming what failed, an entry changed by one byte, one removed (truncated), one added,
a fork (a known checkpoint of the same size, another root), a rewritten prefix, a missing
witness and a checkpoint signed by another key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app import cli
from app.audit_log import FORMAT, header, verify_log
from app.audit_verify import Rejected
from app.audit_witness import check_and_cosign
from app.db import audit_merkle, audit_note
from app.db.audit_note import COSIGNATURE_V1, Checkpoint, Signer

ORIGIN = "test.ilonet/audit-log"


def entry(i: int) -> bytes:
    document = {"id": i + 1, "action": "officer.contact_read", "details": {"n": i % 7}}
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


def checkpoint(key: Signer, entries: list[bytes]) -> str:
    root = audit_merkle.root([audit_merkle.leaf_hash(e) for e in entries])
    body = Checkpoint.make(key.name, len(entries), root).body
    return audit_note.note(body, [key.sign(body)])


def cosigned(note: str, key: Signer, witness: Signer) -> str:
    return check_and_cosign(
        previous=None, latest=note, proof=[], log=key.verifier, witness=witness
    ).note


def write(path: Path, note: str, entries: list[bytes]) -> Path:
    path.write_bytes(header(note) + b"".join(e + b"\n" for e in entries))
    return path


@pytest.fixture
def key() -> Signer:
    return audit_note.generate(ORIGIN)


@pytest.fixture
def witness() -> Signer:
    return audit_note.generate("edps.example", COSIGNATURE_V1)


def test_an_honest_log_verifies_from_its_entries_and_the_command_prints_its_report(
    key: Signer, witness: Signer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    entries = [entry(i) for i in range(1000)]
    note = cosigned(checkpoint(key, entries), key, witness)
    path = write(tmp_path / "log.ndjson", note, entries)
    assert path.read_bytes().startswith(json.dumps({"format": FORMAT}).encode()[:-1])
    earlier = tmp_path / "earlier.note"
    earlier.write_text(checkpoint(key, entries[:517]))
    command = ["audit", "verify-log", str(path), "--log-key", key.verifier.vkey()]
    witnessed = ["--witness", witness.verifier.vkey(), "--require", "1", "--known", str(earlier)]
    assert cli.main([*command, *witnessed]) == 0
    report = json.loads(capsys.readouterr().out)
    root = audit_merkle.root([audit_merkle.leaf_hash(e) for e in entries])
    assert report == {
        "valid": True,
        "origin": ORIGIN,
        "tree_size": 1000,
        "root_hash": root.hex(),
        "entries": 1000,
        "witnesses": ["edps.example"],
        "known_checkpoints_consistent": [517],
    }
    # the checkpoint without its cosignature, and the witness's cosigned note given apart
    plain = write(tmp_path / "plain.ndjson", checkpoint(key, entries), entries)
    apart = verify_log(
        plain, logs=[key.verifier], witnesses=[witness.verifier], require=1, cosigned=[note]
    )
    assert apart.witnesses == ["edps.example"]
    # an empty log: size 0, the empty root
    empty = verify_log(
        write(tmp_path / "empty.ndjson", checkpoint(key, []), []), logs=[key.verifier]
    )
    assert (empty.tree_size, empty.root_hash) == (0, audit_merkle.EMPTY_ROOT.hex())
    # a failure is exit 1 and a reason
    other = audit_note.generate(ORIGIN)
    assert cli.main(["audit", "verify-log", str(path), "--log-key", other.verifier.vkey()]) == 1
    refused = json.loads(capsys.readouterr().out)
    assert refused == {"valid": False, "reason": "a checkpoint is not signed by the log's key"}


def _reason(path: Path, key: Signer, **checks: object) -> str:
    with pytest.raises(Rejected) as refused:
        verify_log(path, logs=[key.verifier], **checks)  # type: ignore[arg-type]
    return str(refused.value)


def test_a_changed_removed_or_added_entry_is_refused_and_named(key: Signer, tmp_path: Path) -> None:
    entries = [entry(i) for i in range(300)]
    note = checkpoint(key, entries)
    changed = list(entries)
    changed[123] = changed[123].replace(b'"n":4', b'"n":5')  # one byte
    assert changed[123] != entries[123]
    assert _reason(write(tmp_path / "a", note, changed), key) == (
        "the entries do not give the checkpoint's root: an entry was changed"
    )
    earlier = checkpoint(key, entries[:100])
    assert _reason(write(tmp_path / "b", note, changed), key, known=[earlier]) == (
        "the entries do not give the checkpoint's root: an entry was changed at or after entry "
        "100 (the first 100 match a known checkpoint)"
    )
    assert _reason(write(tmp_path / "c", note, entries[:-1]), key) == (
        "the file holds 299 entries, the checkpoint 300: entry 299 and after are missing "
        "(truncated)"
    )
    removed = entries[:50] + entries[51:]
    assert "entry 299 and after are missing" in _reason(write(tmp_path / "d", note, removed), key)
    assert _reason(write(tmp_path / "e", note, [*entries, entry(300)]), key) == (
        "the file holds more entries than the checkpoint's 300: entry 300 and after are not in "
        "the checkpoint (added)"
    )
    swapped = [*entries[:10], entries[11], entries[10], *entries[12:]]
    assert "an entry was changed" in _reason(write(tmp_path / "f", note, swapped), key)
    blank = [*entries[:7], b"", *entries[8:]]
    assert _reason(write(tmp_path / "g", note, blank), key) == "entry 7 is an empty line"
    accented = [
        *entries[:9],
        entries[9].replace(b"officer", "offic\u00e9r".encode()),
        *entries[10:],
    ]
    assert _reason(write(tmp_path / "h", note, accented), key) == (
        "entry 9 is not its event's canonical (ASCII) JSON"
    )
    cut = write(tmp_path / "i", note, entries)
    cut.write_bytes(cut.read_bytes()[:-20])  # the file ends inside the last entry
    assert "an entry was changed" in _reason(cut, key)
    (tmp_path / "j").write_text('{"format": "ilonet-audit-bundle/v1"}\n')
    assert _reason(tmp_path / "j", key).startswith("not an audit log file")


def test_a_fork_a_rewritten_prefix_a_missing_witness_and_another_key_are_refused(
    key: Signer, witness: Signer, tmp_path: Path
) -> None:
    entries = [entry(i) for i in range(64)]
    note = cosigned(checkpoint(key, entries), key, witness)
    path = write(tmp_path / "log", note, entries)
    # another auditor was shown a tree of the same size with another entry: a fork
    fork = checkpoint(key, [*entries[:-1], entry(999)])
    assert _reason(path, key, known=[fork]) == (
        "a known checkpoint of size 64 has another root than the log's: the log was forked "
        "(different auditors were shown different trees)"
    )
    # a checkpoint seen earlier that the log's prefix no longer gives: history rewritten
    rewritten = checkpoint(key, [entry(1000 + i) for i in range(40)])
    assert _reason(path, key, known=[rewritten]) == (
        "the first 40 entries do not give the root of the known checkpoint of size 40: the log "
        "was rewritten before entry 40, or forked (the known checkpoint is of another tree)"
    )
    newer = checkpoint(key, [*entries, entry(64)])
    assert "larger than the log's (64)" in _reason(path, key, known=[newer])
    # witnesses: one cosignature meets --require 1, not 2; another witness's key counts none
    cnil = audit_note.generate("cnil.example", COSIGNATURE_V1)
    both = [witness.verifier, cnil.verifier]
    assert verify_log(path, logs=[key.verifier], witnesses=both, require=1).witnesses == [
        "edps.example"
    ]
    assert _reason(path, key, witnesses=both, require=2) == (
        "the checkpoint (size 64) carries 1 known witness cosignature(s), 2 required"
    )
    assert "0 known witness" in _reason(path, key, witnesses=[cnil.verifier], require=1)
    # a checkpoint signed by another key (under the log's name), and another log's checkpoint
    impostor = audit_note.generate(ORIGIN)
    forged = write(tmp_path / "forged", checkpoint(impostor, entries), entries)
    assert _reason(forged, key) == "a checkpoint is not signed by the log's key"
    assert _reason(path, key, known=[checkpoint(impostor, entries[:10])]) == (
        "a checkpoint is not signed by the log's key"
    )
