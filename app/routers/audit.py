"""/v1/audit: the audit trail and its integrity proof."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.db.session import ReadSession, WriteSession
from app.pagination import Paged, PartPaged
from app.policies.vocabulary import LogUse
from app.problems import problem_responses
from app.routers.deferred import DeferredRoute
from app.routers.policy_marks import reads
from app.routers.write_routes import write
from app.schemas.audit_proof import (
    AuditBundle,
    ConsistencyProof,
    LogKeys,
    SignedCheckpointOut,
)
from app.schemas.common import OrganisationCode, Page
from app.schemas.event import AuditEventOut, AuditVerification
from app.security import CurrentPrincipal
from app.services import audit as service
from app.services import audit_cosign as cosign
from app.services import audit_proofs as proofs
from app.services.audit_proofs import ENTRIES_PAGE_MAX

router = APIRouter(prefix="/v1/audit", tags=["audit"], route_class=DeferredRoute)

# The audit_events columns filtered on (action, resource_type, resource_id) are String(64).
Column64 = Annotated[str, Query(max_length=64)]


@router.get(
    "/events",
    name="list",
    summary="Audit events (auditor: all; dpo: own organisation)",
    openapi_extra=reads("audit_event"),
)
async def list_audit_events(
    writer: WriteSession,
    paging: Paged,
    log_use: Annotated[
        LogUse | None,
        Query(
            description="What the logs are read for (LED-25.2, Directive (EU) 2016/680 Art. "
            "25(2)): without it the read is refused; it is logged with the read"
        ),
    ] = None,
    organisation: OrganisationCode | None = None,
    action: Column64 | None = None,
    resource_type: Column64 | None = None,
    resource_id: Column64 | None = None,
) -> Page[AuditEventOut]:
    """The audit trail: every decision, write and personal-data access; a DPO sees its
    own organisation's. Every read names its use (`log_use`, LED-25.2) and is logged."""
    rows = await service.list_events(
        writer=writer,
        log_use=log_use.value if log_use else None,
        organisation=organisation,
        action=action,
        resource_type=resource_type,
        resource_id=resource_id,
        window=paging.window,
    )
    return await paging.page(
        rows, lambda items: [AuditEventOut.model_validate(r, from_attributes=True) for r in items]
    )


@router.get(
    "/verify",
    name="verify",
    summary="Prove the audit chain intact, or name its first broken link (auditor)",
    openapi_extra=reads("audit_proof"),
)
async def verify_audit(session: ReadSession, principal: CurrentPrincipal) -> AuditVerification:
    """Verify the audit log's hash chain and seals; names the first broken link, if any."""
    return await service.verify(session=session, principal=principal)


Size = Annotated[int, Query(ge=0, le=2**62)]
NDJSON = "application/x-ndjson"


@router.get(
    "/log-key",
    name="log_key",
    summary="The audit log's origin and checkpoint verifier keys (auditor)",
    openapi_extra=reads("audit_proof"),
)
async def audit_log_key(
    request: Request, session: ReadSession, principal: CurrentPrincipal
) -> LogKeys:
    """The keys that sign checkpoints, in the signed-note verifier key format."""
    # No row is read; the request's session is what records a refused caller's audit event.
    return proofs.log_keys(principal=principal, signers=request.app.state.audit_signers)


@router.get(
    "/checkpoints",
    name="checkpoints",
    summary="Signed checkpoints of the audit log's Merkle tree, newest first (auditor)",
    openapi_extra=reads("audit_proof"),
)
async def list_checkpoints(
    session: ReadSession,
    principal: CurrentPrincipal,
    paging: Paged,
    before: Annotated[int | None, Query(ge=1, le=2**62)] = None,
) -> Page[SignedCheckpointOut]:
    """C2SP checkpoints as signed notes, below a tree size (`before`) if given; page on with
    `cursor` = `next_cursor`."""
    rows = await proofs.checkpoints(
        session=session, principal=principal, before=before, window=paging.window
    )
    return await paging.page(rows, lambda items: [proofs.render_checkpoint(c) for c in items])


@router.get(
    "/checkpoints/latest",
    name="latest_checkpoint",
    summary="The newest signed checkpoint; `sign=true` signs the head first (auditor)",
    openapi_extra=reads("audit_proof"),
    responses=problem_responses(404),
)
async def latest_checkpoint(
    request: Request, session: ReadSession, principal: CurrentPrincipal, sign: bool = False
) -> SignedCheckpointOut:
    """Checkpoints are signed at a regular interval; `sign=true` seals and signs on demand."""
    return await proofs.latest(
        session=session, principal=principal, signers=request.app.state.audit_signers, sign=sign
    )


@router.get(
    "/consistency",
    name="consistency",
    summary="RFC 9162 consistency proof between two tree sizes (auditor, witness)",
    openapi_extra=reads("audit_proof"),
)
async def consistency_proof(
    session: ReadSession, principal: CurrentPrincipal, first: Size, second: Size
) -> ConsistencyProof:
    """Proves the tree of size `second` extends the tree of size `first` (any tree extends
    the empty one: size 0, an empty proof)."""
    return await proofs.consistency(
        session=session, principal=principal, first=first, second=second
    )


@router.get(
    "/entries",
    name="entries",
    summary="The log's entries, each leaf's exact bytes, one per line (Commission's auditor)",
    response_class=Response,
    responses={
        200: {
            "content": {NDJSON: {"schema": {"type": "string", "maxLength": ENTRIES_PAGE_MAX}}},
            "description": "One line per leaf from `start`: the canonical JSON the leaf hash "
            "covers, in leaf order",
        },
        **problem_responses(409),
    },
    openapi_extra=reads("audit_log"),
)
async def audit_entries(
    session: ReadSession, principal: CurrentPrincipal, start: Size, end: Size
) -> Response:
    """Leaves [`start`, `end`) of the Merkle tree (at most 16,384), as NDJSON: line i is the
    canonical JSON of the event sealed at position `start` + i + 1, the bytes its leaf hash
    SHA-256(0x00 || line) covers, so an auditor recomputes the whole tree from them
    (`ilonet audit export --log`, `ilonet audit verify-log`). A page ends early, on a whole
    line, past 16 MiB: ask again from `start` + the lines received. Audit events hold no
    personal data."""
    body = await proofs.entries(session=session, principal=principal, start=start, end=end)
    return Response(body, media_type=NDJSON)


@router.get(
    "/bundle",
    name="bundle",
    summary="Checkpoints, consistency and inclusion proofs for the offline verifier (auditor)",
    openapi_extra=reads("audit_proof"),
    responses=problem_responses(404, 409),
)
async def audit_bundle(
    request: Request,
    session: ReadSession,
    principal: CurrentPrincipal,
    paging: PartPaged,
    event_id: Annotated[int | None, Query(ge=1, le=2**62)] = None,
    resource_type: Column64 | None = None,
    resource_id: Column64 | None = None,
    since: Annotated[int | None, Query(ge=1, le=2**62)] = None,
    tree_size: Annotated[int | None, Query(ge=1, le=2**62)] = None,
) -> AuditBundle:
    """What `ilonet audit verify-proof` checks: the checkpoint (default the head, signed now),
    the one seen before (`since`) and a consistency proof, and with inclusion proofs one event
    (`event_id`) or a resource's events (resource_type=processing_record&resource_id=...), a
    page of them in seal order: `next_cursor` leads to the next, proved in the same
    checkpoint."""
    return await proofs.bundle(
        session=session,
        principal=principal,
        signers=request.app.state.audit_signers,
        event_id=event_id,
        resource_type=resource_type,
        resource_id=resource_id,
        since=since,
        tree_size=tree_size,
        paging=paging,
    )


write(
    router,
    cosign.COSIGN,
    "POST",
    "/cosignatures",
    name="cosign",
    render=cosign.render,
    location=lambda row: f"/v1/audit/checkpoints?before={row.tree_size + 1}",
    responses=problem_responses(401, 403, 409, 422),
    doc="""The note `ilonet witness cosign` made: a checkpoint ILONet signed with the witness's
    cosignature under a key registered for its organisation (AUDIT-W1). The bundle
    (`ilonet audit export`) then carries it; a second post of the same key's cosignature of
    the same checkpoint is a conflict.""",
)
