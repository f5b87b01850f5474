"""/v1/ropa: the record of processing activities (GDPR Art. 30) for the controller's DPO."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query, Request, Response

from app.db.session import ReadSession
from app.pages import PAGE_CSP
from app.pagination import PartPaged
from app.problems import problem_responses
from app.routers.deferred import DeferredRoute
from app.routers.policy_marks import reads
from app.schemas.ropa import RopaPage
from app.security import CurrentPrincipal
from app.services import ropa as service
from app.services import ropa_page
from app.workers import run_bounded

router = APIRouter(prefix="/v1/ropa", tags=["ropa"], route_class=DeferredRoute)


@router.get(
    "",
    name="get",
    summary="The record of processing activities (GDPR Art. 30), derived from the data",
    response_model=RopaPage,
    responses={
        **problem_responses(401, 403, 404, 422, 503),
        200: {
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "text/html": {"schema": {"type": "string"}},
            },
            "description": "JSON, CSV or a readable HTML page",
        },
    },
    openapi_extra=reads("ropa"),
)
async def get_ropa(
    request: Request,
    session: ReadSession,
    principal: CurrentPrincipal,
    paging: PartPaged,
    organisation: str = Query(max_length=16, pattern=r"^[A-Z][A-Z0-9_-]{1,15}$"),
    format: Literal["json", "csv", "html"] | None = Query(
        None, description="Overrides the Accept header (text/html, text/csv, application/json)"
    ),
) -> Response:
    """Purposes, categories of data subjects and data, recipients, transfers with their Chapter V
    grounds and references, and retention — for the organisation's DPO (GDPR-30.1; EUDPR Art.
    31, LED Art. 24 by the activity's regime). No subject data. JSON comes a page at a time: an
    activity with more than 100 recipients or transfers comes again on the next page with the
    ones that follow (`next_cursor`); CSV and HTML are one document."""
    if format is None:
        first = (request.headers.get("accept") or "").split(",")[0]
        format = "html" if "text/html" in first else "csv" if "text/csv" in first else "json"
    ropa = await service.build_ropa(
        session=session,
        principal=principal,
        organisation=organisation,
        caps=dict(request.app.state.settings.retention_max_days),
    )
    # A large register is rendered in a worker process, never holding the event loop.
    if format == "csv":
        return Response(
            await run_bounded(service.to_csv, ropa),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="ropa-{organisation}.csv"'},
        )
    if format == "html":
        return Response(
            await run_bounded(ropa_page.to_html, ropa),
            media_type="text/html; charset=utf-8",
            headers={"Content-Security-Policy": PAGE_CSP},
        )
    page = await service.ropa_page(ropa, paging)
    link = {"Link": paging.response.headers["link"]} if "link" in paging.response.headers else {}
    return Response(page.model_dump_json(), media_type="application/json", headers=link)
