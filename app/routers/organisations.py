"""/v1/organisations: the participants registry."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from app.db.session import ReadSession
from app.pagination import Cursor, Limit, Pager
from app.policies.vocabulary import OrganisationKind
from app.problems import problem_responses
from app.routers.policy_marks import reads
from app.schemas.common import Page
from app.schemas.organisation import OrganisationOut
from app.security import CurrentPrincipal
from app.services import organisation as service

router = APIRouter(prefix="/v1/organisations", tags=["organisations"])


@router.get(
    "",
    name="list",
    summary="List participants (member states, Schengen-associated states, EU bodies)",
    responses=problem_responses(401, 422),
    openapi_extra=reads("organisation"),
)
async def list_organisations(
    request: Request,
    response: Response,
    session: ReadSession,
    principal: CurrentPrincipal,
    kind: OrganisationKind | None = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[OrganisationOut]:
    """The participants of the network (member states, Schengen-associated countries, Union bodies
    and agencies) with their kind, voting right and participation. Every participant may
    read them."""
    pager = Pager(request, response, principal.client_key, limit)
    after = pager.after(cursor)
    rows = await service.list_organisations(
        session=session,
        principal=principal,
        kind=kind,
        after=after[0] if after else None,
        limit=limit + 1,
    )
    items, next_cursor = pager.page(rows, lambda r: [r.code])
    return Page(items=[OrganisationOut.model_validate(r) for r in items], next_cursor=next_cursor)


@router.get(
    "/{code}",
    name="get",
    summary="One participant",
    responses=problem_responses(401, 404),
    openapi_extra=reads("organisation"),
)
async def get_organisation(
    code: str, session: ReadSession, principal: CurrentPrincipal
) -> OrganisationOut:
    """One participant by its code (ISO 3166 alpha-2 for states, e.g. `NL`, or the body's code,
    e.g. `COM`)."""
    return OrganisationOut.model_validate(
        await service.read_organisation(session=session, principal=principal, code=code)
    )
