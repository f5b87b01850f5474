"""Every GET route of the app that answers a list either pages it (`{items, next_cursor}`, the
`limit` and `cursor` parameters, `Link: rel="next"`) or states its bound (`maxItems`): a list
cannot grow past what a client reads in one answer unnoticed.

The routes are the app's own (a route added later is checked without being named here); the
requests are those of the route matrix (tests/route_matrix.py), on the session's world."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts

from app.main import create_app
from tests.factories import Auth
from tests.route_matrix import READ_REQUESTS
from tests.world import World


def _get_routes(application: FastAPI) -> list[str]:
    found: set[str] = set()
    for context in iter_route_contexts(application.routes):
        if isinstance(context.original_route, APIRoute) and "GET" in (context.methods or ()):
            found.add(f"GET {context.path}")
    return sorted(found)


GET_ROUTES = _get_routes(create_app())
# The change feed continues from a position of its own (`after`, kept even past the end so a
# poller resumes where it stopped); every other page from `next_cursor`.
CONTINUATIONS = {"next_cursor": "cursor", "next_after": "after"}
WALK = 4  # pages of one item walked per list


def _schema(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = spec["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _answer(spec: dict[str, Any], route: str) -> dict[str, Any] | None:
    """The JSON schema of the route's 200 answer (None when it answers no JSON)."""
    path = re.sub(r"\{(\w+):\w+\}", r"{\1}", route.split(" ", 1)[1])
    if path not in spec["paths"]:
        return None  # not in the API's description (the docs pages)
    content = spec["paths"][path]["get"]["responses"].get("200", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema")
    return None if schema is None else _schema(spec, schema)


def _page_shape(spec: dict[str, Any], answer: dict[str, Any]) -> str | None:
    """The continuation field of a page-shaped answer, None for any other answer."""
    properties = answer.get("properties", {})
    found = [name for name in CONTINUATIONS if name in properties]
    return found[0] if found else None


def _page_lists(spec: dict[str, Any], answer: dict[str, Any], largest: int) -> list[str]:
    """The lists a page holds: its arrays that take a page of the largest `limit` (a page of a
    resource, such as a network's members, keeps the resource's name for it; a record's copy
    pages its transfers, shares and accesses together)."""
    found = [
        name
        for name, node in answer.get("properties", {}).items()
        if _schema(spec, node).get("type") == "array"
        and _schema(spec, node).get("maxItems", 0) >= largest
    ]
    assert found, f"a page of no list: {sorted(answer.get('properties', {}))}"
    return [str(name) for name in found]


def _headers(world: World, auth: Auth) -> list[dict[str, str]]:
    """Callers who between them read every list of the world."""
    return [
        world.ilo.headers,
        world.dpo,
        auth("COM", ["auditor"], sub="pages-auditor"),
        world.board_member,
        world.integration,
        world.nl,
        auth("NL", ["authorised_staff"], sub="pages-staff"),
        auth("COM", ["sb_secretariat"], sub="pages-secretariat"),
    ]


def _with(url: str, **params: str) -> str:
    return str(httpx.URL(url).copy_merge_params(params))


def _key(item: object) -> str:
    return repr(item.get("id", item) if isinstance(item, dict) else item)


@pytest.mark.parametrize("route", GET_ROUTES)
async def test_a_list_answer_is_paged_or_bounded(
    client: httpx.AsyncClient, app: FastAPI, world: World, auth: Auth, route: str
) -> None:
    spec = app.openapi()
    answer = _answer(spec, route)
    if answer is None:
        return  # a download, a page of HTML: no JSON list
    if answer.get("type") == "array":
        assert isinstance(answer.get("maxItems"), int), f"{route}: a list with no page, no bound"
        return
    continuation = _page_shape(spec, answer)
    if continuation is None:
        return  # one resource, not a list
    parameter = CONTINUATIONS[continuation]
    path = re.sub(r"\{(\w+):\w+\}", r"{\1}", route.split(" ", 1)[1])
    parameters = {p["name"]: p for p in spec["paths"][path]["get"].get("parameters", [])}
    assert {"limit", parameter} <= set(parameters), f"{route}: pages without limit/{parameter}"
    largest = str(parameters["limit"]["schema"]["maximum"])
    lists = _page_lists(spec, answer, int(largest))

    assert route in READ_REQUESTS, f"{route}: no request in tests/route_matrix.py READ_REQUESTS"
    url, _ = READ_REQUESTS[route](world)
    # The caller who sees the most of it (a page of the largest size).
    best: tuple[int, dict[str, str], dict[str, list[Any]]] | None = None
    for headers in _headers(world, auth):
        response = await client.get(_with(url, limit=largest), headers=headers)
        if response.status_code != 200:
            continue
        body = response.json()
        assert {*lists, continuation} <= set(body), body
        size = sum(len(body[name]) for name in lists)
        if best is None or size > best[0]:
            best = (size, headers, {name: body[name] for name in lists})
    assert best is not None, f"{route}: nobody reads it"
    _, headers, everything = best

    walked: dict[str, list[Any]] = {name: [] for name in lists}
    page_url = _with(url, limit="1")
    for _ in range(WALK):
        response = await client.get(page_url, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        for name in lists:
            assert len(body[name]) <= 1, body
            walked[name].extend(body[name])
        following = body[continuation]
        link = response.headers.get("Link")
        if parameter == "cursor":
            if following is None:
                assert link is None, link
                break
            assert link is not None, body
            assert link.endswith('>; rel="next"'), link
            target = urlsplit(link[1 : link.index(">")])
            assert target.path == urlsplit(url).path, link
            linked = parse_qs(target.query)
            assert linked["cursor"] == [following], link
            assert linked["limit"] == ["1"], link
        if not any(body[name] for name in lists):
            break
        page_url = _with(url, limit="1", **{parameter: following})
    # One item a page, in the order of the whole list, none twice (the list may have grown at
    # its end meanwhile: reads are audited).
    for name, items in walked.items():
        assert items == everything[name][: len(items)], (route, name)
        assert len({_key(i) for i in items}) == len(items), (route, name)
        assert len(items) >= min(WALK, len(everything[name])), (route, name)


def test_the_routes_are_the_apps() -> None:
    """The parametrisation is the app's GET routes, lists among them."""
    assert "GET /v1/board/decisions" in GET_ROUTES
    assert "GET /v1/documents/search" in GET_ROUTES
    assert len(GET_ROUTES) > 50
