"""Rotating a webhook subscription's signing secret, with an overlap window.

The new secret is shown once, in the rotating response. The previous one moves beside it, sealed
as it was, and keeps signing until the overlap ends: each delivery then carries both signatures,
space-separated in `webhook-signature` (Standard Webhooks), so a receiver may switch to the new
secret at any moment of the window without rejecting a delivery.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from app.db import crypto
from app.db.writer import Change, Prepared, RowUpdate
from app.keyring import Keyring
from app.models import WebhookSubscription
from app.policies import Decision, WebhookFacts
from app.policies.webhook import WEBHOOK_ROTATE_SECRET
from app.problems import Conflict, Problem
from app.schemas.webhook import SecretRotated, SecretRotation
from app.services.guarded import Action, Context, stale
from app.services.webhook import (
    RESOURCE,
    get_subscription,
    new_secret,
    open_secret,
    render,
    secret_context,
    webhook_facts,
)


@dataclass(frozen=True, slots=True)
class Rotation:
    prepared: Prepared[WebhookFacts]
    subscription: WebhookSubscription
    overlap_seconds: int


async def _prepare_rotate(
    context: Context, subscription_id: uuid.UUID, body: SecretRotation
) -> Rotation:
    settings = context.settings
    # Any overlap the schema allows is accepted; one beyond the configured maximum is shortened
    # to it (the answer's `rotation_overlap_until` says when it ends).
    asked = (
        body.overlap_seconds
        if body.overlap_seconds is not None
        else settings.webhook_secret_overlap_default_seconds
    )
    overlap = min(asked, settings.webhook_secret_overlap_max_seconds)
    subscription = await get_subscription(
        session=context.writer.session,
        principal=context.principal,
        subscription_id=subscription_id,
        for_update=context.lock,
    )
    conflicts: list[Problem] = []
    if not subscription.active:
        conflicts.append(Conflict("This webhook subscription is deleted."))
    if (precondition := stale(context.if_match, subscription.version)) is not None:
        conflicts.append(precondition)
    prepared = Prepared(
        webhook_facts(context.principal, subscription.organisation),
        conflicts=tuple(conflicts),
        resource_id=str(subscription.id),
    )
    return Rotation(prepared, subscription, overlap)


def _build_rotate(
    context: Context, rotation: Rotation, _: SecretRotation, __: Decision
) -> RowUpdate[WebhookSubscription]:
    """A new secret (ACL-ROLE, ACL-ORG, If-Match), sealed in the row; the previous one signs
    beside it for the overlap window."""
    subscription = rotation.subscription
    sealed = crypto.seal(
        {"secret": new_secret()},
        kek=context.keys.kek,
        kek_id=context.keys.kek_id,
        context=secret_context(subscription.id),
    )
    keeps = rotation.overlap_seconds > 0
    values = {
        "secret_ciphertext": sealed.ciphertext,
        "secret_wrapped_key": sealed.wrapped_key,
        "secret_kek_id": sealed.kek_id,
        "previous_secret_ciphertext": subscription.secret_ciphertext if keeps else None,
        "previous_secret_wrapped_key": subscription.secret_wrapped_key if keeps else None,
        "previous_secret_kek_id": subscription.secret_kek_id if keeps else None,
        "previous_secret_expires_at": (
            datetime.now(UTC) + timedelta(seconds=rotation.overlap_seconds) if keeps else None
        ),
    }
    change = Change(
        organisation=subscription.organisation,
        visibility="organisation",
        details={"overlap_seconds": rotation.overlap_seconds},
    )
    return RowUpdate(subscription, values, change)


ROTATE = Action(
    policy=WEBHOOK_ROTATE_SECRET,
    resource=RESOURCE,
    body=SecretRotation,
    target="uuid",
    load=_prepare_rotate,
    build=_build_rotate,
    makes="change",
    names_version=True,
    summary="Rotate the signing secret; the previous one keeps signing for an overlap window",
)


def signing_secrets(
    subscription: WebhookSubscription, keyring: Keyring, *, now: datetime
) -> list[str]:
    """The secrets a delivery is signed with now: the current one, and the previous one while
    its overlap window lasts."""
    secrets = [open_secret(subscription, keyring)]
    expires = subscription.previous_secret_expires_at
    if (
        expires is not None
        and now < expires
        and subscription.previous_secret_ciphertext is not None
        and subscription.previous_secret_wrapped_key is not None
        and subscription.previous_secret_kek_id is not None
    ):
        payload = crypto.open_sealed(
            subscription.previous_secret_ciphertext,
            subscription.previous_secret_wrapped_key,
            kek=keyring.kek,
            kek_id=subscription.previous_secret_kek_id,
            context=secret_context(subscription.id),
        )
        secrets.append(str(payload["secret"]))
    return secrets


def render_rotated(subscription: WebhookSubscription, secret: str | None) -> SecretRotated:
    return SecretRotated(**render(subscription).model_dump(), secret=secret)
