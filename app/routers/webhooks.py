"""/v1/webhooks: signed webhook subscriptions of an organisation (Standard Webhooks)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response

from app.db.session import ReadSession
from app.pagination import Cursor, Limit, Pager
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
from app.schemas.webhook import WebhookCreate, WebhookCreated, WebhookOut
from app.security import CurrentPrincipal
from app.services import webhook as service

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])


@router.post(
    "",
    name="create",
    status_code=201,
    summary="Subscribe to feed events; the signing secret is in this response only",
    response_model=WebhookCreated,
    responses=problem_responses(401, 403, 409, 422),
    openapi_extra=guarded("webhook.create"),
)
async def create_webhook(
    body: WebhookCreate, context: ActionContext, idempotent: Idempotency
) -> Response:
    subscription, secret = await service.create_subscription(context=context, body=body)
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
    responses=problem_responses(401, 403, 422),
    openapi_extra=reads("webhook"),
)
async def list_webhooks(
    request: Request,
    response: Response,
    session: ReadSession,
    principal: CurrentPrincipal,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[WebhookOut]:
    pager = Pager(request, response, principal.client_key, limit)
    after = pager.after(cursor)
    rows = await service.list_subscriptions(
        session=session, principal=principal, after=after[0] if after else None, limit=limit + 1
    )
    items, next_cursor = pager.page(rows, lambda r: [str(r.id)])
    return Page(items=[service.render(r) for r in items], next_cursor=next_cursor)


@router.get(
    "/{webhook_id}",
    name="get",
    summary="One webhook subscription of your organisation (never with the secret)",
    responses=problem_responses(401, 403, 404),
    openapi_extra=reads("webhook"),
)
async def get_webhook(
    response: Response, webhook_id: uuid.UUID, session: ReadSession, principal: CurrentPrincipal
) -> WebhookOut:
    subscription = await service.get_subscription(
        session=session, principal=principal, subscription_id=webhook_id
    )
    response.headers["ETag"] = etag_of(subscription.version)
    return service.render(subscription)


@router.delete(
    "/{webhook_id}",
    name="delete",
    status_code=204,
    summary="Unsubscribe: deactivate the subscription (If-Match required)",
    responses=problem_responses(401, 403, 404, 409, 412, 428),
    openapi_extra=guarded("webhook.delete"),
)
async def delete_webhook(
    webhook_id: uuid.UUID, context: ActionContext, if_match: IfMatch = None
) -> Response:
    await service.delete_subscription(
        context=require_if_match(context, if_match), subscription_id=webhook_id
    )
    return Response(status_code=204)
