"""/v1/authorities: the deploying authorities under each organisation."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response

from app.db.session import ReadSession
from app.pagination import Cursor, Limit, Pager
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
    responses=problem_responses(401, 403, 404, 409, 422),
    openapi_extra=guarded(service.CREATE),
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
    responses=problem_responses(401, 403, 422),
    openapi_extra=reads("authority"),
)
async def list_authorities(
    request: Request,
    response: Response,
    session: ReadSession,
    principal: CurrentPrincipal,
    organisation: OrganisationCode | None = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[AuthorityOut]:
    """The deploying authorities of every organisation, optionally of one."""
    pager = Pager(request, response, principal.client_key, limit)
    after = pager.after(cursor)
    rows = await service.list_authorities(
        session=session,
        principal=principal,
        organisation=organisation,
        after=after[0] if after else None,
        limit=limit + 1,
    )
    items, next_cursor = pager.page(rows, lambda r: [str(r.id)])
    return Page(
        items=[AuthorityOut.model_validate(r, from_attributes=True) for r in items],
        next_cursor=next_cursor,
    )


@router.get(
    "/{authority_id}",
    name="get",
    summary="One authority",
    responses=problem_responses(401, 403, 404),
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
