"""A witness of the audit log, run by an organisation other than the operator with its own key
(`ilonet witness keygen`, `ilonet witness cosign`).

It keeps the last checkpoint it cosigned. Given the log's newest checkpoint it checks the log's
signature, then that the new tree extends the old one (an RFC 9162 consistency proof fetched
from the log): a smaller tree (truncation), another root at the same size (a fork) or a failed
proof is refused and nothing is signed. Otherwise it adds a C2SP tlog-cosignature
(cosignature/v1) and remembers the new checkpoint. The log never holds the witness's key; the
cosigned note is the witness's to publish, to hand to auditors and to post back to the log
(`post_cosignature`: POST /v1/audit/cosignatures), whose bundles then carry it.
"""

from __future__ import annotations

import base64
import os
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from app.db import audit_merkle, audit_note
from app.db.audit_merkle import ProofError
from app.db.audit_note import Checkpoint, NoteError, Signer, Verifier


class Refused(ValueError):
    """The witness will not cosign: the message says why."""


@dataclass(frozen=True, slots=True)
class Witnessed:
    note: str  # the checkpoint with the log's signature(s) and this witness's cosignature
    checkpoint: Checkpoint


def check_and_cosign(
    *,
    previous: str | None,
    latest: str,
    proof: list[bytes],
    log: Verifier,
    witness: Signer,
    now: int | None = None,
) -> Witnessed:
    """Cosign `latest` if it extends `previous` (the last note cosigned, None the first time)."""
    try:
        new = audit_note.signed_by(latest, log)
    except NoteError as error:
        raise Refused(str(error)) from None
    if new.origin != log.name:
        raise Refused(f"the checkpoint names another log ({new.origin})")
    if previous is not None:
        old = audit_note.signed_by(previous, log)
        if new.size < old.size:
            raise Refused(f"the log shrank from {old.size} to {new.size} leaves (truncated)")
        try:
            audit_merkle.verify_consistency(old.size, new.size, old.root, new.root, proof)
        except ProofError as error:
            raise Refused(f"checkpoint {new.size} does not extend {old.size}: {error}") from None
    body = audit_note.split(latest)[0]
    signature = witness.sign(body, timestamp=int(time.time()) if now is None else now)
    return Witnessed(audit_note.merge([latest, audit_note.note(body, [signature])]), new)


def _state(state_dir: Path, log: Verifier) -> Path:
    return state_dir / f"{log.key_id.hex()}.checkpoint"


def _save(path: Path, text: str) -> None:
    """Replace the state atomically (write, fsync, rename): never a half-written checkpoint."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    with temporary.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    temporary.replace(path)


def cosign_latest(
    *,
    api: str,
    token: str,
    log: Verifier,
    witness: Signer,
    state_dir: Path,
    sign: bool = True,
    transport: httpx.BaseTransport | None = None,
) -> Witnessed:
    """Fetch the log's newest checkpoint and a proof from the last cosigned one, check, cosign."""
    path = _state(state_dir, log)
    previous = path.read_text(encoding="utf-8") if path.exists() else None
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=api, headers=headers, timeout=30.0, transport=transport) as client:
        answer = client.get("/v1/audit/checkpoints/latest", params={"sign": str(sign).lower()})
        answer.raise_for_status()
        latest = str(answer.json()["note"])
        proof: list[bytes] = []
        if previous is not None:
            old = Checkpoint.parse(audit_note.split(previous)[0])
            new = Checkpoint.parse(audit_note.split(latest)[0])
            if 0 < old.size < new.size:
                answer = client.get(
                    "/v1/audit/consistency", params={"first": old.size, "second": new.size}
                )
                answer.raise_for_status()
                proof = [base64.b64decode(h) for h in answer.json()["proof"]]
    witnessed = check_and_cosign(
        previous=previous, latest=latest, proof=proof, log=log, witness=witness
    )
    _save(path, witnessed.note)
    return witnessed


def post_cosignature(
    *, api: str, token: str, note: str, transport: httpx.BaseTransport | None = None
) -> httpx.Response:
    """Post a cosigned note to the log (scope audit:witness); the answer as the log gave it."""
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=api, headers=headers, timeout=30.0, transport=transport) as client:
        return client.post("/v1/audit/cosignatures", json={"note": note})
