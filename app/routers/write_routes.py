"""Write routes mounted from their entries: `write(router, ENTRY, method, path, ...)` is a whole
guarded route. What the answer is follows from the entry (app/services/guarded.py `Action`):

- an entry that adds a row (`makes="row"`) answers 201 with `Location`;
- a change answers 200 (204 when it shows nothing); one that names the version it changes
  (`names_version`) takes `If-Match` (428 without it, 412 when stale, checked by the entry);
- a POST takes `Idempotency-Key` (app/routers/conventions.py), and its answer is stored for a
  replay;
- the answer carries `ETag` when it shows a resource some write route changes under `If-Match`
  (its version is what a client names; `versioned`).

The route's summary is its entry's (with "(If-Match required)" when it names a version), its
description the text kept beside the `write(...)` line; its policy mark is `guarded(ENTRY)`.
tests/test_write_routes.py holds every guarded route of the app to being mounted here."""

from __future__ import annotations

import functools
import inspect
import re
import uuid
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from fastapi import APIRouter, Request, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.applications import Starlette
from starlette.routing import BaseRoute

from app.routers.conventions import (
    ActionContext,
    Idempotency,
    Idempotent,
    IfMatch,
    etag_of,
    inspects_first,
    require_if_match,
)
from app.routers.policy_marks import guarded
from app.services.guarded import Action, Context, NoBody

Method = Literal["POST", "PUT", "PATCH", "DELETE"]
# (context, row) → what the route shows of the row written (sync or async).
Show = Callable[[Context, Any], BaseModel | Awaitable[BaseModel]]
# (context, the path's parameters) → nothing, or a 404 when they do not belong together.
Check = Callable[[Context, Mapping[str, Any]], Awaitable[None]]
# (context, target, body) → the row written: the entry performed, with what comes with it.
Perform = Callable[[Context, Any, Any], Awaitable[Any]]
_PARAMETER = re.compile(r"\{(\w+)(?::\w+)?\}")
# The endpoint attribute naming the write route it was mounted as.
MOUNTED = "__write_route__"


@dataclass(frozen=True, slots=True)
class WriteRoute:
    """One write route as mounted: its entry and what its answer is."""

    entry: Action
    method: Method
    path: str
    status: int
    out: type[BaseModel] | None
    location: str | Callable[[Any], str] | None
    idempotent: bool
    parameters: tuple[str, ...]
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def if_match(self) -> bool:
        return self.entry.names_version

    def location_of(self, row: Any, params: Mapping[str, Any]) -> str | None:
        """The Location of what was written: `path` is the route's, with its parsed ids."""
        if self.location is None:
            return None
        if callable(self.location):
            return self.location(row)
        path = self.path_template.format(**params) if params else self.path_template
        return self.location.format(row=row, path=path, **params)

    @property
    def path_template(self) -> str:
        """The route's path with its parameters' converters dropped (`{id}`), made once."""
        return _path_template(self.path)


@functools.cache
def _path_template(path: str) -> str:
    return _PARAMETER.sub(r"{\1}", path)


def _summary(entry: Action) -> str:
    if entry.names_version and "If-Match" not in entry.summary:
        return f"{entry.summary} (If-Match required)"
    return entry.summary


def _default_target(entry: Action, names: tuple[str, ...], params: Mapping[str, Any]) -> Any:
    """None for an action on nothing, the path's one id, or its ids in order."""
    if entry.target == "none":
        return None
    if len(names) == 1:
        return params[names[0]]
    return tuple(params[n] for n in names)


def _out_of(render: Callable[..., Any]) -> type[BaseModel]:
    model = inspect.signature(render, eval_str=True).return_annotation
    if isinstance(model, type) and issubclass(model, BaseModel):
        return model
    raise TypeError(f"{render!r} does not state the model it answers: pass out=")


def write(
    router: APIRouter,
    entry: Action,
    method: Method,
    path: str,
    *,
    name: str,
    doc: str,
    render: Callable[[Any], BaseModel] | None = None,
    show: Show | None = None,
    out: type[BaseModel] | None = None,
    location: str | Callable[[Any], str] | None = None,
    types: Mapping[str, Any] | None = None,
    target: Callable[[Mapping[str, Any]], Any] | None = None,
    check: Check | None = None,
    perform: Perform | None = None,
    replay: Callable[[Any], BaseModel] | None = None,
    headers: Mapping[str, str] | None = None,
    responses: dict[int | str, dict[str, Any]] | None = None,
) -> WriteRoute:
    """Mount `entry` as `method path` on `router`. `render(row)` (or `show(context, row)`) is
    the answer; `location` a template of the path's parameters, `row` and the route's `path`
    (a creation's, `{path}/{row.id}` by default; given for a change, a 201 too); `types` the
    path parameters' types (UUID by default); `target` the entry's target from the path's
    parameters; `check` what the path must satisfy beyond the entry (run after If-Match);
    `perform` the entry performed with what comes with it; `replay` the answer stored for an
    Idempotency-Key replay when it must differ from the first (a secret shown once)."""
    if render is not None and show is not None:
        raise TypeError(f"{name}: pass render or show, not both")
    names = tuple(_PARAMETER.findall(router.prefix + path))
    if entry.makes == "row" and location is None:
        location = "{path}/{row.id}"  # what was added: the route's path and the row's id
    model = out if out is not None else (_out_of(render) if render is not None else None)
    if model is None and (show is not None or location is not None):
        raise TypeError(f"{name}: a route that shows what it wrote states its model (out=)")
    status = 201 if location is not None else (200 if model is not None else 204)
    route = WriteRoute(
        entry=entry,
        method=method,
        path=router.prefix + path,
        status=status,
        out=model,
        location=location,
        idempotent=method == "POST",
        parameters=names,
        headers=dict(headers or {}),
    )

    async def endpoint(**kwargs: Any) -> Response:
        context: Context = kwargs["context"]
        if route.if_match:
            context = require_if_match(context, kwargs["if_match"])
        params = {n: kwargs[n] for n in names}
        if check is not None:
            await check(context, params)
        aim = target(params) if target is not None else _default_target(entry, names, params)
        body = kwargs.get("body", NoBody())
        if perform is not None:
            row = await perform(context, aim, body)
        else:
            row = await context.perform(entry, aim, body)
        if route.status == 204:
            return Response(status_code=204)
        answer = await _answer(context, row, render, show)
        request: Request = kwargs["request"]
        sent = _headers(route, row, params, versioned(request.app))
        idempotent: Idempotent | None = kwargs.get("idempotent")
        if idempotent is not None:
            stored = replay(row) if replay is not None else None
            return await idempotent.respond(
                answer, status=route.status, headers=sent, stored=stored
            )
        return Response(
            answer.model_dump_json().encode(),
            status_code=route.status,
            headers={"content-type": "application/json", **sent},
        )

    endpoint.__signature__ = _signature(route, names, types or {})  # type: ignore[attr-defined]
    endpoint.__name__ = name
    endpoint.__doc__ = doc
    setattr(endpoint, MOUNTED, route)
    if entry.inspect is not None:
        inspects_first(endpoint)
    router.add_api_route(
        path,
        endpoint,
        methods=[method],
        name=name,
        status_code=status,
        summary=_summary(entry),
        response_model=model,
        responses=responses,
        openapi_extra=guarded(entry),
    )
    return route


async def _answer(
    context: Context,
    row: Any,
    render: Callable[[Any], BaseModel] | None,
    show: Show | None,
) -> BaseModel:
    if render is not None:
        return render(row)
    assert show is not None
    answer = show(context, row)
    return await answer if inspect.isawaitable(answer) else answer


def _headers(
    route: WriteRoute,
    row: Any,
    params: Mapping[str, Any],
    changeable: frozenset[type[BaseModel]],
) -> dict[str, str]:
    sent: dict[str, str] = {}
    location = route.location_of(row, params)
    if location is not None:
        sent["Location"] = location
    if route.out in changeable:
        sent["ETag"] = etag_of(row.version)
    return {**sent, **route.headers}


def _signature(
    route: WriteRoute, names: tuple[str, ...], types: Mapping[str, Any]
) -> inspect.Signature:
    """The endpoint's parameters as FastAPI reads them: the path's ids, the entry's body, the
    action context, Idempotency-Key on a POST, If-Match where the entry names a version."""
    keyword = inspect.Parameter.KEYWORD_ONLY
    parameters = [
        inspect.Parameter("request", keyword, annotation=Request),
        *(inspect.Parameter(n, keyword, annotation=types.get(n, uuid.UUID)) for n in names),
    ]
    if route.entry.body is not NoBody:
        parameters.append(inspect.Parameter("body", keyword, annotation=route.entry.body))
    parameters.append(inspect.Parameter("context", keyword, annotation=ActionContext))
    if route.idempotent:
        parameters.append(inspect.Parameter("idempotent", keyword, annotation=Idempotency))
    if route.if_match:
        parameters.append(inspect.Parameter("if_match", keyword, annotation=IfMatch, default=None))
    return inspect.Signature(parameters, return_annotation=Response)


def mounted(endpoint: Callable[..., Any]) -> WriteRoute | None:
    """The write route an endpoint was mounted as, if it was."""
    route = getattr(endpoint, MOUNTED, None)
    return route if isinstance(route, WriteRoute) else None


def write_routes(app: Starlette) -> list[WriteRoute]:
    """The write routes mounted on `app`, included routers too (read from the routers as
    included, without building every route's effective copy: the first write request of a
    server asks, and would otherwise build all of them, holding the event loop for seconds)."""
    return [made for route in _api_routes(app.routes) if (made := mounted(route.endpoint))]


def _api_routes(routes: Sequence[BaseRoute]) -> Iterator[APIRoute]:
    for route in routes:
        included = getattr(route, "original_router", None)  # a router included as it is
        if included is not None:
            yield from _api_routes(included.routes)
        elif isinstance(route, APIRoute):
            yield route


def versioned(app: Starlette) -> frozenset[type[BaseModel]]:
    """What the write routes of `app` show of a resource changed under If-Match: the answers
    of those changes, and any answer holding all of one of them and its version (a created
    webhook: the subscription and its secret). Such an answer carries its ETag (as
    app/routers/header_docs.py `versioned` declares it). Computed once per app."""
    known = getattr(app.state, "versioned_answers", None)
    if isinstance(known, frozenset):
        return known
    routes = write_routes(app)
    shown = {r.out for r in routes if r.out is not None}
    changed = {r.out for r in routes if r.if_match and r.out is not None}
    fields = {model: set(model.model_fields) for model in shown}
    answers = frozenset(
        changed
        | {
            model
            for model in shown
            if "version" in fields[model] and any(fields[c] <= fields[model] for c in changed)
        }
    )
    app.state.versioned_answers = answers
    return answers
