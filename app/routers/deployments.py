"""/v1/deployments: Art. 4 notifications and their state machine."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from app.db.session import ReadSession
from app.models import Deployment
from app.pagination import Paged
from app.policies.vocabulary import DeploymentStatus
from app.problems import problem_responses
from app.routers.conventions import (
    etag_of,
)
from app.routers.deferred import DeferredRoute
from app.routers.policy_marks import reads
from app.routers.write_routes import write
from app.schemas.common import CountryCode, ExternalReference, OrganisationCode, Page
from app.schemas.deployment import (
    DeploymentOut,
    HistoryEntryOut,
)
from app.security import CurrentPrincipal
from app.services import deployment as service
from app.services.guarded import Context

router = APIRouter(prefix="/v1/deployments", tags=["deployments"], route_class=DeferredRoute)


async def _render(context: Context, deployment: Deployment) -> DeploymentOut:
    return await service.render(session=context.writer.session, deployment=deployment)


write(
    router,
    service.PLAN,
    "POST",
    "",
    name="plan",
    show=_render,
    out=DeploymentOut,
    responses=problem_responses(404),
    doc="""
    Notify the Steering Board of a planned deployment (Art. 4(1)): officer, posting type, host
    country, job description and duration.""",
)


@router.get(
    "",
    name="list",
    summary="List deployment notifications",
    openapi_extra=reads("deployment"),
)
async def list_deployments(
    session: ReadSession,
    principal: CurrentPrincipal,
    paging: Paged,
    officer_id: uuid.UUID | None = None,
    organisation: OrganisationCode | None = None,
    host_country: CountryCode | None = None,
    status: DeploymentStatus | None = None,
    external_reference: ExternalReference | None = None,
) -> Page[DeploymentOut]:
    """Deployment notifications of the network, filtered by officer, organisation, host country or
    status."""
    rows = await service.list_deployments(
        session=session,
        principal=principal,
        officer_id=officer_id,
        organisation=organisation,
        host_country=host_country,
        status=status.value if status else None,
        external_reference=external_reference,
        window=paging.window,
    )
    return await paging.page(
        rows, lambda items: service.render_all(session=session, deployments=items)
    )


@router.get(
    "/{deployment_id}",
    name="get",
    summary="One deployment notification",
    openapi_extra=reads("deployment"),
)
async def get_deployment(
    response: Response, deployment_id: uuid.UUID, session: ReadSession, principal: CurrentPrincipal
) -> DeploymentOut:
    """One deployment notification with its derived fields (`eu_funding_eligible`)."""
    deployment = await service.read_deployment(
        session=session, principal=principal, deployment_id=deployment_id
    )
    response.headers["ETag"] = etag_of(deployment.version)
    return await service.render(session=session, deployment=deployment)


write(
    router,
    service.AMEND,
    "PATCH",
    "/{deployment_id}",
    name="amend",
    show=_render,
    out=DeploymentOut,
    responses=problem_responses(409),
    doc="""
    Amend a planned or current notification (Art. 4(1)): the amended state is decided like a new
    one (If-Match required).""",
)


write(
    router,
    service.TRANSITION,
    "POST",
    "/{deployment_id}/transitions",
    name="transition",
    show=_render,
    out=DeploymentOut,
    doc="""Move a notification through its states: planned → deployed (the actual deployment, Art.
    4(1)) or cancelled, deployed → ended. Any other move is a 409.""",
)


@router.get(
    "/{deployment_id}/history",
    name="history",
    summary="Every state and amendment of a notification",
    openapi_extra=reads("deployment"),
)
async def deployment_history(
    deployment_id: uuid.UUID, session: ReadSession, principal: CurrentPrincipal, paging: Paged
) -> Page[HistoryEntryOut]:
    """Every state and amendment of a notification, oldest first."""
    await service.read_deployment(session=session, principal=principal, deployment_id=deployment_id)
    rows = await service.history(session=session, deployment_id=deployment_id, window=paging.window)
    return await paging.page(
        rows, lambda items: [HistoryEntryOut.model_validate(h, from_attributes=True) for h in items]
    )
