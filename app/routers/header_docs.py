"""The response headers of every operation, declared in the OpenAPI document from what the route
is, so that a route added later declares them too:

- `X-Request-ID` on every response (app/middleware.py);
- `RateLimit-Policy` and `RateLimit` on every /v1 response once the caller is authenticated
  (app/rate_limit.py: not on a 401), `Retry-After` on every 429 and 503;
- `WWW-Authenticate` on every 401;
- `ETag` on a success that shows a resource changed under `If-Match` (its schema is what such a
  change answers), read or written, and on a stored file's content (the hash of its bytes);
- `Location` on every 201;
- `Link` (rel="next") on a list answering a page with `next_cursor` (app/pagination.py);
- `Idempotent-Replayed` on the successes of an operation taking `Idempotency-Key`
  (app/routers/conventions.py: a replay of the first response).

tests/test_openapi_headers.py plays real requests and holds every header sent to this."""

from __future__ import annotations

from typing import Any

from app.problems import RETRY_AFTER_MAX
from app.rate_limit import POLICY_HEADER_MAX, STATE_HEADER_MAX

# A strong entity tag: `"v<version>"` (an Integer) or a stored file's `"<sha256 hex>"`.
ETAG_MAX = len('"') * 2 + 64

JSON = "application/json"

HEADERS: dict[str, dict[str, Any]] = {
    "X-Request-ID": {
        "description": "The request's id: the client's own when it is a plain token, else one "
        "the server made. Logs and audit events name it.",
        "schema": {"type": "string", "maxLength": 64, "pattern": "^[A-Za-z0-9._:-]{1,64}$"},
    },
    "RateLimit-Policy": {
        "description": "The client's quota (draft-ietf-httpapi-ratelimit-headers), e.g. "
        '`"default";q=600;w=60`: units per 60 s window.',
        "schema": {"type": "string", "maxLength": POLICY_HEADER_MAX},
    },
    "RateLimit": {
        "description": 'The client\'s state, e.g. `"default";r=598;t=1`: units left and seconds '
        "until the bucket is full again.",
        "schema": {"type": "string", "maxLength": STATE_HEADER_MAX},
    },
    "Retry-After": {
        "description": "Seconds to wait before the next request (a day at most).",
        "schema": {"type": "integer", "format": "int32", "minimum": 1, "maximum": RETRY_AFTER_MAX},
    },
    "WWW-Authenticate": {
        "description": 'The scheme to authenticate with: `Bearer realm="ilonet"`.',
        "schema": {"type": "string", "maxLength": 64},
    },
    "ETag": {
        "description": 'The version shown, as a strong entity tag (`"v3"`; a stored file\'s '
        "content: the hash of its bytes). Send it back as `If-Match` to change the resource.",
        "schema": {"type": "string", "maxLength": ETAG_MAX},
    },
    "Location": {
        "description": "The URL of the resource created.",
        "schema": {"type": "string", "format": "uri-reference"},
    },
    "Link": {
        "description": 'The next page, `<url>; rel="next"` (RFC 8288), when there is one; the '
        "same URL as `next_cursor` gives.",
        "schema": {"type": "string"},
    },
    "Idempotent-Replayed": {
        "description": "`true` when this is the stored first response to the same "
        "`Idempotency-Key` and body, replayed instead of running the request again.",
        "schema": {"type": "string", "const": "true"},
    },
}


def _resolved(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    components = document.get("components", {}).get("schemas", {})
    while "$ref" in schema:
        schema = components.get(str(schema["$ref"]).rsplit("/", 1)[-1], {})
    return schema


def _schema_name(response: dict[str, Any]) -> str:
    ref = response.get("content", {}).get(JSON, {}).get("schema", {}).get("$ref", "")
    return str(ref).rsplit("/", 1)[-1]


def versioned(document: dict[str, Any]) -> set[str]:
    """The schemas of resources changed under `If-Match`: what a success of such a change
    answers (their `version` is the one the ETag names), and those that show all of one of
    them and more (a created webhook: the subscription and its secret)."""
    changed = {
        _schema_name(response)
        for item in document.get("paths", {}).values()
        for operation in item.values()
        if any(p.get("name") == "If-Match" for p in operation.get("parameters", []))
        for status, response in operation.get("responses", {}).items()
        if status.startswith("2") and _schema_name(response)
    }
    schemas = document.get("components", {}).get("schemas", {})
    fields = {name: set(schema.get("properties", {})) for name, schema in schemas.items()}
    return changed | {
        name
        for name, own in fields.items()
        if "version" in own and any(fields.get(c, set()) <= own for c in changed)
    }


def _properties(response: dict[str, Any], document: dict[str, Any]) -> set[str]:
    schema = response.get("content", {}).get(JSON, {}).get("schema")
    return set(_resolved(schema, document).get("properties", {})) if schema else set()


def _stored_file(response: dict[str, Any]) -> bool:
    """The content of a stored file: answered as itself, in one of several media types."""
    types = set(response.get("content", {}))
    return "application/pdf" in types or "application/octet-stream" in types


def sent_headers(
    path: str,
    method: str,
    status: str,
    operation: dict[str, Any],
    document: dict[str, Any],
    changeable: set[str] | None = None,
) -> list[str]:
    """The headers a response of this operation and status can carry, by what the route is."""
    names = ["X-Request-ID"]
    response = operation.get("responses", {}).get(status, {})
    parameters = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "header"}
    if path.startswith("/v1/") and status != "401":
        names += ["RateLimit-Policy", "RateLimit"]
    if status in ("429", "503"):
        names.append("Retry-After")
    if status == "401":
        names.append("WWW-Authenticate")
    if not status.startswith("2"):
        return names
    properties = _properties(response, document)
    changeable = versioned(document) if changeable is None else changeable
    if _schema_name(response) in changeable or (method == "get" and _stored_file(response)):
        names.append("ETag")
    takes_cursor = any(p.get("name") == "cursor" for p in operation.get("parameters", []))
    if method == "get" and "next_cursor" in properties and takes_cursor:
        names.append("Link")
    if status == "201":
        names.append("Location")
    if "Idempotency-Key" in parameters:
        names.append("Idempotent-Replayed")
    return names


def declare_headers(document: dict[str, Any]) -> None:
    """Declare on every response of `document` the headers it can carry (in place), each a
    reference to its one definition in `components/headers`."""
    document.setdefault("components", {})["headers"] = {n: dict(h) for n, h in HEADERS.items()}
    changeable = versioned(document)
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            for status, response in operation.get("responses", {}).items():
                names = sent_headers(path, method, status, operation, document, changeable)
                declared = response.setdefault("headers", {})
                for name in names:
                    declared.setdefault(name, {"$ref": f"#/components/headers/{name}"})
