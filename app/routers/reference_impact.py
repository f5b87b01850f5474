"""/v1/reference/impact: what a proposed change of the transfer reference data would do to the
recorded flows (nothing changed); /v1/reference/impacts: what applied changes did."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from app.db.session import ReadSession
from app.pagination import CURSOR_PATTERN, Limit, Paged
from app.rate_limit import charge_transfers
from app.routers.deferred import DeferredRoute
from app.routers.policy_marks import reads
from app.schemas.common import CURSOR_MAX, Page
from app.schemas.reference_impact import ImpactIn, ImpactOut, ReferenceImpactOut
from app.security import CurrentPrincipal
from app.services import reference_impact_analysis as analysis
from app.services import reference_impact_detected as detected

router = APIRouter(prefix="/v1/reference", tags=["reference-data"], route_class=DeferredRoute)


# A cursor of the analysis names a group by its organisation, destination and recipient.
ImpactCursor = Annotated[
    str | None,
    Query(
        max_length=CURSOR_MAX,
        pattern=CURSOR_PATTERN,
        description="Opaque cursor from `next_cursor` (same body).",
    ),
]
Include = Annotated[
    str | None,
    Query(
        min_length=12,
        max_length=12,
        pattern="^transfer_ids$",
        description="`transfer_ids`: each group's transfer ids (a DPO's own flows only)",
    ),
]


@router.post(
    "/impact",
    name="impact",
    summary="Impact analysis of a proposed reference-data change (a dry run: nothing changes)",
    openapi_extra=reads("reference_impact"),
)
async def impact(
    request: Request,
    body: ImpactIn,
    session: ReadSession,
    principal: CurrentPrincipal,
    limit: Limit = 50,
    cursor: ImpactCursor = None,
    include: Include = None,
) -> ImpactOut:
    """Re-runs the Chapter V ground rules (GDPR-45/46/49, EUDPR-47/48/50, LED-36/37/38) on the
    stored facts of each transfer of the last `months`, against the reference data as they are
    and as they would be after the change: which flows would now be decided differently, grouped
    by organisation, destination, recipient and ground, with the rule that would deny them and
    the ground that would still hold. A COM reference admin sees every organisation's counts; a
    DPO its own flows in detail. No subject data are read.

    Every page carries the totals; the groups come `limit` at a time (and within
    `ILONET_PAGE_MAX_BYTES`), `next_cursor` leading to the next page of the same analysis.

    At most `ILONET_IMPACT_CONCURRENCY` analyses (default 1) run at once per server process;
    past it a 503 `service-unavailable` with `Retry-After` (try the page again then)."""
    page = analysis.PageRequest(
        limit=limit,
        cursor=cursor,
        with_ids=include == "transfer_ids",
        secret=request.app.state.keyring.secret_key,
        max_bytes=request.app.state.settings.page_max_bytes,
    )
    async with request.app.state.impact_gate.hold():
        answer = await analysis.analyse(session=session, principal=principal, body=body, page=page)
    # the analysis costs by the transfers it judged (each page judges them all)
    charge_transfers(request, principal, answer.transfers_evaluated)
    return answer


@router.get(
    "/impacts",
    name="list_impacts",
    summary="Impacts detected when reference changes were applied (reference.impact_detected)",
    openapi_extra=reads("reference_impact"),
)
async def list_impacts(
    session: ReadSession,
    principal: CurrentPrincipal,
    paging: Paged,
) -> Page[ReferenceImpactOut]:
    """Per organisation and applied change: the count of affected flows; the flows themselves
    for the organisation's DPO."""
    rows = await detected.list_impacts(
        session=session,
        principal=principal,
        window=paging.window,
    )
    return await paging.page(rows, lambda items: [detected.render(r, principal) for r in items])
