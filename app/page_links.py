"""The next page's URL (`Link: <url>; rel="next"`), made only of what the route takes, as it read
it: the configured public origin, the route's path with its path parameters, and the query
parameters the request gave that the route declares, each written the one way its value is
(a number as its digits, a boolean as true or false, a day as YYYY-MM-DD), then the cursor. A
parameter the route does not take, a repeated one, or a value written longer than it reads
(`limit=0050`) is not carried, so the URL is within the bound the OpenAPI document states for
`Link` (app/routers/openapi_bounds.py `link_max`). The client's Host header is never reflected."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from typing import Any
from urllib.parse import quote, urlencode

from fastapi.dependencies.models import Dependant
from fastapi.dependencies.utils import request_params_to_args
from fastapi.routing import APIRoute
from starlette.requests import Request

LINK_TAIL = '>; rel="next"'


def _collect(dependant: Dependant, place: str, found: dict[str, Any]) -> None:
    for parameter in getattr(dependant, f"{place}_params"):
        found.setdefault(parameter.alias, parameter)
    for sub in dependant.dependencies:
        _collect(sub, place, found)


_DECLARED: dict[int, tuple[APIRoute, list[Any], list[Any]]] = {}


def _declared(route: APIRoute) -> tuple[list[Any], list[Any]]:
    """The route's path and query parameters (its dependencies' too), each once; read once a
    route (a route is not hashable: it is kept by its id, with itself to compare)."""
    known = _DECLARED.get(id(route))
    if known is None or known[0] is not route:
        path: dict[str, Any] = {}
        query: dict[str, Any] = {}
        _collect(route.dependant, "path", path)
        _collect(route.dependant, "query", query)
        known = _DECLARED[id(route)] = (route, list(path.values()), list(query.values()))
    return known[1], known[2]


def written(value: object) -> str:
    """A parameter's value as the URL writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return written(value.value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID | int | str):
        return str(value)
    raise TypeError(f"a page's parameter of type {type(value).__name__}")


def next_link(request: Request, next_cursor: str) -> str:
    """The next page's URL: the configured public origin and the route's path and query, or a
    relative reference when no origin is configured (RFC 8288 resolves it against the request
    URI)."""
    origin: str | None = request.app.state.settings.public_url
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        raise RuntimeError("a page's link is made for a route of the API")
    path_fields, query_fields = _declared(route)
    path_values, _ = request_params_to_args(path_fields, request.path_params)
    query_values, _ = request_params_to_args(query_fields, request.query_params)
    path = route.path_format
    for field in path_fields:
        path = path.replace(f"{{{field.alias}}}", quote(written(path_values[field.name]), safe=""))
    query = [
        (field.alias, written(query_values[field.name]))
        for field in query_fields
        if field.alias in request.query_params
        and field.alias != "cursor"
        and query_values.get(field.name) is not None
    ]
    query.append(("cursor", next_cursor))
    return f"{origin or ''}{path}?{urlencode(query)}"


def link_header(request: Request, next_cursor: str) -> str:
    return f"<{next_link(request, next_cursor)}{LINK_TAIL}"
