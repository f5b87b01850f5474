"""Every response header the server sends is declared in the OpenAPI document for the operation
and status that sent it (app/routers/header_docs.py), and a declared `ETag` on a success is
sent, played on real requests: every read route
of the route matrix (tests/route_matrix.py) by several callers, a page of each list, every write
scenario (tests/scenarios.py) by its entitled caller, its replay under the same Idempotency-Key,
a stale and a missing If-Match, a denial, an invalid parameter and a request with no token."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.routing import compile_path

from app.routers.header_docs import HEADERS
from tests.factories import Auth
from tests.route_matrix import BATCH_ITEMS, READ_REQUESTS
from tests.scenarios import SCENARIOS, World

WATCHED = {name.lower(): name for name in HEADERS}


@pytest.fixture(autouse=True)
def _receivers(public_receiver: None) -> None:
    """Webhook scenarios subscribe cms.example.nl (answered by the fixture, not by DNS)."""


def operation_path(app: FastAPI, method: str, url: str) -> str:
    """The document's path of the operation answering `method url` (the most literal match)."""
    path = httpx.URL(url).path
    found: list[tuple[int, str]] = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if not isinstance(route, APIRoute) or method not in (context.methods or ()):
            continue
        if compile_path(context.path or "")[0].match(path):
            literal = len(re.sub(r"\{[^}]*\}", "", context.path or ""))
            found.append((literal, re.sub(r":\w+\}", "}", context.path or "")))
    assert found, f"no operation answers {method} {url}"
    return max(found)[1]


def undeclared(app: FastAPI, method: str, url: str, response: httpx.Response) -> list[str]:
    """The watched headers `response` carries that its operation and status do not declare."""
    operation = app.openapi()["paths"][operation_path(app, method, url)][method.lower()]
    status = str(response.status_code)
    assert status in operation["responses"], f"{method} {url} answered undeclared {status}"
    declared = {name.lower() for name in operation["responses"][status].get("headers", {})}
    sent = {name.lower() for name in response.headers} & set(WATCHED)
    # what a success always carries when declared: the version it shows
    always = {"etag"} & declared if status.startswith("2") else set()
    if "Idempotent-Replayed" in response.headers:
        always = set()  # a replay carries what the first response carried
    return [f"{method} {url} {status}: {WATCHED[n]}" for n in sorted(sent - declared)] + [
        f"{method} {url} {status}: no {WATCHED[n]}" for n in sorted(always - sent)
    ]


def paged(url: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}limit=1"


@pytest.mark.parametrize("route", sorted(READ_REQUESTS))
async def test_every_header_a_read_sends_is_declared(
    client: httpx.AsyncClient, app: FastAPI, world: World, auth: Auth, route: str
) -> None:
    url, _ = READ_REQUESTS[route](world)
    callers: tuple[dict[str, str], ...] = (
        world.nl,
        world.ilo.headers,
        world.dpo,
        world.board_member,
        auth("COM", ["reference_admin"]),
        auth("NL", ["auditor"]),
        auth("COM", ["auditor"]),  # the one reader of the whole audit log's entries
        auth("NL", ["integration"]),
        {},
    )
    missing: list[str] = []
    statuses: set[int] = set()
    for headers in callers:
        response = await client.get(url, headers=headers)
        statuses.add(response.status_code)
        missing += undeclared(app, "GET", url, response)
    operation = app.openapi()["paths"][operation_path(app, "GET", url)]["get"]
    names = {p["name"] for p in operation.get("parameters", [])}
    if "limit" in names:
        for limit in ("1", "0"):  # a page with a next link, an invalid limit (422)
            response = await client.get(paged(url).replace("=1", f"={limit}"), headers=world.nl)
            missing += undeclared(app, "GET", url, response)
    assert 200 in statuses, route  # not vacuous: someone reads it
    assert missing == []


def _sent_with(write: Any, operation: dict[str, Any]) -> dict[str, str]:
    names = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "header"}
    extra = {"If-Match": write.if_match} if write.if_match else {}
    if "Idempotency-Key" in names:
        extra["Idempotency-Key"] = str(uuid.uuid4())
    return extra


@pytest.mark.parametrize("action", sorted(SCENARIOS))
async def test_every_header_a_write_sends_is_declared(
    client: httpx.AsyncClient, app: FastAPI, world: World, auth: Auth, action: str
) -> None:
    write = SCENARIOS[action](world)
    who = write.headers or auth("COM", ["reference_admin"])
    operation = app.openapi()["paths"][operation_path(app, write.method, write.path)]
    extra = _sent_with(write, operation[write.method.lower()])
    body = write.body or None
    missing: list[str] = []

    async def play(headers: dict[str, str], **changed: str) -> httpx.Response:
        sent = {k: v for k, v in {**headers, **extra, **changed}.items() if v}
        response = await client.request(write.method, write.path, json=body, headers=sent)
        missing.extend(undeclared(app, write.method, write.path, response))
        return response

    first = await play(who)
    assert first.status_code in (200, 201, 204), first.text
    if "Idempotency-Key" in extra:
        replay = await play(who)
        assert replay.headers.get("Idempotent-Replayed") == "true", replay.text
    if write.if_match:
        stale = await play(who, **{"If-Match": '"v999"', "Idempotency-Key": str(uuid.uuid4())})
        assert stale.status_code in (409, 412), stale.text
        missing_precondition = await play(who, **{"If-Match": "", "Idempotency-Key": ""})
        assert missing_precondition.status_code == 428, missing_precondition.text
    denied = await play(auth("NL", ["auditor"]), **{"Idempotency-Key": str(uuid.uuid4())})
    assert denied.status_code in (403, 404), denied.text
    await play({})  # no token: 401
    assert missing == []


async def test_every_header_the_other_operations_send_is_declared(
    client: httpx.AsyncClient, app: FastAPI, world: World, auth: Auth
) -> None:
    """The probes, the dry run, the impact analysis and the batch routes."""
    officer = SCENARIOS["officer.create"](world).body
    plays: list[tuple[str, str, dict[str, Any] | None, dict[str, str]]] = [
        ("GET", "/healthz", None, {}),
        ("GET", "/readyz", None, {}),
        ("POST", "/v1/policy/evaluate", {"action": "officer.create", "body": officer}, world.nl),
        ("POST", "/v1/reference/impact", {"change": {"kind": "adequacy_ended"}}, world.dpo),
        ("POST", "/v1/reference/impact", {"change": {"kind": "adequacy_ended"}}, world.nl),
    ]
    for route, item in BATCH_ITEMS.items():
        method, path = route.split(" ", 1)
        plays.append((method, path, {"items": [item(world)]}, world.nl))
    missing: list[str] = []
    statuses: list[int] = []
    for method, url, body, headers in plays:
        response = await client.request(method, url, json=body, headers=headers)
        statuses.append(response.status_code)
        missing += undeclared(app, method, url, response)
    assert statuses[:3] == [200, 200, 200]
    assert missing == []
