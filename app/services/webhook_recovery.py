"""What a subscriber does about its deliveries: read them, ask for one again, and enable again a
subscription that was marked failing after a delivery's last retry."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.writer import Change, Prepared, RowUpdate
from app.keyset import Window
from app.models import WebhookDelivery, WebhookSubscription
from app.policies import Decision, WebhookFacts
from app.policies.vocabulary import WebhookDeliveryStatus
from app.policies.webhook import WEBHOOK_ENABLE, WEBHOOK_REDELIVER
from app.problems import Conflict, NotFound, Problem
from app.schemas.webhook import WebhookDeliveryOut
from app.security import Principal
from app.services.guarded import Action, Context, NoBody, stale
from app.services.webhook import RESOURCE, get_subscription, webhook_facts

DELIVERY = "webhook_delivery"


@dataclass(frozen=True, slots=True)
class Enabling:
    prepared: Prepared[WebhookFacts]
    subscription: WebhookSubscription


async def _prepare_enable(
    context: Context, subscription_id: uuid.UUID, _: object = None
) -> Enabling:
    subscription = await get_subscription(
        session=context.writer.session,
        principal=context.principal,
        subscription_id=subscription_id,
        for_update=context.lock,
    )
    conflicts: list[Problem] = []
    if not subscription.active:
        conflicts.append(Conflict("This webhook subscription is deleted."))
    elif subscription.failing_since is None:
        conflicts.append(Conflict("This webhook subscription is not failing."))
    if (precondition := stale(context.if_match, subscription.version)) is not None:
        conflicts.append(precondition)
    prepared = Prepared(
        webhook_facts(context.principal, subscription.organisation),
        conflicts=tuple(conflicts),
        resource_id=str(subscription.id),
    )
    return Enabling(prepared, subscription)


@dataclass(frozen=True, slots=True)
class Redelivery:
    prepared: Prepared[WebhookFacts]
    delivery: WebhookDelivery
    subscription: WebhookSubscription


async def _delivery(
    session: AsyncSession, principal: Principal, delivery_id: uuid.UUID, *, lock: bool
) -> tuple[WebhookDelivery, WebhookSubscription]:
    """A delivery of a subscription the caller sees (read policy `webhook`); else a 404."""
    query = select(WebhookDelivery).where(WebhookDelivery.id == delivery_id)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    delivery = await session.scalar(query)
    missing = NotFound(
        f"No webhook delivery {delivery_id}.", resource_type=DELIVERY, resource_id=str(delivery_id)
    )
    if delivery is None:
        raise missing
    try:
        subscription = await get_subscription(
            session=session,
            principal=principal,
            subscription_id=delivery.subscription_id,
            for_update=lock,
        )
    except NotFound:
        raise missing from None
    return delivery, subscription


@dataclass(frozen=True, slots=True)
class DeliveryOf:
    """A delivery named under its subscription (the route's path): another subscription's
    delivery is a 404 there."""

    subscription_id: uuid.UUID
    delivery_id: uuid.UUID


async def _prepare_redeliver(
    context: Context, target: uuid.UUID | DeliveryOf, _: object = None
) -> Redelivery:
    delivery_id = target.delivery_id if isinstance(target, DeliveryOf) else target
    delivery, subscription = await _delivery(
        context.writer.session, context.principal, delivery_id, lock=context.lock
    )
    if isinstance(target, DeliveryOf) and delivery.subscription_id != target.subscription_id:
        raise NotFound(
            f"No webhook delivery {delivery_id} of subscription {target.subscription_id}.",
            resource_type=DELIVERY,
            resource_id=str(delivery_id),
        )
    conflicts: list[Problem] = []
    if not subscription.active:
        conflicts.append(Conflict("This webhook subscription is deleted."))
    elif subscription.failing_since is not None:
        conflicts.append(Conflict("This webhook subscription is failing: enable it first."))
    if delivery.status == WebhookDeliveryStatus.pending:
        conflicts.append(Conflict("This delivery is still pending: it will be attempted."))
    prepared = Prepared(
        webhook_facts(context.principal, subscription.organisation),
        conflicts=tuple(conflicts),
        resource_id=str(delivery.id),
    )
    return Redelivery(prepared, delivery, subscription)


def _build_enable(
    _: Context, enabling: Enabling, __: NoBody, ___: Decision
) -> RowUpdate[WebhookSubscription]:
    """Resume a failing subscription (ACL-ROLE, ACL-ORG, If-Match): its pending deliveries and
    the events that waited are sent from now on."""
    subscription = enabling.subscription
    change = Change(organisation=subscription.organisation, visibility="organisation")
    return RowUpdate(subscription, {"failing_since": None}, change)


def _build_redeliver(
    _: Context, redelivery: Redelivery, __: NoBody, ___: Decision
) -> RowUpdate[WebhookDelivery]:
    """Queue a delivered or failed delivery again, due now, with fresh attempts (ACL-ROLE,
    ACL-ORG); the same `webhook-id`, so the receiver sees the same message. Audited only: the
    declaration keeps it off the change feed."""
    delivery = redelivery.delivery
    change = Change(
        resource_type=DELIVERY,
        organisation=redelivery.subscription.organisation,
        visibility="organisation",
        details={
            "subscription_id": str(delivery.subscription_id),
            "previous_status": delivery.status,
        },
    )
    values = {
        "status": WebhookDeliveryStatus.pending.value,
        "attempts": 0,
        "next_attempt_at": datetime.now(UTC),
        "delivered_at": None,
        "leased_until": None,
        "lease_token": None,
    }
    return RowUpdate(delivery, values, change)


ENABLE = Action(
    policy=WEBHOOK_ENABLE,
    resource=RESOURCE,
    body=NoBody,
    target="uuid",
    load=_prepare_enable,
    build=_build_enable,
    makes="change",
    names_version=True,
    summary="Enable again a subscription marked failing after a delivery's last retry",
)
REDELIVER = Action(
    policy=WEBHOOK_REDELIVER,
    resource=RESOURCE,
    body=NoBody,
    target="uuid",
    load=_prepare_redeliver,
    build=_build_redeliver,
    makes="change",
    summary="Send a delivered or failed delivery again",
)


async def list_deliveries(
    *,
    session: AsyncSession,
    principal: Principal,
    subscription_id: uuid.UUID,
    status: WebhookDeliveryStatus | None,
    window: Window,
) -> Sequence[WebhookDelivery]:
    """The deliveries of a subscription the caller sees (read policy `webhook`), in a stable
    keyset order (by id)."""
    await get_subscription(session=session, principal=principal, subscription_id=subscription_id)
    query = select(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription_id)
    if status is not None:
        query = query.where(WebhookDelivery.status == status.value)
    query = window.apply(query, WebhookDelivery.id)
    return (await session.scalars(query)).all()


def render_delivery(delivery: WebhookDelivery) -> WebhookDeliveryOut:
    pending = delivery.status == WebhookDeliveryStatus.pending
    return WebhookDeliveryOut(
        id=delivery.id,
        webhook_id=delivery.subscription_id,
        event_type=delivery.event_type,
        status=WebhookDeliveryStatus(delivery.status),
        attempts=delivery.attempts,
        next_attempt_at=delivery.next_attempt_at if pending else None,
        last_attempt_at=delivery.last_attempt_at,
        last_status_code=delivery.last_status_code,
        last_error=delivery.last_error,
        delivered_at=delivery.delivered_at,
        created_at=delivery.created_at,
    )
