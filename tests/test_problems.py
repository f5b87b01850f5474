"""Every error is application/problem+json (RFC 9457) with the type URIs of API.md."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from app.problem_docs import implied_statuses
from tests.factories import Auth


def _is_problem(response: httpx.Response, status: int, type_: str) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, object] = response.json()
    assert body["type"] == type_
    assert body["status"] == status
    assert {"title", "detail", "instance"} <= body.keys()
    assert response.headers["x-request-id"]
    return body


async def test_unknown_route_is_404_problem(client: httpx.AsyncClient) -> None:
    _is_problem(await client.get("/v1/nowhere"), 404, "/problems/not-found")


async def test_wrong_method_is_405_problem(client: httpx.AsyncClient, auth: Auth) -> None:
    response = await client.delete("/v1/organisations", headers=auth("NL"))
    _is_problem(response, 405, "/problems/method-not-allowed")


async def test_oversized_body_is_413(client: httpx.AsyncClient, auth: Auth) -> None:
    body = b"{" + b" " * 70_000 + b"}"
    response = await client.post(
        "/v1/organisations",
        content=body,
        headers={**auth("NL"), "content-type": "application/json"},
    )
    _is_problem(response, 413, "/problems/payload-too-large")


async def test_non_json_body_is_415(client: httpx.AsyncClient, auth: Auth) -> None:
    response = await client.post(
        "/v1/organisations",
        content=b"code=NL",
        headers={**auth("NL"), "content-type": "text/plain"},
    )
    _is_problem(response, 415, "/problems/unsupported-media-type")


async def test_request_id_is_echoed_or_made(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"
    made = await client.get("/healthz")
    assert len(made.headers["x-request-id"]) == 32


async def test_internal_error_leaks_nothing(app: FastAPI, auth: Auth) -> None:
    async def explode() -> None:
        raise RuntimeError("secret connection string postgres://user:pw@db")

    app.add_api_route("/v1/explode", explode)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        response = await c.get("/v1/explode")
    body = _is_problem(response, 500, "/problems/internal-error")
    assert "secret" not in response.text
    assert "Traceback" not in response.text
    assert body["detail"] == "The server could not complete the request."


def test_the_statuses_an_operation_answers_follow_from_what_it_is() -> None:
    """A route lists by hand only what its kind does not imply (app/problems.py)."""
    write = {
        "x-ilonet-action": "network_meeting.cancel",
        "requestBody": {},
        "parameters": [{"name": "If-Match", "in": "header"}, {"name": "id", "in": "path"}],
    }
    assert implied_statuses("/v1/networks/{id}/cancellation", write) == {
        400, 401, 403, 404, 412, 413, 415, 422, 428, 429, 431, 500,
    }  # fmt: skip
    read = {"x-ilonet-reads": "network", "parameters": [{"name": "limit", "in": "query"}]}
    assert implied_statuses("/v1/networks", read) == {401, 422, 429, 431, 500}
    assert implied_statuses("/healthz", {}) == {431, 500}
