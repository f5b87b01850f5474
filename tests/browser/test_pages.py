"""The pages ILONet hands to people, in a real browser (Debian's chromium, headless, 1280 px):
the activity report, the record of processing activities and the readmission sheet, seeded
through the API, served
with their own Content-Security-Policy. Each page renders with its style, says who issued it
and when, names countries and terms instead of codes, and holds no personal data. Screenshots
are saved in the test's output directory (printed)."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Page, Route, async_playwright

from tests.board_factories import (
    MEMBER_EMAIL,
    MEMBER_NAME,
    appoint,
    meeting_body,
    post,
    report_body,
    secretariat,
)
from tests.browser.test_explorer import CHROMIUM, CHROMIUM_ARGS, WAIT_MS
from tests.factories import (
    OFFICER_PERSONAL_DATA,
    PLAINTEXT,
    Auth,
    create_record,
    deployed_ilo,
    senegal_transfer,
)

pytestmark = pytest.mark.browser

PERSONAL = (*OFFICER_PERSONAL_DATA, *PLAINTEXT, "Jansen", MEMBER_NAME, MEMBER_EMAIL)
RAW_TERMS = re.compile(
    r"\b(returnee|a_return_identity|public_authority|member_state_authority|public_interest|"
    r"member_state_mission|uncovered|legal_migration)\b"
)
LONG_DATE = re.compile(
    r"\b\d{1,2} (January|February|March|April|May|June|July|August|"
    r"September|October|November|December) \d{4}\b"
)
BLUE = "rgb(11, 61, 145)"


async def shown(page: Page, response: httpx.Response, shot: Path) -> str:
    """Serve `response` to the browser as the server sent it (its CSP included), screenshot the
    whole page and return its visible text; any console error (a blocked style) fails."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    async def fulfil(route: Route) -> None:
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        await route.fulfill(status=response.status_code, headers=headers, body=response.content)

    await page.route("https://ilonet.test/**", fulfil)
    await page.goto("https://ilonet.test/page")
    await page.screenshot(path=shot, full_page=True)
    masthead = await page.locator(".masthead").evaluate("e => getComputedStyle(e).backgroundColor")
    assert masthead == BLUE, "the page's style did not apply under its own policy"
    assert errors == []
    return await page.locator("body").inner_text()


def read_as_a_person(text: str, title: str) -> None:
    assert title in text
    assert "Generated" in text
    assert LONG_DATE.search(text)
    assert "Issued by" in text
    assert not RAW_TERMS.search(text), RAW_TERMS.search(text)
    assert "(s)" not in text
    for value in PERSONAL:
        assert value not in text, value


async def seeded(client: httpx.AsyncClient, auth: Auth) -> dict[str, str]:
    """Deployments in Senegal and Morocco, a Board meeting, an activity report, a return record
    with a transfer to Senegal: what the three pages draw. Returns the report's page URL."""
    ilo = await deployed_ilo(client, auth)
    await deployed_ilo(client, auth, org="FR", host_country="MA")
    com = secretariat(auth)
    await appoint(client, com, "NL", holder_name=MEMBER_NAME, holder_email=MEMBER_EMAIL)
    await post(client, "/v1/board/meetings", com, meeting_body())
    report = await post(client, "/v1/board/activity-reports:generate", com, report_body())
    record = await create_record(client, ilo)
    sent = await client.post(
        f"/v1/processing-records/{record['id']}/transfers",
        json=senegal_transfer(),
        headers=ilo.headers,
    )
    assert sent.status_code == 201, sent.text
    return {"report": report["html_url"]}


async def in_browser(response: httpx.Response, shot: Path) -> str:
    """The page as a 1280 px browser shows it (screenshot saved), its visible text."""
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    shot.parent.mkdir(exist_ok=True)
    print(f"page screenshot: {shot}")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(viewport={"width": 1280, "height": 1000})
            page.set_default_timeout(WAIT_MS)
            return await shown(page, response, shot)
        finally:
            await browser.close()


async def test_the_activity_report_reads_as_the_document_the_board_sends(
    client: httpx.AsyncClient, auth: Auth, tmp_path: Path
) -> None:
    urls = await seeded(client, auth)
    response = await client.get(urls["report"], headers=auth("EP", ["ep_reader"]))
    text = await in_browser(response, tmp_path / "screenshots" / "activity-report.png")
    read_as_a_person(text, "Steering Board activity report")
    assert "Senegal" in text
    assert "Morocco" in text
    assert "Netherlands" in text  # organisations by name
    assert "France" in text
    assert "previous period" in text
    assert "Egypt" in text  # an uncovered priority country, by name


async def test_the_record_of_processing_activities_reads_by_regime(
    client: httpx.AsyncClient, auth: Auth, tmp_path: Path
) -> None:
    await seeded(client, auth)
    response = await client.get(
        "/v1/ropa?organisation=NL", headers={**auth("NL", ["dpo"]), "Accept": "text/html"}
    )
    text = await in_browser(response, tmp_path / "screenshots" / "ropa.png")
    read_as_a_person(text, "Record of processing activities of")
    assert "General Data Protection Regulation" in text
    assert "Returnees" in text
    assert "Senegal" in text
    assert "Technical and organisational security measures" in text
    assert "None: no data of this activity were shared in the Union." in text


async def test_the_readmission_sheet_reads_with_its_withheld_figures_in_words(
    client: httpx.AsyncClient, auth: Auth, tmp_path: Path
) -> None:
    await seeded(client, auth)
    response = await client.get(
        "/v1/statistics/readmission/SN",
        headers={**auth("COM", ["auditor"]), "Accept": "text/html"},
    )
    text = await in_browser(response, tmp_path / "screenshots" / "readmission-sheet.png")
    read_as_a_person(text, "Readmission cooperation with Senegal")
    assert "withheld" in text  # one request: its month and the period are withheld
    assert "<5" not in text
    assert "A count from 1 to 4 is withheld" in text
