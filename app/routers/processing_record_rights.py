"""/v1/processing-records/{id}: the data-subject rights — rectification (GDPR Art. 16),
restriction and its lifting (Art. 18), and the recipients each change is communicated to
(Art. 19)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from app.db.session import ReadSession
from app.pagination import Paged
from app.problems import problem_responses
from app.routers.conventions import ActionContext, Idempotency, IfMatch, etag_of, require_if_match
from app.routers.policy_marks import guarded, reads
from app.schemas.common import Page
from app.schemas.processing_record import ProcessingRecordOut
from app.schemas.processing_record_rights import (
    ProcessingRecordRectify,
    RestrictionCreate,
    RestrictionLift,
)
from app.schemas.recipient_notification import RecipientNotificationOut
from app.security import CurrentPrincipal
from app.services import processing_record as records
from app.services import processing_record_rights as service
from app.services import recipient_notification as notifications
from app.services.guarded import NoBody

router = APIRouter(prefix="/v1/processing-records", tags=["processing-records"])


@router.patch(
    "/{record_id}",
    name="rectify",
    summary="Rectify a record's subject data (GDPR Art. 16; If-Match required)",
    response_model=ProcessingRecordOut,
    openapi_extra=guarded(service.RECTIFY),
    responses=problem_responses(409),
)
async def rectify(
    response: Response,
    record_id: uuid.UUID,
    body: ProcessingRecordRectify,
    context: ActionContext,
    if_match: IfMatch = None,
) -> ProcessingRecordOut:
    """Replace the named subject-data fields (the others stay); the payload is sealed again under
    a fresh data key. The audit event names the fields, never their values; each recipient of
    the record's transfers and shares gets an open notification task (Art. 19). The response
    holds no subject data."""
    record = await require_if_match(context, if_match).perform(service.RECTIFY, record_id, body)
    response.headers["ETag"] = etag_of(record.version)
    return records.render(record)


@router.post(
    "/{record_id}/restriction",
    name="restrict",
    summary="Restrict the processing of a record (GDPR Art. 18(1))",
    response_model=ProcessingRecordOut,
    openapi_extra=guarded(service.RESTRICT),
)
async def restrict(
    record_id: uuid.UUID, body: RestrictionCreate, context: ActionContext, idempotent: Idempotency
) -> Response:
    """While restricted the data are only stored: a read of the subject data needs an Art. 18(2)
    ground (`?restriction_ground=`), transfers and shares are refused (GDPR-18, a product rule
    stricter than 18(2)), and under (b) or (c) the retention sweep keeps the record."""
    record = await context.perform(service.RESTRICT, record_id, body)
    return await idempotent.respond(
        records.render(record), status=200, headers={"ETag": etag_of(record.version)}
    )


@router.post(
    "/{record_id}/restriction/lifting",
    name="lift_restriction",
    summary="Lift a restriction; the data subject is informed first (GDPR Art. 18(3))",
    response_model=ProcessingRecordOut,
    openapi_extra=guarded(service.LIFT),
    responses=problem_responses(409),
)
async def lift_restriction(
    response: Response,
    record_id: uuid.UUID,
    body: RestrictionLift,
    context: ActionContext,
    if_match: IfMatch = None,
) -> ProcessingRecordOut:
    """Refused (GDPR-18) unless `subject_informed_on` records when the data subject was told."""
    record = await require_if_match(context, if_match).perform(service.LIFT, record_id, body)
    response.headers["ETag"] = etag_of(record.version)
    return records.render(record)


@router.get(
    "/{record_id}/notifications",
    name="list_notifications",
    summary="The recipients each rectification, erasure or restriction goes to (GDPR Art. 19)",
    openapi_extra=reads("processing_record"),
)
async def list_notifications(
    record_id: uuid.UUID,
    session: ReadSession,
    principal: CurrentPrincipal,
    paging: Paged,
    open_only: bool = False,
) -> Page[RecipientNotificationOut]:
    """One task per transfer or share of the record and change, oldest first; `done_at` is
    null while open."""
    await records.get_visible_record(session=session, principal=principal, record_id=record_id)
    rows = await notifications.list_notifications(
        session=session, record_id=record_id, window=paging.window, open_only=open_only
    )
    return await paging.page(rows, lambda items: [notifications.render(n) for n in items])


@router.post(
    "/{record_id}/notifications/{notification_id}/completion",
    name="complete_notification",
    summary="Record that a change was communicated to its recipient (GDPR Art. 19)",
    response_model=RecipientNotificationOut,
    openapi_extra=guarded(notifications.COMPLETE),
)
async def complete_notification(
    record_id: uuid.UUID,
    notification_id: uuid.UUID,
    context: ActionContext,
    idempotent: Idempotency,
) -> Response:
    """Marks the task done (who and when); a second time is a 409."""
    done = await context.perform(notifications.COMPLETE, (record_id, notification_id), NoBody())
    return await idempotent.respond(notifications.render(done), status=200)
