"""OWASP API8:2023 Security misconfiguration: security headers on every response (also a 500),
Strict-Transport-Security over TLS, no Server header from a real `ilonet serve`, links that never
reflect the client's Host, the explorer under a strict CSP that does not keep the token, and 500
bodies that name nothing internal."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.config import Settings
from app.main import create_app
from app.services import organisation as organisation_service
from tests.drills.harness import sandbox
from tests.factories import Auth

API_CSP = "default-src 'none'; frame-ancestors 'none'"


def assert_secured(response: httpx.Response) -> None:
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "server" not in response.headers


def make_client(app: FastAPI, base_url: str = "http://testserver") -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url=base_url)


def wired(
    settings: Settings,
    app_engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    **changes: object,
) -> FastAPI:
    application = create_app(settings.model_copy(update=changes))
    application.state.engine = app_engine
    application.state.sessionmaker = sessionmaker
    return application


async def test_every_json_answer_carries_the_security_headers(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    answers = [
        await client.get("/v1/organisations/NL", headers=auth("NL")),
        await client.get("/v1/organisations/XX", headers=auth("NL")),
        await client.get("/v1/organisations"),
        await client.get("/v1/deployments?limit=0", headers=auth("NL")),
        await client.post("/v1/authorities", content=b"x", headers={"content-type": "text/plain"}),
        await client.get("/openapi.json"),
        await client.get("/healthz"),
    ]
    assert [a.status_code for a in answers] == [200, 404, 401, 422, 415, 200, 200]
    for answer in answers:
        assert_secured(answer)
        assert answer.headers["content-security-policy"] == API_CSP
        assert "strict-transport-security" not in answer.headers  # plain http


async def test_personal_data_stay_out_of_caches(client: httpx.AsyncClient, auth: Auth) -> None:
    """What already held: a response with contact details is no-store (kept)."""
    nl = auth("NL", ["deploying_authority"])
    authority = (
        await client.post(
            "/v1/authorities",
            json={"organisation": "NL", "name": "IND", "authority_kind": "immigration"},
            headers=nl,
        )
    ).json()
    officer = await client.post(
        "/v1/officers",
        json={
            "authority_id": authority["id"],
            "surname": "Jansen",
            "given_names": "Eva",
            "contact": {"email": "eva@example.nl"},
        },
        headers=nl,
    )
    read = await client.get(f"/v1/officers/{officer.json()['id']}", headers=nl)
    assert read.json()["contact"] == {"phone": None, "email": "eva@example.nl"}
    assert "no-store" in read.headers["cache-control"]
    assert_secured(read)


async def test_hsts_is_sent_over_tls_or_when_the_public_origin_is_https(
    settings: Settings,
    app_engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    auth: Auth,
) -> None:
    plain = wired(settings, app_engine, sessionmaker)
    async with make_client(plain, "https://testserver") as tls:
        over_tls = await tls.get("/healthz")
    behind = wired(settings, app_engine, sessionmaker, public_url="https://ilonet.example.eu")
    async with make_client(behind) as proxied:
        behind_proxy = await proxied.get("/healthz")
    for response in (over_tls, behind_proxy):
        assert response.headers["strict-transport-security"] == (
            "max-age=31536000; includeSubDomains"
        )


async def test_next_links_never_reflect_the_host_header(
    client: httpx.AsyncClient,
    settings: Settings,
    app_engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    auth: Auth,
) -> None:
    headers = {**auth("NL"), "Host": "evil.example"}
    # what the route does not take, a repeat, a number written long: none is carried on
    query = "limit=002&kind=member_state&kind=member_state&extra=" + "x" * 500
    relative = await client.get(f"/v1/organisations?{query}", headers=headers)
    cursor = relative.json()["next_cursor"]
    target = relative.headers["link"].removeprefix("<").removesuffix('>; rel="next"')
    assert target.startswith("/v1/organisations?")  # a relative reference: no scheme, no host
    url = httpx.URL(target)
    assert sorted(url.params.multi_items()) == [
        ("cursor", cursor),
        ("kind", "member_state"),
        ("limit", "2"),
    ]
    configured = wired(settings, app_engine, sessionmaker, public_url="https://ilonet.example.eu")
    async with make_client(configured) as c:
        absolute = await c.get("/v1/organisations?limit=2", headers=headers)
    link = absolute.headers["link"]
    assert link.startswith("<https://ilonet.example.eu/v1/organisations?limit=2&cursor=")
    assert "evil.example" not in link + relative.headers["link"]


def test_the_public_url_is_an_origin(tmp_path: Path) -> None:
    made = Settings(env="test", data_dir=tmp_path, public_url="https://ilonet.example.eu/")
    assert (made.public_url, made.behind_tls) == ("https://ilonet.example.eu", True)
    assert not Settings(env="test", data_dir=tmp_path).behind_tls
    for wrong in ("ilonet.example.eu", "https://ilonet.example.eu/v1", "ftp://x.example"):
        with pytest.raises(ValueError, match="origin"):
            Settings(env="test", data_dir=tmp_path, public_url=wrong)


async def test_a_500_names_nothing_internal_and_is_secured(
    app: FastAPI, auth: Auth, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(**_: object) -> None:
        raise RuntimeError("connection to postgresql://ilonet_app@db-internal:5432 lost")

    monkeypatch.setattr(organisation_service, "read_organisation", broken)
    async with make_client(app) as c:
        response = await c.get("/v1/organisations/NL", headers=auth("NL"))
    assert response.status_code == 500
    assert response.json() == {
        "type": "/problems/internal-error",
        "title": "Internal error",
        "status": 500,
        "detail": "The server could not complete the request.",
        "instance": "/v1/organisations/NL",
    }
    for secret in ("postgresql", "db-internal", "RuntimeError", "Traceback", "app/"):
        assert secret not in response.text
    assert response.headers["x-request-id"]
    assert_secured(response)
    assert response.headers["content-security-policy"] == API_CSP


async def test_the_explorer_runs_under_a_strict_csp_and_keeps_no_token(
    client: httpx.AsyncClient,
) -> None:
    """The policy allows this origin and the page's own start-up script (by hash) only: no
    inline code otherwise, no eval, no other host. Checked in Chromium (see README): the
    explorer renders, "Try it out" works, and the browser reports no violation."""
    response = await client.get("/docs")
    assert response.status_code == 200
    assert_secured(response)
    policy = response.headers["content-security-policy"]
    csp = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    scripts = re.findall(r"<script>(.*?)</script>", response.text, re.DOTALL)
    assert len(scripts) == 1
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    assert csp == {
        "default-src": "'none'",
        "script-src": f"'self' 'sha256-{digest}'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "connect-src": "'self'",
        "base-uri": "'none'",
        "form-action": "'none'",
        "frame-ancestors": "'none'",
    }
    assert '"persistAuthorization": false' in scripts[0]
    assert '"validatorUrl": null' in scripts[0]
    assert all(src.startswith("/static/") for src in re.findall(r'src="([^"]+)"', response.text))
    assert "https://" not in response.text
    assert_secured(await client.get("/static/vendor/swagger-ui/swagger-ui.css"))


def test_a_real_server_sends_no_server_header() -> None:
    with sandbox() as box:
        server = box.serve()
        box.wait_ready(server)
        response = httpx.get(f"{server.base_url}/healthz", timeout=10)
        assert response.status_code == 200
        assert "server" not in response.headers
        assert_secured(response)
        assert box.stop(server) == 0
