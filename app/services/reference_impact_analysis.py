"""One page of the impact analysis of a proposed reference-data change, for the caller's read
policy `reference_impact`: a COM reference admin sees every organisation's counts, a DPO its own
flows in detail (their transfer ids on request).

A page holds the totals and at most `limit` groups in the byte budget (`ILONET_PAGE_MAX_BYTES`
less what the rest of the page takes), a group's transfer ids at most TRANSFER_IDS_MAX of them; a
group whose ids do not fit ends the page and goes on on the next. The cursor is signed
(app/pagination.py) and bound to the caller, the route and the analysis (its body): any other
cursor is a 422 problem.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.clock import today
from app.pagination import decode_cursor, encode_cursor
from app.policies import Basis
from app.policies.reference_impact import Reference, apply_change, touched_destinations
from app.problems import ValidationFailed
from app.schemas.policy import BasisOut
from app.schemas.reference_impact import (
    TRANSFER_IDS_MAX,
    ImpactGroupOut,
    ImpactIn,
    ImpactOut,
    OrganisationImpactOut,
)
from app.security import Principal
from app.services import access
from app.services.reference_data import transfer_reference
from app.services.reference_impact import (
    KIND,
    NOTE,
    flow_batches,
    months_before,
    to_change,
    transfer_ids,
)
from app.services.reference_impact_page import (
    ID_BYTES,
    Grouping,
    ImpactGroup,
    group_bytes,
    judge_batch,
    page_of,
)
from app.workers import run_bounded

ROUTE = "/v1/reference/impact"
# A cursor: the analysis's digest, the position of a group (7 strings), the last id shown of it.
_POSITION = 7


@dataclass(frozen=True, slots=True)
class PageRequest:
    """What the caller asked of the page: its size, the cursor, and whether ids are wanted."""

    limit: int
    cursor: str | None
    with_ids: bool
    secret: bytes
    max_bytes: int


@dataclass(frozen=True, slots=True)
class Resume:
    start: tuple[str, ...]
    last_id: uuid.UUID | None


def digest(body: ImpactIn) -> str:
    """The analysis a cursor belongs to: its body (a cursor of another analysis is refused)."""
    return hashlib.sha256(body.model_dump_json().encode()).hexdigest()[:24]


def _invalid() -> ValidationFailed:
    return ValidationFailed(
        [{"pointer": "/cursor", "in": "query", "detail": "invalid or foreign cursor"}]
    )


def read_cursor(request: PageRequest, client: str, body: ImpactIn) -> Resume | None:
    if not request.cursor:
        return None
    position = decode_cursor(request.secret, client, request.cursor, route=ROUTE)
    if len(position) != _POSITION + 2 or position[0] != digest(body):
        raise _invalid()
    start, last = position[1:-1], position[-1]
    if not all(isinstance(p, str) for p in start) or not (last is None or isinstance(last, str)):
        raise _invalid()
    try:
        last_id = uuid.UUID(last) if last is not None else None
    except ValueError as exc:
        raise _invalid() from exc
    return Resume(tuple(start), last_id)


def _cursor(
    request: PageRequest, client: str, body: ImpactIn, group: ImpactGroup, last: uuid.UUID | None
) -> str:
    position: list[Any] = [digest(body), *group.position, str(last) if last else None]
    return encode_cursor(request.secret, client, position, route=ROUTE)


def _basis(basis: Basis | None) -> BasisOut | None:
    if basis is None:
        return None
    return BasisOut(ground=basis.ground, rule=basis.rule, reference=basis.reference)


def render(group: ImpactGroup, ids: list[uuid.UUID] | None) -> ImpactGroupOut:
    return ImpactGroupOut(
        key=group.key,
        organisation=group.organisation,
        destination=group.destination,
        recipient=group.recipient,
        recipient_type=group.recipient_type,
        regime=group.regime,
        purpose=group.purpose,
        ground=_basis(group.verdict.before),
        now_denied_by=group.verdict.denied_by,
        reason=group.verdict.reason,
        still_holds=_basis(group.verdict.after),
        alternative=_basis(group.verdict.alternative),
        transfers=group.transfers,
        first_transfer_on=group.first,
        last_transfer_on=group.last,
        transfer_ids=ids,
    )


async def analyse(
    *, session: AsyncSession, principal: Principal, body: ImpactIn, page: PageRequest
) -> ImpactOut:
    """One page of the impact of a proposed change (nothing is changed)."""
    seen = access.listing(principal, KIND)
    client = principal.client_key
    resume = read_cursor(page, client, body)
    current = await transfer_reference(session=session)
    before = Reference(current.adequacy_decisions, current.instruments)
    change = to_change(body.change)
    after = apply_change(before, change)
    until = today()
    since = months_before(until, body.months)
    # The flows come from a cursor a batch at a time; each batch is judged in a worker
    # process and merged here, so no step holds the event loop for more than a batch's worth.
    grouping = Grouping()
    organisations: set[str] = set()
    async for batch in flow_batches(
        session=session,
        seen=seen,
        destinations=touched_destinations(after if change.instrument else before, change),
        since=since,
        on=change.on,
        organisation=body.organisation,
    ):
        organisations.update(f.organisation for f in batch)
        grouping.add(await run_bounded(judge_batch, batch, before, after))
    shown = frozenset(o for o in organisations if seen.shows("flows", organisation=o))
    envelope = ImpactOut(
        change=body.change,
        window_from=since,
        window_to=until,
        transfers_evaluated=0,
        affected_flows=0,
        groups_total=0,
        organisations=[],
        groups=[],
        next_cursor=None,
        evaluated_at=datetime.now(UTC),
        note=NOTE,
    )
    # What the page takes besides its groups: the envelope, a cursor and the organisations.
    budget = page.max_bytes - len(envelope.model_dump_json()) - 2048 - 120 * len(organisations)
    result = page_of(
        grouping.groups(),
        grouping.transfers,
        resume.start if resume else None,
        resume is not None and resume.last_id is not None,
        page.limit,
        budget,
        shown,
    )
    groups: list[ImpactGroupOut] = []
    next_cursor = None
    room = budget
    for index, group in enumerate(result.groups):
        room -= group_bytes(group)
        ids: list[uuid.UUID] | None = None
        if page.with_ids:
            continuing = resume is not None and index == 0 and group.position == resume.start
            fits = max(1, min(room // ID_BYTES, TRANSFER_IDS_MAX))
            ids = await transfer_ids(
                session=session,
                seen=seen,
                group=group,
                since=since,
                on=change.on,
                after=resume.last_id if continuing and resume else None,
                limit=fits + 1,
            )
            if len(ids) > fits:  # the rest of this group's ids go on on the next page
                ids = ids[:fits]
                groups.append(render(group, ids))
                next_cursor = _cursor(page, client, body, group, ids[-1])
                break
            room -= len(ids) * ID_BYTES
        groups.append(render(group, ids))
    else:
        if result.more and result.groups:
            next_cursor = _cursor(page, client, body, result.groups[-1], None)
    totals = result.totals
    return envelope.model_copy(
        update={
            "transfers_evaluated": totals.transfers_evaluated,
            "affected_flows": totals.affected_flows,
            "groups_total": result.listed,
            "organisations": [
                OrganisationImpactOut(organisation=o, affected_flows=n, still_covered=c)
                for o, n, c in totals.organisations
            ],
            "groups": groups,
            "next_cursor": next_cursor,
        }
    )
