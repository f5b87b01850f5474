"""/v1/board: the Board's documents (Art. 8(2)) — biennial work programmes, the gap analysis,
and the biennial activity report as JSON and as a self-contained HTML document."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from app import clock
from app.db.session import ReadSession
from app.models import BoardActivityReport
from app.pages import stored_page_csp
from app.pagination import Paged
from app.problems import problem_responses
from app.routers.deferred import DeferredRoute
from app.routers.policy_marks import reads
from app.routers.write_routes import write
from app.schemas.board_report import (
    ActivityReportOut,
    ActivityReportSummary,
    DeploymentGaps,
    WorkProgrammeOut,
)
from app.schemas.common import Page, QueryDate
from app.security import CurrentPrincipal
from app.services import board_report as service

router = APIRouter(prefix="/v1/board", tags=["board"], route_class=DeferredRoute)


def _report(row: BoardActivityReport) -> ActivityReportOut:
    return ActivityReportOut(
        id=row.id,
        period_from=row.period_from,
        period_to=row.period_to,
        version=row.version,
        for_european_parliament=row.for_european_parliament,
        created_at=row.created_at,
        html_url=f"/v1/board/activity-reports/{row.id}/html",
        content=row.content,
    )


write(
    router,
    service.ADOPT_PROGRAMME,
    "POST",
    "/work-programmes",
    name="adopt_work_programme",
    render=service.render_programme,
    doc="""Two years, with resources; sent to the European Parliament (Art. 8(2)).""",
)


@router.get(
    "/work-programmes",
    name="list_work_programmes",
    summary="The Board's work programmes",
    openapi_extra=reads("board_report"),
)
async def list_work_programmes(
    session: ReadSession, principal: CurrentPrincipal, paging: Paged
) -> Page[WorkProgrammeOut]:
    """Every work programme, oldest first; the Parliament reads them too."""
    rows = await service.list_programmes(session=session, principal=principal, window=paging.window)
    return await paging.page(rows, lambda items: [service.render_programme(r) for r in items])


@router.get(
    "/work-programmes/{programme_id}",
    name="get_work_programme",
    summary="One work programme",
    openapi_extra=reads("board_report"),
)
async def get_work_programme(
    programme_id: uuid.UUID, session: ReadSession, principal: CurrentPrincipal
) -> WorkProgrammeOut:
    """Its period, priorities and resources."""
    row = await service.read_programme(
        session=session, principal=principal, programme_id=programme_id
    )
    return service.render_programme(row)


@router.get(
    "/deployment-gaps",
    name="deployment_gaps",
    summary="Priority host countries with no or expiring ILO coverage (Art. 8(2)(e))",
    openapi_extra=reads("board"),
)
async def deployment_gaps(
    session: ReadSession,
    principal: CurrentPrincipal,
    on: Annotated[QueryDate | None, Query(description="Default: today (UTC)")] = None,
    horizon_days: Annotated[int, Query(ge=0, le=1095)] = 180,
) -> DeploymentGaps:
    """Each country of the dated priority list: covered, coverage ending within the horizon,
    or uncovered, with the organisations already deployed in a neighbouring country."""
    return await service.deployment_gaps(
        session=session,
        principal=principal,
        on=on or clock.today(),
        horizon_days=horizon_days,
    )


write(
    router,
    service.GENERATE_REPORT,
    "POST",
    "/activity-reports:generate",
    name="generate_activity_report",
    render=_report,
    location="/v1/board/activity-reports/{row.id}",
    responses=problem_responses(503),
    doc="""Derives the deployment overview (Art. 4(1)) by host country, organisation and posting
    type, joint deployments and representation, networks and facilitators, meetings held,
    decisions adopted and gaps; stores a new version for the period, marked for transmission
    to the European Parliament. No personal data, in either form.""",
)


@router.get(
    "/activity-reports",
    name="list_activity_reports",
    summary="The activity reports, every version",
    openapi_extra=reads("board_report"),
)
async def list_activity_reports(
    session: ReadSession, principal: CurrentPrincipal, paging: Paged
) -> Page[ActivityReportSummary]:
    """Periods and versions, oldest period first; the content is at each report."""
    rows = await service.list_reports(session=session, principal=principal, window=paging.window)
    return await paging.page(
        rows,
        lambda items: [
            ActivityReportSummary.model_validate(r, from_attributes=True) for r in items
        ],
    )


@router.get(
    "/activity-reports/{report_id}",
    name="get_activity_report",
    summary="One activity report as data",
    openapi_extra=reads("board_report"),
)
async def get_activity_report(
    report_id: uuid.UUID, session: ReadSession, principal: CurrentPrincipal
) -> ActivityReportOut:
    """The report's content as JSON; its HTML document is at `html_url`."""
    return _report(
        await service.read_report(session=session, principal=principal, report_id=report_id)
    )


@router.get(
    "/activity-reports/{report_id}/html",
    name="get_activity_report_html",
    summary="One activity report as a self-contained HTML document",
    response_class=HTMLResponse,
    responses={
        200: {
            "content": {"text/html": {"schema": {"type": "string"}}},
            "description": "The report, a self-contained HTML document",
        },
        **problem_responses(401, 403, 404),
    },
    openapi_extra=reads("board_report"),
)
async def get_activity_report_html(
    report_id: uuid.UUID, session: ReadSession, principal: CurrentPrincipal
) -> HTMLResponse:
    """Inline CSS and SVG charts, no script and no external asset."""
    row = await service.read_report(session=session, principal=principal, report_id=report_id)
    return HTMLResponse(
        row.html,
        headers={"Content-Security-Policy": stored_page_csp(row.html)},
    )
