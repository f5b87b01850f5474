"""A witness posts its cosignature of a checkpoint ILONet signed (guarded action
`audit_checkpoint.cosign`, rule AUDIT-W1): the loader checks the signatures and hands the
policy booleans; the write stores the cosignature's line (append-only `audit_cosignature`), so
the bundle the offline verifier checks carries it. A checkpoint carries at most COSIGNATURES_MAX
cosignatures (app/bounds.py): one more is a conflict."""

from __future__ import annotations

import struct
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.bounds import COSIGNATURES_MAX
from app.db import audit_chain, audit_note, audit_tree
from app.db.audit_note import Checkpoint, NoteError, Signature, Verifier
from app.db.writer import Change, NewRow, Prepared
from app.models import AuditCosignature
from app.policies import Decision
from app.policies.audit_witness import AUDIT_CHECKPOINT_COSIGN, CosignatureFacts
from app.problems import Conflict, ValidationFailed
from app.schemas.audit_proof import CosignatureIn, CosignatureOut
from app.services.guarded import Action, Context

RESOURCE = "audit_checkpoint"


@dataclass(frozen=True, slots=True)
class Posted:
    prepared: Prepared[CosignatureFacts]
    checkpoint: Checkpoint | None
    signature: Signature | None


def _note(body: CosignatureIn) -> tuple[str, list[Signature], Checkpoint]:
    text = body.note if body.note.endswith("\n") else body.note + "\n"  # the body strips it
    try:
        note_body, signatures = audit_note.split(text)
        return note_body, signatures, Checkpoint.parse(note_body)
    except NoteError as error:
        raise ValidationFailed(
            [{"pointer": "/note", "in": "body", "detail": str(error)}], detail=str(error)
        ) from None


async def _cosignatures(session: AsyncSession, size: int) -> int:
    """The cosignatures a checkpoint carries (the bundle's note holds every one of them)."""
    query = select(func.count()).select_from(AuditCosignature)
    return int(await session.scalar(query.where(AuditCosignature.tree_size == size)) or 0)


def registered(keys: list[str]) -> list[Verifier]:
    return [audit_note.parse_verifier(k) for k in keys]


async def _load(context: Context, _: None, body: CosignatureIn) -> Posted:
    note_body, signatures, checkpoint = _note(body)
    org = context.principal.org
    keys = registered(context.settings.audit_witness_keys.get(org, []))
    driver = await audit_chain.driver(context.writer.session)
    stored = await audit_tree.signed(driver, checkpoint.size)
    checkpoint_signed = stored is not None and audit_note.split(stored.note)[0] == note_body
    by_key = [(k, s) for s in signatures for k in keys if (s.name, s.key_id) == (k.name, k.key_id)]
    valid = [s for k, s in by_key if k.verifies(note_body, s)]
    chosen = valid[0] if valid else (by_key[0][1] if by_key else None)
    conflicts = []
    if chosen is not None and checkpoint_signed:
        held = await context.writer.session.get(
            AuditCosignature, (checkpoint.size, chosen.key_id.hex())
        )
        if held is not None:
            conflicts.append(
                Conflict(f"{held.witness} has cosigned checkpoint {checkpoint.size} already.")
            )
        elif await _cosignatures(context.writer.session, checkpoint.size) >= COSIGNATURES_MAX:
            conflicts.append(
                Conflict(
                    f"checkpoint {checkpoint.size} carries {COSIGNATURES_MAX} cosignatures "
                    "already, the most a checkpoint carries."
                )
            )
    facts = CosignatureFacts(
        actor=context.principal.actor(),
        key_registered=bool(by_key),
        checkpoint_signed=checkpoint_signed,
        cosignature_verifies=bool(valid),
    )
    prepared = Prepared(facts, conflicts=tuple(conflicts), resource_id=str(checkpoint.size))
    return Posted(prepared, checkpoint if checkpoint_signed else None, chosen)


def _build(
    context: Context, posted: Posted, _: CosignatureIn, __: Decision
) -> NewRow[AuditCosignature]:
    """AUDIT-W1: the cosignature verified under the caller's registered key, on a checkpoint
    ILONet signed; its line is stored as it was posted."""
    checkpoint, signature = posted.checkpoint, posted.signature
    if checkpoint is None or signature is None:  # the decision allowed only with both
        raise RuntimeError("an allowed cosignature has its checkpoint and signature")
    raw = signature.signature
    row = AuditCosignature(
        tree_size=checkpoint.size,
        key_id=signature.key_id.hex(),
        organisation=context.principal.org,
        witness=signature.name,
        signature=signature.line(),
        cosigned_at=struct.unpack(">Q", raw[:8])[0] if len(raw) == 72 else 0,
    )
    change = Change(
        organisation=context.principal.org,
        details={"tree_size": checkpoint.size, "witness": signature.name},
    )
    return NewRow(row, change)


COSIGN = Action(
    policy=AUDIT_CHECKPOINT_COSIGN,
    resource=RESOURCE,
    body=CosignatureIn,
    target="none",
    load=_load,
    build=_build,
    makes="row",
    summary="A witness posts its cosignature of a signed checkpoint (scope audit:witness)",
)


def render(row: AuditCosignature) -> CosignatureOut:
    return CosignatureOut.model_validate(row, from_attributes=True)
