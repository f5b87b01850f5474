"""One app per test session, handed to each test as create_app() left it: what a test may change
(the state, routes, middleware, exception handlers, dependency overrides, the OpenAPI document)
is put back, and the state is made afresh, so no test sees another's buckets, tallies or caches.

The OpenAPI document takes seconds to generate: it is generated once, and each test that asks
for it gets a copy of its own (a test that added a route gets one generated with that route)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import FastAPI
from starlette.datastructures import State

from app.config import Settings
from app.main import install_state


class SharedApp:
    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.routes = list(app.router.routes)
        self.middleware = list(app.user_middleware)
        self.handlers = dict(app.exception_handlers)
        self.schema: dict[str, Any] | None = None
        self.generate = app.openapi
        app.openapi = self.openapi  # type: ignore[method-assign]

    def openapi(self) -> dict[str, Any]:
        app = self.app
        if app.openapi_schema is None:
            if app.router.routes != self.routes:
                return self.generate()
            if self.schema is None:
                self.schema = copy.deepcopy(self.generate())
            else:
                app.openapi_schema = copy.deepcopy(self.schema)
        assert app.openapi_schema is not None
        return app.openapi_schema

    @contextmanager
    def as_built(self, settings: Settings) -> Iterator[FastAPI]:
        app = self.app
        app.state = State()
        install_state(app, settings)
        # Rebuilt at the first request, from this test's state and settings (the security
        # headers read them when the stack is built).
        app.middleware_stack = None
        app.openapi_schema = None
        try:
            yield app
        finally:
            app.router.routes[:] = self.routes
            app.user_middleware[:] = self.middleware
            app.exception_handlers.clear()
            app.exception_handlers.update(self.handlers)
            app.dependency_overrides.clear()
