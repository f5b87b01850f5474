"""The audit log's Merkle proofs as clients read them: signed checkpoints, inclusion and
consistency proofs, the log's public keys, and the bundle the offline verifier checks."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from app.schemas.common import StrictInput

Hashes = list[str]


class LogKeys(BaseModel):
    origin: str = Field(description="The log's name: the first line of every checkpoint.")
    verifier_keys: list[str] = Field(
        description="Ed25519 verifier keys in the signed-note format (<name>+<id>+<key>)."
    )


class SignedCheckpointOut(BaseModel):
    tree_size: int
    root_hash: str = Field(description="base64, as in the note")
    note: str = Field(description="The C2SP checkpoint as a signed note, log signature(s) last.")
    signed_at: datetime


class InclusionProof(BaseModel):
    event_id: int
    leaf: str = Field(description="The event's canonical JSON: its leaf of the tree.")
    index: int = Field(description="The leaf's index (the event's seal position - 1).")
    tree_size: int
    proof: Hashes = Field(description="RFC 9162 inclusion path, base64, leaf side first.")


class ConsistencyProof(BaseModel):
    first: int
    second: int
    proof: Hashes = Field(description="RFC 9162 consistency proof, base64.")


class BundleEvent(BaseModel):
    leaf: str
    index: int
    tree_size: int
    proof: Hashes


class AuditBundle(BaseModel):
    format: str = "ilonet-audit-bundle/v1"
    checkpoints: list[str] = Field(description="Signed notes, ascending size.")
    consistency: list[ConsistencyProof]
    events: list[BundleEvent]


class CosignatureIn(StrictInput):
    note: str = Field(
        min_length=1,
        max_length=16_384,
        description="The checkpoint as a signed note carrying the witness's cosignature "
        "(what `ilonet witness cosign` writes); other signature lines are ignored.",
    )


class CosignatureOut(BaseModel):
    tree_size: int
    organisation: str
    witness: str = Field(description="The witness key's name.")
    key_id: str = Field(description="The key's id (hex), as in the note.")
    signature: str = Field(description="The cosignature's signature line.")
    cosigned_at: int = Field(description="The cosignature's own time (seconds, UTC).")
    received_at: datetime
