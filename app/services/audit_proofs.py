"""Proofs of the audit log for auditors and witnesses (read policy `audit_proof`): signed
checkpoints, inclusion and consistency proofs, and a bundle for the offline verifier."""

from __future__ import annotations

import base64

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.bounds import EVENT_LEAF_MAX
from app.db import audit, audit_chain, audit_merkle, audit_note, audit_tree
from app.db.audit_note import Signer
from app.db.audit_tree import SignedCheckpoint
from app.db.visibility import visible
from app.keyset import INVALID, Window
from app.models import AuditCosignature, AuditEvent, AuditSeal
from app.pagination import Paging
from app.problems import Conflict, NotFound, ValidationFailed
from app.schemas.audit_proof import (
    AuditBundle,
    BundleEvent,
    ConsistencyProof,
    InclusionProof,
    LogKeys,
    SignedCheckpointOut,
)
from app.security import Principal
from app.services import access


def _b64(hashes: list[bytes]) -> list[str]:
    return [base64.b64encode(h).decode() for h in hashes]


def _out(checkpoint: SignedCheckpoint) -> SignedCheckpointOut:
    return SignedCheckpointOut(
        tree_size=checkpoint.size,
        root_hash=base64.b64encode(checkpoint.root).decode(),
        note=checkpoint.note,
        signed_at=checkpoint.signed_at,
    )


def log_keys(*, principal: Principal, signers: list[Signer]) -> LogKeys:
    access.visibility(principal, "audit_proof")
    return LogKeys(origin=signers[0].name, verifier_keys=[s.verifier.vkey() for s in signers])


async def _signed(session: AsyncSession, size: int | None) -> SignedCheckpoint:
    found = await audit_tree.signed(await audit_chain.driver(session), size)
    if found is None:
        raise NotFound(
            "no checkpoint is signed at that size" if size else "no checkpoint is signed yet",
            resource_type="audit_checkpoint",
            resource_id=str(size) if size is not None else None,
        )
    return found


async def latest(
    *, session: AsyncSession, principal: Principal, signers: list[Signer], sign: bool
) -> SignedCheckpointOut:
    """The newest signed checkpoint; `sign`: first seal and sign the head if it grew."""
    access.visibility(principal, "audit_proof")
    if sign:
        await audit.sign_checkpoint(session, signers)
    return _out(await _signed(session, None))


async def checkpoints(
    *, session: AsyncSession, principal: Principal, before: int | None, window: Window
) -> list[SignedCheckpoint]:
    """Signed checkpoints below a tree size (`before`), newest first, a page of them."""
    access.visibility(principal, "audit_proof")
    after, count = window.seek(lambda checkpoint: [checkpoint.size])
    if after is not None:
        if len(after) != 1 or not isinstance(after[0], int):
            raise ValidationFailed(INVALID)
        before = after[0] if before is None else min(before, after[0])
    driver = await audit_chain.driver(session)
    return await audit_tree.signed_before(driver, before, count)


def render_checkpoint(checkpoint: SignedCheckpoint) -> SignedCheckpointOut:
    return _out(checkpoint)


async def consistency(
    *, session: AsyncSession, principal: Principal, first: int, second: int
) -> ConsistencyProof:
    """Proof that the tree of size `second` extends the tree of size `first`."""
    access.visibility(principal, "audit_proof")
    driver = await audit_chain.driver(session)
    if not 0 <= first <= second or second > await audit_tree.size(driver):
        raise ValidationFailed(
            [
                {
                    "pointer": "/second",
                    "in": "query",
                    "detail": "needs first <= second <= the tree's size",
                }
            ]
        )
    ranges = audit_merkle.consistency_ranges(first, second)
    return ConsistencyProof(
        first=first, second=second, proof=_b64(await audit_tree.proof(driver, ranges))
    )


ENTRIES_MAX = 16_384  # entries one request may ask for
ENTRIES_BYTES = 16 << 20  # a page ends early, on a whole entry, past this many bytes
ENTRIES_PAGE_MAX = ENTRIES_BYTES + EVENT_LEAF_MAX  # a page's bytes at most (its last entry)


async def entries(*, session: AsyncSession, principal: Principal, start: int, end: int) -> bytes:
    """The log's entries [start, end): each leaf's exact bytes (its event's canonical JSON) on
    a line, in leaf order; fewer when the page reaches ENTRIES_BYTES (ask again from there)."""
    access.visibility(principal, "audit_log")
    driver = await audit_chain.driver(session)
    size = await audit_tree.size(driver)
    wrong = (
        "needs start <= end"
        if start > end
        else f"asks for more than {ENTRIES_MAX} entries"
        if end - start > ENTRIES_MAX
        else f"needs end <= the tree's size ({size})"
        if end > size
        else None
    )
    if wrong is not None:
        raise ValidationFailed([{"pointer": "/end", "in": "query", "detail": wrong}])
    try:
        return await audit_chain.entries(driver, start, end, budget=ENTRIES_BYTES)
    except audit_chain.MissingLeaf as missing:
        raise Conflict(f"the audit log is broken: {missing}") from None


async def _cosigned(session: AsyncSession, checkpoint: SignedCheckpoint) -> str:
    """The checkpoint's note with the witnesses' cosignatures posted for it."""
    found = list(
        await session.scalars(
            select(AuditCosignature.signature)
            .where(AuditCosignature.tree_size == checkpoint.size)
            .order_by(AuditCosignature.received_at, AuditCosignature.key_id)
        )
    )
    if not found:
        return checkpoint.note
    body = audit_note.split(checkpoint.note)[0]
    return audit_note.merge([checkpoint.note, body + "\n" + "".join(found)])


async def _proofs(
    session: AsyncSession, events: list[tuple[AuditEvent, int]], size: int
) -> list[InclusionProof]:
    """Inclusion proofs of sealed events (with their leaf index) in the tree of `size`, from
    one read of the nodes they need."""
    paths = [audit_merkle.inclusion_ranges(index, size) for _, index in events]
    driver = await audit_chain.driver(session)
    nodes = await audit_tree.nodes(driver, {n for path in paths for n in audit_merkle.needed(path)})
    return [
        InclusionProof(
            event_id=event.id,
            leaf=audit.canonical(event).decode(),
            index=index,
            tree_size=size,
            proof=_b64(audit_merkle.proof_hashes(path, nodes)),
        )
        for (event, index), path in zip(events, paths, strict=True)
    ]


async def bundle(
    *,
    session: AsyncSession,
    principal: Principal,
    signers: list[Signer],
    event_id: int | None,
    resource_type: str | None,
    resource_id: str | None,
    since: int | None,
    tree_size: int | None,
    paging: Paging,
) -> AuditBundle:
    """What a DPA takes away: a signed checkpoint (default: the head, signed now), the one it
    saw before (`since`) with a consistency proof, and a resource's events (for instance one
    processing record's) with inclusion proofs, a page of them in seal order: the next page
    (`next_cursor`) proves its events in the same checkpoint."""
    access.visibility(principal, "audit_proof")
    after, count = paging.window.seek(lambda row: [row[2], row[1]])
    if after is not None:
        if len(after) != 2 or not all(isinstance(v, int) for v in after):
            raise ValidationFailed(INVALID)
        tree_size = after[0]  # the checkpoint of the first page
    if tree_size is None:
        await audit.sign_checkpoint(session, signers)
    target = await _signed(session, tree_size)
    notes, proofs = [await _cosigned(session, target)], []
    if since is not None and since != target.size:
        if since > target.size:
            raise Conflict(f"checkpoint {since} is newer than checkpoint {target.size}")
        earlier = await _signed(session, since)
        notes.insert(0, await _cosigned(session, earlier))
        proofs.append(
            await consistency(session=session, principal=principal, first=since, second=target.size)
        )
    found: list[tuple[AuditEvent, int, int]] = []
    if event_id is not None or resource_type is not None:
        query = (
            select(AuditEvent, AuditSeal.position)
            .join(AuditSeal, AuditSeal.event_id == AuditEvent.id)
            .where(AuditSeal.position <= target.size)
            .order_by(AuditSeal.position)
            .limit(count)
        )
        if after is not None:
            query = query.where(AuditSeal.position > after[1])
        # Contents only of the events the caller may read (the proofs' other nodes are hashes).
        query = query.where(visible(AuditEvent, access.listing(principal, "audit_event")))
        if event_id is not None:
            query = query.where(AuditEvent.id == event_id)
        if resource_type is not None:
            query = query.where(AuditEvent.resource_type == resource_type)
        if resource_id is not None:
            query = query.where(AuditEvent.resource_id == resource_id)
        rows = (await session.execute(query)).all()
        if event_id is not None and not rows:
            raise NotFound(
                f"no audit event {event_id} is in checkpoint {target.size}",
                resource_type="audit_event",
                resource_id=str(event_id),
            )
        found = [(r[0], r[1], target.size) for r in rows]

    async def render(items: list[tuple[AuditEvent, int, int]]) -> list[BundleEvent]:
        proved = await _proofs(session, [(e, position - 1) for e, position, _ in items], size)
        return [
            BundleEvent(leaf=e.leaf, index=e.index, tree_size=e.tree_size, proof=e.proof)
            for e in proved
        ]

    size = target.size
    page = await paging.page(found, render)
    return AuditBundle(
        checkpoints=notes, consistency=proofs, events=page.items, next_cursor=page.next_cursor
    )
