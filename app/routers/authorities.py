"""/v1/authorities: the deploying authorities under each organisation."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from app.db.session import ReadSession
from app.pagination import Paged
from app.problems import problem_responses
from app.routers.conventions import ActionContext, Idempotency
from app.routers.policy_marks import guarded, reads
from app.schemas.authority import AuthorityCreate, AuthorityOut
from app.schemas.common import OrganisationCode, Page
from app.security import CurrentPrincipal
from app.services import authority as service

router = APIRouter(prefix="/v1/authorities", tags=["authorities"])


@router.post(
    "",
    name="create",
    status_code=201,
    summary="Register a deploying authority of your organisation",
    response_model=AuthorityOut,
    openapi_extra=guarded(service.CREATE),
    responses=problem_responses(404),
)
async def create_authority(
    body: AuthorityCreate, context: ActionContext, idempotent: Idempotency
) -> Response:
    """Register a deploying authority under the caller's organisation (Art. 2(1)); officers belong
    to one."""
    authority = await context.perform(service.CREATE, None, body)
    return await idempotent.respond(
        AuthorityOut.model_validate(authority, from_attributes=True),
        headers={"Location": f"/v1/authorities/{authority.id}"},
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
