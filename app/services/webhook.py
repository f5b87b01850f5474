"""Webhook subscriptions: subscribe (the secret is shown once), read, and unsubscribe.

The signing secret is generated here, sealed at rest with a data key of its own (like personal
data, app/db/crypto.py), opened once by the request that wrote it to show it in that response
only, and afterwards only to sign deliveries (services/webhook_delivery.py).
"""

from __future__ import annotations

import base64
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app import egress
from app.config import Settings
from app.db import crypto, webhooks
from app.db.visibility import visible
from app.db.writer import Change, NewRow, Prepared, RowUpdate
from app.keyring import Keyring
from app.keyset import Window
from app.models import WebhookSubscription
from app.policies import Decision, WebhookFacts, visibility
from app.policies.webhook import WEBHOOK_CREATE, WEBHOOK_DELETE
from app.problems import Conflict, NotFound, Problem, ValidationFailed
from app.schemas.webhook import WebhookCreate, WebhookCreated, WebhookOut
from app.security import Principal
from app.services import access
from app.services.guarded import Action, Context, NoBody, stale

RESOURCE = "webhook"
SECRET_PREFIX = "whsec_"  # noqa: S105 (the Standard Webhooks prefix, not a secret)
SECRET_BYTES = 32


def secret_context(subscription_id: uuid.UUID) -> bytes:
    return b"webhook-secret:" + subscription_id.bytes


def new_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and the base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def secret_key(secret: str) -> bytes:
    """The HMAC key of a secret: the base64-decoded part after `whsec_`."""
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def open_secret(subscription: WebhookSubscription, keyring: Keyring) -> str:
    payload = crypto.open_sealed(
        subscription.secret_ciphertext,
        subscription.secret_wrapped_key,
        kek=keyring.kek_for(subscription.secret_kek_id),
        kek_id=subscription.secret_kek_id,
        context=secret_context(subscription.id),
    )
    return str(payload["secret"])


def organisation_reader(principal: Principal) -> bool:
    """The change feed's rule (read policy `event`): may this client see organisation events?"""
    return visibility.organisation_reader(principal.actor())


def _invalid_url(detail: str) -> ValidationFailed:
    return ValidationFailed([{"pointer": "/url", "in": "body", "detail": detail}])


def check_url(url: str, settings: Settings) -> egress.Target:
    """What can be refused without asking a resolver (app/egress.py): https (plain http only to
    127.0.0.1 or localhost, outside production), no user information, no privileged port but
    the scheme's own, and a host that is a public address in whatever spelling, or a name."""
    try:
        target = egress.parse(url, production=settings.production)
        if target.address is not None:
            egress.check_address(target, target.address, settings.webhook_allowed_networks)
    except egress.Refused as refused:
        raise _invalid_url(refused.reason) from None
    return target


async def check_destination(
    url: str, settings: Settings, *, resolver: egress.Resolver | None = None
) -> None:
    """check_url, and a host name resolves to public addresses only (each one is checked).

    The delivery checks again (a name may resolve elsewhere later); this answers the subscriber
    at once. A name that resolves to nothing and one that resolves to a refused address get
    the same answer: the difference would tell a caller which internal names exist.
    """
    target = check_url(url, settings)
    if target.address is not None:
        return
    try:
        await egress.destination(
            url,
            production=settings.production,
            allowed=settings.webhook_allowed_networks,
            resolver=resolver,
        )
    except (egress.Refused, egress.Unresolved):
        raise _invalid_url(
            "the host name must resolve to public addresses only (and resolve)"
        ) from None


def webhook_facts(principal: Principal, organisation: str) -> WebhookFacts:
    return WebhookFacts(actor=principal.actor(), subscription_org=organisation)


@dataclass(frozen=True, slots=True)
class Subscribing:
    prepared: Prepared[WebhookFacts]
    # the feed position the subscription starts from
    position: tuple[int, int]


async def _prepare_create(context: Context, _: object, body: WebhookCreate) -> Subscribing:
    await check_destination(body.url, context.settings)
    organisation = body.organisation or context.principal.org
    position = await webhooks.current_horizon(context.writer.session)
    return Subscribing(Prepared(webhook_facts(context.principal, organisation)), position)


@dataclass(frozen=True, slots=True)
class Deletion:
    prepared: Prepared[WebhookFacts]
    subscription: WebhookSubscription


async def _prepare_delete(
    context: Context, subscription_id: uuid.UUID, _: object = None
) -> Deletion:
    subscription = await get_subscription(
        session=context.writer.session,
        principal=context.principal,
        subscription_id=subscription_id,
        for_update=context.lock,
    )
    conflicts: list[Problem] = []
    if not subscription.active:
        conflicts.append(Conflict("This webhook subscription is already deleted."))
    if (precondition := stale(context.if_match, subscription.version)) is not None:
        conflicts.append(precondition)
    prepared = Prepared(
        webhook_facts(context.principal, subscription.organisation),
        conflicts=tuple(conflicts),
        resource_id=str(subscription.id),
    )
    return Deletion(prepared, subscription)


def _build_create(
    context: Context, subscribing: Subscribing, body: WebhookCreate, _: Decision
) -> NewRow[WebhookSubscription]:
    """Subscribe (ACL-ROLE, ACL-ORG) with a new secret, sealed in the row."""
    principal = context.principal
    organisation = subscribing.prepared.facts.subscription_org
    reader = organisation_reader(principal)
    documents = visibility.document_reader(principal.actor())
    event_types = [t.value for t in body.event_types]
    subscription_id = uuid.uuid4()
    sealed = crypto.seal(
        {"secret": new_secret()},
        kek=context.keys.kek,
        kek_id=context.keys.kek_id,
        context=secret_context(subscription_id),
    )
    subscription = WebhookSubscription(
        id=subscription_id,
        organisation=organisation,
        url=body.url,
        event_types=event_types,
        secret_ciphertext=sealed.ciphertext,
        secret_wrapped_key=sealed.wrapped_key,
        secret_kek_id=sealed.kek_id,
        organisation_reader=reader,
        document_reader=documents,
        position_txid=subscribing.position[0],
        position_id=subscribing.position[1],
        active=True,
        version=1,
        created_by=principal.sub,
    )
    change = Change(
        organisation=organisation,
        visibility="organisation",
        # The host only: a URL's path or query may hold the receiver's own tokens.
        details={
            "host": urlsplit(body.url).hostname,
            "event_types": event_types,
            "organisation_reader": reader,
            "document_reader": documents,
        },
    )
    return NewRow(subscription, change)


def _build_delete(
    _: Context, deletion: Deletion, __: NoBody, ___: Decision
) -> RowUpdate[WebhookSubscription]:
    """Deactivate (ACL-ROLE, ACL-ORG, If-Match): nothing more is fanned out or sent to it."""
    subscription = deletion.subscription
    change = Change(organisation=subscription.organisation, visibility="organisation")
    return RowUpdate(subscription, {"active": False, "deleted_at": datetime.now(UTC)}, change)


CREATE = Action(
    policy=WEBHOOK_CREATE,
    resource=RESOURCE,
    body=WebhookCreate,
    target="none",
    load=_prepare_create,
    build=_build_create,
    makes="row",
    summary="Subscribe to feed events; the signing secret is in this response only",
)
DELETE = Action(
    policy=WEBHOOK_DELETE,
    resource=RESOURCE,
    body=NoBody,
    target="uuid",
    load=_prepare_delete,
    build=_build_delete,
    makes="change",
    names_version=True,
    summary="Unsubscribe: deactivate the subscription",
)


async def get_subscription(
    *,
    session: AsyncSession,
    principal: Principal,
    subscription_id: uuid.UUID,
    for_update: bool = False,
) -> WebhookSubscription:
    """Visible to its own organisation only (read policy `webhook`): anyone else gets a 404."""
    seen = access.visibility(principal, RESOURCE)
    query = select(WebhookSubscription).where(
        WebhookSubscription.id == subscription_id, visible(WebhookSubscription, seen)
    )
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    subscription = await session.scalar(query)
    if subscription is None:
        raise NotFound(
            f"No webhook subscription {subscription_id}.",
            resource_type=RESOURCE,
            resource_id=str(subscription_id),
        )
    return subscription


async def list_subscriptions(
    *, session: AsyncSession, principal: Principal, window: Window
) -> Sequence[WebhookSubscription]:
    seen = access.listing(principal, RESOURCE)
    query = select(WebhookSubscription).where(visible(WebhookSubscription, seen))
    query = window.apply(query, WebhookSubscription.id)
    return (await session.scalars(query)).all()


def render(subscription: WebhookSubscription) -> WebhookOut:
    return WebhookOut(
        id=subscription.id,
        organisation=subscription.organisation,
        url=subscription.url,
        event_types=subscription.event_types,
        organisation_reader=subscription.organisation_reader,
        document_reader=subscription.document_reader,
        active=subscription.active,
        version=subscription.version,
        created_at=subscription.created_at,
        created_by=subscription.created_by,
        deleted_at=subscription.deleted_at,
        failing_since=subscription.failing_since,
        rotation_overlap_until=subscription.previous_secret_expires_at,
    )


def render_created(subscription: WebhookSubscription, secret: str | None) -> WebhookCreated:
    return WebhookCreated(**render(subscription).model_dump(), secret=secret)
