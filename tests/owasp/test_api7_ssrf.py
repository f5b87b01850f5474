"""OWASP API7:2023 Server-Side Request Forgery: a webhook never reaches inside.

Every destination that is not a public unicast address is refused when subscribing (a 422
validation problem naming /url, no subscription row, nothing on the feed) and again when
delivering (a name may resolve elsewhere later: DNS rebinding), where the delivery fails with
its reason and no request is made. These run with the default settings: the allow-list of
networks is empty.
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app import egress
from app.background import fan_out_webhooks, run_job
from app.config import Settings
from app.models import OutboxEvent, WebhookDelivery, WebhookSubscription
from app.services.webhook_delivery import send_due
from tests import factories
from tests.factories import Auth

Committed = tuple[httpx.AsyncClient, AsyncEngine]
PUBLIC_ADDRESS = "93.184.215.14"
NAME_REFUSED = "the host name must resolve to public addresses only (and resolve)"


@dataclass
class Names:
    """A resolver whose answers the test chooses, one list per call (the last one repeats)."""

    answers: dict[str, list[list[str]]]
    asked: list[str] = field(default_factory=list)

    async def __call__(self, host: str) -> Sequence[str]:
        self.asked.append(host)
        if host not in self.answers:
            raise egress.Unresolved(host)
        queue = self.answers[host]
        return queue.pop(0) if len(queue) > 1 else queue[0]


@pytest.fixture
def names(monkeypatch: pytest.MonkeyPatch) -> Names:
    resolver = Names({"cms.example.nl": [[PUBLIC_ADDRESS]]})
    monkeypatch.setattr(egress, "default_resolver", resolver)
    return resolver


def integration(auth: Auth) -> dict[str, str]:
    return auth("NL", ["integration"], sub="nl-cms", scopes=["webhooks:write"])


async def refused(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession, url: str
) -> dict[str, Any]:
    """Subscribe to `url`: a 422 naming /url, and nothing written. Returns the one error."""
    response = await client.post("/v1/webhooks", json={"url": url}, headers=integration(auth))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert (problem["type"], problem["status"]) == ("/problems/validation-error", 422)
    (error,) = problem["errors"]
    assert (error["pointer"], error["in"]) == ("/url", "body")
    assert await session.scalar(select(func.count()).select_from(WebhookSubscription)) == 0
    assert await session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0
    created = select(func.count()).where(OutboxEvent.type == "webhook.created")
    assert await session.scalar(created) == 0
    detail: dict[str, Any] = error
    return detail


# --- refused when subscribing ------------------------------------------------------------------


async def test_the_cloud_metadata_address_is_refused(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    error = await refused(client, auth, session, "https://169.254.169.254/latest/meta-data/")
    assert error["detail"] == "the host 169.254.169.254 is a link-local address, not a public one"


async def test_a_private_10_x_address_is_refused(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    error = await refused(client, auth, session, "https://10.20.30.40:8443/hooks")
    assert error["detail"] == "the host 10.20.30.40 is a private address, not a public one"


async def test_ipv6_loopback_is_refused(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    error = await refused(client, auth, session, "https://[::1]/hooks")
    assert error["detail"] == "the host ::1 is a loopback address, not a public one"


async def test_the_short_spelling_127_1_is_loopback(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    error = await refused(client, auth, session, "https://127.1/hooks")
    assert error["detail"] == "the host 127.0.0.1 is a loopback address, not a public one"


async def test_the_hex_spelling_0x7f000001_is_loopback(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    error = await refused(client, auth, session, "https://0x7f000001/hooks")
    assert error["detail"] == "the host 127.0.0.1 is a loopback address, not a public one"


async def test_the_decimal_spelling_2130706433_is_loopback(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    error = await refused(client, auth, session, "https://2130706433/hooks")
    assert error["detail"] == "the host 127.0.0.1 is a loopback address, not a public one"


async def test_the_octal_spelling_0177_0_0_1_is_loopback(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    error = await refused(client, auth, session, "https://0177.0.0.1/hooks")
    assert error["detail"] == "the host 127.0.0.1 is a loopback address, not a public one"


async def test_localhost_resolves_to_loopback_and_is_refused(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    """The system's own resolver (its hosts file) answers `localhost` here."""
    error = await refused(client, auth, session, "https://localhost:8443/hooks")
    assert error["detail"] == NAME_REFUSED


async def test_a_name_resolving_to_loopback_is_refused(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession, names: Names
) -> None:
    names.answers["hooks.attacker.example"] = [["127.0.0.1"]]
    error = await refused(client, auth, session, "https://hooks.attacker.example/x")
    assert error["detail"] == NAME_REFUSED
    assert names.asked == ["hooks.attacker.example"]


async def test_a_name_with_one_internal_address_among_public_ones_is_refused(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession, names: Names
) -> None:
    names.answers["mixed.attacker.example"] = [[PUBLIC_ADDRESS, "2001:db8::1", "10.0.0.1"]]
    error = await refused(client, auth, session, "https://mixed.attacker.example/x")
    assert error["detail"] == NAME_REFUSED


async def test_a_resolver_answering_an_odd_spelling_is_normalised_too(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession, names: Names
) -> None:
    names.answers["odd.attacker.example"] = [["0x7f.1"]]
    error = await refused(client, auth, session, "https://odd.attacker.example/x")
    assert error["detail"] == NAME_REFUSED


@pytest.mark.parametrize(
    ("host", "detail"),
    [
        ("172.16.0.1", "the host 172.16.0.1 is a private address"),
        ("192.168.1.1", "the host 192.168.1.1 is a private address"),
        ("100.64.0.1", "the host 100.64.0.1 is a shared (CGNAT) address"),
        ("0.0.0.0", "the host 0.0.0.0 is a unspecified address"),  # noqa: S104
        ("224.0.0.1", "the host 224.0.0.1 is a multicast address"),
        ("240.0.0.1", "the host 240.0.0.1 is a reserved address"),
        ("255.255.255.255", "the host 255.255.255.255 is a reserved address"),
        ("192.0.2.10", "the host 192.0.2.10 is a documentation address"),
        ("198.18.0.1", "the host 198.18.0.1 is a benchmarking address"),
        ("[::]", "the host :: is a unspecified address"),
        ("[fd00::1]", "the host fd00::1 is a unique-local address"),
        ("[fe80::1]", "the host fe80::1 is a link-local address"),
        ("[ff02::1]", "the host ff02::1 is a multicast address"),
        ("[2001:db8::1]", "the host 2001:db8::1 is a documentation address"),
        ("[::ffff:127.0.0.1]", "the host ::ffff:7f00:1 is a loopback address"),
        ("[::ffff:a9fe:a9fe]", "the host ::ffff:a9fe:a9fe is a link-local address"),
        ("[64:ff9b::a00:1]", "the host 64:ff9b::a00:1 is a private address"),
        ("[2002:7f00:1::1]", "the host 2002:7f00:1::1 is a loopback address"),
    ],
    ids=lambda value: value.split(" is a ")[-1] if " is a " in value else value,
)
async def test_every_other_non_public_class_is_refused(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession, host: str, detail: str
) -> None:
    error = await refused(client, auth, session, f"https://{host}/hooks")
    assert error["detail"] == f"{detail}, not a public one"


async def test_user_information_in_the_url_is_refused(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession, names: Names
) -> None:
    """`https://cms.example.nl@127.0.0.1/` reads as a trusted host to a person."""
    error = await refused(client, auth, session, "https://cms.example.nl@127.0.0.1/hooks")
    assert "credentials in the URL are refused" in error["detail"]
    with pytest.raises(egress.Refused, match="user information"):
        egress.parse("https://cms.example.nl@127.0.0.1/hooks", production=False)


async def test_a_public_destination_is_accepted(
    client: httpx.AsyncClient, auth: Auth, names: Names
) -> None:
    """The control: the same request to a public name or address is a subscription."""
    for url in ("https://cms.example.nl/hooks", f"https://{PUBLIC_ADDRESS}:8443/hooks"):
        response = await client.post("/v1/webhooks", json={"url": url}, headers=integration(auth))
        assert response.status_code == 201, response.text
        assert response.json()["url"] == url


def test_the_allow_list_is_empty_by_default_and_lets_in_only_its_networks() -> None:
    assert Settings().webhook_allowed_networks == []
    loopback = ipaddress.ip_address("127.0.0.1")
    assert egress.refusal(loopback) == "loopback"
    assert egress.refusal(loopback, [ipaddress.ip_network("127.0.0.1/32")]) is None
    assert egress.refusal(ipaddress.ip_address("127.0.0.2"), [ipaddress.ip_network("127.0.0.1/32")])
    mapped = ipaddress.ip_address("::ffff:127.0.0.1")
    assert egress.refusal(mapped, [ipaddress.ip_network("127.0.0.1/32")]) is None


# --- refused when delivering: DNS rebinding ----------------------------------------------------


@dataclass
class Listener:
    """Counts the connections made to it, whatever they say."""

    port: int = 0
    connections: int = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        writer.close()


@pytest.fixture
async def listener() -> AsyncIterator[Listener]:
    box = Listener()
    server = await asyncio.start_server(box.handle, "127.0.0.1", 0)
    box.port = server.sockets[0].getsockname()[1]
    try:
        yield box
    finally:
        server.close()
        await server.wait_closed()


async def test_dns_rebinding_is_refused_at_delivery_time_with_no_request(
    committed_client: Committed, auth: Auth, settings: Settings, names: Names, listener: Listener
) -> None:
    """Public when subscribed, loopback when delivered: the delivery fails, nothing connects."""
    client, engine = committed_client
    assert settings.webhook_allowed_networks == []
    names.answers["rebind.attacker.example"] = [[PUBLIC_ADDRESS], ["127.0.0.1"]]
    url = f"https://rebind.attacker.example:{listener.port}/hooks"
    response = await client.post(
        "/v1/webhooks",
        json={"url": url, "event_types": ["authority.created"]},
        headers=integration(auth),
    )
    assert response.status_code == 201, response.text
    await factories.create_authority(client, auth("NL", ["deploying_authority"], sub="nl-manager"))
    maker = async_sessionmaker(engine, expire_on_commit=False)
    assert await run_job(maker, settings, fan_out_webhooks) == 1

    result = await send_due(maker=maker, settings=settings)
    assert (result.failed, result.delivered, result.retried) == (1, 0, 0)
    assert names.asked == ["rebind.attacker.example"] * 2
    assert listener.connections == 0
    async with maker() as session:
        (delivery,) = (await session.scalars(select(WebhookDelivery))).all()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("failed", 0, None)
    assert delivery.last_error == (
        "refused: the host name resolves to a loopback address, not a public one"
    )
    # Failed for good: no later run sends it.
    later = await send_due(
        maker=maker, settings=settings, now=datetime.now(UTC) + timedelta(days=1)
    )
    assert later.total == 0
    assert listener.connections == 0
