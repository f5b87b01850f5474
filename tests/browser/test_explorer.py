"""The OpenAPI explorer (/docs) in a real browser: Debian's chromium, headless, driven by
Playwright (from PyPI, launched on the system browser: no browser download, no network), against
a real server on a free port with a fresh database. The page renders, the Authorize dialog takes
a token, "Try it out" on GET /v1/organisations shows a 200 with data, and a denied write shows
the problem with its rule id. Screenshots are saved in the test's output directory (printed)."""

from __future__ import annotations

import asyncio
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from playwright.async_api import Page, async_playwright, expect

from app.config import Settings
from app.main import create_app
from tests import factories
from tests.conftest import FreshDatabase, TokenFactory

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# How long auto-waiting waits for a condition: the page loads a large bundle and the server
# builds its OpenAPI document on first request, slowly on a loaded machine.
WAIT_MS = 30_000
expect.set_options(timeout=WAIT_MS)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server(settings: Settings, fresh_db: FreshDatabase) -> Iterator[str]:
    """The app served by uvicorn in a thread of its own, on the test's fresh database."""
    port = free_port()
    application = create_app(settings, app_database_url=fresh_db.app_url)
    config = uvicorn.Config(application, host="127.0.0.1", port=port, log_level="warning")
    serving = uvicorn.Server(config)
    thread = threading.Thread(target=serving.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not serving.started:  # the server reports itself listening
        assert thread.is_alive(), "the server stopped before listening"
        assert time.monotonic() < deadline, "the server did not start"
        thread.join(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        serving.should_exit = True
        thread.join(10)


async def authorize(page: Page, token: str) -> None:
    await page.locator(".auth-wrapper button.authorize").click()
    dialog = page.locator(".modal-ux")
    await expect(dialog).to_be_visible()
    await dialog.locator("input").first.fill(token)
    await dialog.locator(".auth-btn-wrapper button.authorize").click()
    await expect(dialog.locator("button", has_text="Logout")).to_be_visible()
    await dialog.locator("button.btn-done").click()
    await expect(dialog).to_be_hidden()


async def execute(page: Page, operation: str, body: str | None = None) -> tuple[str, str]:
    """Open an operation, "Try it out", (edit its body,) "Execute"; its live status and body."""
    block = page.locator(f"#operations-{operation}")
    await block.locator(".opblock-summary").first.click()
    await block.locator("button.try-out__btn").click()
    if body is not None:
        await block.locator("textarea.body-param__text").fill(body)
    await block.locator("button.execute").click()
    live = block.locator(".live-responses-table .response").first
    await expect(live.locator(".response-col_status")).not_to_be_empty()
    status = (await live.locator(".response-col_status").inner_text()).strip()
    text = await live.locator(".response-col_description").inner_text()
    return status, text


async def test_the_explorer_authorizes_tries_a_read_and_shows_a_denial(
    server: str, token: TokenFactory, tmp_path: Path
) -> None:
    assert shutil.which("chromium") == CHROMIUM, "scripts/check.py installs Debian's chromium"
    nl = token("NL", ["deploying_authority"], sub="nl-explorer")
    headers = {"Authorization": f"Bearer {nl}"}
    shots = tmp_path / "screenshots"
    shots.mkdir()
    print(f"explorer screenshots: {shots}")

    async with async_playwright() as playwright:
        # Chromium starts while the server answers the set-up writes, then builds its OpenAPI
        # document (once, kept for the page's own request of it). One after the other: the
        # build holds the server's event loop, and a write waiting behind it would time out.
        launching = asyncio.ensure_future(
            playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        )
        try:
            # on a loaded machine the first answers take longer than httpx's default 5 s
            async with httpx.AsyncClient(
                base_url=server, headers=headers, timeout=WAIT_MS / 1000
            ) as api:
                authority = await factories.create_authority(api, headers)
                officer = await factories.create_officer(api, headers, authority_id=authority["id"])
                assert (await api.get("/openapi.json")).status_code == 200
        finally:
            browser = await launching
        try:
            page = await browser.new_page(viewport={"width": 1280, "height": 1000})
            page.set_default_timeout(WAIT_MS)
            outside: list[str] = []
            page.on(
                "request",
                lambda r: None if r.url.startswith(server) else outside.append(r.url),
            )
            await page.goto(f"{server}/docs")
            await expect(page.locator(".swagger-ui .info .title")).to_contain_text("ILONet")
            await expect(
                page.locator("#operations-organisations-organisations-list")
            ).to_be_visible()
            await page.screenshot(path=shots / "1-explorer.png")

            await authorize(page, nl)
            status, text = await execute(page, "organisations-organisations-list")
            assert status == "200", text
            assert '"code": "NL"' in text
            await page.screenshot(path=shots / "2-organisations-200.png", full_page=False)

            denied = factories.deployment_body(officer["id"], host_country="FR", city="Paris")
            status, text = await execute(
                page, "deployments-deployments-plan", body=httpx.Response(200, json=denied).text
            )
            assert status == "403", text
            assert "/problems/policy-denied" in text
            assert '"rule": "ILO-2.2"' in text
            block = page.locator("#operations-deployments-deployments-plan")
            # the operation says who may call it, from the action's requirement
            await expect(block.locator(".opblock-description-wrapper").first).to_contain_text(
                "Requires (action deployment.plan): role deploying_authority"
            )
            await block.locator(".live-responses-table").scroll_into_view_if_needed()
            await page.screenshot(path=shots / "3-denied-ILO-2.2.png")
            assert outside == [], "the explorer reached beyond its own server"
        finally:
            await browser.close()
