"""/v1/processing-records/{id}: the data-subject rights — rectification (GDPR Art. 16),
restriction and its lifting (Art. 18), and the recipients each change is communicated to
(Art. 19)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from app.db.session import ReadSession
from app.pagination import Paged
from app.problems import problem_responses
from app.routers.deferred import DeferredRoute
from app.routers.policy_marks import reads
from app.routers.write_routes import write
from app.schemas.common import Page
from app.schemas.recipient_notification import RecipientNotificationOut
from app.security import CurrentPrincipal
from app.services import processing_record as records
from app.services import processing_record_rights as service
from app.services import recipient_notification as notifications

router = APIRouter(
    prefix="/v1/processing-records", tags=["processing-records"], route_class=DeferredRoute
)


write(
    router,
    service.RECTIFY,
    "PATCH",
    "/{record_id}",
    name="rectify",
    render=records.render,
    responses=problem_responses(409),
    doc="""
    Replace the named subject-data fields (the others stay); the payload is sealed again under
    a fresh data key. The audit event names the fields, never their values; each recipient of
    the record's transfers and shares gets an open notification task (Art. 19). The response
    holds no subject data.""",
)


write(
    router,
    service.RESTRICT,
    "POST",
    "/{record_id}/restriction",
    name="restrict",
    render=records.render,
    doc="""While restricted the data are only stored: a read of the subject data needs an Art. 18(2)
    ground (`?restriction_ground=`), transfers and shares are refused (GDPR-18, a product rule
    stricter than 18(2)), and under (b) or (c) the retention sweep keeps the record.""",
)


write(
    router,
    service.LIFT,
    "POST",
    "/{record_id}/restriction/lifting",
    name="lift_restriction",
    render=records.render,
    responses=problem_responses(409),
    doc="""
    Refused (GDPR-18) unless `subject_informed_on` records when the data subject was told.""",
)


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


write(
    router,
    notifications.COMPLETE,
    "POST",
    "/{record_id}/notifications/{notification_id}/completion",
    name="complete_notification",
    render=notifications.render,
    doc="""Marks the task done (who and when); a second time is a 409.""",
)
