"""/v1/audit: the audit trail and its integrity proof."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from app.db.session import ReadSession
from app.pagination import Cursor, Limit, Pager
from app.problems import problem_responses
from app.routers.policy_marks import reads
from app.schemas.common import Page
from app.schemas.event import AuditEventOut, AuditVerification
from app.security import CurrentPrincipal
from app.services import audit as service

router = APIRouter(prefix="/v1/audit", tags=["audit"])


@router.get(
    "/events",
    name="list",
    summary="Audit events (auditor: all; dpo: own organisation)",
    responses=problem_responses(401, 403, 422),
    openapi_extra=reads("audit_event"),
)
async def list_audit_events(
    request: Request,
    response: Response,
    session: ReadSession,
    principal: CurrentPrincipal,
    organisation: str | None = None,
    action: str | None = None,
    resource_type: str | None = None,
    resource_id: str | None = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[AuditEventOut]:
    """The audit trail: every decision, write and personal-data access; a DPO sees its
    own organisation's."""
    pager = Pager(request, response, principal.client_key, limit)
    after = pager.after(cursor)
    rows = await service.list_events(
        session=session,
        principal=principal,
        organisation=organisation,
        action=action,
        resource_type=resource_type,
        resource_id=resource_id,
        after=int(after[0]) if after else None,
        limit=limit + 1,
    )
    items, next_cursor = pager.page(rows, lambda r: [r.id])
    return Page(
        items=[AuditEventOut.model_validate(r, from_attributes=True) for r in items],
        next_cursor=next_cursor,
    )


@router.get(
    "/verify",
    name="verify",
    summary="Prove the audit chain intact, or name its first broken link (auditor)",
    responses=problem_responses(401, 403),
    openapi_extra=reads("audit_proof"),
)
async def verify_audit(session: ReadSession, principal: CurrentPrincipal) -> AuditVerification:
    """Verify the audit log's hash chain and seals; names the first broken link, if any."""
    return await service.verify(session=session, principal=principal)
