"""create_app(): routers, middleware, exception handlers, lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import importlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request, Response
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp

from app import deferred_models, metrics
from app.background import maintenance_loop
from app.config import Settings, get_settings
from app.db import backlogs, denial_audit
from app.db.audit_signer import log_signers
from app.db.denial_audit import NotFoundTally
from app.db.engine import database_unavailable, make_engine, make_sessionmaker
from app.db.principal_binding import ClaimBinding
from app.gates import Gate
from app.http_limits import HeaderLimits
from app.jwks import JwksCache
from app.keyring import load_keyring
from app.middleware import RequestContextMiddleware, SecurityHeadersMiddleware
from app.openapi_info import CONTACT, SERVERS, TAGS
from app.problem_docs import document_problems
from app.problems import install_problem_handlers, problem_responses
from app.rate_limit import RateLimiter, Sync, enforce
from app.routers import (
    audit,
    authorities,
    batch,
    board,
    board_reports,
    deployments,
    docs,
    documents,
    events,
    health,
    institutional_contacts,
    networks,
    officers,
    organisations,
    policy,
    problem_pages,
    processing_record_rights,
    processing_records,
    reference_data,
    reference_impact,
    ropa,
    statistics,
    transfer_follow_ups,
    webhooks,
)
from app.routers.conventions import Replay, replay_response
from app.routers.deferred import DeferredRoute
from app.routers.header_docs import declare_headers
from app.routers.openapi_bounds import state_bounds
from app.routers.operation_docs import annotate
from app.security import trusted_issuers
from app.workers import TaskLimits, WorkerPool, install, off_the_loop, pool_of

log = logging.getLogger("ilonet.main")
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


# Modules a request imports where it needs them, not at start (python-jose for the first token
# verified, the document checks a worker runs, the platform scanner a processing record's read
# reason is checked with and, with it, the contact patterns an institutional contact's write
# checks, Jinja for the pages, httpx for a webhook delivery or a JWKS fetch): imported on a
# thread once the server answers, so that no request pays for them.
WARM_AFTER_START = ("jose.jwt", "app.platform.check", "app.platform.scanner", "jinja2", "httpx")


async def _warm_imports(names: tuple[str, ...]) -> None:
    for name in names:
        await off_the_loop(partial(importlib.import_module, name))


async def _warm(app: FastAPI) -> None:
    """The imports, then the models, then the routes; then everything the process holds so far
    (modules, routes, validators: hundreds of thousands of objects that live as long as it does)
    is left out of the garbage collector's full collections, which would otherwise walk all of
    it, holding the event loop for a tenth of a second or more, every time the requests' garbage
    triggers one."""
    await _warm_imports(WARM_AFTER_START)
    await _warm_models()
    await _warm_routes(app)
    gc.freeze()


async def _warm_models() -> None:
    """Build the validators and serializers of the app's models (app.deferred_models), then
    of FastAPI's that `ilonet serve` imported unbuilt, one between two turns of the event loop:
    no request after the warm-up builds a model, and the routes' adapters built next take each
    model's schema as it is."""
    for model in [*deferred_models.declared(), *deferred_models.of_libraries()]:
        deferred_models.build(model)
        await asyncio.sleep(0)


async def _warm_routes(app: FastAPI) -> None:
    """Build every included router's routes as they are served (the validators of their
    parameters and answers), one router between two turns of the event loop, then each route
    as its router declared it (app.routers.deferred: what a page link or a 422 reads of the
    route a request matched), one between two turns. FastAPI builds a router's routes at the
    first request it matches, which then holds the event loop, and every other request, for as
    long as a second."""
    for route in list(app.routes):
        declared = [context.original_route for context in iter_route_contexts([route])]
        await asyncio.sleep(0)
        for original in declared:
            if isinstance(original, DeferredRoute) and not original.built:
                original.build()
                await asyncio.sleep(0)


# Background work waits for the first /readyz 200 (app.routers.health), or this long after the
# lifespan started when nothing asks.
AFTER_READY_GRACE_SECONDS = 2.0


async def _after_ready(app: FastAPI, work: Callable[[], Awaitable[object]]) -> None:
    """Run `work` once the server has answered /readyz 200, or after the grace period."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(app.state.answered_ready.wait(), AFTER_READY_GRACE_SECONDS)
    await work()


async def _flush_denials(app: FastAPI) -> None:
    try:
        async with app.state.sessionmaker() as session:
            await denial_audit.flush(session, app.state.not_found_tally)
    except Exception:
        log.exception("denial aggregate failed", extra={"event": "audit.denials"})


async def _aggregate_denials(app: FastAPI, interval: float) -> None:
    """Write the counted 404s of missing resources as aggregate audit events, periodically."""
    while True:
        await asyncio.sleep(interval)
        await _flush_denials(app)


def worker_pool(settings: Settings) -> WorkerPool:
    """The pool of worker processes long work runs in (started with the app, on first use in
    tests)."""
    limits = TaskLimits(
        memory_bytes=settings.task_memory_mb * 1024 * 1024,
        cpu_seconds=settings.task_cpu_seconds,
        wall_seconds=settings.task_cpu_seconds * 3.0,
    )
    return pool_of(processes=settings.task_processes, queue=settings.task_queue, limits=limits)


def install_state(app: FastAPI, settings: Settings) -> None:
    """What the app keeps between requests, as a process starts with it: the settings, whether
    /readyz has answered 200, the rate limiter's buckets, the tally of 404s, the claim check,
    the keyring and the JWKS cache (the token cache is made at the first request). The engine
    and sessionmaker are the lifespan's."""
    app.state.settings = settings
    app.state.answered_ready = asyncio.Event()
    app.state.rate_limiter = RateLimiter.from_settings(settings)
    app.state.not_found_tally = NotFoundTally()
    app.state.workers = install(worker_pool(settings))
    # An analysis over 100,000 transfers takes about a second: retry after two.
    app.state.impact_gate = Gate(
        "impact analyses", limit=settings.impact_concurrency, retry_after=2
    )
    app.state.claim_check = ClaimBinding()
    app.state.keyring = load_keyring(settings)
    # Outside production the development issuer's key is made here, at start, rather than by
    # the first request, whose RSA key generation would hold the event loop for every other.
    trusted_issuers(settings)
    app.state.audit_signers = log_signers(settings)  # production refuses to start without
    app.state.jwks = JwksCache(
        ttl_seconds=settings.jwks_cache_seconds,
        min_refresh_seconds=settings.jwks_min_refresh_seconds,
    )


def create_app(settings: Settings | None = None, *, app_database_url: str | None = None) -> FastAPI:
    """The ASGI application. `app_database_url` is the application role's connection."""
    settings = settings or get_settings()
    # The models were declared without their validators; the adapters FastAPI makes of them
    # from now on (when it builds a router's routes) are built where it makes them.
    deferred_models.build_where_adapted()

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
        tasks = (
            [
                asyncio.create_task(
                    Sync(app.state.rate_limiter, app.state.engine).run(
                        settings.rate_limit_sync_seconds
                    )
                ),
                asyncio.create_task(_aggregate_denials(app, settings.denial_aggregate_seconds)),
                # The maintenance jobs, the backlog sampler, the workers (a forkserver importing
                # the readers and page renderers, then each worker from it), the imports and
                # the routes warmed for later requests start once the server has said it is
                # ready, so that they do not compete with its start; a task that needs a worker
                # before they are up starts it then.
                *(
                    asyncio.create_task(_after_ready(app, work))
                    for work in (
                        partial(maintenance_loop, app.state.sessionmaker, settings),
                        partial(backlogs.sample_forever, app.state.engine),
                        app.state.workers.start,
                        partial(_warm, app),
                    )
                ),
            ]
            if owned
            else []
        )
        if owned and settings.metrics_port is not None:
            port = settings.metrics_port
            tasks.append(asyncio.create_task(metrics.serve_metrics(settings.metrics_host, port)))
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            app.state.workers.close()  # after the start task: no worker joins a closed pool
            if owned:
                await _flush_denials(app)
                await app.state.engine.dispose()

    app = ILONetApp(
        title="ILONet",
        version="1.0.0",
        description=DESCRIPTION,
        servers=SERVERS,
        contact=CONTACT,
        openapi_tags=TAGS,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
        # Any route may fail unexpectedly; the 500 body names nothing internal.
        responses=problem_responses(500),
    )
    install_state(app, settings)
    install_problem_handlers(app, database_unavailable=database_unavailable)
    app.add_middleware(
        RequestContextMiddleware,
        max_body_bytes=settings.max_body_bytes,
        upload_max_bytes=settings.document_upload_max_bytes,
        header_limits=HeaderLimits(settings.max_header_bytes, settings.max_header_field_bytes),
    )
    app.add_middleware(metrics.MetricsMiddleware)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_exception_handler(Replay, _on_replay)
    for module in (
        health,
        docs,
        problem_pages,
        organisations,
        authorities,
        officers,
        deployments,
        policy,
        processing_records,
        reference_data,
        institutional_contacts,
        audit,
        events,
        webhooks,
        networks,
        board,
        board_reports,
        transfer_follow_ups,
        statistics,
        processing_record_rights,
        reference_impact,
        ropa,
        batch,
        documents,
    ):
        # Every /v1 route is rate-limited per client and organisation (after authentication).
        limited = module.router.prefix.startswith("/v1")
        app.include_router(module.router, dependencies=[Depends(enforce)] if limited else [])
    refine_openapi(
        app,
        document_problems,
        lambda schema: annotate(app, schema),
        declare_headers,
        state_bounds,
    )
    return app


def refine_openapi(app: FastAPI, *steps: Callable[[dict[str, Any]], None]) -> None:
    """Build the OpenAPI document once, then refine it in order: the problems as they are sent,
    each operation's requirement and example, the headers each response carries, and the bounds
    the server enforces (each step reads what the ones before it wrote)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            for step in steps:
                step(schema)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def worker_app() -> FastAPI:
    """The app of one `serve --workers N` process, configured from the environment that
    `ilonet serve` prepared (the application database URL, the data dir)."""
    from app.json_logs import configure_logging

    configure_logging()
    return create_app(Settings())
