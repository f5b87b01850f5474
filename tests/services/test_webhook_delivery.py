"""Webhook delivery: fan-out from the change feed with the subscriber's visibility and filter,
Standard Webhooks signatures checked by an independent HMAC, retries with bounded jittered
backoff until failure, and each event delivered once with two instances at work.

These run on `committed_client` (the feed only shows committed transactions below the oldest one
in flight) against a real HTTP receiver on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import ipaddress
import json
import ssl
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from app import egress
from app.background import JOBS, fan_out_webhooks, run_job, send_webhooks
from app.config import Settings
from app.db import webhooks
from app.db.outbox import decode_position
from app.models import OutboxEvent, WebhookDelivery, WebhookSubscription
from app.services.webhook_delivery import backoff_seconds, fan_out, http_client, send_due
from tests import factories
from tests.conftest import FreshDatabase
from tests.factories import OFFICER_PERSONAL_DATA, PLAINTEXT, Auth

Committed = tuple[httpx.AsyncClient, AsyncEngine]
WEBHOOK_HEADERS = {"webhook-id", "webhook-timestamp", "webhook-signature"}


# The receivers are on this machine: allowed explicitly, as nothing but public addresses is.
LOCAL_RECEIVERS = [ipaddress.ip_network("127.0.0.1/32")]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"webhook_allowed_networks": LOCAL_RECEIVERS})


# --- a receiver --------------------------------------------------------------------------------


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict[str, Any]:
        document: dict[str, Any] = json.loads(self.body)
        return document


@dataclass
class Receiver:
    """A minimal HTTP/1.1 server: records each request, answers `status` after `delay`."""

    status: int = 200
    delay: float = 0.0
    received: list[Received] = field(default_factory=list)
    port: int = 0
    # Set when a request has arrived; while `gate` is set up and closed, the answer waits for it.
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    gate: asyncio.Event | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/ilonet"

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
            request_line, *lines = head.split("\r\n")
            method, path, _ = request_line.split(" ", 2)
            headers: dict[str, str] = {}
            for line in lines:
                if line:
                    name, value = line.split(":", 1)
                    headers[name.strip().lower()] = value.strip()
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            self.received.append(Received(method, path, headers, body))
            self.arrived.set()
            if self.gate is not None:
                await self.gate.wait()
            if self.delay:
                await asyncio.sleep(self.delay)
            answer = b"internal stack trace of the receiver" if self.status >= 400 else b""
            writer.write(
                f"HTTP/1.1 {self.status} Whatever\r\nContent-Length: {len(answer)}\r\n"
                "Connection: close\r\n\r\n".encode()
                + answer
            )
            await writer.drain()
        finally:
            writer.close()

    def in_feed_order(self) -> list[Received]:
        """Deliveries run concurrently, so they arrive in any order; the position orders them."""
        return sorted(self.received, key=lambda r: decode_position(r.json["data"]["position"]))

    def types(self) -> list[str]:
        return [r.json["type"] for r in self.in_feed_order()]


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    box = Receiver()
    server = await asyncio.start_server(box.handle, "127.0.0.1", 0)
    box.port = server.sockets[0].getsockname()[1]
    try:
        yield box
    finally:
        server.close()
        await server.wait_closed()


# --- helpers -----------------------------------------------------------------------------------


def integration(auth: Auth, *scopes: str, sub: str = "nl-cms") -> dict[str, str]:
    return auth("NL", ["integration"], sub=sub, scopes=["webhooks:write", *scopes])


async def subscribe(
    client: httpx.AsyncClient, headers: dict[str, str], url: str, **body: Any
) -> dict[str, Any]:
    response = await client.post("/v1/webhooks", json={"url": url, **body}, headers=headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def manager(auth: Auth) -> dict[str, str]:
    return auth("NL", ["deploying_authority"], sub="nl-manager")


def maker(engine: AsyncEngine) -> async_sessionmaker[Any]:
    return async_sessionmaker(engine, expire_on_commit=False)


async def deliveries(engine: AsyncEngine) -> list[WebhookDelivery]:
    async with maker(engine)() as session:
        rows = await session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.created_at))
        return list(rows)


def expected_signature(secret: str, received: Received) -> str:
    """Standard Webhooks, computed here without the app's code."""
    key = base64.b64decode(secret.split("_", 1)[1])
    signed = (
        received.headers["webhook-id"].encode()
        + b"."
        + received.headers["webhook-timestamp"].encode()
        + b"."
        + received.body
    )
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


# --- delivery ----------------------------------------------------------------------------------


async def test_a_planned_deployment_is_delivered_signed_with_ids_and_types_only(
    committed_client: Committed, auth: Auth, settings: Settings, receiver: Receiver
) -> None:
    client, engine = committed_client
    before = await factories.create_authority(client, manager(auth), name="Before")
    subscription = await subscribe(client, integration(auth), receiver.url)
    _, officer, deployment = await factories.create_deployment_chain(client, manager(auth))

    assert await run_job(maker(engine), settings, fan_out_webhooks) == 3
    assert await run_job(maker(engine), settings, send_webhooks) == 3

    # Only what came after the subscription; its own creation is organisation-visible and this
    # client is no organisation reader.
    assert receiver.types() == ["authority.created", "officer.created", "deployment.planned"]
    assert before["id"] not in b"".join(r.body for r in receiver.received).decode()
    planned = receiver.in_feed_order()[-1]
    assert (planned.method, planned.path) == ("POST", "/hooks/ilonet")
    assert planned.headers["content-type"] == "application/json"
    assert set(planned.headers) >= WEBHOOK_HEADERS
    assert planned.headers["webhook-signature"] == expected_signature(
        subscription["secret"], planned
    )
    assert abs(int(planned.headers["webhook-timestamp"]) - time.time()) < 60
    # a signature under another secret, or over another body, does not match
    forged = Received(planned.method, planned.path, planned.headers, planned.body + b" ")
    assert planned.headers["webhook-signature"] != expected_signature(
        subscription["secret"], forged
    )

    body = planned.json
    assert set(body) == {"type", "timestamp", "data"}
    assert set(body["data"]) == {"resource_type", "resource_id", "organisation", "position"}
    assert body["data"]["resource_type"] == "deployment"
    assert body["data"]["resource_id"] == deployment["id"]
    assert body["data"]["organisation"] == "NL"
    datetime.fromisoformat(body["timestamp"])
    feed = await client.get(
        "/v1/events", headers=auth("NL", ["deploying_authority"]), params={"limit": 200}
    )
    positions = {e["resource_id"]: e["position"] for e in feed.json()["items"]}
    assert body["data"]["position"] == positions[deployment["id"]]
    everything = b"".join(r.body + json.dumps(r.headers).encode() for r in receiver.received)
    for personal in (*OFFICER_PERSONAL_DATA, officer["surname"], officer["given_names"]):
        assert personal.encode() not in everything

    rows = await deliveries(engine)
    assert [(d.status, d.attempts, d.last_status_code, d.last_error) for d in rows] == [
        ("delivered", 1, 200, None)
    ] * 3
    assert {str(d.id) for d in rows} == {r.headers["webhook-id"] for r in receiver.received}
    assert all(d.delivered_at is not None for d in rows)

    # Nothing new: both jobs are no-ops, nothing is sent twice.
    assert await run_job(maker(engine), settings, fan_out_webhooks) == 0
    assert await run_job(maker(engine), settings, send_webhooks) == 0
    assert len(receiver.received) == 3
    names = [name for name, _, _ in JOBS]
    assert {"webhooks.fan_out", "webhooks.send"} <= set(names)


async def test_organisation_events_reach_organisation_readers_only(
    committed_client: Committed, auth: Auth, settings: Settings, receiver: Receiver
) -> None:
    client, engine = committed_client
    plain = await subscribe(client, integration(auth), receiver.url + "/plain")
    reader = await subscribe(
        client, integration(auth, "processing:read", sub="nl-dpo-system"), receiver.url + "/dpo"
    )
    ilo = await factories.deployed_ilo(client, auth)
    record = await factories.create_record(client, ilo)

    await run_job(maker(engine), settings, fan_out_webhooks)
    await run_job(maker(engine), settings, send_webhooks)

    by_path: dict[str, list[tuple[str, str]]] = {}
    for r in receiver.in_feed_order():
        key = r.path.rsplit("/", 1)[-1]
        by_path.setdefault(key, []).append((r.json["type"], r.json["data"]["resource_id"]))
    network = [
        ("authority.created", ilo.authority_id),
        ("officer.created", ilo.officer_id),
        ("deployment.planned", ilo.deployment_id),
        ("deployment.deployed", ilo.deployment_id),
    ]
    assert by_path["plain"] == network
    assert sorted(by_path["dpo"]) == sorted(
        [
            ("webhook.created", reader["id"]),
            *network,
            ("processing_record.created", record["id"]),
        ]
    )
    assert plain["id"] not in [rid for _, rid in by_path["dpo"]], "created before, not after"
    everything = b"".join(r.body for r in receiver.received)
    for value in PLAINTEXT:
        assert value.encode() not in everything


async def test_acl_org_document_events_reach_subscriptions_by_the_documents_audience(
    committed_client: Committed, auth: Auth, settings: Settings, receiver: Receiver
) -> None:
    """ILO-5.1, ILO-9.3: a subscription made by a client that read documents gets a document's
    events when the feed would show them to it — a network's document for the organisations
    with a member in it — and one made without documents:read gets none."""
    client, engine = committed_client
    plain = integration(auth)
    await subscribe(client, plain, receiver.url + "/plain", event_types=["document.uploaded"])
    await subscribe(
        client,
        integration(auth, "documents:read", sub="nl-docs"),
        receiver.url + "/nl",
        event_types=["document.uploaded"],
    )
    fr = auth("FR", ["integration"], sub="fr-docs", scopes=["webhooks:write", "documents:read"])
    await subscribe(client, fr, receiver.url + "/fr", event_types=["document.uploaded"])
    ilo = await factories.deployed_ilo(client, auth)
    network = await client.post(
        "/v1/networks",
        json={"name": "ILO network Senegal", "kind": "local", "countries": ["SN"]},
        headers=manager(auth),
    )
    assert network.status_code == 201, network.text
    uploads = {}
    for audience, extra in (("network", {"network_id": network.json()["id"]}), ("all_ilos", {})):
        body = {
            "title": f"Route notes for {audience}",
            "category": "a_analytical_product",
            "audience": audience,
            "media_type": "text/plain",
            "content": "Departures from Saint-Louis rose in the third quarter.",
            **extra,
        }
        uploaded = await client.post("/v1/documents", json=body, headers=ilo.headers)
        assert uploaded.status_code == 201, uploaded.text
        uploads[audience] = uploaded.json()["id"]

    await run_job(maker(engine), settings, fan_out_webhooks)
    await run_job(maker(engine), settings, send_webhooks)

    by_path: dict[str, list[str]] = {"plain": [], "nl": [], "fr": []}
    for r in receiver.in_feed_order():
        by_path[r.path.rsplit("/", 1)[-1]].append(r.json["data"]["resource_id"])
    assert by_path == {
        "plain": [],
        "nl": [uploads["network"], uploads["all_ilos"]],
        "fr": [uploads["all_ilos"]],
    }
    # the change feed shows the same clients the same documents
    for org, sub, path in (("NL", "nl-docs", "nl"), ("FR", "fr-docs", "fr")):
        reader = auth(org, ["integration"], sub=sub, scopes=["documents:read", "events:read"])
        feed = await client.get("/v1/events?limit=200", headers=reader)
        assert feed.status_code == 200, feed.text
        shown = [e["resource_id"] for e in feed.json()["items"] if e["type"] == "document.uploaded"]
        assert shown == by_path[path]


async def test_the_event_type_filter(
    committed_client: Committed, auth: Auth, settings: Settings, receiver: Receiver
) -> None:
    client, engine = committed_client
    await subscribe(client, integration(auth), receiver.url, event_types=["deployment.planned"])
    for _ in range(2):
        await factories.create_deployment_chain(client, manager(auth))
    skipped = await factories.create_authority(client, manager(auth), name="Skipped")

    assert await run_job(maker(engine), settings, fan_out_webhooks) == 2
    await run_job(maker(engine), settings, send_webhooks)
    assert receiver.types() == ["deployment.planned", "deployment.planned"]
    async with maker(engine)() as session:
        subscription = (await session.scalars(select(WebhookSubscription))).one()
        last = (
            await session.execute(
                select(OutboxEvent.txid, OutboxEvent.id).where(
                    OutboxEvent.resource_id == skipped["id"]
                )
            )
        ).one()
    # The position passed the events the filter left out too: they are not scanned again.
    assert (subscription.position_txid, subscription.position_id) > tuple(last)


async def test_a_backlog_is_fanned_out_in_batches_without_a_gap(
    committed_client: Committed, auth: Auth, settings: Settings, receiver: Receiver
) -> None:
    client, engine = committed_client
    two = settings.model_copy(update={"webhook_batch_size": 2})
    await subscribe(client, integration(auth), receiver.url)
    await factories.create_deployment_chain(client, manager(auth))
    await factories.create_authority(client, manager(auth), name="Fourth")

    queued = [await run_job(maker(engine), two, fan_out_webhooks) for _ in range(3)]
    assert queued == [2, 2, 0]
    while await run_job(maker(engine), two, send_webhooks):
        pass
    assert receiver.types() == [
        "authority.created",
        "officer.created",
        "deployment.planned",
        "authority.created",
    ]


async def test_a_failing_receiver_is_retried_with_jittered_backoff_then_failed(
    committed_client: Committed, auth: Auth, settings: Settings, receiver: Receiver
) -> None:
    client, engine = committed_client
    small = settings.model_copy(
        update={
            "webhook_max_attempts": 3,
            "webhook_backoff_base_seconds": 10.0,
            "webhook_backoff_cap_seconds": 15.0,
        }
    )
    receiver.status = 500
    await subscribe(client, integration(auth), receiver.url, event_types=["authority.created"])
    await factories.create_authority(client, manager(auth))
    await run_job(maker(engine), small, fan_out_webhooks)

    now = datetime.now(UTC)
    ceilings = [10.0, 15.0]  # min(cap, base * 2**(attempts - 1)) after the 1st and 2nd failure
    for attempt, ceiling in enumerate(ceilings, start=1):
        result = await send_due(maker=maker(engine), settings=small, now=now)
        assert (result.retried, result.failed, result.delivered) == (1, 0, 0)
        (delivery,) = await deliveries(engine)
        assert (delivery.status, delivery.attempts) == ("pending", attempt)
        assert (delivery.last_status_code, delivery.last_error) == (500, "HTTP 500")
        delay = (delivery.next_attempt_at - now).total_seconds()
        assert 1.0 <= delay <= ceiling
        # not due yet: nothing is sent before next_attempt_at
        early = await send_due(
            maker=maker(engine),
            settings=small,
            now=delivery.next_attempt_at - timedelta(seconds=0.5),
        )
        assert early.total == 0
        assert len(receiver.received) == attempt
        now = delivery.next_attempt_at

    result = await send_due(maker=maker(engine), settings=small, now=now)
    assert (result.retried, result.failed) == (0, 1)
    (delivery,) = await deliveries(engine)
    assert (delivery.status, delivery.attempts, delivery.delivered_at) == ("failed", 3, None)
    assert "trace" not in (delivery.last_error or "")
    assert len(receiver.received) == 3
    # every attempt is the same message: same id, the receiver can deduplicate
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 1
    later = await send_due(maker=maker(engine), settings=small, now=now + timedelta(days=1))
    assert later.total == 0


def test_backoff_is_full_jitter_below_an_exponential_ceiling(settings: Settings) -> None:
    base, cap = settings.webhook_backoff_base_seconds, settings.webhook_backoff_cap_seconds
    for attempts in range(1, 16):
        ceiling = min(cap, base * 2 ** (attempts - 1))
        assert backoff_seconds(attempts, settings, lambda low, high: high) == ceiling
        assert backoff_seconds(attempts, settings, lambda low, high: low) == 1.0
        assert all(1.0 <= backoff_seconds(attempts, settings) <= ceiling for _ in range(50))
    assert backoff_seconds(40, settings, lambda low, high: high) == cap


async def test_a_deleted_subscription_gets_nothing_more(
    committed_client: Committed, auth: Auth, settings: Settings, receiver: Receiver
) -> None:
    client, engine = committed_client
    created = await subscribe(client, integration(auth), receiver.url)
    await factories.create_authority(client, manager(auth))
    await run_job(maker(engine), settings, fan_out_webhooks)
    deleted = await client.delete(
        f"/v1/webhooks/{created['id']}", headers={**integration(auth), "If-Match": '"v1"'}
    )
    assert deleted.status_code == 204
    await factories.create_authority(client, manager(auth), name="After")

    assert await run_job(maker(engine), settings, fan_out_webhooks) == 0
    assert await run_job(maker(engine), settings, send_webhooks) == 1
    assert receiver.received == []
    (delivery,) = await deliveries(engine)
    assert (delivery.status, delivery.last_error, delivery.attempts) == (
        "failed",
        "subscription deleted",
        0,
    )


async def test_two_instances_deliver_each_event_once(
    committed_client: Committed, auth: Auth, settings: Settings, receiver: Receiver
) -> None:
    client, engine = committed_client
    two = settings.model_copy(update={"webhook_batch_size": 2})
    receiver.delay = 0.3  # both senders are mid-request at the same time
    await subscribe(client, integration(auth), receiver.url)
    await subscribe(client, integration(auth, sub="nl-cms-2"), receiver.url + "/second")
    await factories.create_deployment_chain(client, manager(auth))

    queued = list(
        await asyncio.gather(
            run_job(maker(engine), two, fan_out_webhooks),
            run_job(maker(engine), two, fan_out_webhooks),
        )
    )
    # Whether the two runs overlapped (one skips the locked subscriptions) or not (the second
    # takes the next batch), the events are queued once each.
    while more := await run_job(maker(engine), two, fan_out_webhooks):
        queued.append(more)
    assert sum(queued) == 6
    sent = list(
        await asyncio.gather(
            run_job(maker(engine), two, send_webhooks), run_job(maker(engine), two, send_webhooks)
        )
    )
    assert sorted(sent) == [2, 2], "each sender took its own batch, none waited for the other"
    while sum(sent) < 6:
        sent.append(await run_job(maker(engine), two, send_webhooks))
    ids = [r.headers["webhook-id"] for r in receiver.received]
    assert len(ids) == len(set(ids)) == 6
    rows = await deliveries(engine)
    assert sorted(str(d.id) for d in rows) == sorted(ids)
    assert {(d.status, d.attempts) for d in rows} == {("delivered", 1)}
    pairs = {(d.subscription_id, d.outbox_event_id) for d in rows}
    assert len(pairs) == 6


async def test_concurrent_fan_outs_of_one_subscription_queue_each_event_once(
    committed_client: Committed, auth: Auth, settings: Settings, receiver: Receiver
) -> None:
    """The second fan-out skips the locked subscription instead of queueing the same events."""
    client, engine = committed_client
    await subscribe(client, integration(auth), receiver.url)
    await factories.create_deployment_chain(client, manager(auth))
    async with maker(engine)() as first, first.begin():
        assert await fan_out(session=first, settings=settings) == 3
        async with maker(engine)() as second, second.begin():
            assert await fan_out(session=second, settings=settings) == 0
    assert await run_job(maker(engine), settings, fan_out_webhooks) == 0
    assert len(await deliveries(engine)) == 3
    assert {d.subscription_id for d in await deliveries(engine)} == {
        uuid.UUID(
            (await client.get("/v1/webhooks", headers=integration(auth))).json()["items"][0]["id"]
        )
    }


async def test_redirects_are_not_followed_and_transport_errors_are_retried(
    committed_client: Committed, auth: Auth, settings: Settings, receiver: Receiver
) -> None:
    client, engine = committed_client
    receiver.status = 307
    closed = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    dead_port = closed.sockets[0].getsockname()[1]
    closed.close()
    await closed.wait_closed()
    redirected = await subscribe(client, integration(auth), receiver.url)
    unreachable = await subscribe(
        client, integration(auth, sub="nl-cms-2"), f"http://127.0.0.1:{dead_port}/gone"
    )
    await factories.create_authority(client, manager(auth))
    await run_job(maker(engine), settings, fan_out_webhooks)
    result = await send_due(maker=maker(engine), settings=settings)
    assert (result.retried, result.delivered, result.failed) == (2, 0, 0)
    assert len(receiver.received) == 1
    by_subscription = {str(d.subscription_id): d for d in await deliveries(engine)}
    moved = by_subscription[redirected["id"]]
    assert (moved.status, moved.last_status_code, moved.last_error) == ("pending", 307, "HTTP 307")
    gone = by_subscription[unreachable["id"]]
    assert (gone.status, gone.last_status_code) == ("pending", None)
    assert gone.last_error == "transport error: ConnectError"


# --- leases: no transaction across HTTP, one sender at a time -------------------------------------

APP_BACKENDS = (
    "SELECT pid, state, backend_xid::text AS xid, backend_xmin::text AS xmin "
    "FROM pg_stat_activity "
    "WHERE datname = current_database() AND application_name = 'ilonet' "
    "AND pid <> pg_backend_pid()"
)


async def one_pending_delivery(
    client: httpx.AsyncClient, engine: AsyncEngine, auth: Auth, settings: Settings, url: str
) -> WebhookDelivery:
    await subscribe(client, integration(auth), url, event_types=["authority.created"])
    await factories.create_authority(client, manager(auth))
    assert await run_job(maker(engine), settings, fan_out_webhooks) == 1
    (delivery,) = await deliveries(engine)
    return delivery


async def test_no_transaction_is_open_while_a_delivery_is_sent_and_no_second_sender_takes_it(
    committed_client: Committed,
    fresh_db: FreshDatabase,
    auth: Auth,
    settings: Settings,
    receiver: Receiver,
) -> None:
    client, engine = committed_client
    await one_pending_delivery(client, engine, auth, settings, receiver.url)
    receiver.gate = asyncio.Event()
    sending = asyncio.create_task(run_job(maker(engine), settings, send_webhooks))
    try:
        await asyncio.wait_for(receiver.arrived.wait(), timeout=30)
        # The request is in progress, its answer held back: what does the database see?
        async with factories.connected(fresh_db.app_url) as db:
            backends = [dict(row) for row in await db.fetch(APP_BACKENDS)]
            claimed = await db.fetchrow(
                "SELECT status, leased_until IS NOT NULL AS leased, lease_token FROM "
                "webhook_delivery"
            )
        # A second sender meanwhile finds nothing due: the lease keeps it off.
        second = await send_due(maker=maker(engine), settings=settings)
    finally:
        receiver.gate.set()
    assert await sending == 1

    assert backends, "the app's pooled connections are there to be seen"
    assert [(b["state"], b["xid"], b["xmin"]) for b in backends] == [("idle", None, None)] * len(
        backends
    )
    assert claimed is not None
    assert (claimed["status"], claimed["leased"]) == ("pending", True)
    assert second.total == 0
    assert len(receiver.received) == 1
    (delivery,) = await deliveries(engine)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 200)
    assert (delivery.leased_until, delivery.lease_token) == (None, None)


async def test_an_expired_lease_is_claimed_again_and_the_first_senders_late_outcome_ignored(
    committed_client: Committed, auth: Auth, settings: Settings, receiver: Receiver
) -> None:
    """A sender that claimed and then vanished (crashed, or stalled past its lease)."""
    client, engine = committed_client
    queued = await one_pending_delivery(client, engine, auth, settings, receiver.url)
    now = datetime.now(UTC)
    lease = timedelta(seconds=settings.webhook_lease_seconds)
    vanished = uuid.uuid4()
    (claimed,) = await webhooks.claim_due(
        maker(engine),
        now=now,
        lease_seconds=settings.webhook_lease_seconds,
        limit=10,
        token=vanished,
    )
    assert claimed[0].id == queued.id

    # Until the lease expires nobody else sends it.
    early = await send_due(maker=maker(engine), settings=settings, now=now + lease * 0.99)
    assert early.total == 0
    assert receiver.received == []

    # Then another sender claims it; the first one's outcome, arriving now, is not stored.
    receiver.gate = asyncio.Event()
    taking_over = asyncio.create_task(
        send_due(maker=maker(engine), settings=settings, now=now + lease * 1.01)
    )
    try:
        await asyncio.wait_for(receiver.arrived.wait(), timeout=30)
        late = await webhooks.record_outcomes(
            maker(engine),
            token=vanished,
            outcomes=[webhooks.Outcome(queued.id, {"status": "failed", "last_error": "late"})],
        )
    finally:
        receiver.gate.set()
    result = await taking_over
    assert late == set()
    assert (result.delivered, result.total) == (1, 1)
    assert len(receiver.received) == 1
    (delivery,) = await deliveries(engine)
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("delivered", 1, None)
    assert (delivery.leased_until, delivery.lease_token) == (None, None)


# --- the checked address is the one connected to, with the name as Host and TLS server name ----


@dataclass
class Certificates:
    ca_pem: bytes
    cert_file: str
    key_file: str


def issue(tmp: Path, name: str) -> Certificates:
    """A throwaway CA and a server certificate it signs for `name`."""
    now = datetime.now(UTC)

    def build(
        subject: str,
        issuer: x509.Name,
        key: ec.EllipticCurvePrivateKey,
        signer: ec.EllipticCurvePrivateKey,
        ca: bool,
    ) -> x509.Certificate:
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
            .issuer_name(issuer)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(hours=1))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if not ca:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.DNSName(subject)]), critical=False
            )
        return builder.sign(signer, hashes.SHA256())

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test CA")])
    ca = build("test CA", ca_name, ca_key, ca_key, ca=True)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = build(name, ca_name, key, ca_key, ca=False)
    cert_file, key_file = tmp / f"{name}.pem", tmp / f"{name}.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return Certificates(ca.public_bytes(serialization.Encoding.PEM), str(cert_file), str(key_file))


@dataclass
class Names:
    """A resolver whose answers the test chooses, one list per call (the last one repeats)."""

    answers: dict[str, list[list[str]]]
    asked: list[str] = field(default_factory=list)

    async def __call__(self, host: str) -> Sequence[str]:
        self.asked.append(host)
        queue = self.answers[host]
        return queue.pop(0) if len(queue) > 1 else queue[0]


@pytest.mark.parametrize("certified", ["hooks.example.test", "other.example.test"])
async def test_the_checked_address_is_connected_to_under_the_name(
    committed_client: Committed,
    auth: Auth,
    settings: Settings,
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    certified: str,
) -> None:
    """The name resolves once per check; the request goes to that address (nobody else can
    resolve the name here), says the name in Host and in TLS SNI, and the certificate is
    verified against the name: a certificate for another name fails the attempt."""
    client, engine = committed_client
    name = "hooks.example.test"
    # subscribing, delivering; any later resolution would answer a refused address
    names = Names({name: [["127.0.0.1"], ["127.0.0.1"], ["10.0.0.1"]]})
    monkeypatch.setattr(egress, "default_resolver", names)
    certificates = issue(tmp_path, certified)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(certificates.cert_file, certificates.key_file)
    server_names: list[str | None] = []
    server_tls.sni_callback = lambda sock, server_name, context: server_names.append(server_name)
    server = await asyncio.start_server(receiver.handle, "127.0.0.1", 0, ssl=server_tls)
    port = server.sockets[0].getsockname()[1]
    try:
        await subscribe(client, integration(auth), f"https://{name}:{port}/hooks/ilonet")
        await factories.create_authority(client, manager(auth))
        assert await run_job(maker(engine), settings, fan_out_webhooks) == 1
        trusted = ssl.create_default_context(cadata=certificates.ca_pem.decode())
        async with http_client(settings, verify=trusted) as http:
            result = await send_due(maker=maker(engine), settings=settings, client=http)
    finally:
        server.close()
        await server.wait_closed()

    assert names.asked == [name, name]
    assert server_names == [name]
    (delivery,) = await deliveries(engine)
    if certified == name:
        assert result.delivered == 1
        (received,) = receiver.received
        assert received.headers["host"] == f"{name}:{port}"
        assert (delivery.status, delivery.last_status_code) == ("delivered", 200)
    else:
        assert result.retried == 1
        assert receiver.received == []
        assert (delivery.status, delivery.last_error) == (
            "pending",
            "transport error: ConnectError",
        )


def test_the_webhook_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ILONET_WEBHOOK_ALLOWED_NETWORKS", '["127.0.0.1/32", "fd00:1::/64"]')
    monkeypatch.setenv("ILONET_WEBHOOK_LEASE_SECONDS", "30")
    configured = Settings()
    assert configured.webhook_allowed_networks == [
        ipaddress.ip_network("127.0.0.1/32"),
        ipaddress.ip_network("fd00:1::/64"),
    ]
    assert configured.webhook_lease_seconds == 30.0
    # A lease that an attempt can outlast would let a second sender in mid-request.
    monkeypatch.setenv("ILONET_WEBHOOK_TIMEOUT_SECONDS", "30")
    with pytest.raises(ValueError, match="webhook_lease_seconds must be longer"):
        Settings()
