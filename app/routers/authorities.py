"""/v1/authorities: the deploying authorities under each organisation."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from app.db.session import ReadSession
from app.pagination import Paged
from app.problems import problem_responses
from app.routers.deferred import DeferredRoute
from app.routers.policy_marks import reads
from app.routers.write_routes import write
from app.schemas.authority import AuthorityOut
from app.schemas.common import OrganisationCode, Page
from app.security import CurrentPrincipal
from app.services import authority as service

router = APIRouter(prefix="/v1/authorities", tags=["authorities"], route_class=DeferredRoute)


write(
    router,
    service.CREATE,
    "POST",
    "",
    name="create",
    render=lambda row: AuthorityOut.model_validate(row, from_attributes=True),
    out=AuthorityOut,
    responses=problem_responses(404),
    doc="""
    Register a deploying authority under the caller's organisation (Art. 2(1)); officers belong
    to one.""",
)


@router.get(
    "",
    name="list",
    summary="List authorities",
    openapi_extra=reads("authority"),
)
async def list_authorities(
    session: ReadSession,
    principal: CurrentPrincipal,
    paging: Paged,
    organisation: OrganisationCode | None = None,
) -> Page[AuthorityOut]:
    """The deploying authorities of every organisation, optionally of one."""
    rows = await service.list_authorities(
        session=session,
        principal=principal,
        organisation=organisation,
        window=paging.window,
    )
    return await paging.page(
        rows, lambda items: [AuthorityOut.model_validate(r, from_attributes=True) for r in items]
    )


@router.get(
    "/{authority_id}",
    name="get",
    summary="One authority",
    openapi_extra=reads("authority"),
)
async def get_authority(
    authority_id: uuid.UUID, session: ReadSession, principal: CurrentPrincipal
) -> AuthorityOut:
    """One deploying authority."""
    authority = await service.read_authority(
        session=session, principal=principal, authority_id=authority_id
    )
    return AuthorityOut.model_validate(authority, from_attributes=True)
