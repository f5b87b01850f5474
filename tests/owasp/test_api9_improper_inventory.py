"""OWASP API9:2023 improper inventory management: the route table is the OpenAPI document
(every route documented with its methods, every documented operation served, every status a
route can answer documented), nothing undocumented is reachable, and the committed document is
the one the app generates."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.routing import Mount, Route

from app.main import create_app
from tests.conformance.harness import Run
from tests.conformance.parts import PARTS

ROOT = Path(__file__).resolve().parents[2]
Auth = Callable[..., dict[str, str]]
# Served but deliberately outside the API document: the explorer, its assets, the document, and
# the pages that describe each problem type (the `type` URIs of the problems).
UNDOCUMENTED = {
    ("GET", "/docs"),
    ("GET", "/openapi.json"),
    ("HEAD", "/openapi.json"),
    ("GET", "/problems"),
    ("GET", "/problems/{slug}"),
}
STATIC_MOUNT = "/static"
BEFORE_ROUTING = {401, 404, 405, 413, 415}


def _table(app: FastAPI) -> set[tuple[str, str]]:
    """(method, path) of every route the app serves (path parameters without converters)."""
    served: set[tuple[str, str]] = set()
    for route in iter_route_contexts(app.routes):
        if isinstance(route.original_route, APIRoute | Route):
            path = re.sub(r"\{(\w+)(:\w+)?\}", r"{\1}", route.path or "")
            served |= {(m, path) for m in route.methods or ()}
        else:
            assert isinstance(route.original_route, Mount), route
            assert route.path == STATIC_MOUNT
    return served


def _documented(document: dict[str, Any]) -> set[tuple[str, str]]:
    return {(m.upper(), p) for p, ops in document["paths"].items() for m in ops}


def test_the_route_table_is_the_document(settings: Any) -> None:
    app = create_app(settings)
    served = _table(app) - UNDOCUMENTED
    assert served == _documented(app.openapi())


def test_the_committed_document_is_current(settings: Any) -> None:
    committed = json.loads((ROOT / "openapi" / "openapi.json").read_text())
    assert committed == json.loads(json.dumps(create_app(settings).openapi()))


def _must_answer(path: str, operation: dict[str, Any]) -> set[int]:
    """What the app answers whatever the route: 500; 401 and 429 on /v1 (authentication, rate
    limit); 400/413/415/422 for a body (middleware, JSON parsing, validation); 422 for any
    parameter; 409/422 for Idempotency-Key (in flight, reused); 412/428 for If-Match."""
    must = {500}
    headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
    if path.startswith("/v1/"):
        must |= {401, 429}
    if "requestBody" in operation:
        must |= {400, 413, 415, 422}
    if operation.get("parameters"):
        must.add(422)
    if "Idempotency-Key" in headers:
        must |= {409, 422}
    if "If-Match" in headers:
        must |= {412, 428}
    return must


def test_every_operation_documents_what_it_can_answer(settings: Any) -> None:
    document = create_app(settings).openapi()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            documented = {int(s) for s in operation["responses"]}
            missing = _must_answer(path, operation) - documented
            assert not missing, f"{method.upper()} {path} does not document {sorted(missing)}"
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")):
                    assert list(response["content"]) == ["application/problem+json"]
            headers = {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "header"}
            if "If-Match" in headers:
                assert headers["If-Match"]["required"] is True
            if path.startswith("/v1/"):
                assert "Retry-After" in operation["responses"]["429"]["headers"]


@pytest.mark.parametrize(
    "path",
    [
        "/debug",
        "/admin",
        "/metrics",
        "/redoc",
        "/docs/oauth2-redirect",
        "/v0/organisations",
        "/v2/organisations",
        "/v1",
        "/v1/openapi.json",
        "/v1/internal/audit",
        "/.env",
        "/static/../app/config.py",
    ],
)
async def test_nothing_undocumented_is_reachable(
    client: httpx.AsyncClient, auth: Auth, path: str
) -> None:
    response = await client.get(path, headers=auth("NL", ["auditor"]))
    assert response.status_code == 404, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "/problems/not-found"


# The methods a client may try on a path that does not document them (Schemathesis's set for
# its coverage phase, which leaves them to this test).
PROBED_METHODS = ("GET", "PUT", "POST", "DELETE", "OPTIONS", "PATCH", "TRACE", "QUERY")


def _path_value(document: dict[str, Any], parameter: dict[str, Any]) -> str:
    """A value the route's path accepts for a path parameter (routing reads no more)."""
    schema = parameter["schema"]
    if schema.get("format") == "uuid":
        return "6f1c2b64-3d5e-4a8f-9b7c-0d1e2f3a4b5c"
    if schema.get("type") == "integer":
        return str(schema.get("minimum", 1))
    if "$ref" in schema:
        return str(document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]["enum"][0])
    return "NL"


async def test_405_names_every_method_of_the_path(
    app: FastAPI, client: httpx.AsyncClient, auth: Auth
) -> None:
    """Every documented path answers a method it does not document with a 405 problem whose
    Allow names the documented methods: OPTIONS (no path documents it) and, in turn, each other
    method of PROBED_METHODS it does not document. That no route serves any other undocumented
    method is test_the_route_table_is_the_document's."""
    document = app.openapi()
    headers = auth("NL")
    probed: dict[str, int] = {}
    for index, (path, item) in enumerate(sorted(document["paths"].items())):
        values = {
            p["name"]: _path_value(document, p)
            for op in item.values()
            for p in op.get("parameters", [])
            if p["in"] == "path"
        }
        url = path.format_map(values)
        documented = sorted(m.upper() for m in item)
        others = sorted(set(PROBED_METHODS) - set(documented) - {"OPTIONS"})
        for method in ("OPTIONS", others[index % len(others)]):
            response = await client.request(method, url, headers=headers)
            where = (method, path)
            assert response.status_code == 405, (where, response.text)
            assert response.headers["content-type"] == "application/problem+json", where
            assert response.json()["type"] == "/problems/method-not-allowed", where
            assert response.headers["Allow"].split(", ") == documented, where
            probed[method] = probed.get(method, 0) + 1
    assert set(probed) == set(PROBED_METHODS), probed
    assert probed["OPTIONS"] == len(document["paths"])


@pytest.mark.conformance
@pytest.mark.parametrize("schemathesis_run", sorted(PARTS), indirect=True)
def test_every_status_the_schemathesis_run_saw_is_documented(schemathesis_run: Run) -> None:
    """Item 1's documentation, from the responses themselves: each status an operation answered
    during the run is in its `responses`; a path or method that is not documented answered
    404/405 (or a refusal that comes before routing: 401, 413, 415) and nothing else."""
    paths: dict[str, dict[str, Any]] = schemathesis_run.document["paths"]  # type: ignore[assignment]
    assert len(schemathesis_run.selected) > 20
    assert schemathesis_run.selected <= set(schemathesis_run.statuses)
    for (method, path), statuses in sorted(schemathesis_run.statuses.items()):
        operation = paths.get(path, {}).get(method.lower())
        if operation is None:
            assert statuses <= BEFORE_ROUTING, f"undocumented {method} {path} got {statuses}"
            continue
        documented = {int(s) for s in operation["responses"]}
        assert statuses <= documented, f"{method} {path}: {sorted(statuses - documented)}"
