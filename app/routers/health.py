"""Liveness and readiness probes (no token needed)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import Field

from app.db.migrate import current_revision, head_revision
from app.deferred_models import DeferredModel
from app.problems import ServiceUnavailable, problem_responses
from app.routers.deferred import DeferredRoute

router = APIRouter(tags=["health"], route_class=DeferredRoute)
OPEN: dict[str, Any] = {"security": []}  # no token: the document says so (no requirement at all)


class Health(DeferredModel):
    status: Literal["ok"]


class Readiness(DeferredModel):
    status: Literal["ready"]
    database: Literal["reachable"]
    migration: str = Field(max_length=32)  # Alembic's revision id (alembic_version, VARCHAR(32))


@router.get("/healthz", name="live", summary="The process is up", openapi_extra=OPEN)
async def healthz() -> Health:
    """Liveness: the process answers. Asks nothing of the database."""
    return Health(status="ok")


@router.get(
    "/readyz",
    name="ready",
    summary="The database answers and its schema is at the latest migration",
    responses=problem_responses(503),
    openapi_extra=OPEN,
)
async def readyz(request: Request) -> Readiness:
    """Readiness: the database is reachable and its schema is at the current migration; a 503
    otherwise."""
    head = head_revision()
    try:
        current = await current_revision(request.app.state.engine)
    except Exception as exc:
        raise ServiceUnavailable("The database is not reachable.") from exc
    if current != head:
        raise ServiceUnavailable(
            f"The database schema is at {current or 'no revision'}, not at {head}."
        )
    request.app.state.answered_ready.set()  # the background work may start (app.main)
    return Readiness(status="ready", database="reachable", migration=head)
