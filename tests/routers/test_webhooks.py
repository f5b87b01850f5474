"""/v1/webhooks: subscribe (the secret shown once, sealed at rest, never replayed), read within
the own organisation only, unsubscribe with If-Match; denials audited with no row written."""

from __future__ import annotations

import base64
import ipaddress
import json
import re
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app import egress
from app.config import Settings
from app.keyring import load_keyring
from app.models import AuditEvent, OutboxEvent, WebhookSubscription
from app.problems import ValidationFailed
from app.services.webhook import check_url, open_secret
from tests import factories
from tests.conftest import FreshDatabase
from tests.factories import Auth

Committed = tuple[httpx.AsyncClient, AsyncEngine]
SECRET = re.compile(r"whsec_([A-Za-z0-9+/]+={0,2})")
URL = "https://cms.example.nl/ilonet/hooks?token=receiver-own-token"


def integration(auth: Auth, org: str = "NL", *scopes: str) -> dict[str, str]:
    return auth(
        org,
        ["integration"],
        sub=f"{org.lower()}-cms",
        scopes=list(scopes or ("webhooks:write", "events:read")),
    )


async def subscribe(
    client: httpx.AsyncClient, headers: dict[str, str], **body: Any
) -> dict[str, Any]:
    response = await client.post("/v1/webhooks", json={"url": URL, **body}, headers=headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


# cms.example.nl stands for a receiver on the internet: the tests answer its name themselves, so
# no test asks a real resolver (and none depends on the network).
PUBLIC_ADDRESS = "93.184.215.14"
LOCAL_RECEIVERS = [ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("::1/128")]


@dataclass
class Names:
    """A resolver whose answers the test chooses; it remembers what it was asked."""

    answers: dict[str, list[str]]
    asked: list[str] = field(default_factory=list)

    async def __call__(self, host: str) -> Sequence[str]:
        self.asked.append(host)
        if host not in self.answers:
            raise egress.Unresolved(host)
        return self.answers[host]


@pytest.fixture(autouse=True)
def names(monkeypatch: pytest.MonkeyPatch) -> Names:
    resolver = Names({"cms.example.nl": [PUBLIC_ADDRESS], "localhost": ["127.0.0.1", "::1"]})
    monkeypatch.setattr(egress, "default_resolver", resolver)
    return resolver


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Plain http to a receiver on this machine needs it in the allow-list (empty by default)."""
    return settings.model_copy(update={"webhook_allowed_networks": LOCAL_RECEIVERS})


@pytest.fixture
async def db(fresh_db: FreshDatabase) -> AsyncIterator[asyncpg.Connection]:
    async with factories.connected(fresh_db.app_url) as connection:
        yield connection


# --- the secret --------------------------------------------------------------------------------


async def test_the_secret_is_shown_once_and_stored_only_sealed(
    committed_client: Committed, db: asyncpg.Connection, auth: Auth, settings: Settings
) -> None:
    client, _ = committed_client
    headers = {**integration(auth), "Idempotency-Key": "subscribe-1"}
    body = {"url": URL, "event_types": ["deployment.planned"]}
    first = await client.post("/v1/webhooks", json=body, headers=headers)
    assert first.status_code == 201, first.text
    created = first.json()
    secret = created["secret"]
    match = SECRET.fullmatch(secret)
    assert match, secret
    assert len(base64.b64decode(match.group(1))) == 32
    assert first.headers["Cache-Control"] == "no-store"
    assert first.headers["Location"] == f"/v1/webhooks/{created['id']}"
    assert first.headers["ETag"] == '"v1"'
    assert (created["organisation"], created["url"], created["event_types"]) == (
        "NL",
        URL,
        ["deployment.planned"],
    )
    assert (created["active"], created["version"], created["organisation_reader"]) == (
        True,
        1,
        False,
    )

    # Never again: not on GET, not in the list, not in a replay of the same request.
    shown = await client.get(f"/v1/webhooks/{created['id']}", headers=integration(auth))
    assert shown.status_code == 200
    assert "secret" not in shown.json()
    assert secret not in shown.text
    listed = await client.get("/v1/webhooks", headers=integration(auth))
    assert [w["id"] for w in listed.json()["items"]] == [created["id"]]
    assert secret not in listed.text
    replay = await client.post("/v1/webhooks", json=body, headers=headers)
    assert replay.status_code == 201
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json()["id"] == created["id"]
    assert replay.json()["secret"] is None
    assert await db.fetchval("SELECT count(*) FROM webhook_subscription") == 1

    # At rest: sealed in the subscription row, absent from the replay store and the audit log.
    key_b64 = match.group(1).encode()
    raw_key = base64.b64decode(key_b64)
    row = await db.fetchrow("SELECT * FROM webhook_subscription")
    for value in row.values():
        if isinstance(value, bytes):
            assert key_b64 not in value
            assert raw_key not in value
        else:
            assert secret not in str(value)
            assert match.group(1) not in str(value)
    stored = await db.fetchrow("SELECT headers::text AS headers, body FROM idempotency_key")
    assert secret.encode() not in stored["body"]
    assert key_b64 not in stored["body"]
    assert match.group(1) not in stored["headers"]
    assert json.loads(stored["body"])["secret"] is None
    audit_rows = await db.fetch(
        "SELECT action, details::text AS details, actor::text AS actor FROM audit_event"
    )
    assert "webhook.created" in [r["action"] for r in audit_rows]
    for r in audit_rows:
        assert match.group(1) not in r["details"] + r["actor"]
        assert "receiver-own-token" not in r["details"], "the URL's query is not audited"
    details = json.loads(
        await db.fetchval("SELECT details::text FROM audit_event WHERE action = 'webhook.created'")
    )
    assert details["host"] == "cms.example.nl"
    # ... and the service can still open it to sign deliveries.
    subscription = WebhookSubscription(
        id=uuid.UUID(created["id"]),
        secret_ciphertext=row["secret_ciphertext"],
        secret_wrapped_key=row["secret_wrapped_key"],
        secret_kek_id=row["secret_kek_id"],
    )
    assert open_secret(subscription, load_keyring(settings)) == secret


async def test_creation_is_on_the_feed_for_the_organisation_only(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    created = await subscribe(client, integration(auth))
    event = (
        await session.scalars(select(OutboxEvent).where(OutboxEvent.type == "webhook.created"))
    ).one()
    assert (event.resource_type, event.resource_id, event.organisation, event.visibility) == (
        "webhook",
        created["id"],
        "NL",
        "organisation",
    )
    audit = (
        await session.scalars(select(AuditEvent).where(AuditEvent.action == "webhook.created"))
    ).one()
    assert audit.rules == ["ACL-ORG", "ACL-ROLE"]
    assert audit.actor["sub"] == "nl-cms"


async def test_organisation_reader_follows_the_feeds_rule(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    plain = await subscribe(client, integration(auth))
    reader = await subscribe(client, integration(auth, "NL", "webhooks:write", "processing:read"))
    assert (plain["organisation_reader"], reader["organisation_reader"]) == (False, True)


# --- validation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"url": "http://cms.example.nl/hooks"},
        {"url": "ftp://cms.example.nl/hooks"},
        {"url": "https://user:pass@cms.example.nl/hooks"},
        {"url": "https://cms.example.nl/hooks#frag"},
        {"url": "not a url at all"},
        {"url": URL, "event_types": ["deployment.exploded"]},
        {"url": URL, "event_types": ["policy.denied"]},
        {"url": URL, "event_types": ["deployment.planned", "deployment.planned"]},
        {"url": URL, "secret": "whsec_bXlvd24="},
        {"url": "https://cms.example.nl:22/hooks"},
        {"url": "https://unknown.example.nl/hooks"},
        {"url": "https://cms_example.nl/hooks"},
        {"url": "https://cmś.example.nl/hooks"},
    ],
    ids=[
        "plain-http",
        "ftp",
        "credentials",
        "fragment",
        "garbage",
        "unknown-type",
        "audit-only-type",
        "duplicate-type",
        "client-chosen-secret",
        "privileged-port",
        "unresolvable-name",
        "malformed-name",
        "non-ascii-name",
    ],
)
async def test_invalid_subscriptions_are_validation_problems(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession, body: dict[str, Any]
) -> None:
    response = await client.post("/v1/webhooks", json=body, headers=integration(auth))
    assert response.status_code == 422, response.text
    assert response.json()["type"] == "/problems/validation-error"
    count = await session.scalar(select(func.count()).select_from(WebhookSubscription))
    assert count == 0


async def test_plain_http_only_to_this_machine_and_never_in_production(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    for url in ("http://127.0.0.1:8123/hook", "http://localhost/hook"):
        assert (await subscribe(client, integration(auth), url=url))["url"] == url
    production = Settings(env="production")
    with pytest.raises(ValidationFailed):
        check_url("http://127.0.0.1:8123/hook", production)
    check_url(URL, production)
    # The allow-list is what lets a local receiver in; by default it is empty.
    assert Settings().webhook_allowed_networks == []
    with pytest.raises(ValidationFailed) as refused:
        check_url("http://127.0.0.1:8123/hook", Settings(env="test"))
    assert refused.value.extra["errors"] == [
        {
            "pointer": "/url",
            "in": "body",
            "detail": "the host 127.0.0.1 is a loopback address, not a public one",
        }
    ]


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://cms.example.nl/hooks", True),
        ("https://cms.example.nl:443/hooks", True),
        ("https://cms.example.nl:8443/hooks", True),
        ("https://cms.example.nl:1024/hooks", True),
        ("https://cms.example.nl:1023/hooks", False),
        ("https://cms.example.nl:80/hooks", False),
        ("https://cms.example.nl:25/hooks", False),
        ("http://127.0.0.1:22/hooks", False),
        ("http://127.0.0.1:80/hooks", True),
    ],
)
def test_ports_below_1024_only_the_schemes_own(url: str, ok: bool, settings: Settings) -> None:
    if ok:
        check_url(url, settings)
        return
    with pytest.raises(ValidationFailed) as refused:
        check_url(url, settings)
    assert "port" in refused.value.extra["errors"][0]["detail"]


async def test_a_name_is_resolved_when_subscribing_and_each_address_checked(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession, names: Names
) -> None:
    names.answers["mixed.example.nl"] = [PUBLIC_ADDRESS, "10.1.2.3"]
    response = await client.post(
        "/v1/webhooks", json={"url": "https://mixed.example.nl/h"}, headers=integration(auth)
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"] == [
        {
            "pointer": "/url",
            "in": "body",
            "detail": "the host name must resolve to public addresses only (and resolve)",
        }
    ]
    assert names.asked == ["mixed.example.nl"]
    assert await session.scalar(select(func.count()).select_from(WebhookSubscription)) == 0


# --- who may -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("org", "roles", "scopes", "body_org", "rule"),
    [
        ("NL", ["integration"], ["events:read"], None, "ACL-ROLE"),
        ("NL", ["deploying_authority"], None, None, "ACL-ROLE"),
        ("NL", ["dpo"], None, None, "ACL-ROLE"),
        ("NL", ["integration"], ["webhooks:write"], "FR", "ACL-ORG"),
    ],
    ids=["integration-without-scope", "person", "dpo", "other-organisation"],
)
async def test_a_denied_subscription_is_audited_and_writes_nothing(
    client: httpx.AsyncClient,
    auth: Auth,
    session: AsyncSession,
    org: str,
    roles: list[str],
    scopes: list[str] | None,
    body_org: str | None,
    rule: str,
) -> None:
    body: dict[str, Any] = {"url": URL}
    if body_org:
        body["organisation"] = body_org
    response = await client.post(
        "/v1/webhooks", json=body, headers=auth(org, roles, scopes=scopes, sub="caller")
    )
    assert response.status_code == 403, response.text
    problem = response.json()
    assert problem["type"] == "/problems/policy-denied"
    assert rule in [v["rule"] for v in problem["violations"]]
    assert await session.scalar(select(func.count()).select_from(WebhookSubscription)) == 0
    assert (
        await session.scalar(
            select(func.count()).select_from(OutboxEvent).where(OutboxEvent.type.like("webhook.%"))
        )
        == 0
    )
    denial = (
        await session.scalars(select(AuditEvent).where(AuditEvent.action == "policy.denied"))
    ).one()
    assert denial.details["attempted"] == "webhook.create"
    assert rule in denial.rules
    assert denial.decision_id == problem["decision_id"]


async def test_another_organisation_sees_nothing(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    created = await subscribe(client, integration(auth))
    fr = integration(auth, "FR")
    assert (await client.get("/v1/webhooks", headers=fr)).json()["items"] == []
    for method in ("GET", "DELETE"):
        response = await client.request(
            method, f"/v1/webhooks/{created['id']}", headers={**fr, "If-Match": '"v1"'}
        )
        assert response.status_code == 404, response.text
        assert response.json()["type"] == "/problems/not-found"
    denials = (
        await session.scalars(select(AuditEvent).where(AuditEvent.action == "policy.denied"))
    ).all()
    assert [(d.organisation, d.details["status"]) for d in denials] == [("FR", 404), ("FR", 404)]
    still = await client.get(f"/v1/webhooks/{created['id']}", headers=integration(auth))
    assert still.json()["active"] is True


async def test_reading_needs_the_scope_for_an_integration(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    await subscribe(client, integration(auth))
    response = await client.get("/v1/webhooks", headers=integration(auth, "NL", "events:read"))
    assert response.status_code == 403
    assert [v["rule"] for v in response.json()["violations"]] == ["ACL-ROLE"]


# --- unsubscribing -----------------------------------------------------------------------------


async def test_delete_needs_the_etag_and_deactivates(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    nl = integration(auth)
    created = await subscribe(client, nl)
    path = f"/v1/webhooks/{created['id']}"

    assert (await client.delete(path, headers=nl)).status_code == 428
    assert (await client.delete(path, headers={**nl, "If-Match": '"v2"'})).status_code == 412
    person = auth("NL", ["deploying_authority"])
    denied = await client.delete(path, headers={**person, "If-Match": '"v1"'})
    assert denied.status_code == 403
    assert [v["rule"] for v in denied.json()["violations"]] == ["ACL-ROLE"]

    deleted = await client.delete(path, headers={**nl, "If-Match": '"v1"'})
    assert deleted.status_code == 204, deleted.text
    assert deleted.content == b""
    shown = await client.get(path, headers=nl)
    assert shown.headers["ETag"] == '"v2"'
    assert (shown.json()["active"], shown.json()["version"]) == (False, 2)
    assert shown.json()["deleted_at"] is not None
    again = await client.delete(path, headers={**nl, "If-Match": '"v2"'})
    assert again.status_code == 409

    event = (
        await session.scalars(select(OutboxEvent).where(OutboxEvent.type == "webhook.deleted"))
    ).one()
    assert (event.resource_id, event.visibility) == (created["id"], "organisation")
    audit = (
        await session.scalars(select(AuditEvent).where(AuditEvent.action == "webhook.deleted"))
    ).one()
    assert audit.rules == ["ACL-ORG", "ACL-ROLE"]
