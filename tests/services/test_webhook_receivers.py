"""What webhook receivers expect, verified as a receiver would, with the `standardwebhooks`
library: signatures under the current secret, under both secrets during a rotation's overlap
window, the delivery log (without the receiver's body), a subscription marked failing after the
last retry and enabled again by its owner, redelivery, and the purge of old deliveries."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, text
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from app.background import JOBS, fan_out_webhooks, purge_webhook_deliveries, run_job, send_webhooks
from app.config import Settings
from app.models import AuditEvent, OutboxEvent, WebhookSubscription
from tests import factories
from tests.factories import Auth
from tests.services.test_webhook_delivery import (
    Committed,
    Received,
    Receiver,
    deliveries,
    integration,
    maker,
    manager,
    receiver,
    settings,
    subscribe,
)

__all__ = ["receiver", "settings"]


def verify(secret: str, received: Received) -> Any:
    """A receiver's check: raises WebhookVerificationError unless a signature matches."""
    return Webhook(secret).verify(received.body, received.headers)


async def deliver(committed: Committed, settings: Settings) -> int:
    _, engine = committed
    await run_job(maker(engine), settings, fan_out_webhooks)
    return await run_job(maker(engine), settings, send_webhooks)


async def audited(committed: Committed, action: str) -> list[AuditEvent]:
    _, engine = committed
    async with maker(engine)() as session:
        rows = await session.scalars(select(AuditEvent).where(AuditEvent.action == action))
        return list(rows)


async def test_signatures_verify_with_standardwebhooks_through_a_rotation_overlap(
    committed_client: Committed, auth: Auth, settings: Settings, receiver: Receiver
) -> None:
    client, _ = committed_client
    hook = integration(auth)
    subscription = await subscribe(client, hook, receiver.url)
    first_secret = subscription["secret"]
    await factories.create_authority(client, manager(auth), name="Before rotation")
    assert await deliver(committed_client, settings) == 1
    before = receiver.received[-1]
    assert verify(first_secret, before)["data"]["resource_type"] == "authority"
    assert len(before.headers["webhook-signature"].split(" ")) == 1

    rotate = f"/v1/webhooks/{subscription['id']}:rotate-secret"
    rotated = await client.post(
        rotate, json={"overlap_seconds": 3600}, headers={**hook, "If-Match": '"v1"'}
    )
    assert rotated.status_code == 200, rotated.text
    body = rotated.json()
    second_secret = body["secret"]
    assert second_secret.startswith("whsec_")
    assert second_secret != first_secret
    assert rotated.headers["ETag"] == '"v2"'
    assert rotated.headers["Cache-Control"] == "no-store"
    expires = datetime.fromisoformat(body["rotation_overlap_until"])
    assert timedelta(minutes=59) < expires - datetime.now(UTC) <= timedelta(hours=1)
    # the secret is in the rotating response only
    shown = await client.get(f"/v1/webhooks/{subscription['id']}", headers=hook)
    assert "secret" not in shown.json()
    assert shown.json()["rotation_overlap_until"] == body["rotation_overlap_until"]

    # During the overlap: two signatures, each secret verifies the delivery on its own.
    await factories.create_authority(client, manager(auth), name="During the overlap")
    assert await deliver(committed_client, settings) == 1
    during = receiver.received[-1]
    assert len(during.headers["webhook-signature"].split(" ")) == 2
    assert verify(second_secret, during) == verify(first_secret, during)
    with pytest.raises(WebhookVerificationError):
        verify("whsec_" + "QUJD" * 8, during)  # any other secret does not

    # A rotation with no overlap: only the newest secret signs from now on.
    again = await client.post(
        rotate, json={"overlap_seconds": 0}, headers={**hook, "If-Match": '"v2"'}
    )
    assert again.status_code == 200, again.text
    assert again.json()["rotation_overlap_until"] is None
    third_secret = again.json()["secret"]
    await factories.create_authority(client, manager(auth), name="After the overlap")
    assert await deliver(committed_client, settings) == 1
    after = receiver.received[-1]
    verify(third_secret, after)
    for old in (first_secret, second_secret):
        with pytest.raises(WebhookVerificationError):
            verify(old, after)

    # A stale If-Match is refused; an overlap above the maximum is shortened to it.
    stale = await client.post(rotate, json={}, headers={**hook, "If-Match": '"v1"'})
    assert stale.status_code == 412
    longest = await client.post(
        rotate, json={"overlap_seconds": 30 * 86400}, headers={**hook, "If-Match": '"v3"'}
    )
    assert longest.status_code == 200, longest.text
    ends = datetime.fromisoformat(longest.json()["rotation_overlap_until"]) - datetime.now(UTC)
    maximum = timedelta(seconds=settings.webhook_secret_overlap_max_seconds)
    assert maximum - timedelta(minutes=1) < ends <= maximum
    events = await audited(committed_client, "webhook.secret_rotated")
    assert [e.details["overlap_seconds"] for e in events] == [3600, 0, 7 * 86400]
    assert all(second_secret not in str(e.details) for e in events)


async def test_a_failing_subscription_waits_for_its_owner_then_redelivers(
    committed_client: Committed, auth: Auth, settings: Settings, receiver: Receiver
) -> None:
    client, engine = committed_client
    settings = settings.model_copy(update={"webhook_max_attempts": 1})
    hook = integration(auth)
    subscription = await subscribe(client, hook, receiver.url)
    path = f"/v1/webhooks/{subscription['id']}"
    receiver.status = 500
    await factories.create_authority(client, manager(auth), name="Refused by the receiver")
    assert await deliver(committed_client, settings) == 1

    # The last retry failed: the subscription is failing, the delivery log says why (not the
    # receiver's body).
    shown = (await client.get(path, headers=hook)).json()
    assert shown["failing_since"] is not None
    assert shown["version"] == 1  # bookkeeping, not the owner's change
    log = await client.get(f"{path}/deliveries", headers=hook)
    assert log.status_code == 200, log.text
    [failed] = log.json()["items"]
    assert failed["status"] == "failed"
    assert failed["attempts"] == 1
    assert (failed["last_status_code"], failed["last_error"]) == (500, "HTTP 500")
    assert failed["next_attempt_at"] is None
    assert failed["event_type"] == "authority.created"
    assert failed["id"] == receiver.received[-1].headers["webhook-id"]
    assert "stack trace" not in log.text

    # Nothing more is queued or sent while it fails; a redelivery waits for the owner.
    await factories.create_authority(client, manager(auth), name="While failing")
    assert await deliver(committed_client, settings) == 0
    assert len(receiver.received) == 1
    redeliver = f"{path}/deliveries/{failed['id']}:redeliver"
    refused = await client.post(redeliver, headers=hook)
    assert refused.status_code == 409
    assert "enable it first" in refused.json()["detail"]
    other_org = auth("FR", ["integration"], sub="fr-cms", scopes=["webhooks:write"])
    assert (
        await client.post(f"{path}:enable", headers={**other_org, "If-Match": '"v1"'})
    ).status_code == 404

    receiver.status = 200
    enabled = await client.post(f"{path}:enable", headers={**hook, "If-Match": '"v1"'})
    assert enabled.status_code == 200, enabled.text
    assert enabled.json()["failing_since"] is None
    assert enabled.headers["ETag"] == '"v2"'
    not_failing = await client.post(f"{path}:enable", headers={**hook, "If-Match": '"v2"'})
    assert not_failing.status_code == 409
    # The event that waited is queued and sent now.
    assert await deliver(committed_client, settings) == 1

    again = await client.post(redeliver, headers=hook)
    assert again.status_code == 200, again.text
    assert (again.json()["status"], again.json()["attempts"]) == ("pending", 0)
    assert again.json()["next_attempt_at"] is not None
    assert (await client.post(redeliver, headers=hook)).status_code == 409  # still pending
    assert await deliver(committed_client, settings) == 1
    resent = receiver.received[-1]
    assert resent.headers["webhook-id"] == failed["id"]  # the same message again
    verify(subscription["secret"], resent)
    rows = {str(d.id): d for d in await deliveries(engine)}
    assert rows[failed["id"]].status == "delivered"
    assert {d.status for d in rows.values()} == {"delivered"}
    delivered = await client.get(f"{path}/deliveries", params={"status": "delivered"}, headers=hook)
    assert len(delivered.json()["items"]) == 2
    [redelivered] = await audited(committed_client, "webhook.redelivered")
    assert (redelivered.resource_type, redelivered.resource_id) == (
        "webhook_delivery",
        failed["id"],
    )
    assert redelivered.details["subscription_id"] == subscription["id"]
    assert redelivered.details["previous_status"] == "failed"
    assert len(await audited(committed_client, "webhook.enabled")) == 1
    # A redelivery is audited only, never on the change feed.
    async with maker(engine)() as session:
        on_feed = select(func.count()).select_from(OutboxEvent)
        assert await session.scalar(on_feed.where(OutboxEvent.type == "webhook.redelivered")) == 0

    # A delivery is redelivered under its own subscription only: under another it is not found.
    other = await subscribe(client, hook, receiver.url)
    elsewhere = await client.post(
        f"/v1/webhooks/{other['id']}/deliveries/{failed['id']}:redeliver", headers=hook
    )
    assert elsewhere.status_code == 404, elsewhere.text
    assert elsewhere.json()["detail"] == (
        f"No webhook delivery {failed['id']} of subscription {other['id']}."
    )
    assert len(await audited(committed_client, "webhook.redelivered")) == 1


async def test_old_deliveries_are_purged_once_pending_ones_stay(
    committed_client: Committed, auth: Auth, settings: Settings, receiver: Receiver
) -> None:
    client, engine = committed_client
    await subscribe(client, integration(auth), receiver.url)
    for name in ("One", "Two"):
        await factories.create_authority(client, manager(auth), name=name)
    assert await deliver(committed_client, settings) == 2
    receiver.status = 503
    await factories.create_authority(client, manager(auth), name="Pending")
    assert await deliver(committed_client, settings) == 1  # retried: still pending
    old = datetime.now(UTC) - timedelta(days=settings.webhook_delivery_retention_days + 1)
    async with maker(engine)() as session, session.begin():
        await session.execute(text("UPDATE webhook_delivery SET created_at = :old"), {"old": old})
    assert ("webhooks.purge", purge_webhook_deliveries) in [(n, j) for n, j, _ in JOBS]
    # two instances purging at once: together they delete each old row once, and neither waits
    together = await asyncio.gather(
        run_job(maker(engine), settings, purge_webhook_deliveries),
        run_job(maker(engine), settings, purge_webhook_deliveries),
    )
    assert sum(together) == 2
    assert await run_job(maker(engine), settings, purge_webhook_deliveries) == 0
    left = await deliveries(engine)
    assert [d.status for d in left] == ["pending"]
    async with maker(engine)() as session:
        assert await session.scalar(select(func.count()).select_from(WebhookSubscription)) == 1


async def test_405_on_an_action_path_names_its_own_methods_only(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    hook = "e3e70682-c209-4cac-a29f-6fbed82c07cd"
    for path, allowed in (
        (f"/v1/webhooks/{hook}:enable", "POST"),
        (f"/v1/webhooks/{hook}:rotate-secret", "POST"),
        (f"/v1/webhooks/{hook}/deliveries/{hook}:redeliver", "POST"),
        (f"/v1/webhooks/{hook}", "DELETE, GET"),
    ):
        response = await client.request("OPTIONS", path, headers=integration(auth))
        assert response.status_code == 405, path
        assert response.headers["Allow"] == allowed, path
    # a GET of an action path is not taken for a read of a subscription named "…:enable"
    refused = await client.get(f"/v1/webhooks/{hook}:enable", headers=integration(auth))
    assert (refused.status_code, refused.headers["Allow"]) == (405, "POST")
