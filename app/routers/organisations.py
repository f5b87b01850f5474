"""/v1/organisations: the participants registry."""

from __future__ import annotations

from fastapi import APIRouter, Response

from app.db.session import ReadSession
from app.pagination import Paged
from app.policies.vocabulary import OrganisationKind
from app.routers.conventions import etag_of
from app.routers.deferred import DeferredRoute
from app.routers.policy_marks import reads
from app.routers.write_routes import write
from app.schemas.common import OrganisationCode, Page
from app.schemas.organisation import ContactsOut, OrganisationOut
from app.security import CurrentPrincipal
from app.services import organisation as service
from app.services import organisation_contact as contacts

router = APIRouter(prefix="/v1/organisations", tags=["organisations"], route_class=DeferredRoute)


@router.get(
    "",
    name="list",
    summary="List participants (member states, Schengen-associated states, EU bodies)",
    openapi_extra=reads("organisation"),
)
async def list_organisations(
    session: ReadSession,
    principal: CurrentPrincipal,
    paging: Paged,
    kind: OrganisationKind | None = None,
) -> Page[OrganisationOut]:
    """The participants of the network (member states, Schengen-associated countries, Union bodies
    and agencies) with their kind, voting right and participation. Every participant may
    read them."""
    rows = await service.list_organisations(
        session=session,
        principal=principal,
        kind=kind,
        window=paging.window,
    )
    return await paging.page(rows, lambda items: [OrganisationOut.model_validate(r) for r in items])


@router.get(
    "/{code}",
    name="get",
    summary="One participant",
    openapi_extra=reads("organisation"),
)
async def get_organisation(
    code: OrganisationCode, session: ReadSession, principal: CurrentPrincipal
) -> OrganisationOut:
    """One participant by its code (ISO 3166 alpha-2 for states, e.g. `NL`, or the body's code,
    e.g. `COM`)."""
    return OrganisationOut.model_validate(
        await service.read_organisation(session=session, principal=principal, code=code)
    )


@router.get(
    "/{code}/contacts",
    name="get_contacts",
    summary="The organisation's controller and DPO contacts (GDPR Art. 30(1)(a))",
    openapi_extra=reads("organisation"),
)
async def get_contacts(
    code: OrganisationCode, response: Response, session: ReadSession, principal: CurrentPrincipal
) -> ContactsOut:
    """The functional contacts its record of processing activities names; the ETag is the one
    to send as If-Match to replace them."""
    await service.read_organisation(session=session, principal=principal, code=code)
    row = await contacts.read_contacts(session=session, principal=principal, code=code)
    response.headers["ETag"] = etag_of(row.version)
    return ContactsOut.model_validate(row)


write(
    router,
    contacts.REPLACE_CONTACTS,
    "PUT",
    "/{code}/contacts",
    name="replace_contacts",
    render=ContactsOut.model_validate,
    out=ContactsOut,
    types={"code": OrganisationCode},
    doc="""Its DPO or reference administrator keeps them, for its own organisation only (ACL-ROLE,
    ACL-ORG). Functional contacts: a function's mailbox or address, never a person's.""",
)
