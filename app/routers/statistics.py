"""/v1/statistics: aggregated, non-personal figures for the Art. 12 report and Visa Code
Art. 25a readmission cooperation, as JSON or CSV; the per-country readmission sheet as JSON or
HTML with inline SVG charts. For the Commission and integrations with `statistics:read`."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from app import clock
from app.db.session import ReadSession
from app.pages import PAGE_CSP
from app.policies.vocabulary import StatisticsFormat, StatisticsScope, StatisticsSectionName
from app.problems import NotFound, ValidationFailed, problem_responses
from app.reference import third_country
from app.routers.deferred import DeferredRoute
from app.routers.policy_marks import reads
from app.schemas.common import QueryDate
from app.schemas.statistics import ReadmissionSheet, StatisticsReport
from app.security import CurrentPrincipal
from app.services import access
from app.services.readmission_page import render_sheet
from app.services.statistics import Period, report_csv, sheet_csv
from app.services.statistics_readmission import readmission_sheet
from app.services.statistics_report import report
from app.workers import run_bounded

router = APIRouter(prefix="/v1/statistics", tags=["statistics"], route_class=DeferredRoute)
KIND = "statistics"
OWN_KIND = "own_statistics"
MAX_PERIOD_DAYS = 3660
CSV = "text/csv"
HTML = "text/html"

StartsOn = Annotated[
    QueryDate | None,
    Query(description="First day of the period (default: the first day of the month a year ago)"),
]
EndsOn = Annotated[QueryDate | None, Query(description="Last day of the period (default: today)")]
Accept = Annotated[str | None, Header(alias="Accept", include_in_schema=False)]
CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The figures (JSON), or one line per cell as CSV",
        "content": {CSV: {"schema": {"type": "string"}}},
    }
}
HTML_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The sheet (JSON), a self-contained HTML page with SVG charts, or CSV",
        "content": {HTML: {"schema": {"type": "string"}}, CSV: {"schema": {"type": "string"}}},
    }
}


def period_of(starts_on: date | None, ends_on: date | None) -> Period:
    """The period asked for, widened to whole calendar months (the reporting periods of the
    disclosure control); by default the twelve months up to this one."""
    end = ends_on or clock.today()
    if starts_on is None:
        year, month = (end.year - 1, end.month + 1) if end.month < 12 else (end.year, 1)
        starts_on = date(year, month, 1)
    errors = []
    if starts_on > end:
        errors.append({"pointer": "/starts_on", "in": "query", "detail": "after ends_on"})
    elif end - starts_on > timedelta(days=MAX_PERIOD_DAYS):
        errors.append(
            {"pointer": "/starts_on", "in": "query", "detail": "the period spans over ten years"}
        )
    if errors:
        raise ValidationFailed(errors)
    return Period.whole_months(starts_on, end)


def answer_format(
    accept: str | None, format_: StatisticsFormat | None, offered: tuple[StatisticsFormat, ...]
) -> StatisticsFormat:
    """`?format=` wins; else the first media type of Accept that the route offers; else JSON."""
    if format_ is not None:
        if format_ not in offered:
            raise ValidationFailed(
                [
                    {
                        "pointer": "/format",
                        "in": "query",
                        "detail": f"this route answers {', '.join(offered)}",
                    }
                ]
            )
        return format_
    first = (accept or "").split(",")[0]
    for candidate in offered:
        if f"text/{candidate.value}" in first:
            return candidate
    return StatisticsFormat.json


Format = Annotated[
    StatisticsFormat | None,
    Query(description="json, csv (the tables) or html (the sheet); else the Accept header"),
]
FiguresScope = Annotated[
    StatisticsScope,
    Query(
        description="published (default): every organisation's figures, disclosure-controlled; "
        "own: the caller's own organisation's rows only, exact, for its DPO, deploying "
        "authority or integration with statistics:read"
    ),
]
TABLES = (StatisticsFormat.json, StatisticsFormat.csv)
SHEET = (StatisticsFormat.json, StatisticsFormat.csv, StatisticsFormat.html)


def _threshold(request: Request) -> int:
    threshold: int = request.app.state.settings.statistics_min_cell
    return threshold


async def _report(
    request: Request,
    session: ReadSession,
    principal: CurrentPrincipal,
    *,
    sections: list[StatisticsSectionName] | None,
    starts_on: date | None,
    ends_on: date | None,
    format_: StatisticsFormat | None,
    accept: str | None,
    scope: StatisticsScope,
) -> Response:
    organisation = None
    if scope is StatisticsScope.own:  # the caller's own rows, exact: never another's
        organisation = access.visibility(principal, OWN_KIND).rows.organisation
    else:
        access.visibility(principal, KIND)
    answer = answer_format(accept, format_, TABLES)
    figures = await report(
        session=session,
        period=period_of(starts_on, ends_on),
        threshold=_threshold(request),
        sections=sections,
        organisation=organisation,
    )
    if answer is StatisticsFormat.csv:  # rendered in a worker process, off the event loop
        return Response(await run_bounded(report_csv, figures), media_type=f"{CSV}; charset=utf-8")
    return JSONResponse(figures.model_dump(mode="json"))


@router.get(
    "",
    name="report",
    summary="Every aggregated figure of a period (JSON or CSV)",
    response_model=StatisticsReport,
    responses={**CSV_RESPONSE, **problem_responses(401, 403, 422, 503)},
    openapi_extra=reads(KIND),
)
async def statistics_report(
    request: Request,
    session: ReadSession,
    principal: CurrentPrincipal,
    starts_on: StartsOn = None,
    ends_on: EndsOn = None,
    format: Format = None,
    accept: Accept = None,
    scope: FiguresScope = StatisticsScope.published,
) -> Response:
    """Readmission cooperation per third country, deployments by host country, posting type
    and organisation, transfers by destination, basis and purpose: counts, rates and medians,
    never personal data. A count from 1 to `ILONET_STATISTICS_MIN_CELL` - 1 is withheld (null,
    named in the row's `suppressed`; `suppression` says how many). CSV with `Accept: text/csv`
    or `?format=csv`: one line per cell. With `?scope=own`: the caller's own organisation's
    identification requests, transfers and deployments only, exact (`organisation` set)."""
    return await _report(
        request,
        session,
        principal,
        sections=None,
        starts_on=starts_on,
        ends_on=ends_on,
        format_=format,
        accept=accept,
        scope=scope,
    )


@router.get(
    "/readmission/{country}",
    name="readmission_sheet",
    summary="One third country's readmission cooperation, month by month (JSON or HTML)",
    response_model=ReadmissionSheet,
    responses={**HTML_RESPONSE, **problem_responses(401, 403, 404, 422, 503)},
    openapi_extra=reads(KIND),
)
async def statistics_readmission_sheet(
    request: Request,
    session: ReadSession,
    principal: CurrentPrincipal,
    country: Annotated[
        str,
        Path(min_length=2, max_length=2, pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2"),
    ],
    starts_on: StartsOn = None,
    ends_on: EndsOn = None,
    format: Format = None,
    accept: Accept = None,
) -> Response:
    """What a Commission desk officer reads before the yearly Art. 25a assessment: the
    identification requests ILOs sent to the country's authorities, answered within 30 and 60
    days, the median response time, the positive rate, travel documents issued and return
    operations accepted, for the period and per month of the request. HTML (`Accept:
    text/html` or `?format=html`) is one self-contained page with inline SVG charts; CSV
    (`Accept: text/csv` or `?format=csv`) one line per month and measure."""
    access.visibility(principal, KIND)
    if not third_country(country):
        raise NotFound(
            f"{country} is not a third country: readmission sheets are of third countries.",
            resource_type="readmission_sheet",
            resource_id=country,
        )
    answer = answer_format(accept, format, SHEET)
    sheet = await readmission_sheet(
        session=session,
        country=country,
        period=period_of(starts_on, ends_on),
        threshold=_threshold(request),
    )
    if answer is StatisticsFormat.html:
        page = HTMLResponse(await run_bounded(render_sheet, sheet))  # in a worker process
        page.headers["Content-Security-Policy"] = PAGE_CSP
        return page
    if answer is StatisticsFormat.csv:
        return Response(await run_bounded(sheet_csv, sheet), media_type=f"{CSV}; charset=utf-8")
    return JSONResponse(sheet.model_dump(mode="json"))


@router.get(
    "/{section}",
    name="section",
    summary="One section of the aggregated figures (JSON or CSV)",
    response_model=StatisticsReport,
    responses={**CSV_RESPONSE, **problem_responses(401, 403, 422, 503)},
    openapi_extra=reads(KIND),
)
async def statistics_section(
    request: Request,
    session: ReadSession,
    principal: CurrentPrincipal,
    section: StatisticsSectionName,
    starts_on: StartsOn = None,
    ends_on: EndsOn = None,
    format: Format = None,
    accept: Accept = None,
    scope: FiguresScope = StatisticsScope.published,
) -> Response:
    """The report with one section only: `readmission`, `deployments` or `transfers` (and
    `?scope=own` as the report)."""
    return await _report(
        request,
        session,
        principal,
        sections=[section],
        starts_on=starts_on,
        ends_on=ends_on,
        format_=format,
        accept=accept,
        scope=scope,
    )
