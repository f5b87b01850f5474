"""Webhook delivery, in two periodic jobs that any number of instances may run at once.

Fan-out: each active subscription (locked FOR UPDATE SKIP LOCKED, so one instance handles it at
a time) reads the change feed after its position, with the visibility of the client that made
it and its event-type filter, queues one delivery per event and advances its position, all in
one transaction. The feed's own order never skips a late-committing transaction, and a
(subscription, event) pair is queued at most once, so every event is queued exactly once.

Send: due pending deliveries are claimed under a lease (a short transaction, SKIP LOCKED, so
each is attempted by one instance at a time; app/db/webhooks.py), then POSTed with no
transaction open, then their outcomes recorded in another short transaction, Standard Webhooks
style: `webhook-id` (the delivery id, the same on every
retry, for the receiver to deduplicate), `webhook-timestamp` (unix seconds) and
`webhook-signature: v1,<base64 HMAC-SHA256(secret, "{id}.{timestamp}.{body}")>`. The body holds
ids and types only. A 2xx answer delivers; anything else is retried with exponential backoff and
full jitter, and fails after `webhook_max_attempts`. Delivery is at least once: a crash between
the receiver's answer and the commit sends the same `webhook-id` again, once the lease expires.

Every destination is checked right before it is reached (app/egress.py): a name is resolved,
each address checked, and the request made to the checked address; a refused one fails the
delivery with its reason and no request. Of the answer only the status code is kept.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import random
import ssl
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app import egress
from app.config import Settings
from app.db import outbox, webhooks
from app.db.visibility import visible as db_visible
from app.keyring import Keyring, load_keyring
from app.models import OutboxEvent, WebhookDelivery, WebhookSubscription
from app.policies.visibility import subscription_events
from app.services.webhook import secret_key
from app.services.webhook_rotation import signing_secrets

if TYPE_CHECKING:
    import httpx

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


def signature_header(secrets: Sequence[str], message_id: str, timestamp: int, body: bytes) -> str:
    """One signature per secret, space-separated (the current secret first): during a rotation's
    overlap window a receiver holding either secret verifies the delivery."""
    return " ".join(sign(secret, message_id, timestamp, body) for secret in secrets)


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
            # A failing subscription keeps its position: its events are queued once it is
            # enabled again.
            .where(
                WebhookSubscription.active.is_(True), WebhookSubscription.failing_since.is_(None)
            )
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
        visible = db_visible(
            OutboxEvent,
            subscription_events(
                subscription.organisation,
                organisation_reader=subscription.organisation_reader,
                document_reader=subscription.document_reader,
            ),
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
    # Refused by the egress policy: no request was made, and none will be.
    refused: bool = False

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _headers(
    destination: egress.Destination, delivery_id: str, secrets: Sequence[str], body: bytes
) -> dict[str, str]:
    timestamp = int(time.time())
    return {
        "host": destination.target.host_header,
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": delivery_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_header(secrets, delivery_id, timestamp, body),
    }


async def _post(
    client: httpx.AsyncClient,
    destination: egress.Destination,
    delivery_id: str,
    secrets: Sequence[str],
    body: bytes,
) -> _Attempt:
    """POST to the checked address (the name as Host and TLS server name) and keep the status
    code only: the answer's body is never read (the connection is closed instead), so however
    large, slow or undecodable it is, none of it is stored and none of it is waited for."""
    import httpx

    headers = _headers(destination, delivery_id, secrets, body)
    try:
        async with client.stream(
            "POST",
            destination.url,
            content=body,
            headers=headers,
            extensions={"sni_hostname": destination.target.host},
        ) as response:
            status = response.status_code
    except httpx.TimeoutException:
        return _Attempt(None, "timeout")
    except Exception as exc:  # any failure is this delivery's, never the whole batch's
        # The exception's class only: its text may quote the URL (and tokens in it).
        return _Attempt(None, f"transport error: {type(exc).__name__}"[:200])
    if 200 <= status < 300:
        return _Attempt(status, None)
    # The receiver's body (and a redirect's Location) is never kept: it may say anything.
    return _Attempt(status, f"HTTP {status}")


async def _attempt(
    client: httpx.AsyncClient,
    url: str,
    delivery_id: str,
    secrets: Sequence[str],
    body: bytes,
    *,
    settings: Settings,
    resolver: egress.Resolver | None,
) -> _Attempt:
    """Check the destination now (the name may resolve elsewhere than when subscribed), then
    send; the whole of it, resolution included, within webhook_timeout_seconds."""
    try:
        async with asyncio.timeout(settings.webhook_timeout_seconds):
            try:
                destination = await egress.destination(
                    url,
                    production=settings.production,
                    allowed=settings.webhook_allowed_networks,
                    resolver=resolver,
                )
            except egress.Refused as refused:
                return _Attempt(None, f"refused: {refused.reason}"[:200], refused=True)
            except egress.Unresolved:
                return _Attempt(None, "the host name did not resolve")
            return await _post(client, destination, delivery_id, secrets, body)
    except TimeoutError:
        return _Attempt(None, "timeout")


def _open(subscription: WebhookSubscription, keyring: Keyring, now: datetime) -> list[str] | None:
    try:
        return signing_secrets(subscription, keyring, now=now)
    except Exception:  # InvalidTag, or a KEK id this instance does not hold
        log.exception("webhook secret cannot be opened", extra={"event": str(subscription.id)})
        return None


def http_client(settings: Settings, *, verify: ssl.SSLContext | bool = True) -> httpx.AsyncClient:
    """Short timeout, no redirects (a redirect is a failed attempt, never followed), no proxy or
    netrc from the environment, and no connection kept for another request (a connection is
    made to an address for one host name: it is not reused for another name on that address).
    httpx is imported here, by the first delivery, not with the app (app.main warms it)."""
    import httpx

    return httpx.AsyncClient(
        timeout=httpx.Timeout(settings.webhook_timeout_seconds),
        follow_redirects=False,
        verify=verify,
        trust_env=False,
        limits=httpx.Limits(max_keepalive_connections=0),
    )


def _outcome(
    delivery: WebhookDelivery,
    attempt: _Attempt,
    *,
    settings: Settings,
    now: datetime,
    attempted_at: datetime,
) -> tuple[str, dict[str, object]]:
    if attempt.refused:
        return "failed", {"status": "failed", "last_error": attempt.error}
    count = delivery.attempts + 1
    changes: dict[str, object] = {
        "attempts": count,
        "last_attempt_at": attempted_at,
        "last_status_code": attempt.status_code,
        "last_error": attempt.error,
    }
    if attempt.ok:
        changes.update(status="delivered", delivered_at=attempted_at)
        return "delivered", changes
    if count >= settings.webhook_max_attempts:
        changes.update(status="failed")
        return "failed", changes
    delay = backoff_seconds(count, settings)
    changes.update(next_attempt_at=now + timedelta(seconds=delay))
    return "retried", changes


async def send_due(
    *,
    maker: async_sessionmaker[AsyncSession],
    settings: Settings,
    keyring: Keyring | None = None,
    client: httpx.AsyncClient | None = None,
    resolver: egress.Resolver | None = None,
    now: datetime | None = None,
) -> SendResult:
    """Attempt one batch of due deliveries; returns what became of them.

    Claim (a short transaction, committed: the deliveries are leased for
    webhook_lease_seconds), send (no transaction open), record (another short transaction,
    only where the lease is still ours). A sender that crashes mid-batch leaves leases that
    expire, and the deliveries are claimed again: at least once, never twice at a time.
    """
    now = now or datetime.now(UTC)
    token = uuid.uuid4()
    claimed = await webhooks.claim_due(
        maker,
        now=now,
        lease_seconds=settings.webhook_lease_seconds,
        limit=settings.webhook_batch_size,
        token=token,
    )
    if not claimed:
        return SendResult()
    outcomes: list[webhooks.Outcome] = []
    kinds: dict[uuid.UUID, str] = {}
    live: list[tuple[WebhookDelivery, WebhookSubscription, OutboxEvent, list[str]]] = []
    secrets: dict[uuid.UUID, list[str] | None] = {}
    for delivery, subscription, event in claimed:
        if subscription.active and subscription.id not in secrets:
            keyring = keyring or load_keyring(settings)
            secrets[subscription.id] = _open(subscription, keyring, now)
        secret = secrets.get(subscription.id)
        if subscription.active and secret is not None:
            live.append((delivery, subscription, event, secret))
            continue
        reason = (
            "subscription deleted"
            if not subscription.active
            else "secret cannot be opened (key-encryption key missing?)"
        )
        outcomes.append(webhooks.Outcome(delivery.id, {"status": "failed", "last_error": reason}))
        kinds[delivery.id] = "failed"

    if live:
        own_client = client is None
        http = client or http_client(settings)
        try:
            attempts = await asyncio.gather(
                *(
                    _attempt(
                        http,
                        sub.url,
                        str(d.id),
                        secret,
                        payload(e),
                        settings=settings,
                        resolver=resolver,
                    )
                    for d, sub, e, secret in live
                )
            )
        finally:
            if own_client:
                await http.aclose()
        attempted_at = datetime.now(UTC)
        for (delivery, subscription, _, _), attempt in zip(live, attempts, strict=True):
            kind, changes = _outcome(
                delivery, attempt, settings=settings, now=now, attempted_at=attempted_at
            )
            # A delivery that failed for good marks its subscription failing: nothing more is
            # sent to it until its owner enables it again.
            failing = subscription.id if kind == "failed" else None
            outcomes.append(webhooks.Outcome(delivery.id, changes, failing=failing))
            kinds[delivery.id] = kind

    recorded = await webhooks.record_outcomes(maker, token=token, outcomes=outcomes)
    counts = {"delivered": 0, "retried": 0, "failed": 0}
    for delivery_id in recorded:
        counts[kinds[delivery_id]] += 1
    return SendResult(**counts)
