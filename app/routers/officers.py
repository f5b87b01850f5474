"""/v1/officers: immigration liaison officers."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response

from app.db.session import ReadSession, WriteSession
from app.pagination import Paged
from app.problems import problem_responses
from app.routers.conventions import (
    etag_of,
)
from app.routers.deferred import DeferredRoute
from app.routers.policy_marks import reads
from app.routers.write_routes import write
from app.schemas.common import ExternalReference, OrganisationCode, Page
from app.schemas.officer import OfficerOut
from app.security import CurrentPrincipal
from app.services import officer as service

router = APIRouter(prefix="/v1/officers", tags=["officers"], route_class=DeferredRoute)


write(
    router,
    service.CREATE,
    "POST",
    "",
    name="create",
    # The stored replay of this POST holds no contact details: they are read on GET only.
    render=lambda row: service.render(row, contact=None),
    out=OfficerOut,
    responses=problem_responses(404),
    doc="""Register an immigration liaison officer of one of the organisation's authorities; the
    contact details are personal data, shown only to the roles of Art. 9(3).""",
)


@router.get(
    "",
    name="list",
    summary="List ILOs (never with contact details)",
    openapi_extra=reads("officer"),
)
async def list_officers(
    session: ReadSession,
    principal: CurrentPrincipal,
    paging: Paged,
    organisation: OrganisationCode | None = None,
    authority_id: uuid.UUID | None = None,
    external_reference: ExternalReference | None = None,
) -> Page[OfficerOut]:
    """Every officer; contact details only for the roles of Art. 9(3) and the officer's own
    organisation (ILO-9.3)."""
    rows = await service.list_officers(
        session=session,
        principal=principal,
        organisation=organisation,
        authority_id=authority_id,
        external_reference=external_reference,
        window=paging.window,
    )
    return await paging.page(rows, lambda items: [service.render(r, contact=None) for r in items])


@router.get(
    "/{officer_id}",
    name="get",
    summary="One ILO; contact details only for entitled roles (Art. 9(3)), audited",
    openapi_extra=reads("officer"),
)
async def get_officer(
    request: Request, response: Response, officer_id: uuid.UUID, writer: WriteSession
) -> OfficerOut:
    """One officer; contact details only for the roles of Art. 9(3) and the officer's own
    organisation (ILO-9.3)."""
    officer = await service.read_officer(
        session=writer.session, principal=writer.principal, officer_id=officer_id
    )
    contact = await service.read_contact(
        writer=writer, officer=officer, keyring=request.app.state.keyring
    )
    response.headers["ETag"] = etag_of(officer.version)
    if contact is not None:
        response.headers["Cache-Control"] = "no-store"
    return service.render(officer, contact=contact)


write(
    router,
    service.UPDATE,
    "PATCH",
    "/{officer_id}",
    name="update",
    render=lambda row: service.render(row, contact=None),
    out=OfficerOut,
    doc="""
    Change an officer's name, expertise or contact details (If-Match with the officer's ETag).""",
)
