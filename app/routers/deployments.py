"""/v1/deployments: Art. 4 notifications and their state machine."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response

from app.db.session import ReadSession, WriteSession
from app.pagination import Cursor, Limit, Pager
from app.problems import problem_responses
from app.routers.conventions import Idempotency, IfMatch, check_if_match, etag_of
from app.schemas.common import CountryCode, Page
from app.schemas.deployment import (
    DeploymentAmend,
    DeploymentCreate,
    DeploymentOut,
    HistoryEntryOut,
    TransitionIn,
)
from app.schemas.vocabulary import DeploymentStatus
from app.security import CurrentPrincipal
from app.services import deployment as service
from app.services.access import require_read_scope

router = APIRouter(prefix="/v1/deployments", tags=["deployments"])


@router.post(
    "",
    name="plan",
    status_code=201,
    summary="Notify a planned deployment (Art. 4(1))",
    response_model=DeploymentOut,
    responses=problem_responses(401, 403, 404, 422),
)
async def plan_deployment(
    body: DeploymentCreate, writer: WriteSession, idempotent: Idempotency
) -> Response:
    deployment = await service.plan_deployment(writer=writer, body=body)
    out = await service.render(session=writer.session, deployment=deployment)
    return await idempotent.respond(
        out,
        headers={
            "Location": f"/v1/deployments/{deployment.id}",
            "ETag": etag_of(deployment.version),
        },
    )


@router.get(
    "",
    name="list",
    summary="List deployment notifications",
    responses=problem_responses(401, 403),
)
async def list_deployments(
    request: Request,
    response: Response,
    session: ReadSession,
    principal: CurrentPrincipal,
    officer_id: uuid.UUID | None = None,
    organisation: str | None = None,
    host_country: CountryCode | None = None,
    status: DeploymentStatus | None = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[DeploymentOut]:
    require_read_scope(principal, "deployments:read", resource_type="deployment")
    pager = Pager(request, response, principal.client_key, limit)
    after = pager.after(cursor)
    rows = await service.list_deployments(
        session=session,
        officer_id=officer_id,
        organisation=organisation,
        host_country=host_country,
        status=status.value if status else None,
        after=after[0] if after else None,
        limit=limit + 1,
    )
    items, next_cursor = pager.page(rows, lambda r: [str(r.id)])
    return Page(
        items=await service.render_all(session=session, deployments=items), next_cursor=next_cursor
    )


@router.get(
    "/{deployment_id}",
    name="get",
    summary="One deployment notification",
    responses=problem_responses(401, 403, 404),
)
async def get_deployment(
    response: Response, deployment_id: uuid.UUID, session: ReadSession, principal: CurrentPrincipal
) -> DeploymentOut:
    require_read_scope(principal, "deployments:read", resource_type="deployment")
    deployment = await service.get_deployment(session=session, deployment_id=deployment_id)
    response.headers["ETag"] = etag_of(deployment.version)
    return await service.render(session=session, deployment=deployment)


@router.patch(
    "/{deployment_id}",
    name="amend",
    summary="Amend a notification (If-Match required)",
    responses=problem_responses(401, 403, 404, 409, 412, 422, 428),
)
async def amend_deployment(
    response: Response,
    deployment_id: uuid.UUID,
    body: DeploymentAmend,
    writer: WriteSession,
    if_match: IfMatch = None,
) -> DeploymentOut:
    deployment = await service.get_deployment(
        session=writer.session, deployment_id=deployment_id, for_update=True
    )
    check_if_match(if_match, deployment.version)
    amended = await service.amend_deployment(writer=writer, deployment=deployment, body=body)
    response.headers["ETag"] = etag_of(amended.version)
    return await service.render(session=writer.session, deployment=amended)


@router.post(
    "/{deployment_id}/transitions",
    name="transition",
    summary="Move a deployment: planned → deployed | cancelled, deployed → ended",
    response_model=DeploymentOut,
    responses=problem_responses(401, 403, 404, 409, 412, 422, 428),
)
async def transition_deployment(
    deployment_id: uuid.UUID,
    body: TransitionIn,
    writer: WriteSession,
    idempotent: Idempotency,
    if_match: IfMatch = None,
) -> Response:
    deployment = await service.get_deployment(
        session=writer.session, deployment_id=deployment_id, for_update=True
    )
    check_if_match(if_match, deployment.version)
    moved = await service.transition_deployment(writer=writer, deployment=deployment, body=body)
    out = await service.render(session=writer.session, deployment=moved)
    return await idempotent.respond(out, status=200, headers={"ETag": etag_of(moved.version)})


@router.get(
    "/{deployment_id}/history",
    name="history",
    summary="Every state and amendment of a notification",
    responses=problem_responses(401, 403, 404),
)
async def deployment_history(
    deployment_id: uuid.UUID, session: ReadSession, principal: CurrentPrincipal
) -> list[HistoryEntryOut]:
    require_read_scope(principal, "deployments:read", resource_type="deployment")
    await service.get_deployment(session=session, deployment_id=deployment_id)
    return await service.history(session=session, deployment_id=deployment_id)
