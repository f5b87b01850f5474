"""Prometheus metrics, served on their own port, never on the API's.

`GET /metrics` (Prometheus text format) answers only on `ILONET_METRICS_PORT` (bound to
`ILONET_METRICS_HOST`, 127.0.0.1 by default), started by the app's lifespan when the port is
set; the API port has no such route (a 404 there, authenticated or not). The metrics name no
person, organisation or resource id: routes by their template, decisions by action and outcome.

- `ilonet_requests_total{method, route, status}` and `ilonet_request_seconds{method, route}`
- `ilonet_decisions_total{action, outcome}`: the Writer's decisions (allowed, denied, conflict)
- `ilonet_audit_unsealed_events`: the sealer's lag (events written but not yet sealed)
- `ilonet_webhook_backlog`: deliveries pending or retrying
- `ilonet_db_pool_checked_out` / `ilonet_db_pool_size`: the engine's pool usage
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REGISTRY = CollectorRegistry(auto_describe=True)
REQUESTS = Counter(
    "ilonet_requests",
    "HTTP requests by route template",
    ["method", "route", "status"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "ilonet_request_seconds",
    "HTTP request latency by route template",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
    registry=REGISTRY,
)
DECISIONS = Counter(
    "ilonet_decisions",
    "Guarded-write decisions by action and outcome",
    ["action", "outcome"],
    registry=REGISTRY,
)
UNSEALED = Gauge("ilonet_audit_unsealed_events", "Audit events not sealed yet", registry=REGISTRY)
BACKLOG = Gauge("ilonet_webhook_backlog", "Webhook deliveries pending", registry=REGISTRY)
POOL_OUT = Gauge("ilonet_db_pool_checked_out", "Pooled connections in use", registry=REGISTRY)
POOL_SIZE = Gauge("ilonet_db_pool_size", "Pooled connections open", registry=REGISTRY)


def decision(action: str, outcome: str) -> None:
    DECISIONS.labels(action, outcome).inc()


def render() -> bytes:
    """The current metrics in the Prometheus text format."""
    return bytes(generate_latest(REGISTRY))


class MetricsMiddleware:
    """Counts and times every HTTP request under its route template (after routing)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = [500]

        async def counted(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, counted)
        finally:
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            method = scope.get("method", "")
            REQUESTS.labels(method, route, str(status[0])).inc()
            LATENCY.labels(method, route).observe(time.perf_counter() - started)


def observe_pool(checked_out: int, size: int) -> None:
    """The engine's pool usage (app/db/backlogs.py samples it)."""
    POOL_OUT.set(checked_out)
    POOL_SIZE.set(size)


def observe_backlogs(unsealed: int, backlog: int) -> None:
    """The sealer's lag and the webhook backlog (app/db/backlogs.py reads them)."""
    UNSEALED.set(unsealed)
    BACKLOG.set(backlog)


class MetricsApp:
    """The ASGI app of the metrics port: `GET /metrics`, and 404 for anything else."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        found = scope.get("path") == "/metrics" and scope.get("method") == "GET"
        body = render() if found else b"not found\n"
        content_type = b"text/plain; version=0.0.4; charset=utf-8"
        await send(
            {
                "type": "http.response.start",
                "status": 200 if found else 404,
                "headers": [(b"content-type", content_type)],
            }
        )
        await send({"type": "http.response.body", "body": body})


async def serve_metrics(host: str, port: int) -> None:
    """The metrics port, in the API's event loop (no extra thread); the API's server keeps
    the signals."""
    import uvicorn

    class Quiet(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            yield

    config = uvicorn.Config(
        MetricsApp(), host=host, port=port, log_config=None, access_log=False, lifespan="off"
    )
    await Quiet(config).serve()
