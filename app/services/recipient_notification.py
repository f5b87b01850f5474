"""GDPR-19 (EUDPR Art. 21, LED Art. 16(6)): every rectification, erasure or restriction of a
record is communicated to each recipient its data went to — one task per transfer and share,
created with the change and marked done by the controller (`recipient_notification.complete`)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.writer import Change, Prepared, RowUpdate
from app.keyset import Window
from app.models import ProcessingRecord, RecipientNotification, Share, Transfer
from app.policies import Decision, NotificationFacts
from app.policies.subject_rights import RECIPIENT_NOTIFICATION_COMPLETE
from app.problems import Conflict, NotFound
from app.schemas.recipient_notification import RecipientNotificationOut
from app.services.guarded import Action, Context, NoBody
from app.services.processing_record import RESOURCE, get_visible_record


def _share_recipient(share: Share) -> str:
    if share.recipient_authority:
        return f"{share.recipient_authority} ({share.recipient_org})"
    if share.recipient_network:
        return f"network {share.recipient_network}"
    return f"officer {share.recipient_officer_id}"


async def notifications_for(
    *, session: AsyncSession, record: ProcessingRecord, cause: str
) -> list[RecipientNotification]:
    """GDPR-19: one open task per recipient the record's data were disclosed to."""
    transfers = (
        await session.scalars(
            select(Transfer)
            .where(Transfer.processing_record_id == record.id)
            .order_by(Transfer.created_at, Transfer.id)
        )
    ).all()
    shares = (
        await session.scalars(
            select(Share)
            .where(Share.processing_record_id == record.id)
            .order_by(Share.created_at, Share.id)
        )
    ).all()
    tasks = [
        RecipientNotification(
            id=uuid.uuid4(),
            processing_record_id=record.id,
            organisation=record.organisation,
            cause=cause,
            exchange_kind="transfer",
            exchange_id=t.id,
            recipient=t.recipient_name,
            destination=t.destination_organisation or t.destination_country,
            version=1,
        )
        for t in transfers
    ]
    tasks += [
        RecipientNotification(
            id=uuid.uuid4(),
            processing_record_id=record.id,
            organisation=record.organisation,
            cause=cause,
            exchange_kind="share",
            exchange_id=s.id,
            recipient=_share_recipient(s),
            destination=s.recipient_org,
            version=1,
        )
        for s in shares
    ]
    return tasks


@dataclass(frozen=True, slots=True)
class Completion:
    prepared: Prepared[NotificationFacts]
    notification: RecipientNotification


async def _prepare(
    context: Context, target: uuid.UUID | tuple[uuid.UUID, uuid.UUID], _: object = None
) -> Completion:
    """The task named by its id, or by (record id, task id) as its path names it: a task of
    another record is a 404 too."""
    record_id, notification_id = target if isinstance(target, tuple) else (None, target)
    session = context.writer.session
    notification = await session.get(
        RecipientNotification,
        notification_id,
        with_for_update=context.lock,
        populate_existing=context.lock,
    )
    missing = NotFound(
        f"No recipient notification {notification_id}.",
        resource_type="recipient_notification",
        resource_id=str(notification_id),
    )
    if notification is None:
        raise missing
    record = await get_visible_record(
        session=session, principal=context.principal, record_id=notification.processing_record_id
    )
    if record_id is not None and notification.processing_record_id != record_id:
        raise NotFound(
            f"No recipient notification {notification_id} on record {record_id}.",
            resource_type="recipient_notification",
            resource_id=str(notification_id),
        )
    facts = NotificationFacts(
        actor=context.principal.actor(),
        controller_org=record.organisation,
        record_officer_id=str(record.officer_id),
        regime=record.regime,
    )
    done = (
        Conflict(f"Recipient notification {notification.id} was marked done already.")
        if notification.done_at is not None
        else None
    )
    return Completion(
        Prepared(facts, conflicts=(done,) if done else (), resource_id=str(notification.id)),
        notification,
    )


def _build(
    context: Context, completion: Completion, _: NoBody, __: Decision
) -> RowUpdate[RecipientNotification]:
    notification = completion.notification
    change = Change(
        resource_type="recipient_notification",
        organisation=notification.organisation,
        visibility="organisation",
        legal_basis="GDPR-19",
        details={
            "processing_record_id": str(notification.processing_record_id),
            "cause": notification.cause,
            "exchange_kind": notification.exchange_kind,
            "exchange_id": str(notification.exchange_id),
        },
    )
    values = {"done_at": datetime.now(UTC), "done_by": context.principal.sub}
    return RowUpdate(notification, values, change)


# GDPR-19: the controller (record's ILO, DPO, integration) marks a task done; twice is 409.
COMPLETE = Action(
    policy=RECIPIENT_NOTIFICATION_COMPLETE,
    resource=RESOURCE,
    body=NoBody,
    target="uuid",
    load=_prepare,
    build=_build,
    makes="change",
    summary="Record that a change was communicated to its recipient (GDPR Art. 19)",
)


async def list_notifications(
    *, session: AsyncSession, record_id: uuid.UUID, window: Window, open_only: bool = False
) -> Sequence[RecipientNotification]:
    query = select(RecipientNotification).where(
        RecipientNotification.processing_record_id == record_id
    )
    if open_only:
        query = query.where(RecipientNotification.done_at.is_(None))
    query = window.apply(query, RecipientNotification.created_at, RecipientNotification.id)
    return (await session.scalars(query)).all()


def render(notification: RecipientNotification) -> RecipientNotificationOut:
    return RecipientNotificationOut.model_validate(notification, from_attributes=True)
