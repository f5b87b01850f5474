"""/v1/webhooks: signed webhook subscriptions of an organisation (Standard Webhooks)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from app.db.session import ReadSession
from app.pagination import Paged
from app.policies.vocabulary import WebhookDeliveryStatus
from app.problems import problem_responses
from app.routers.conventions import (
    etag_of,
)
from app.routers.deferred import DeferredRoute
from app.routers.policy_marks import reads
from app.routers.write_routes import write
from app.schemas.common import Page
from app.schemas.webhook import (
    SecretRotated,
    WebhookCreated,
    WebhookDeliveryOut,
    WebhookOut,
)
from app.security import CurrentPrincipal
from app.services import webhook as service
from app.services import webhook_recovery as recovery
from app.services import webhook_rotation as rotation

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"], route_class=DeferredRoute)
# An answer that shows the signing secret is stored nowhere on the way.
NO_STORE = {"Cache-Control": "no-store"}


write(
    router,
    service.CREATE,
    "POST",
    "",
    name="create",
    show=lambda context, row: service.render_created(row, service.open_secret(row, context.keys)),
    out=WebhookCreated,
    # The replay store never holds the secret: a retry with the same Idempotency-Key gets the
    # same subscription with `secret: null`, the first response alone has it.
    replay=lambda row: service.render_created(row, None),
    headers=NO_STORE,
    doc="""Subscribe an HTTPS endpoint to feed events (Standard Webhooks signatures). The signing
    secret is in this response only.""",
)


@router.get(
    "",
    name="list",
    summary="Your organisation's webhook subscriptions (never with the secret)",
    openapi_extra=reads("webhook"),
)
async def list_webhooks(
    session: ReadSession,
    principal: CurrentPrincipal,
    paging: Paged,
) -> Page[WebhookOut]:
    """The organisation's webhook subscriptions, without their secrets."""
    rows = await service.list_subscriptions(
        session=session, principal=principal, window=paging.window
    )
    return await paging.page(rows, lambda items: [service.render(r) for r in items])


@router.get(
    "/{webhook_id:uuid}",
    name="get",
    summary="One webhook subscription of your organisation (never with the secret)",
    openapi_extra=reads("webhook"),
)
async def get_webhook(
    response: Response, webhook_id: uuid.UUID, session: ReadSession, principal: CurrentPrincipal
) -> WebhookOut:
    """One webhook subscription, without its secret; `failing_since` and
    `rotation_overlap_until` say how deliveries stand."""
    subscription = await service.get_subscription(
        session=session, principal=principal, subscription_id=webhook_id
    )
    response.headers["ETag"] = etag_of(subscription.version)
    return service.render(subscription)


write(
    router,
    service.DELETE,
    "DELETE",
    "/{webhook_id:uuid}",
    name="delete",
    responses=problem_responses(409),
    doc="""Unsubscribe: the subscription is deactivated and nothing more is sent to it (If-Match
    required).""",
)


write(
    router,
    rotation.ROTATE,
    "POST",
    "/{webhook_id}:rotate-secret",
    name="rotate-secret",
    show=lambda context, row: rotation.render_rotated(row, service.open_secret(row, context.keys)),
    out=SecretRotated,
    # As at creation: the replay store never holds the secret.
    replay=lambda row: rotation.render_rotated(row, None),
    headers=NO_STORE,
    doc="""A new secret, in this response only. Until `rotation_overlap_until` every delivery
    carries two signatures in `webhook-signature` (space-separated, the new secret's first), so
    the receiver may switch to the new secret at any moment of the window.""",
)


write(
    router,
    recovery.ENABLE,
    "POST",
    "/{webhook_id}:enable",
    name="enable",
    render=service.render,
    doc="""Clears `failing_since`: the pending deliveries are sent again and the events that waited
    are queued. The delivery that failed stays failed; redeliver it if it is still wanted.""",
)


@router.get(
    "/{webhook_id}/deliveries",
    name="list-deliveries",
    summary="The deliveries of a subscription: attempts, status, next retry, last error",
    openapi_extra=reads("webhook"),
)
async def list_webhook_deliveries(
    webhook_id: uuid.UUID,
    session: ReadSession,
    principal: CurrentPrincipal,
    paging: Paged,
    status: WebhookDeliveryStatus | None = None,
) -> Page[WebhookDeliveryOut]:
    """Each feed event queued for the subscription, with how its delivery stands. Of the
    receiver's answers only the status code and a short reason are kept, never their body.
    Delivered and failed deliveries are purged after ILONET_WEBHOOK_DELIVERY_RETENTION_DAYS."""
    rows = await recovery.list_deliveries(
        session=session,
        principal=principal,
        subscription_id=webhook_id,
        status=status,
        window=paging.window,
    )
    return await paging.page(rows, lambda items: [recovery.render_delivery(r) for r in items])


write(
    router,
    recovery.REDELIVER,
    "POST",
    "/{webhook_id}/deliveries/{delivery_id}:redeliver",
    name="redeliver",
    render=recovery.render_delivery,
    target=lambda path: recovery.DeliveryOf(
        subscription_id=path["webhook_id"], delivery_id=path["delivery_id"]
    ),
    doc="""The delivery is pending again, due now, with a fresh count of attempts and the same
    `webhook-id` (the receiver sees the same message again). A pending delivery, or one of a
    deleted or failing subscription, is a 409.""",
)
