"""The audit log's Merkle proofs as clients read them: signed checkpoints, inclusion and
consistency proofs, the log's public keys, and the bundle the offline verifier checks."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from app.bounds import (
    COSIGNATURES_MAX,
    COSIGNED_NOTE_MAX,
    KEY_NAME_MAX,
    LOG_KEYS_MAX,
    LOG_NOTE_MAX,
    VERIFIER_KEY_MAX,
    EventLeaf,
)
from app.deferred_models import DeferredModel
from app.schemas.common import (
    PART_PAGE_MAX,
    BigCount,
    CursorText,
    OrganisationCode,
    StrictInput,
)

# A SHA-256 hash in base64 (44 characters); an RFC 9162 path of a tree of fewer than 2^63
# leaves holds at most 64 of them.
Hash64 = Annotated[str, StringConstraints(max_length=44)]
Hashes = Annotated[list[Hash64], Field(max_length=64)]
# What a witness's cosignature (CosignatureIn.note, at most NOTE_MAX characters) yields.
NOTE_MAX = 16_384
NotePart = Annotated[str, StringConstraints(max_length=NOTE_MAX)]


class LogKeys(DeferredModel):
    origin: Annotated[str, StringConstraints(max_length=KEY_NAME_MAX)] = Field(
        description="The log's name: the first line of every checkpoint."
    )
    verifier_keys: list[Annotated[str, StringConstraints(max_length=VERIFIER_KEY_MAX)]] = Field(
        max_length=LOG_KEYS_MAX,
        description="Ed25519 verifier keys in the signed-note format (<name>+<id>+<key>).",
    )


class SignedCheckpointOut(DeferredModel):
    tree_size: BigCount
    root_hash: Hash64 = Field(description="base64, as in the note")
    note: Annotated[str, StringConstraints(max_length=LOG_NOTE_MAX)] = Field(
        description="The C2SP checkpoint as a signed note, log signature(s) last."
    )
    signed_at: datetime


class InclusionProof(DeferredModel):
    event_id: int
    leaf: EventLeaf = Field(description="The event's canonical JSON: its leaf of the tree.")
    index: BigCount = Field(description="The leaf's index (the event's seal position - 1).")
    tree_size: BigCount
    proof: Hashes = Field(description="RFC 9162 inclusion path, base64, leaf side first.")


class ConsistencyProof(DeferredModel):
    first: BigCount
    second: BigCount
    proof: Hashes = Field(description="RFC 9162 consistency proof, base64.")


class BundleEvent(DeferredModel):
    leaf: EventLeaf
    index: BigCount
    tree_size: BigCount
    proof: Hashes


class AuditBundle(DeferredModel):
    format: Literal["ilonet-audit-bundle/v1"] = "ilonet-audit-bundle/v1"
    # the checkpoint asked for, and the one seen before it (`since`) with their consistency
    checkpoints: list[Annotated[str, StringConstraints(max_length=COSIGNED_NOTE_MAX)]] = Field(
        max_length=2,
        description="Signed notes, ascending size, with the witnesses' cosignatures "
        f"(at most {COSIGNATURES_MAX} a checkpoint).",
    )
    consistency: list[ConsistencyProof] = Field(max_length=1)
    events: list[BundleEvent] = Field(
        max_length=PART_PAGE_MAX,
        description="A page of the events asked for, in seal order, each proved in the "
        "checkpoint (the last of `checkpoints`)",
    )
    next_cursor: CursorText | None = Field(
        default=None,
        description="Pass as `cursor` for the next page of events, proved in the same "
        "checkpoint; null on the last (`ilonet audit export` joins the pages)",
    )


class CosignatureIn(StrictInput):
    note: str = Field(
        min_length=1,
        max_length=NOTE_MAX,
        description="The checkpoint as a signed note carrying the witness's cosignature "
        "(what `ilonet witness cosign` writes); other signature lines are ignored.",
    )


class CosignatureOut(DeferredModel):
    tree_size: BigCount
    organisation: OrganisationCode
    witness: NotePart = Field(description="The witness key's name.")
    key_id: NotePart = Field(description="The key's id (hex), as in the note.")
    signature: NotePart = Field(description="The cosignature's signature line.")
    cosigned_at: BigCount = Field(description="The cosignature's own time (seconds, UTC).")
    received_at: datetime
