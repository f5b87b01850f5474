"""create_app(): routers, middleware, exception handlers, lifespan."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp

from app.background import maintenance_loop
from app.config import Settings, get_settings
from app.db.engine import make_engine, make_sessionmaker
from app.keyring import load_keyring
from app.middleware import RequestContextMiddleware, SecurityHeadersMiddleware
from app.problems import PROBLEM_JSON, install_problem_handlers, problem_responses
from app.routers import (
    audit,
    authorities,
    deployments,
    docs,
    events,
    health,
    officers,
    organisations,
    policy,
    processing_records,
    reference_data,
    webhooks,
)
from app.routers.conventions import Replay, replay_response

STATIC_DIR = Path(__file__).parent / "static"

DESCRIPTION = """
The REST backend of the European network of immigration liaison officers under
Regulation (EU) 2019/1240. Every write is decided by a policy layer that cites the article it
rests on; denials are `application/problem+json` with the violated rule ids.

Authenticate with `Authorization: Bearer <JWT>` (use **Authorize** above).
"""


class ILONetApp(FastAPI):
    """FastAPI with the security headers outermost: outside Starlette's error middleware, so
    that a 500 carries them as every other response does."""

    def build_middleware_stack(self) -> ASGIApp:
        settings: Settings = self.state.settings
        return SecurityHeadersMiddleware(
            super().build_middleware_stack(), behind_tls=settings.behind_tls
        )


def operation_id(route: APIRoute) -> str:
    """Stable `tag-name` operation ids, so generated SDKs read well."""
    tag = str(route.tags[0]) if route.tags else "ilonet"
    return f"{tag}-{route.name}".replace("_", "-")


async def _on_replay(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Replay)
    return replay_response(exc)


def _problem_only_openapi(app: FastAPI) -> None:
    """Document errors as they are sent: application/problem+json only, 422 with its `errors`
    list (not FastAPI's own validation shape), and 413/415 wherever a body is accepted."""
    build = app.openapi
    problem = {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/ProblemBody"}}}

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            for route, path in schema.get("paths", {}).items():
                for operation in path.values():
                    responses = operation.get("responses", {})
                    if route.startswith("/v1/"):
                        responses.setdefault("401", {"description": "Authentication required"})
                    if "requestBody" in operation:
                        for status, title in (
                            ("413", "Payload too large"),
                            ("415", "Unsupported media type"),
                        ):
                            responses.setdefault(status, {"description": title})
                    for status, response in responses.items():
                        if status.startswith(("4", "5")):
                            response["content"] = problem
                    if "422" in responses:
                        responses["422"]["description"] = "Validation error"
            for unused in ("HTTPValidationError", "ValidationError"):
                schema.get("components", {}).get("schemas", {}).pop(unused, None)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def create_app(settings: Settings | None = None, *, app_database_url: str | None = None) -> FastAPI:
    """The ASGI application. `app_database_url` is the application role's connection."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = False
        if not hasattr(app.state, "engine"):
            url = app_database_url or settings.app_database_url
            if url is None:
                raise RuntimeError("No application database URL (run `ilonet serve`).")
            app.state.engine = make_engine(url, settings=settings)
            app.state.sessionmaker = make_sessionmaker(app.state.engine)
            owned = True
        maintenance = (
            asyncio.create_task(maintenance_loop(app.state.sessionmaker, settings))
            if owned
            else None
        )
        try:
            yield
        finally:
            if maintenance is not None:
                maintenance.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await maintenance
            if owned:
                await app.state.engine.dispose()

    app = ILONetApp(
        title="ILONet",
        version="1.0.0",
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
        # Any route may fail unexpectedly; the 500 body names nothing internal.
        responses=problem_responses(500),
    )
    app.state.settings = settings
    app.state.keyring = load_keyring(settings)
    install_problem_handlers(app)
    app.add_middleware(RequestContextMiddleware, max_body_bytes=settings.max_body_bytes)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_exception_handler(Replay, _on_replay)
    for module in (
        health,
        docs,
        organisations,
        authorities,
        officers,
        deployments,
        policy,
        processing_records,
        reference_data,
        audit,
        events,
        webhooks,
    ):
        app.include_router(module.router)
    _problem_only_openapi(app)
    return app
