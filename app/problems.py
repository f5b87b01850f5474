"""RFC 9457 problem details: one exception type per problem kind, and their handlers."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any, ClassVar

import asyncpg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path

from app.bounds import MESSAGE_MAX
from app.policies import Decision
from app.problem_bodies import (
    ERRORS_MAX,
    TEXT_BOUNDS,
    PolicyDeniedBody,
    ProblemBody,
    ProblemViolation,
    ValidationProblemBody,
)

PROBLEM_JSON = "application/problem+json"
# RFC 9110 8.8.3 / 13.1.1: "*" or a list of entity tags (weak ones never match).
ETAG_LIST = r'^(\*|(W/)?"[!#-~]*"([ \t]*,[ \t]*(W/)?"[!#-~]*")*)$'
log = logging.getLogger("ilonet.problems")


class Problem(Exception):
    """Base of every problem the API answers with; subclasses fix type, title and status."""

    type: ClassVar[str] = "/problems/internal-error"
    title: ClassVar[str] = "Internal error"
    status: ClassVar[int] = 500

    def __init__(
        self,
        detail: str = "",
        *,
        extra: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.extra = dict(extra or {})
        self.headers = dict(headers or {})

    def body(self, instance: str) -> dict[str, Any]:
        """The problem+json body, its texts and lists cut to the bounds its schema states
        (app/problem_bodies.py): a detail or a path of any length stays within them."""
        body = {
            "type": self.type,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "instance": instance,
            **self.extra,
        }
        for key, limit in TEXT_BOUNDS.items():
            body[key] = str(body[key])[:limit]
        if isinstance(body.get("errors"), list):
            body["errors"] = [_bounded_error(e) for e in body["errors"][:ERRORS_MAX]]
        return body


def _bounded_error(error: Any) -> Any:
    if not isinstance(error, Mapping):
        return error
    return {k: v[:MESSAGE_MAX] if isinstance(v, str) else v for k, v in error.items()}


class MalformedRequest(Problem):
    type, title, status = "/problems/malformed-request", "Malformed request", 400


class Unauthenticated(Problem):
    type, title, status = "/problems/unauthenticated", "Authentication required", 401

    def __init__(self, detail: str = "A valid bearer token is required.") -> None:
        super().__init__(detail, headers={"WWW-Authenticate": 'Bearer realm="ilonet"'})


class PolicyDenied(Problem):
    """A 403 carrying the Decision: the violated rule ids and the decision id."""

    type, title, status = "/problems/policy-denied", "Denied by policy", 403

    def __init__(
        self,
        decision: Decision,
        *,
        resource_type: str = "",
        action: str = "",
        resource_id: str | None = None,
    ) -> None:
        rules = ", ".join(v.rule for v in decision.violations)
        super().__init__(
            f"The request breaks {rules}.",
            extra={
                # as its schema states them: each reason and the message cut to their bounds
                "violations": [
                    ProblemViolation.model_validate(v.as_dict()).model_dump()
                    for v in decision.violations
                ],
                "decision_id": decision.decision_id,
                "policy_version": decision.policy_version,
            },
        )
        self.decision = decision
        self.resource_type = resource_type
        self.action = action
        self.resource_id = resource_id


class NotFound(Problem):
    type, title, status = "/problems/not-found", "Not found", 404

    def __init__(
        self, detail: str = "", *, resource_type: str = "", resource_id: str | None = None
    ) -> None:
        super().__init__(detail)
        self.resource_type = resource_type
        self.resource_id = resource_id


class MethodNotAllowed(Problem):
    type, title, status = "/problems/method-not-allowed", "Method not allowed", 405


class Conflict(Problem):
    type, title, status = "/problems/conflict", "Conflict", 409


class IdempotencyInFlight(Problem):
    type, title, status = "/problems/idempotency-in-flight", "Request still in flight", 409


class PreconditionFailed(Problem):
    type, title, status = "/problems/precondition-failed", "Precondition failed", 412


class PayloadTooLarge(Problem):
    type, title, status = "/problems/payload-too-large", "Payload too large", 413


class UnsupportedMediaType(Problem):
    type, title, status = "/problems/unsupported-media-type", "Unsupported media type", 415


class ValidationFailed(Problem):
    type, title, status = "/problems/validation-error", "Validation error", 422

    def __init__(
        self,
        errors: Sequence[Mapping[str, str]],
        detail: str = "",
        *,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(
            detail or "The request has invalid fields.",
            extra={"errors": list(errors), **(extra or {})},
        )


class IdempotencyKeyReused(Problem):
    type, title, status = "/problems/idempotency-key-reused", "Idempotency key reused", 422


class PreconditionRequired(Problem):
    type, title, status = "/problems/precondition-required", "Precondition required", 428


class RequestHeaderFieldsTooLarge(Problem):
    """Sent by the server before routing (app/http_limits.py): any operation can answer it."""

    type, title, status = (
        "/problems/request-header-fields-too-large",
        "Request header fields too large",
        431,
    )


# The longest wait a Retry-After names (a day): a client told so asks again then.
RETRY_AFTER_MAX = 86_400


def retry_after_value(seconds: int) -> str:
    return str(min(max(1, seconds), RETRY_AFTER_MAX))


class RateLimited(Problem):
    type, title, status = "/problems/rate-limited", "Too many requests", 429

    def __init__(self, detail: str = "", *, retry_after: int = 1) -> None:
        super().__init__(
            detail or f"Too many requests; retry after {retry_after} s.",
            headers={"Retry-After": retry_after_value(retry_after)},
        )


class ServiceUnavailable(Problem):
    """503 with `Retry-After`: the service cannot answer now (its database is unreachable, its
    schema is behind); the same request may succeed later."""

    type, title, status = "/problems/service-unavailable", "Service unavailable", 503
    retry_after_default: ClassVar[int] = 5

    def __init__(self, detail: str = "", *, retry_after: int | None = None) -> None:
        seconds = retry_after if retry_after is not None else self.retry_after_default
        super().__init__(detail, headers={"Retry-After": retry_after_value(seconds)})


class InternalError(Problem):
    type, title, status = "/problems/internal-error", "Internal error", 500


_BY_STATUS: dict[int, type[Problem]] = {
    cls.status: cls
    for cls in (
        MalformedRequest,
        Unauthenticated,
        NotFound,
        MethodNotAllowed,
        Conflict,
        PreconditionFailed,
        PayloadTooLarge,
        UnsupportedMediaType,
        PreconditionRequired,
        RateLimited,
        ServiceUnavailable,
    )
}


def problem_response(problem: Problem, request: Request) -> JSONResponse:
    headers = dict(problem.headers)
    request_id = getattr(request.state, "request_id", None)
    if request_id:
        headers["X-Request-ID"] = request_id
    return JSONResponse(
        problem.body(request.url.path),
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def _pointer(loc: Sequence[int | str]) -> str:
    """JSON pointer into the body, or the parameter name for query/path/header errors."""
    parts = [str(p).replace("~", "~0").replace("/", "~1") for p in loc[1:]]
    return "/" + "/".join(parts)


# A field the policy always requires names its rules in the schema (json_schema_extra), and the
# 422 for its absence names them too.
RULES_KEY = "x-ilonet-rules"


def declared_rules(model: Any, loc: Sequence[int | str]) -> list[str]:
    """The rules the schema names for the field at `loc` of `model` (none when it names none)."""
    for depth, part in enumerate(loc):
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return []
        field = model.model_fields.get(str(part))
        if field is None:
            return []
        if depth == len(loc) - 1:
            extra = field.json_schema_extra
            rules = extra.get(RULES_KEY) if isinstance(extra, dict) else None
            return [str(r) for r in rules] if isinstance(rules, list) else []
        model = field.annotation
    return []


def _body_model(request: Request | None) -> Any:
    route = request.scope.get("route") if request is not None else None
    field = getattr(route, "body_field", None)
    info = getattr(field, "field_info", None)
    return getattr(info, "annotation", None)


def validation_problem(exc: RequestValidationError, request: Request | None = None) -> Problem:
    errors = list(exc.errors())
    if any(e.get("type") == "json_invalid" for e in errors):
        return MalformedRequest("The request body is not valid JSON.")
    rendered = []
    for err in errors:
        loc = tuple(err.get("loc", ()))
        where = loc[0] if loc else "body"
        detail = str(err.get("msg", "invalid"))
        if err.get("type") == "missing" and where == "body":
            rules = declared_rules(_body_model(request), loc[1:])
            if rules:
                detail = f"{detail}: the policy always requires it ({', '.join(rules)})"
        rendered.append(
            {
                "pointer": _pointer(loc),
                "in": str(where) if where in ("query", "path", "header") else "body",
                "detail": detail,
            }
        )
    return ValidationFailed(rendered)


def install_problem_handlers(
    app: FastAPI, *, database_unavailable: Callable[[BaseException], bool]
) -> None:
    """Answer every error as a problem. `database_unavailable` tells the errors that mean the
    database cannot be reached now (a 503) from the others (a 500): the storage layer knows them
    (app.db.engine.database_unavailable), the app hands it in."""

    async def on_problem(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, Problem)
        return problem_response(exc, request)

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return problem_response(validation_problem(exc, request), request)

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        cls = _BY_STATUS.get(exc.status_code, InternalError)
        detail = exc.detail if isinstance(exc.detail, str) and cls is not InternalError else ""
        problem = cls(detail)
        problem.headers.update(exc.headers or {})
        if exc.status_code == 405:
            # Starlette names the methods of the first route matching the path only.
            problem.headers["Allow"] = ", ".join(allowed_methods(request))
        return problem_response(problem, request)

    async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", extra={"request_id": request.state.request_id})
        return problem_response(
            InternalError("The server could not complete the request."), request
        )

    async def on_database_error(request: Request, exc: Exception) -> JSONResponse:
        """A database that cannot be reached is a 503 with Retry-After, never a 500.

        Handled here, inside the middleware stack, rather than by the catch-all: an error that
        reaches the server's outermost layer is re-raised after its 500 is sent, and the server
        then closes the connection, so a request already sent on that keep-alive connection got
        no response at all.
        """
        if not database_unavailable(exc):
            return await on_unexpected(request, exc)
        log.warning(
            "database unavailable",
            extra={"request_id": request.state.request_id, "event": type(exc).__name__},
        )
        retry_after = getattr(request.app.state.settings, "db_retry_after_seconds", None)
        problem = ServiceUnavailable(
            "The database cannot be reached; retry the request later.", retry_after=retry_after
        )
        return problem_response(problem, request)

    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    # Errors of the database layer (and the socket errors of a refused or timed-out connect,
    # which the driver raises unwrapped): a 503 when the database is unreachable.
    for database_error in (SQLAlchemyError, asyncpg.PostgresError, asyncpg.InterfaceError):
        app.add_exception_handler(database_error, on_database_error)
    app.add_exception_handler(OSError, on_database_error)
    app.add_exception_handler(TimeoutError, on_database_error)
    app.add_exception_handler(Exception, on_unexpected)


_DOCUMENTED: tuple[type[Problem], ...] = (
    *_BY_STATUS.values(),
    PolicyDenied,
    ValidationFailed,
    InternalError,
)
TITLES: dict[int, str] = {cls.status: cls.title for cls in _DOCUMENTED}


@lru_cache(maxsize=512)
def _path_regex(path: str) -> re.Pattern[str]:
    return compile_path(path)[0]


def _literal_length(path: str) -> int:
    return len(re.sub(r"\{[^}]*\}", "", path))


def allowed_methods(request: Request) -> list[str]:
    """Every method the routes matching the request's path answer (RFC 9110 15.5.6 `Allow`).

    Of the matching paths only the most literal count: `/v1/webhooks/{id}:enable` is the
    resource of `/v1/webhooks/…:enable`, although `/v1/webhooks/{id}` matches it too."""
    matches: list[tuple[int, set[str]]] = []
    for route in iter_route_contexts(request.app.routes):
        matched = route.path is not None and _path_regex(route.path).match(request.url.path)
        if isinstance(route.original_route, APIRoute) and matched and route.methods:
            matches.append((_literal_length(route.path or ""), set(route.methods)))
    best = max((length for length, _ in matches), default=0)
    return sorted({m for length, methods in matches if length == best for m in methods})


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries: problem+json bodies (and only problem+json)."""
    return {
        status: {
            # registers the schema in components; a 403 is always a policy denial
            "model": _BODIES.get(str(status), ProblemBody),
            "content": {PROBLEM_JSON: {"schema": problem_schema(status)}},
            "description": TITLES.get(status, "Problem"),
        }
        for status in statuses
    }


_BODIES: dict[str, type[ProblemBody]] = {"403": PolicyDeniedBody, "422": ValidationProblemBody}


def problem_schema(status: int | str) -> dict[str, str]:
    """The body of a problem status: a 403 is always a policy denial (PolicyDenied: the
    violated rules and the decision id), a 422 a validation problem (its `errors`), every other
    status a plain ProblemBody."""
    name = _BODIES.get(str(status), ProblemBody).__name__
    return {"$ref": f"#/components/schemas/{name}"}


def register_bodies(schema: dict[str, Any]) -> None:
    """Put every problem body in the document's components (those no route names itself)."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    models: list[type[ProblemBody]] = [ProblemBody, *_BODIES.values()]
    for model in models:
        rendered = model.model_json_schema(
            by_alias=True, ref_template="#/components/schemas/{model}"
        )
        for name, nested in rendered.pop("$defs", {}).items():
            components.setdefault(name, nested)
        components.setdefault(model.__name__, rendered)
