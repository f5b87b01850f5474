"""The Board's documents (Art. 8(2)): biennial work programmes (a), the gap analysis (e), and the
biennial activity report (c) with the deployment overview derived from the Art. 4 notifications
(ILO-4.1). The report is data first (JSON), then an HTML document drawn from it; it holds no
personal data: deployments are counted, never named."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.deployed import deployed_during_clause
from app.db.writer import Change, NewRow, Prepared
from app.keyset import Window
from app.models import (
    BoardActivityReport,
    BoardDecision,
    BoardMeeting,
    BoardWorkProgramme,
    Deployment,
)
from app.policies import Decision
from app.policies.board import (
    BOARD_ACTIVITY_REPORT_GENERATE,
    BOARD_WORK_PROGRAMME_ADOPT,
    ActivityReportFacts,
    WorkProgrammeFacts,
)
from app.policies.disclosure import THRESHOLD, small
from app.policies.vocabulary import CoverageStatus, DecisionOutcome
from app.problems import NotFound, ValidationFailed
from app.reference.priority_countries import load_priority_countries
from app.schemas.board_report import (
    ActivityReportGenerate,
    DeploymentGaps,
    DeploymentOption,
    PriorityGap,
    ResourceIn,
    WorkProgrammeIn,
    WorkProgrammeOut,
)
from app.schemas.board_report_content import past_bounds
from app.security import Principal
from app.services import access
from app.services.board_network_section import NetworkSummary, network_summaries, networks_section
from app.services.board_report_html import ISSUER, render_report
from app.services.deployment_figures import (
    REPRESENTED,
    DeploymentFigures,
    covers,
    deployment_figures,
    month_end,
)
from app.services.guarded import Action, Context
from app.workers import run_bounded

KIND = "board_report"


# --- work programmes (ILO-8.2(a)) --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Programme:
    prepared: Prepared[WorkProgrammeFacts]


async def _prepare_programme(context: Context, _: object, body: WorkProgrammeIn) -> Programme:
    facts = WorkProgrammeFacts(
        actor=context.principal.actor(),
        period_from=body.period_from,
        period_to=body.period_to,
        resources=len(body.resources),
    )
    return Programme(Prepared(facts))


def _build_programme(
    _: Context, __: Programme, body: WorkProgrammeIn, decision: Decision
) -> NewRow[BoardWorkProgramme]:
    """ILO-8.2(a): a biennial work programme, with resources; sent to the Parliament."""
    row = BoardWorkProgramme(
        id=uuid.uuid4(),
        period_from=body.period_from,
        period_to=body.period_to,
        title=body.title,
        adopted_on=body.adopted_on,
        priorities=list(body.priorities),
        resources=[r.model_dump(mode="json") for r in body.resources],
        decision_id=decision.decision_id,
    )
    return NewRow(row, Change(organisation="COM"))


ADOPT_PROGRAMME = Action(
    policy=BOARD_WORK_PROGRAMME_ADOPT,
    resource="board_work_programme",
    body=WorkProgrammeIn,
    target="none",
    load=_prepare_programme,
    build=_build_programme,
    makes="row",
    summary="Adopt a biennial work programme with its resources (Art. 8(2)(a))",
)


def render_programme(row: BoardWorkProgramme) -> WorkProgrammeOut:
    return WorkProgrammeOut(
        id=row.id,
        period_from=row.period_from,
        period_to=row.period_to,
        title=row.title,
        adopted_on=row.adopted_on,
        priorities=list(row.priorities),
        resources=[ResourceIn.model_validate(r) for r in row.resources],
        for_european_parliament=True,
    )


async def list_programmes(
    *, session: AsyncSession, principal: Principal, window: Window
) -> Sequence[BoardWorkProgramme]:
    access.listing(principal, KIND)
    query = window.apply(
        select(BoardWorkProgramme), BoardWorkProgramme.period_from, BoardWorkProgramme.id
    )
    return (await session.scalars(query)).all()


async def read_programme(
    *, session: AsyncSession, principal: Principal, programme_id: uuid.UUID
) -> BoardWorkProgramme:
    access.visibility(principal, KIND)
    row = await session.get(BoardWorkProgramme, programme_id)
    if row is None:
        raise NotFound(
            f"No work programme {programme_id}.", resource_type=KIND, resource_id=str(programme_id)
        )
    return row


# --- the gap analysis (ILO-8.2(e)) -------------------------------------------------------------


async def _in_service(session: AsyncSession, start: date, end: date) -> Sequence[Deployment]:
    """Deployments in service at some time between two dates (planned ones are not)."""
    return (
        await session.scalars(
            select(Deployment)
            .where(deployed_during_clause(Deployment, start, end))
            .order_by(Deployment.id)
        )
    ).all()


async def deployment_gaps(
    *, session: AsyncSession, principal: Principal | None, on: date, horizon_days: int
) -> DeploymentGaps:
    """ILO-8.2(e): each priority host country with no ILO coverage on `on`, or coverage that
    ends within the horizon, and the deployment options: the organisations that already cover
    its neighbours."""
    if principal is not None:
        access.visibility(principal, "board")
    listed = load_priority_countries()
    active = await _in_service(session, on, on)
    horizon = (
        on + timedelta(days=horizon_days) if date.max - on > timedelta(horizon_days) else date.max
    )
    items = []
    for country in listed.items:
        covering = [d for d in active if covers(d, country.country)]
        until = max((d.ended_on or d.ends_on for d in covering), default=None)
        if not covering:
            status = CoverageStatus.uncovered
        elif until is not None and until <= horizon:
            status = CoverageStatus.expiring
        else:
            status = CoverageStatus.covered
        options = []
        if status is not CoverageStatus.covered:
            for neighbour in country.neighbours:
                orgs = sorted({d.organisation for d in active if covers(d, neighbour)})
                if orgs:
                    options.append(DeploymentOption(country=neighbour, organisations=orgs))
        items.append(
            PriorityGap(
                country=country.country,
                name=country.name,
                route=country.route,
                status=status,
                deployments=len(covering),
                covered_until=until,
                organisations=sorted({d.organisation for d in covering}),
                options=options,
            )
        )
    return DeploymentGaps(
        on=on,
        horizon_days=horizon_days,
        list_version=listed.version,
        list_valid_from=listed.valid_from,
        source=listed.source,
        items=items,
    )


# --- the activity report (ILO-8.2(c), ILO-4.1) --------------------------------------------------


def _quarters(start: date, end: date) -> list[tuple[str, date, date]]:
    quarters = []
    year, quarter = start.year, (start.month - 1) // 3
    while date(year, quarter * 3 + 1, 1) <= end:
        first = date(year, quarter * 3 + 1, 1)
        if year == date.max.year and quarter == 3:
            quarters.append((f"{year}-Q4", first, date.max))
            break
        nxt = date(year + (quarter == 3), (quarter + 1) % 4 * 3 + 1, 1)
        quarters.append((f"{year}-Q{quarter + 1}", first, nxt - timedelta(days=1)))
        year, quarter = nxt.year, (nxt.month - 1) // 3
    return quarters


def _counts(rows: Mapping[str, int | None], key: str) -> list[dict[str, Any]]:
    """Rows by count, the largest first; withheld rows after them by key (their order would
    tell their sizes)."""
    shown = sorted(
        ((k, n) for k, n in rows.items() if n is not None), key=lambda kv: (-kv[1], kv[0])
    )
    withheld = sorted(k for k, n in rows.items() if n is None)
    return [{key: k, "count": n} for k, n in shown] + [{key: k, "count": None} for k in withheld]


async def overview(
    *, session: AsyncSession, start: date, end: date, threshold: int, quarters: bool = True
) -> dict[str, Any]:
    """The deployment overview of ILO-4.1 for the report: counts only, the deployments in post
    on the last day of the period's last month (each quarter: of its own last month), withheld
    as the statistics withhold them (app/services/deployment_figures.py, ILO-12)."""
    figures = await deployment_figures(session, month_end(end), threshold)
    names = {c.country: c.name for c in load_priority_countries().items}
    per_quarter = []
    for label, _, q_end in _quarters(start, end) if quarters else []:
        at = month_end(min(q_end, end))
        quarter = figures if at == figures.on else await deployment_figures(session, at, threshold)
        per_quarter.append({"quarter": label, "on": at.isoformat(), "count": quarter.total})
    return {
        "on": figures.on.isoformat(),
        "total": figures.total,
        "by_host_country": [
            {**row, "name": names.get(row["country"])}
            for row in _counts(figures.rows("by_host_country"), "country")
        ],
        "by_organisation": _counts(figures.rows("by_organisation"), "organisation"),
        "by_posting_type": _counts(figures.rows("by_posting_type"), "posting_type"),
        "per_quarter": per_quarter,
        "joint": {
            "co_deployed": figures.count("co_deployed"),
            "eu_funding_eligible": figures.count("eu_funding_eligible"),
            "representing": figures.count("representing"),
            "represented_member_states": _counts(figures.rows(REPRESENTED), "member_state"),
            "sharing_tasks": figures.count("sharing_tasks"),
        },
        "disclosure": {
            "threshold": threshold,
            "note": f"Counts from 1 to {threshold - 1} are withheld, and so are the counts "
            "that would let one be computed back (ILO-12).",
        },
    }


async def _meetings_and_decisions(
    session: AsyncSession, start: date, end: date, threshold: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], int]:
    meetings = await session.scalars(
        select(BoardMeeting)
        .where(BoardMeeting.held_on.between(start, end))
        .order_by(BoardMeeting.held_on)
    )
    decisions = (
        await session.scalars(
            select(BoardDecision)
            .where(BoardDecision.decided_on.between(start, end))
            .order_by(BoardDecision.decided_on, BoardDecision.id)
        )
    ).all()
    adopted = [
        {
            "title": d.title,
            "decided_on": d.decided_on.isoformat(),
            "yes": d.tally["yes"],
            "voting_seats": d.tally["voting_seats"],
        }
        for d in decisions
        if d.outcome == DecisionOutcome.adopted
    ]
    held = [
        {
            "held_on": m.held_on.isoformat(),
            "location": m.location,
            "officers_listed": await _officers_listed(
                session, m.held_on, m.officer_list, threshold
            ),
        }
        for m in meetings
    ]
    return held, adopted, len(decisions) - len(adopted)


async def _officers_listed(
    session: AsyncSession, held_on: date, listed: Sequence[object], threshold: int
) -> int | None:
    """The deployed ILOs on the meeting's day (its stored list: one line per deployment in
    force): withheld when small, and on a month's last day whenever that day's deployment
    total is withheld, which it is (ILO-12)."""
    if small(len(listed), threshold):
        return None
    on_month_end = held_on == month_end(held_on)
    if on_month_end and (await deployment_figures(session, held_on, threshold)).total is None:
        return None
    return len(listed)


async def _previous_period(
    session: AsyncSession, start: date, end: date, threshold: int
) -> dict[str, Any] | None:
    """The headline figures of the period of the same length just before, for comparison."""
    try:
        before_end = start - timedelta(days=1)
        before_start = before_end - (end - start)
    except OverflowError:
        return None
    figures = await overview(
        session=session, start=before_start, end=before_end, threshold=threshold, quarters=False
    )
    meetings, adopted, _ = await _meetings_and_decisions(
        session, before_start, before_end, threshold
    )
    return {
        "period": {"from": before_start.isoformat(), "to": before_end.isoformat()},
        "total": figures["total"],
        "host_countries": len(figures["by_host_country"]),
        "organisations": len(figures["by_organisation"]),
        "meetings": len(meetings),
        "adopted": len(adopted),
    }


async def build_report(
    *,
    session: AsyncSession,
    start: date,
    end: date,
    version: int,
    networks: Sequence[NetworkSummary] | None = None,
    threshold: int = THRESHOLD,
) -> dict[str, Any]:
    """The report as data. `networks` defaults to what `network_summaries` finds (Art. 5)."""
    # the gap list on the month-end the deployment figures are of: its coverage counts are
    # protected with them (ILO-12)
    on = month_end(end)
    gaps = await deployment_gaps(session=session, principal=None, on=on, horizon_days=180)
    figures = await deployment_figures(session, on, threshold)
    meetings, adopted, not_adopted = await _meetings_and_decisions(session, start, end, threshold)
    if networks is None:
        networks = await network_summaries(session, start, end, figures)
    return {
        "title": "Steering Board activity report",
        "period": {"from": start.isoformat(), "to": end.isoformat()},
        "version": version,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "issued_by": ISSUER,
        "previous": await _previous_period(session, start, end, threshold),
        "legal_basis": "Regulation (EU) 2019/1240, Art. 8(2)(c) and 4(1)",
        "for_european_parliament": True,
        "deployments": await overview(session=session, start=start, end=end, threshold=threshold),
        "networks": networks_section(networks),
        "meetings": meetings,
        "decisions": {"adopted": adopted, "not_adopted": not_adopted},
        "gaps": {
            "on": gaps.on.isoformat(),
            "horizon_days": gaps.horizon_days,
            "list_version": gaps.list_version,
            "source": gaps.source,
            "items": [_withheld_coverage(g.model_dump(mode="json"), figures) for g in gaps.items],
        },
    }


def _withheld_coverage(item: dict[str, Any], figures: DeploymentFigures) -> dict[str, Any]:
    """A priority country's number of covering deployments as the month-end's deployment
    figures protect it (ILO-12): withheld when small, or when it would give a withheld
    host-country count away, like every other deployment figure of that day."""
    return {**item, "deployments": figures.coverage(item["country"])}


@dataclass(frozen=True, slots=True)
class Generation:
    prepared: Prepared[ActivityReportFacts]
    version: int
    content: dict[str, Any]
    html: str  # the content's HTML document, rendered in a worker process


async def _prepare_report(context: Context, _: object, body: ActivityReportGenerate) -> Generation:
    """The facts, the report's next version for the period, and its content: derived only for a
    caller and a period the decision allows (the Writer decides again and refuses the others
    before anything is written)."""
    facts = ActivityReportFacts(
        actor=context.principal.actor(), period_from=body.period_from, period_to=body.period_to
    )
    session = context.writer.session
    latest = await session.scalar(
        select(func.max(BoardActivityReport.version)).where(
            BoardActivityReport.period_from == body.period_from,
            BoardActivityReport.period_to == body.period_to,
        )
    )
    version = int(latest or 0) + 1
    allowed = context.writer.judge(GENERATE_REPORT, Prepared(facts)).allowed
    content = (
        await build_report(
            session=session,
            start=body.period_from,
            end=body.period_to,
            version=version,
            threshold=context.settings.statistics_min_cell,
        )
        if allowed
        else {}
    )
    if (past := past_bounds(content)) is not None:  # never a list cut short
        raise ValidationFailed([{"pointer": "/to", "in": "body", "detail": past}])
    html = await run_bounded(render_report, content) if allowed else ""
    return Generation(Prepared(facts), version, content, html)


def _build_report(
    context: Context, generation: Generation, body: ActivityReportGenerate, decision: Decision
) -> NewRow[BoardActivityReport]:
    """ILO-8.2(c): the report over the period as a new version (JSON and a self-contained HTML
    document), marked for transmission to the European Parliament."""
    row = BoardActivityReport(
        id=uuid.uuid4(),
        period_from=body.period_from,
        period_to=body.period_to,
        version=generation.version,
        content=generation.content,
        html=generation.html,
        for_european_parliament=True,
        generated_by=context.principal.sub,
        decision_id=decision.decision_id,
    )
    return NewRow(row, Change(organisation="COM", details={"version": generation.version}))


GENERATE_REPORT = Action(
    policy=BOARD_ACTIVITY_REPORT_GENERATE,
    resource="board_activity_report",
    body=ActivityReportGenerate,
    target="none",
    load=_prepare_report,
    build=_build_report,
    makes="row",
    summary="Generate the biennial activity report (Art. 8(2)(c)) as JSON and HTML",
)


async def list_reports(
    *, session: AsyncSession, principal: Principal, window: Window
) -> Sequence[BoardActivityReport]:
    access.listing(principal, KIND)
    query = window.apply(
        select(BoardActivityReport),
        BoardActivityReport.period_from,
        BoardActivityReport.version,
        BoardActivityReport.id,
    )
    return (await session.scalars(query)).all()


async def read_report(
    *, session: AsyncSession, principal: Principal, report_id: uuid.UUID
) -> BoardActivityReport:
    access.visibility(principal, KIND)
    row = await session.get(BoardActivityReport, report_id)
    if row is None:
        raise NotFound(
            f"No activity report {report_id}.", resource_type=KIND, resource_id=str(report_id)
        )
    return row
