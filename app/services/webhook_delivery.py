"""Webhook delivery, in two periodic jobs that any number of instances may run at once.

Fan-out: each active subscription (locked FOR UPDATE SKIP LOCKED, so one instance handles it at
a time) reads the change feed after its position, with the visibility of the client that made
it and its event-type filter, queues one delivery per event and advances its position, all in
one transaction. The feed's own order never skips a late-committing transaction, and a
(subscription, event) pair is queued at most once, so every event is queued exactly once.

Send: due pending deliveries (locked FOR UPDATE SKIP LOCKED, so each is attempted by one
instance) are POSTed, Standard Webhooks style: `webhook-id` (the delivery id, the same on every
retry, for the receiver to deduplicate), `webhook-timestamp` (unix seconds) and
`webhook-signature: v1,<base64 HMAC-SHA256(secret, "{id}.{timestamp}.{body}")>`. The body holds
ids and types only. A 2xx answer delivers; anything else is retried with exponential backoff and
full jitter, and fails after `webhook_max_attempts`. Delivery is at least once: a crash between
the receiver's answer and the commit sends the same `webhook-id` again.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.db import outbox, webhooks
from app.keyring import Keyring, load_keyring
from app.models import OutboxEvent, WebhookDelivery, WebhookSubscription
from app.services.webhook import open_secret, secret_key

log = logging.getLogger("ilonet.webhooks")

USER_AGENT = "ILONet-Webhooks/1"
_random = random.SystemRandom()


@dataclass(frozen=True, slots=True)
class SendResult:
    delivered: int = 0
    retried: int = 0
    failed: int = 0

    @property
    def total(self) -> int:
        return self.delivered + self.retried + self.failed


# --- the message -------------------------------------------------------------------------------


def payload(event: OutboxEvent) -> bytes:
    """The body of a delivery: the feed event's ids and types, never personal data."""
    document = {
        "type": event.type,
        "timestamp": event.occurred_at.astimezone(UTC).isoformat(),
        "data": {
            "resource_type": event.resource_type,
            "resource_id": event.resource_id,
            "organisation": event.organisation,
            "position": outbox.encode_position(event.txid, event.id),
        },
    }
    return json.dumps(document, separators=(",", ":")).encode()


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """`v1,<base64 HMAC-SHA256>` of "{id}.{timestamp}.{body}" under the secret's bytes."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def backoff_seconds(
    attempts: int, settings: Settings, uniform: Callable[[float, float], float] = _random.uniform
) -> float:
    """Delay after the `attempts`-th failure: full jitter below min(cap, base * 2**(attempts-1)),
    at least one second (no hot loop against a failing receiver)."""
    ceiling = min(
        settings.webhook_backoff_cap_seconds,
        settings.webhook_backoff_base_seconds * 2 ** max(attempts - 1, 0),
    )
    return max(1.0, uniform(0.0, ceiling))


# --- fan-out -----------------------------------------------------------------------------------


async def fan_out(*, session: AsyncSession, settings: Settings, now: datetime | None = None) -> int:
    """Queue the new feed events of every active subscription; returns how many were queued."""
    now = now or datetime.now(UTC)
    subscriptions = (
        await session.scalars(
            select(WebhookSubscription)
            .where(WebhookSubscription.active.is_(True))
            .order_by(WebhookSubscription.id)
            .with_for_update(skip_locked=True)
        )
    ).all()
    queued = 0
    limit = settings.webhook_batch_size
    for subscription in subscriptions:
        position = (subscription.position_txid, subscription.position_id)
        # Taken before the read: every matching event below it is in the read (when not full).
        horizon = await webhooks.current_horizon(session)
        visible = outbox.visible_to(
            subscription.organisation, organisation_reader=subscription.organisation_reader
        )
        if subscription.event_types:
            visible = and_(visible, OutboxEvent.type.in_(subscription.event_types))
        events = await outbox.read_after(session, after=position, visible=visible, limit=limit)
        advanced = (events[-1].txid, events[-1].id) if events else position
        if len(events) < limit:
            # Nothing else matches below the horizon: skip what did not match up to it, so the
            # next read does not scan it again.
            advanced = max(advanced, horizon)
        if events or advanced != position:
            queued += await webhooks.enqueue(
                session, subscription, events, position=advanced, now=now
            )
    return queued


# --- sending -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Attempt:
    status_code: int | None
    error: str | None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


async def _post(
    client: httpx.AsyncClient, url: str, delivery_id: str, secret: str, body: bytes
) -> _Attempt:
    timestamp = int(time.time())
    headers = {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": delivery_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, delivery_id, timestamp, body),
    }
    try:
        response = await client.post(url, content=body, headers=headers)
    except httpx.TimeoutException:
        return _Attempt(None, "timeout")
    except Exception as exc:  # any failure is this delivery's, never the whole batch's
        # The exception's class only: its text may quote the URL (and tokens in it).
        return _Attempt(None, f"transport error: {type(exc).__name__}"[:200])
    if 200 <= response.status_code < 300:
        return _Attempt(response.status_code, None)
    # The receiver's body is never kept: it may echo anything.
    return _Attempt(response.status_code, f"HTTP {response.status_code}")


def _open(subscription: WebhookSubscription, keyring: Keyring) -> str | None:
    try:
        return open_secret(subscription, keyring)
    except Exception:  # InvalidTag, or a KEK id this instance does not hold
        log.exception("webhook secret cannot be opened", extra={"event": str(subscription.id)})
        return None


def http_client(settings: Settings) -> httpx.AsyncClient:
    """Short timeout, no redirects (a redirect is a failed attempt, never followed)."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(settings.webhook_timeout_seconds),
        follow_redirects=False,
    )


async def send_due(
    *,
    session: AsyncSession,
    settings: Settings,
    keyring: Keyring | None = None,
    client: httpx.AsyncClient | None = None,
    now: datetime | None = None,
) -> SendResult:
    """Attempt one batch of due deliveries; returns what became of them."""
    now = now or datetime.now(UTC)
    # The rows stay locked while their requests run: that is what keeps a second instance from
    # sending them too. It costs an open transaction for up to webhook_timeout_seconds (the
    # requests run concurrently, so one timeout, not one per delivery), which also holds back
    # the feed's and the audit sealer's horizon for that long; a short timeout keeps it small.
    # (A lease - claim and commit, send, then record - would avoid that with a second
    # transaction per batch.)
    rows = (
        await session.execute(
            select(WebhookDelivery, WebhookSubscription, OutboxEvent)
            .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id)
            .join(OutboxEvent, OutboxEvent.id == WebhookDelivery.outbox_event_id)
            .where(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now)
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
            .limit(settings.webhook_batch_size)
            .with_for_update(of=WebhookDelivery, skip_locked=True)
        )
    ).all()
    if not rows:
        return SendResult()
    failed = 0
    live: list[tuple[WebhookDelivery, WebhookSubscription, OutboxEvent, str]] = []
    secrets: dict[uuid.UUID, str | None] = {}
    for delivery, subscription, event in rows:
        if subscription.active and subscription.id not in secrets:
            keyring = keyring or load_keyring(settings)
            secrets[subscription.id] = _open(subscription, keyring)
        secret = secrets.get(subscription.id)
        if subscription.active and secret is not None:
            live.append((delivery, subscription, event, secret))
            continue
        reason = (
            "subscription deleted"
            if not subscription.active
            else "secret cannot be opened (key-encryption key missing?)"
        )
        await webhooks.record_attempt(session, delivery, {"status": "failed", "last_error": reason})
        failed += 1
    if not live:
        return SendResult(failed=failed)

    own_client = client is None
    http = client or http_client(settings)
    try:
        attempts = await asyncio.gather(
            *(_post(http, sub.url, str(d.id), secret, payload(e)) for d, sub, e, secret in live)
        )
    finally:
        if own_client:
            await http.aclose()

    delivered = retried = 0
    attempted_at = datetime.now(UTC)
    for (delivery, _, _, _), attempt in zip(live, attempts, strict=True):
        count = delivery.attempts + 1
        changes: dict[str, object] = {
            "attempts": count,
            "last_attempt_at": attempted_at,
            "last_status_code": attempt.status_code,
            "last_error": attempt.error,
        }
        if attempt.ok:
            changes.update(status="delivered", delivered_at=attempted_at)
            delivered += 1
        elif count >= settings.webhook_max_attempts:
            changes.update(status="failed")
            failed += 1
        else:
            delay = backoff_seconds(count, settings)
            changes.update(next_attempt_at=now + timedelta(seconds=delay))
            retried += 1
        await webhooks.record_attempt(session, delivery, changes)
    return SendResult(delivered=delivered, retried=retried, failed=failed)
