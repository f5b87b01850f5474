"""/v1/processing-records/{id}/transfers/{transfer_id}/follow-up: the answer of a third country's
authority to an identification request (Visa Code Art. 25a). One follow-up per transfer, created
with POST, corrected with PUT and If-Match; read under the processing record's read policy."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from app.db.session import ReadSession
from app.models import TransferFollowUp
from app.problems import problem_responses
from app.routers.conventions import etag_of
from app.routers.deferred import DeferredRoute
from app.routers.policy_marks import reads
from app.routers.write_routes import write
from app.schemas.transfer_follow_up import TransferFollowUpOut
from app.security import CurrentPrincipal
from app.services import transfer_follow_up as service
from app.services.guarded import Context

router = APIRouter(prefix="/v1/processing-records", tags=["readmission"], route_class=DeferredRoute)
PATH = "/{record_id}/transfers/{transfer_id}/follow-up"


async def _render(context: Context, row: TransferFollowUp) -> TransferFollowUpOut:
    """The follow-up with what it answers: the transfer's identification request."""
    return service.render(row, await service.transfer_of(context.writer.session, row))


write(
    router,
    service.RECORD,
    "POST",
    PATH,
    name="record_follow_up",
    show=_render,
    out=TransferFollowUpOut,
    location="{path}",
    doc="""The organisation that sent the identification request (the record's ILO, or its
    integration with `transfers:write`) records what the authority answered: `confirmed` or
    `not_confirmed` with `answered_on` (on or after the transfer), or `no_answer`; a travel
    document and an accepted return operation follow a confirmed answer only (RA-1, RA-2).
    Nothing about the subject is stored beyond the transfer it refers to.""",
)


write(
    router,
    service.UPDATE,
    "PUT",
    PATH,
    name="update_follow_up",
    show=_render,
    out=TransferFollowUpOut,
    doc="""
    Replace the follow-up (e.g. `no_answer` becomes `confirmed`, a travel document is issued),
    decided for the state it changes and the state it makes (RA-1, RA-2, ACL-ORG).""",
)


@router.get(
    PATH,
    name="get_follow_up",
    summary="The follow-up of an identification request",
    response_model=TransferFollowUpOut,
    responses=problem_responses(403),
    openapi_extra=reads("processing_record"),
)
async def get_follow_up(
    response: Response,
    record_id: uuid.UUID,
    transfer_id: uuid.UUID,
    session: ReadSession,
    principal: CurrentPrincipal,
) -> TransferFollowUpOut:
    """Read by whoever reads the processing record (its ILO, the controller's DPO, auditor and
    integration); the ETag is the version a correction names in If-Match."""
    row, transfer = await service.read_follow_up(
        session=session, principal=principal, record_id=record_id, transfer_id=transfer_id
    )
    response.headers["ETag"] = etag_of(row.version)
    return service.render(row, transfer)
