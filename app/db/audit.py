"""The audit log: append events, seal them into a hash chain, verify the chain.

Writers only INSERT events; nobody holds a lock for the length of a request. A sealer (run
periodically by `serve`, and by every verification) takes the events whose transactions are all
finished — below `pg_snapshot_xmin` — in (txid, id) order, and appends one seal per event to
`audit_seal`: sha256(previous hash + canonical event). A transaction that is still open always
has a txid at or above that horizon and every later one a larger txid, so the sealing order never
has to insert before an existing seal. Sealers exclude each other with a transaction-scoped
advisory lock held only while sealing one batch.

Verification is full (`verify`: every event re-encoded, the chain walked, each leaf recomputed
and compared with the stored one) or fast (`verify_leaves`: the stored tree recomputed from its
stored leaf hashes, which it trusts to be the events'; app/db/audit_leaves.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.bounds import EVENT_BODY_MAX
from app.db import audit_chain, audit_leaves, audit_merkle, audit_tree
from app.db.audit_note import Signer
from app.db.audit_tree import SignedCheckpoint
from app.db.guard import authorise
from app.models import AuditEvent, AuditSeal
from app.problems import NotFound, PolicyDenied

if TYPE_CHECKING:
    from fastapi import Request


class Caller(Protocol):
    """Who made a refused request, as its audit event names it (app/security.py's Principal)."""

    @property
    def org(self) -> str: ...

    def audit_actor(self) -> dict[str, object]: ...


GENESIS = audit_chain.GENESIS
SEAL_LOCK = 0x1107_AD17  # advisory lock key of the sealer
_TREE_SHORT = "the Merkle tree does not hold exactly the sealed events"
_SEALS = "SELECT count(*), coalesce(max(position), 0) FROM audit_seal"
_SEAL_AT = (
    "SELECT s.hash, e.txid, e.id FROM audit_seal s"
    " LEFT JOIN audit_event e ON e.id = s.event_id WHERE s.position = $1"
)
# One pass over seals and events: seals without their event, events without a seal, and of
# those any ordered before the head's event (sealing follows (txid, id), so it was slipped in).
_EVENTS = (
    "SELECT count(*) FILTER (WHERE e.id IS NULL), count(*) FILTER (WHERE s.event_id IS NULL),"
    " count(*) FILTER (WHERE s.event_id IS NULL AND (e.txid, e.id) < ($1::bigint, $2::bigint))"
    " FROM audit_seal s FULL JOIN audit_event e ON e.id = s.event_id"
)
_FIRST_GAP = (
    "SELECT min(g) FROM generate_series(1, $1::bigint) g"
    " WHERE NOT EXISTS (SELECT FROM audit_seal s WHERE s.position = g)"
)
_SEAL_WITHOUT_EVENT = (
    "SELECT s.position, s.event_id FROM audit_seal s"
    " WHERE NOT EXISTS (SELECT FROM audit_event e WHERE e.id = s.event_id)"
    " ORDER BY s.position LIMIT 1"
)


def canonical(event: AuditEvent) -> bytes:
    """The bytes an event's seal covers: every column but the surrogate txid."""
    occurred = event.occurred_at.astimezone(UTC).isoformat(timespec="microseconds")
    document = {
        "id": event.id,
        "occurred_at": occurred,
        "request_id": event.request_id,
        "actor": event.actor,
        "organisation": event.organisation,
        "action": event.action,
        "outcome": event.outcome,
        "resource_type": event.resource_type,
        "resource_id": event.resource_id,
        "decision_id": event.decision_id,
        "policy_version": event.policy_version,
        "rules": list(event.rules),
        "purpose": event.purpose,
        "legal_basis": event.legal_basis,
        "details": event.details,
    }
    return audit_chain.encode(document)


def chain_hash(prev_hash: str, event: AuditEvent) -> str:
    return hashlib.sha256(prev_hash.encode() + canonical(event)).hexdigest()


def event_values(
    *,
    actor: dict[str, Any],
    organisation: str,
    action: str,
    outcome: str,
    resource_type: str,
    resource_id: str | None,
    request_id: str | None,
    decision_id: str | None = None,
    policy_version: str | None = None,
    rules: list[str] | None = None,
    purpose: str | None = None,
    legal_basis: str | None = None,
    details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An audit event's column values (the database fills id, txid and occurred_at): what a
    write set inserts as is, with no ORM instance built for it. An event whose canonical JSON
    would pass EVENT_BODY_MAX is refused here, the one place events are made."""
    values: dict[str, Any] = {
        "actor": actor,
        "organisation": organisation,
        "action": action,
        "outcome": outcome,
        "resource_type": resource_type,
        "resource_id": resource_id,
        "request_id": request_id,
        "decision_id": decision_id,
        "policy_version": policy_version,
        "rules": rules or [],
        "purpose": purpose,
        "legal_basis": legal_basis,
        "details": details or {},
    }
    size = len(audit_chain.encode(values))
    if size > EVENT_BODY_MAX:
        raise AuditEventTooLarge(f"an audit event of {size} bytes (at most {EVENT_BODY_MAX})")
    return values


class AuditEventTooLarge(ValueError):
    """An event the server made past the bound its leaves state: a server fault, never a
    client's (every input an event names is bounded far below it)."""


def new_event(
    *,
    actor: dict[str, Any],
    organisation: str,
    action: str,
    outcome: str,
    resource_type: str,
    resource_id: str | None,
    request_id: str | None,
    decision_id: str | None = None,
    policy_version: str | None = None,
    rules: list[str] | None = None,
    purpose: str | None = None,
    legal_basis: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    return AuditEvent(
        **event_values(
            actor=actor,
            organisation=organisation,
            action=action,
            outcome=outcome,
            resource_type=resource_type,
            resource_id=resource_id,
            request_id=request_id,
            decision_id=decision_id,
            policy_version=policy_version,
            rules=rules,
            purpose=purpose,
            legal_basis=legal_basis,
            details=details,
        )
    )


async def record_denial(
    session: AsyncSession,
    request: Request,
    principal: Caller,
    denied: PolicyDenied | NotFound,
    *,
    action: str = "policy.denied",
    finding: Mapping[str, Any] | None = None,
) -> None:
    """The audit event of a refused attempt (403 policy-denied or 404), in its own commit; or,
    with `action` and `finding`, of a refusal put on record as a finding (a past transfer
    reported to the controller)."""
    decision = denied.decision if isinstance(denied, PolicyDenied) else None
    details: dict[str, Any] = {"status": denied.status, "method": request.method}
    attempted = getattr(denied, "action", "") or ""
    if attempted:
        details["attempted"] = attempted
    route = request.scope.get("route")
    details["route"] = getattr(route, "path", request.url.path)
    details.update(finding or {})
    event = new_event(
        actor=principal.audit_actor(),
        organisation=principal.org,
        action=action,
        outcome="denied",
        resource_type=getattr(denied, "resource_type", "") or "request",
        resource_id=getattr(denied, "resource_id", None),
        request_id=getattr(request.state, "request_id", None),
        decision_id=decision.decision_id if decision else None,
        policy_version=decision.policy_version if decision else None,
        rules=[v.rule for v in decision.violations] if decision else [],
        details=details,
    )
    session.add(authorise(session, event))
    await session.flush()


async def seal_pending(session: AsyncSession, *, batch: int = 5000) -> int:
    """Seal the finished, unsealed events; returns how many. Call in its own transaction.

    On raw rows (app/db/audit_chain.py): one query for the events, one multi-row insert of
    their seals, one of the Merkle tree nodes their leaves complete (app/db/audit_tree.py),
    all in this transaction. Seals that predate the tree enter it first, in batches.
    """
    got = await session.scalar(select(func.pg_try_advisory_xact_lock(SEAL_LOCK)))
    if not got:
        return 0
    driver = await audit_chain.driver(session)
    while await audit_tree.catch_up(driver, batch=batch):
        pass
    start, leaves = await audit_chain.seal(driver, batch=batch)
    await audit_tree.append(driver, start, leaves)
    return len(leaves)


async def sign_checkpoint(
    session: AsyncSession, signers: list[Signer], *, batch: int = 5000
) -> tuple[SignedCheckpoint | None, bool]:
    """Seal what is pending (up to `batch` events) and sign the tree's head if it grew (under
    the seal lock, so the head does not move while it is signed): the latest checkpoint, and
    whether it is new."""
    await seal_pending(session, batch=batch)
    await session.scalar(select(func.pg_advisory_xact_lock(SEAL_LOCK)))
    driver = await audit_chain.driver(session)
    return await audit_tree.sign(driver, signers[0].name, signers)


@dataclass(frozen=True, slots=True)
class Verification:
    valid: bool
    sealed_events: int
    unsealed_events: int
    head_hash: str
    first_broken_position: int | None = None
    first_broken_event_id: int | None = None
    reason: str | None = None
    tree_size: int = 0
    root_hash: str = audit_merkle.EMPTY_ROOT.hex()

    def as_dict(self) -> dict[str, Any]:
        return {
            "tree_size": self.tree_size,
            "root_hash": self.root_hash,
            "valid": self.valid,
            "sealed_events": self.sealed_events,
            "unsealed_events": self.unsealed_events,
            "head_hash": self.head_hash,
            "first_broken_position": self.first_broken_position,
            "first_broken_event_id": self.first_broken_event_id,
            "reason": self.reason,
        }


async def verify(
    session: AsyncSession, *, chunk: int = 20000, incremental: bool = False
) -> Verification:
    """Walk the chain and report the first broken link: from the genesis, or (`incremental`)
    from the latest checkpoint, whose seal must still hold the hash it was verified with. A
    verification that reaches the head valid records a checkpoint there."""
    driver = await audit_chain.driver(session)
    start = await audit_chain.latest_checkpoint(driver) if incremental else None
    reached = start is None or await audit_tree.size(driver) >= start[0]
    tree = await audit_tree.frontier(driver, start[0] if start else 0) if reached else None
    walk = await audit_chain.walk(driver, start=start, chunk=chunk, tree=tree)
    position, prev_hash, sealed_ids = walk.position, walk.head_hash, walk.verified
    if walk.broken is not None:
        unsealed = await _unsealed_count(session)
        return Verification(
            False,
            sealed_ids,
            unsealed,
            prev_hash,
            walk.broken_position,
            walk.broken_event_id,
            walk.broken,
        )
    unsealed, refused = await _counted(session, position, sealed_ids, prev_hash)
    if refused is not None:
        return refused
    walked_from = start[0] if start else 0
    broken_tree = await _tree_broken(driver, tree, walked_from) if tree else _TREE_SHORT
    if tree is None or broken_tree is not None:
        return Verification(False, sealed_ids, unsealed, prev_hash, None, None, broken_tree)
    await audit_chain.checkpoint(driver, position, prev_hash)
    return Verification(
        True, sealed_ids, unsealed, prev_hash, None, None, None, tree.size, tree.root().hex()
    )


async def verify_leaves(session: AsyncSession) -> Verification:
    """The fast whole-log verification: the stored tree recomputed from its stored leaf
    hashes (app/db/audit_leaves.py), one leaf per seal, an event for every seal, no event
    behind the head, the latest signed checkpoint a prefix. It does not re-encode the events
    nor walk the chain (`verify` does), so it records no checkpoint of the chain."""
    driver = await audit_chain.driver(session)
    count, head = await driver.fetchrow(_SEALS)
    head_hash, txid, event_id = await driver.fetchrow(_SEAL_AT, head) or (GENESIS, -1, -1)
    orphans, unsealed, behind = await driver.fetchrow(_EVENTS, txid or -1, event_id or -1)
    if count != head:
        missing = await driver.fetchval(_FIRST_GAP, head)
        reason = f"seal {missing} is missing" if missing else "a seal lies before position 1"
        return Verification(False, count, unsealed, head_hash, missing, None, reason)
    if orphans:
        deleted = await driver.fetchrow(_SEAL_WITHOUT_EVENT)
        reason = "the sealed event was deleted"
        return Verification(False, count, unsealed, head_hash, deleted[0], deleted[1], reason)
    if behind:
        slipped = await _unsealed_behind_head(session, head)
        reason = "an event was inserted behind the sealed part of the chain"
        return Verification(False, count, unsealed, head_hash, None, slipped, reason)
    tree = await audit_leaves.recompute(driver)
    broken = tree.broken or (_TREE_SHORT if tree.size != head else None)
    broken = broken or await _not_a_prefix(driver, tree.size, tree.root)
    if broken is not None:
        return Verification(False, count, unsealed, head_hash, None, None, broken)
    return Verification(
        True, count, unsealed, head_hash, None, None, None, tree.size, tree.root.hex()
    )


async def _counted(
    session: AsyncSession, head: int, sealed: int, head_hash: str
) -> tuple[int, Verification | None]:
    """The unsealed events' count, and a refusal if the events and the seals do not match."""
    total = await session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    unsealed = await _unsealed_count(session)
    behind = await _unsealed_behind_head(session, head)
    if behind is not None:
        reason = "an event was inserted behind the sealed part of the chain"
        return unsealed, Verification(False, sealed, unsealed, head_hash, None, behind, reason)
    if total - unsealed != sealed:
        reason = "sealed events are missing"
        return unsealed, Verification(False, sealed, unsealed, head_hash, None, None, reason)
    return unsealed, None


async def _not_a_prefix(driver: Any, size: int, head: bytes) -> str | None:
    """The latest signed checkpoint against the tree (a consistency proof of stored nodes)."""
    try:
        latest = await audit_tree.signed(driver)
        if latest is not None:
            ranges = audit_merkle.consistency_ranges(latest.size, size)
            proof = await audit_tree.proof(driver, ranges)
            audit_merkle.verify_consistency(latest.size, size, latest.root, head, proof)
    except (LookupError, ValueError):
        return "the latest signed checkpoint is not a prefix of the log"
    return None


async def _tree_broken(
    driver: Any, recomputed: audit_merkle.Frontier, walked_from: int
) -> str | None:
    """The stored tree against the nodes recomputed from the events (every node the walk
    completed, level by level), and the latest signed checkpoint against both (a consistency
    proof read from the stored nodes)."""
    size = recomputed.size
    if await audit_tree.size(driver) != size:
        return _TREE_SHORT
    head = recomputed.root()
    try:
        stored = await audit_tree.digests(driver, walked_from)
        if stored != recomputed.digests() or await audit_tree.root(driver, size) != head:
            return "the Merkle tree differs from the sealed events"
    except LookupError:
        return "the latest signed checkpoint is not a prefix of the log"
    return await _not_a_prefix(driver, size, head)


async def _unsealed_behind_head(session: AsyncSession, head: int) -> int | None:
    """An unsealed event ordered before the last sealed one can only have been slipped in."""
    if head == 0:
        return None
    last = (
        await session.execute(
            select(AuditEvent.txid, AuditEvent.id)
            .join(AuditSeal, AuditSeal.event_id == AuditEvent.id)
            .where(AuditSeal.position == head)
        )
    ).first()
    if last is None:
        return None
    found = await session.scalar(
        select(AuditEvent.id)
        .outerjoin(AuditSeal, AuditSeal.event_id == AuditEvent.id)
        .where(
            AuditSeal.event_id.is_(None),
            func.row(AuditEvent.txid, AuditEvent.id) < func.row(last[0], last[1]),
        )
        .limit(1)
    )
    return int(found) if found is not None else None


async def _unsealed_count(session: AsyncSession) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .outerjoin(AuditSeal, AuditSeal.event_id == AuditEvent.id)
        .where(AuditSeal.event_id.is_(None))
    )
    return int(count or 0)
