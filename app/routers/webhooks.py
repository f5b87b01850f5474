"""/v1/webhooks: signed webhook subscriptions of an organisation (Standard Webhooks)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from app.db.session import ReadSession
from app.pagination import Paged
from app.policies.vocabulary import WebhookDeliveryStatus
from app.problems import problem_responses
from app.routers.conventions import (
    ActionContext,
    Idempotency,
    IfMatch,
    etag_of,
    require_if_match,
)
from app.routers.policy_marks import guarded, reads
from app.schemas.common import Page
from app.schemas.webhook import (
    SecretRotated,
    SecretRotation,
    WebhookCreate,
    WebhookCreated,
    WebhookDeliveryOut,
    WebhookOut,
)
from app.security import CurrentPrincipal
from app.services import webhook as service
from app.services import webhook_recovery as recovery
from app.services import webhook_rotation as rotation
from app.services.guarded import NoBody

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])


@router.post(
    "",
    name="create",
    status_code=201,
    summary="Subscribe to feed events; the signing secret is in this response only",
    response_model=WebhookCreated,
    openapi_extra=guarded(service.CREATE),
)
async def create_webhook(
    body: WebhookCreate, context: ActionContext, idempotent: Idempotency
) -> Response:
    """Subscribe an HTTPS endpoint to feed events (Standard Webhooks signatures). The signing
    secret is in this response only."""
    subscription = await context.perform(service.CREATE, None, body)
    secret = service.open_secret(subscription, context.keys)
    headers = {
        "Location": f"/v1/webhooks/{subscription.id}",
        "ETag": etag_of(subscription.version),
        "Cache-Control": "no-store",
    }
    # The replay store never holds the secret: a retry with the same Idempotency-Key gets the
    # same subscription with `secret: null` (stored here), the first response alone has it.
    await idempotent.respond(service.render_created(subscription, None), headers=headers)
    created = service.render_created(subscription, secret)
    return Response(
        created.model_dump_json().encode(),
        status_code=201,
        headers={"content-type": "application/json", **headers},
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


@router.delete(
    "/{webhook_id:uuid}",
    name="delete",
    status_code=204,
    summary="Unsubscribe: deactivate the subscription (If-Match required)",
    responses=problem_responses(409),
    openapi_extra=guarded(service.DELETE),
)
async def delete_webhook(
    webhook_id: uuid.UUID, context: ActionContext, if_match: IfMatch = None
) -> Response:
    """Unsubscribe: the subscription is deactivated and nothing more is sent to it (If-Match
    required)."""
    await require_if_match(context, if_match).perform(service.DELETE, webhook_id, NoBody())
    return Response(status_code=204)


@router.post(
    "/{webhook_id}:rotate-secret",
    name="rotate-secret",
    summary="Rotate the signing secret; the previous one keeps signing for an overlap window",
    response_model=SecretRotated,
    openapi_extra=guarded(rotation.ROTATE),
)
async def rotate_webhook_secret(
    webhook_id: uuid.UUID,
    body: SecretRotation,
    context: ActionContext,
    idempotent: Idempotency,
    if_match: IfMatch = None,
) -> Response:
    """A new secret, in this response only. Until `rotation_overlap_until` every delivery
    carries two signatures in `webhook-signature` (space-separated, the new secret's first), so
    the receiver may switch to the new secret at any moment of the window."""
    subscription = await require_if_match(context, if_match).perform(
        rotation.ROTATE, webhook_id, body
    )
    secret = service.open_secret(subscription, context.keys)
    headers = {"ETag": etag_of(subscription.version), "Cache-Control": "no-store"}
    # As at creation: the replay store never holds the secret.
    await idempotent.respond(
        rotation.render_rotated(subscription, None), status=200, headers=headers
    )
    rotated = rotation.render_rotated(subscription, secret)
    return Response(
        rotated.model_dump_json().encode(),
        status_code=200,
        headers={"content-type": "application/json", **headers},
    )


@router.post(
    "/{webhook_id}:enable",
    name="enable",
    summary="Enable again a subscription marked failing after a delivery's last retry",
    response_model=WebhookOut,
    openapi_extra=guarded(recovery.ENABLE),
)
async def enable_webhook(
    webhook_id: uuid.UUID,
    context: ActionContext,
    idempotent: Idempotency,
    if_match: IfMatch = None,
) -> Response:
    """Clears `failing_since`: the pending deliveries are sent again and the events that waited
    are queued. The delivery that failed stays failed; redeliver it if it is still wanted."""
    subscription = await require_if_match(context, if_match).perform(
        recovery.ENABLE, webhook_id, NoBody()
    )
    return await idempotent.respond(
        service.render(subscription), status=200, headers={"ETag": etag_of(subscription.version)}
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


@router.post(
    "/{webhook_id}/deliveries/{delivery_id}:redeliver",
    name="redeliver",
    summary="Send a delivered or failed delivery again",
    response_model=WebhookDeliveryOut,
    openapi_extra=guarded(recovery.REDELIVER),
)
async def redeliver_webhook_delivery(
    webhook_id: uuid.UUID, delivery_id: uuid.UUID, context: ActionContext, idempotent: Idempotency
) -> Response:
    """The delivery is pending again, due now, with a fresh count of attempts and the same
    `webhook-id` (the receiver sees the same message again). A pending delivery, or one of a
    deleted or failing subscription, is a 409."""
    target = recovery.DeliveryOf(subscription_id=webhook_id, delivery_id=delivery_id)
    delivery = await context.perform(recovery.REDELIVER, target, NoBody())
    return await idempotent.respond(recovery.render_delivery(delivery), status=200)
