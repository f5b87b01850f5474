"""/v1/reference/institutional-contacts: the functional addresses, switchboards and accounts of
participating organisations and known public authorities, which the platform's scanner does not
take for personal data; readable by every caller, kept by the reference_admin of the
participant that keeps each entry (If-Match on changes)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from app.db.session import ReadSession
from app.models import InstitutionalContact
from app.pagination import Paged
from app.routers.conventions import etag_of
from app.routers.deferred import DeferredRoute
from app.routers.policy_marks import reads
from app.routers.write_routes import write
from app.schemas.common import Page
from app.schemas.institutional_contact import InstitutionalContactOut
from app.security import CurrentPrincipal
from app.services import institutional_contact as service

router = APIRouter(prefix="/v1/reference", tags=["reference-data"], route_class=DeferredRoute)
CONTACTS = "/institutional-contacts"
EntryId = Annotated[str, Path(min_length=1, max_length=64)]


def _out(entry: InstitutionalContact) -> InstitutionalContactOut:
    return InstitutionalContactOut.model_validate(entry, from_attributes=True)


@router.get(
    CONTACTS,
    name="list_institutional_contacts",
    summary="Institutional contacts the document scanner passes",
    openapi_extra=reads("reference_data"),
)
async def list_institutional_contacts(
    session: ReadSession, principal: CurrentPrincipal, paging: Paged
) -> Page[InstitutionalContactOut]:
    """The registered functional addresses, switchboards and accounts of institutions: not
    personal data, so an uploaded document may carry them (ILO-9.3)."""
    rows = await service.list_entries(session=session, principal=principal, window=paging.window)
    return await paging.page(rows, lambda items: [_out(r) for r in items])


@router.get(
    CONTACTS + "/{entry_id}",
    name="get_institutional_contact",
    summary="One institution's registered contacts",
    openapi_extra=reads("reference_data"),
)
async def get_institutional_contact(
    response: Response, entry_id: EntryId, session: ReadSession, principal: CurrentPrincipal
) -> InstitutionalContactOut:
    """One entry; the ETag is the one to send as If-Match to change it."""
    entry = await service.read_entry(session=session, principal=principal, entry_id=entry_id)
    response.headers["ETag"] = etag_of(entry.version)
    return _out(entry)


write(
    router,
    service.CREATE_CONTACT,
    "POST",
    CONTACTS,
    name="create_institutional_contact",
    render=_out,
    doc="""Register an institution's functional contacts, kept by the caller's own participant
    (ACL-ROLE, ACL-ORG); the scanner passes them from the next upload on.""",
)


write(
    router,
    service.REPLACE_CONTACT,
    "PUT",
    CONTACTS + "/{entry_id}",
    name="replace_institutional_contact",
    render=_out,
    types={"entry_id": EntryId},
    doc="""Replace an entry's contacts (If-Match), for the caller's own participant before and
    after (ACL-ROLE, ACL-ORG); the change is audited and on the feed.""",
)
