"""Trusted issuers by JWKS URL: a local identity provider on 127.0.0.1 (a tiny HTTP server
serving /jwks.json) rotates its key; the service fetches the new key once, when the first token
naming it arrives, and never more than once per interval for unknown key ids."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI
from jose import jwk
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.config import Settings, TrustedIssuer
from app.jwks import JwksCache
from app.main import create_app
from app.tokens import mint_token

ISSUER = "https://idp.local.example"


def _key() -> tuple[bytes, dict[str, Any]]:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return pem, dict(jwk.construct(public.decode(), "RS256").to_dict())


@dataclass
class IdentityProvider:
    """Serves its current key set at /jwks.json and counts the requests."""

    keys: list[dict[str, Any]] = field(default_factory=list)
    requests: int = 0
    url: str = ""

    def publish(self, kid: str) -> bytes:
        pem, public = _key()
        self.keys = [{**public, "kid": kid, "use": "sig"}]
        return pem


@pytest.fixture
def idp() -> Iterator[IdentityProvider]:
    provider = IdentityProvider()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            provider.requests += 1
            body = json.dumps({"keys": provider.keys}).encode()
            self.send_response(200 if self.path == "/jwks.json" else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    provider.url = f"http://127.0.0.1:{server.server_address[1]}/jwks.json"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _token(pem: bytes, kid: str) -> dict[str, str]:
    token = mint_token(
        private_pem=pem, issuer=ISSUER, sub="cms-nl", org="NL", roles=["dpo"], kid=kid
    )
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def idp_app(
    settings: Settings,
    idp: IdentityProvider,
    app_engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> tuple[FastAPI, Clock]:
    issuer = TrustedIssuer(
        issuer=ISSUER, algorithms=["RS256"], jwks_url=idp.url, organisations=["NL"]
    )
    application = create_app(settings.model_copy(update={"trusted_issuers": [issuer]}))
    application.state.engine = app_engine
    application.state.sessionmaker = sessionmaker
    clock = Clock()
    application.state.jwks = JwksCache(ttl_seconds=300, min_refresh_seconds=30, clock=clock)
    return application, clock


async def test_a_rotated_key_of_a_local_identity_provider_is_fetched_once(
    idp: IdentityProvider, idp_app: tuple[FastAPI, Clock]
) -> None:
    application, clock = idp_app
    first = idp.publish("2026-11")
    transport = httpx.ASGITransport(app=application)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        for _ in range(3):  # cached: one fetch for many requests
            ok = await client.get("/v1/organisations", headers=_token(first, "2026-11"))
            assert ok.status_code == 200, ok.text
        assert idp.requests == 1

        second = idp.publish("2026-12")  # the identity provider rotates its key
        clock.now += 5
        rotated = await client.get("/v1/organisations", headers=_token(second, "2026-12"))
        assert rotated.status_code == 200, rotated.text
        assert idp.requests == 2  # the unknown kid made exactly one refetch
        again = await client.get("/v1/organisations", headers=_token(second, "2026-12"))
        assert again.status_code == 200
        assert idp.requests == 2

        # the old key is gone from the set: its tokens are refused now
        old = await client.get("/v1/organisations", headers=_token(first, "2026-11"))
        assert old.status_code == 401
        # made-up kids within the interval cost no request to the identity provider
        stranger, _ = _key()
        for n in range(5):
            refused = await client.get("/v1/organisations", headers=_token(stranger, f"x{n}"))
            assert refused.status_code == 401
            assert refused.json()["type"] == "/problems/unauthenticated"
        assert idp.requests == 2
        clock.now += 31  # after the interval, one more refetch is allowed
        await client.get("/v1/organisations", headers=_token(stranger, "x9"))
        assert idp.requests == 3
        clock.now += 300  # and the set is refreshed when its time is up
        assert (
            await client.get("/v1/organisations", headers=_token(second, "2026-12"))
        ).status_code == 200
        assert idp.requests == 4


def test_jwks_url_must_be_https_or_configured_loopback(settings: Settings) -> None:
    for url in ("http://idp.example/jwks.json", "ftp://127.0.0.1/jwks", "https://u:p@idp/j"):
        with pytest.raises(ValueError, match="jwks_url"):
            TrustedIssuer(issuer=ISSUER, algorithms=["RS256"], jwks_url=url, organisations=["NL"])
    local = TrustedIssuer(
        issuer=ISSUER,
        algorithms=["RS256"],
        jwks_url="http://127.0.0.1:8081/jwks.json",
        organisations=["NL"],
    )
    with pytest.raises(ValueError, match="https"):
        Settings(env="production", trusted_issuers=[local], secret_key="s", kek="k")
