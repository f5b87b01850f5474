"""/v1/events: the change feed for integrations (ids and types only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.db.session import ReadSession
from app.pagination import Limit
from app.routers.deferred import DeferredRoute
from app.routers.policy_marks import reads
from app.schemas.event import FeedPage
from app.security import CurrentPrincipal
from app.services import event as service

router = APIRouter(prefix="/v1/events", tags=["events"], route_class=DeferredRoute)


@router.get(
    "",
    name="list",
    summary="Committed changes after a position, in a stable order that never skips one",
    openapi_extra=reads("event"),
)
async def read_feed(
    session: ReadSession,
    principal: CurrentPrincipal,
    after: Annotated[str | None, Query(max_length=64)] = None,
    limit: Limit = 100,
) -> FeedPage:
    """The change feed: ids and types of what changed, in commit order, after a position (`after`).
    Organisation events only for the organisation's readers."""
    return await service.read_feed(session=session, principal=principal, after=after, limit=limit)
