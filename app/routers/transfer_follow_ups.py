"""/v1/processing-records/{id}/transfers/{transfer_id}/follow-up: the answer of a third country's
authority to an identification request (Visa Code Art. 25a). One follow-up per transfer, created
with POST, corrected with PUT and If-Match; read under the processing record's read policy."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from app.db.session import ReadSession
from app.problems import problem_responses
from app.routers.conventions import ActionContext, Idempotency, IfMatch, etag_of, require_if_match
from app.routers.policy_marks import guarded, reads
from app.schemas.transfer_follow_up import TransferFollowUpIn, TransferFollowUpOut
from app.security import CurrentPrincipal
from app.services import transfer_follow_up as service

router = APIRouter(prefix="/v1/processing-records", tags=["readmission"])
PATH = "/{record_id}/transfers/{transfer_id}/follow-up"


@router.post(
    PATH,
    name="record_follow_up",
    status_code=201,
    summary="Record the answer to an identification request (Visa Code Art. 25a)",
    response_model=TransferFollowUpOut,
    openapi_extra=guarded(service.RECORD),
)
async def record_follow_up(
    record_id: uuid.UUID,
    transfer_id: uuid.UUID,
    body: TransferFollowUpIn,
    context: ActionContext,
    idempotent: Idempotency,
) -> Response:
    """The organisation that sent the identification request (the record's ILO, or its
    integration with `transfers:write`) records what the authority answered: `confirmed` or
    `not_confirmed` with `answered_on` (on or after the transfer), or `no_answer`; a travel
    document and an accepted return operation follow a confirmed answer only (RA-1, RA-2).
    Nothing about the subject is stored beyond the transfer it refers to."""
    row = await context.perform(service.RECORD, (record_id, transfer_id), body)
    transfer = await service.transfer_of(context.writer.session, row)
    return await idempotent.respond(
        service.render(row, transfer),
        headers={
            "Location": f"/v1/processing-records/{record_id}/transfers/{transfer_id}/follow-up",
            "ETag": etag_of(row.version),
        },
    )


@router.put(
    PATH,
    name="update_follow_up",
    summary="Correct the follow-up of an identification request (If-Match required)",
    response_model=TransferFollowUpOut,
    openapi_extra=guarded(service.UPDATE),
)
async def update_follow_up(
    response: Response,
    record_id: uuid.UUID,
    transfer_id: uuid.UUID,
    body: TransferFollowUpIn,
    context: ActionContext,
    if_match: IfMatch = None,
) -> TransferFollowUpOut:
    """Replace the follow-up (e.g. `no_answer` becomes `confirmed`, a travel document is issued),
    decided for the state it changes and the state it makes (RA-1, RA-2, ACL-ORG)."""
    row = await require_if_match(context, if_match).perform(
        service.UPDATE, (record_id, transfer_id), body
    )
    transfer = await service.transfer_of(context.writer.session, row)
    response.headers["ETag"] = etag_of(row.version)
    return service.render(row, transfer)


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
