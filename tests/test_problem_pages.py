"""Each problem `type` the API sends resolves: GET answers a page saying what it means (HTML, or
JSON when asked), app/routers/problem_pages.py."""

from __future__ import annotations

import httpx
import pytest

from app.problem_catalogue import GUIDANCE, catalogue, problem_classes

TYPES = sorted({cls.type for cls in problem_classes()})


def test_every_problem_class_has_its_guidance_and_nothing_else_has() -> None:
    assert len(TYPES) >= 15  # not vacuous: every kind the API answers with
    assert set(GUIDANCE) == set(TYPES)
    assert all(t.startswith("/problems/") for t in TYPES)


@pytest.mark.parametrize("kind", TYPES)
async def test_a_problem_type_answers_its_page(client: httpx.AsyncClient, kind: str) -> None:
    entry = catalogue()[kind.rsplit("/", 1)[-1]]
    page = await client.get(kind, headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "script" not in page.headers["content-security-policy"]
    assert f"<h1>{entry.title}</h1>" in page.text
    assert f"<dd>{entry.status}</dd>" in page.text
    assert "When it is sent" in page.text
    assert "What to do" in page.text
    answer = await client.get(kind, headers={"Accept": "application/json"})
    assert answer.status_code == 200
    assert answer.json() == {
        "type": kind,
        "title": entry.title,
        "status": entry.status,
        "when": entry.when,
        "remedy": entry.remedy,
    }


async def test_a_sent_problem_names_a_type_that_resolves(client: httpx.AsyncClient) -> None:
    sent = await client.get("/v1/officers")  # no token: 401
    assert sent.status_code == 401
    kind = sent.json()["type"]
    page = await client.get(kind, headers={"Accept": "application/json"})
    assert page.json()["status"] == 401


async def test_the_index_lists_every_type_and_an_unknown_one_is_a_404(
    client: httpx.AsyncClient,
) -> None:
    index = await client.get("/problems", headers={"Accept": "application/json"})
    assert [e["type"] for e in index.json()["items"]] == [e.type for e in catalogue().values()]
    html = await client.get("/problems")
    assert all(f'href="{t}"' in html.text for t in TYPES)
    missing = await client.get("/problems/no-such-problem")
    assert missing.status_code == 404
    assert missing.json()["type"] == "/problems/not-found"
