"""How problems appear in the OpenAPI document: the statuses each operation can answer because
of what it is, documented as application/problem+json with their bodies."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.problems import (
    ETAG_LIST,
    PROBLEM_JSON,
    TITLES,
    MalformedRequest,
    RateLimited,
    RequestHeaderFieldsTooLarge,
    problem_schema,
    register_bodies,
)

# Statuses every operation of a kind can answer, whatever the route declares:
#   /v1 (authenticated, rate-limited)  401, 429
#   a request body                     400 (not JSON), 413, 415, 422
#   any parameter                      422
#   Idempotency-Key                    409 (idempotency-in-flight), 422 (key reused)
#   If-Match                           412, 428 (and the header is required)
#   a guarded write (x-ilonet-action)  403 (its Decision)
#   a path naming a resource           404 (none, or one the caller may not see)
#   everything                         431 (a head above its bounds, refused before routing), 500
_EXTRA_TITLES = {
    400: MalformedRequest.title,
    429: RateLimited.title,
    431: RequestHeaderFieldsTooLarge.title,
}


def implied_statuses(path: str, operation: Mapping[str, Any]) -> set[int]:
    """The problem statuses an operation can answer because of what it is (see above)."""
    statuses = {431, 500}
    headers = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "header"}
    if path.startswith("/v1/"):
        statuses |= {401, 429}
    if "requestBody" in operation:
        statuses |= {400, 413, 415, 422}
    if operation.get("parameters"):
        statuses.add(422)
    if "Idempotency-Key" in headers:
        statuses |= {409, 422}
    if "If-Match" in headers:
        statuses |= {412, 428}
    if "x-ilonet-action" in operation:
        statuses.add(403)
    if "{" in path:
        statuses.add(404)
    return statuses


def document_problems(schema: dict[str, Any]) -> None:
    """Document errors as they are sent: every status an operation can answer, as
    application/problem+json only (422 with its `errors` list, not FastAPI's own validation
    shape), `If-Match` as required where it is (428 without it). Their headers are
    app/routers/header_docs.py's."""
    for route, path in schema.get("paths", {}).items():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            for status in implied_statuses(route, operation):
                title = TITLES.get(status) or _EXTRA_TITLES.get(status, "Problem")
                responses.setdefault(str(status), {"description": title})
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "header" and parameter["name"] == "If-Match":
                    parameter["required"] = True
                    parameter["schema"] = {"type": "string", "pattern": ETAG_LIST}
            for status, response in responses.items():
                if status.startswith(("4", "5")):
                    response["content"] = {PROBLEM_JSON: {"schema": problem_schema(status)}}
            if "422" in responses:
                responses["422"]["description"] = "Validation error"
    register_bodies(schema)
    for unused in ("HTTPValidationError", "ValidationError"):
        schema.get("components", {}).get("schemas", {}).pop(unused, None)
