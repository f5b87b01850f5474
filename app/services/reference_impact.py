"""What an impact analysis of a reference-data change reads (GDPR-45/46/49, EUDPR-47/48/50,
LED-36/37/38 re-run on stored facts): the proposed change, the recorded transfers of the last
months counted by their facts (the flow counts kept as transfers are recorded:
app/db/transfer_flows.py), a group's transfer ids, and every affected group with its ids (what
an applied change records).

Nothing is written and no subject data are decrypted: the facts are the transfer's columns and
its record's metadata. Flows with the same facts are counted as they are recorded and judged
once, so 100k transfers cost a few hundred evaluations and a read of their flows, in batches
from a server-side cursor (`flow_batches`). One page of the analysis: reference_impact_analysis.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVarTuple

from sqlalchemy import (
    ColumnElement,
    Date,
    Select,
    Text,
    cast,
    func,
    literal,
    or_,
    select,
    tuple_,
)
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.visibility import visible
from app.models import ProcessingRecord, Transfer, TransferFlow
from app.policies.reference_impact import Reference, ReferenceChange, Verdict
from app.policies.visibility import Visibility
from app.policies.vocabulary import ReferenceChangeKind
from app.reference import transfer_instrument_from_dict
from app.schemas.reference_impact import AdequacyNarrowed, InstrumentAdded, ReferenceChangeIn
from app.services.reference_impact_page import Flow, Grouping, ImpactGroup, judge_batch
from app.workers import run_bounded

KIND = "reference_impact"
NOTE = (
    "Chapter V grounds re-run on the stored facts of each transfer, as if the flow recurred on "
    "or after the change (the later of its date and the change's); NR-1 and the other rules are "
    "not re-run, and no subject data were read. Nothing was changed."
)
Ts = TypeVarTuple("Ts")


def months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, candidate)
        except ValueError:
            continue
    raise ValueError(day)


def to_change(body: ReferenceChangeIn) -> ReferenceChange:
    from app.reference import adequacy_decision_from_dict  # the parser of exclusions

    exclusion = instrument = None
    if isinstance(body, AdequacyNarrowed):
        fields = body.exclusion.model_dump(mode="json", exclude_none=True)
        probe = adequacy_decision_from_dict(
            {
                "id": "probe",
                "regimes": [],
                "covers_public_authorities": True,
                "valid_from": "2000-01-01",
                "reference": "",
                "source_url": "",
                "exclusions": [fields],
            }
        )
        exclusion = probe.exclusions[0]
    if isinstance(body, InstrumentAdded):
        instrument = transfer_instrument_from_dict(body.instrument.model_dump(mode="json"))
    return ReferenceChange(
        kind=ReferenceChangeKind(body.kind),
        on=body.on,
        adequacy_decision_id=getattr(body, "adequacy_decision_id", None),
        instrument_id=getattr(body, "instrument_id", None),
        exclusion=exclusion,
        instrument=instrument,
    )


@dataclass
class Group:
    organisation: str
    destination: str
    recipient: str
    recipient_type: str
    regime: str
    purpose: str
    verdict: Verdict
    transfers: int = 0
    first: date = date.max
    last: date = date.min
    ids: list[uuid.UUID] = field(default_factory=list)


def _evaluated_on(on: date) -> ColumnElement[date]:
    return func.greatest(Transfer.transfer_on, cast(literal(on), Date))


def _scope(
    query: Select[*Ts],
    *,
    seen: Visibility,
    destinations: Iterable[str] | None,
    since: date,
    organisation: str | None,
) -> Select[*Ts]:
    """The transfers an analysis looks at: since `since`, visible, to the touched destinations."""
    query = query.join(ProcessingRecord, ProcessingRecord.id == Transfer.processing_record_id)
    query = query.where(Transfer.transfer_on >= since, visible(Transfer, seen))
    if organisation is not None:
        query = query.where(Transfer.organisation == organisation)
    if destinations is not None:
        wanted = sorted(destinations)
        query = query.where(
            or_(
                Transfer.destination_country.in_(wanted),
                Transfer.destination_organisation.in_(wanted),
            )
        )
    return query


def _flow(row: Any) -> Flow:
    return Flow(
        organisation=row.organisation,
        regime=row.regime,
        purpose=row.purpose,
        recipient_name=row.recipient_name,
        recipient_type=row.recipient_type,
        recipient_is_law_enforcement=row.recipient_is_law_enforcement,
        destination_country=row.destination_country,
        destination_organisation=row.destination_organisation,
        requested_basis=row.requested_basis,
        details=row.details or "",
        on=row.on,
        transfers=int(row.n),
        first=row.first,
        last=row.last,
    )


# Flows a batch holds: judged in a worker a batch at a time. They are fetched from a
# server-side cursor FLOW_FETCH rows at a time, the loop free between two fetches, so neither
# turning rows into flows nor handing them to a worker holds the event loop for long.
FLOW_BATCH = 1_000
FLOW_FETCH = 200
# Transfer ids fetched at a time (only `include=transfer_ids` and an applied change read them).
IDS_FETCH = 2_000


def _flows_query(
    *,
    seen: Visibility,
    destinations: Iterable[str] | None,
    since: date,
    on: date,
    organisation: str | None,
) -> Select[*tuple[Any, ...]]:
    """The flow counts (transfer_flow: transfers counted by facts and day as they are
    recorded) since `since`, summed by their facts and the day they are judged on (the later
    of their date and `on`): one row per Flow, from tens to thousands of rows rather than every
    transfer."""
    flow = TransferFlow
    columns = (
        flow.organisation,
        flow.regime,
        flow.purpose,
        flow.recipient_name,
        flow.recipient_type,
        flow.recipient_is_law_enforcement,
        flow.destination_country,
        flow.destination_organisation,
        flow.requested_basis,
        flow.details,
        func.greatest(flow.transfer_on, cast(literal(on), Date)).label("on"),
    )
    query: Select[*tuple[Any, ...]] = select(
        *columns,
        func.sum(flow.transfers).label("n"),
        func.min(flow.transfer_on).label("first"),
        func.max(flow.transfer_on).label("last"),
    ).group_by(*columns)
    query = query.where(flow.transfer_on >= since, visible(flow, seen))
    if organisation is not None:
        query = query.where(flow.organisation == organisation)
    if destinations is not None:
        wanted = sorted(destinations)
        query = query.where(
            or_(flow.destination_country.in_(wanted), flow.destination_organisation.in_(wanted))
        )
    return query


async def flow_batches(
    *,
    session: AsyncSession,
    seen: Visibility,
    destinations: Iterable[str] | None,
    since: date,
    on: date,
    organisation: str | None = None,
    size: int = FLOW_BATCH,
) -> AsyncIterator[list[Flow]]:
    """The transfers since `since` grouped in SQL by their facts and the day they are judged
    on (the later of their date and `on`), counted there: one Flow per group, `size` at a time,
    from a server-side cursor (the grouping runs once, in PostgreSQL; rows are fetched
    FLOW_FETCH at a time, as they are needed)."""
    query = _flows_query(
        seen=seen, destinations=destinations, since=since, on=on, organisation=organisation
    )
    result = await session.stream(query.execution_options(yield_per=FLOW_FETCH))
    batch: list[Flow] = []
    async for rows in result.partitions(FLOW_FETCH):
        batch.extend(_flow(row) for row in rows)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _variant(on: date) -> tuple[Any, ...]:
    """The facts that tell a group's flows apart besides its organisation, recipient, regime
    and purpose (nulls as "", so that a tuple comparison matches them)."""
    return (
        Transfer.recipient_is_law_enforcement,
        func.coalesce(Transfer.destination_country, ""),
        func.coalesce(Transfer.destination_organisation, ""),
        Transfer.requested_basis,
        func.coalesce(cast(Transfer.details, Text), ""),
        _evaluated_on(on),
    )


async def transfer_ids(
    *,
    session: AsyncSession,
    seen: Visibility,
    group: ImpactGroup,
    since: date,
    on: date,
    after: uuid.UUID | None,
    limit: int,
) -> list[uuid.UUID]:
    """At most `limit` ids of the group's transfers, in order, after `after`: the transfers
    of its organisation, recipient, regime and purpose whose facts are one of its flows."""
    wanted = sorted(
        {
            (
                f.recipient_is_law_enforcement,
                f.destination_country or "",
                f.destination_organisation or "",
                f.requested_basis,
                f.details,
                f.on,
            )
            for f in group.flows
        }
    )
    query = _scope(
        select(Transfer.id),
        seen=seen,
        destinations=None,
        since=since,
        organisation=group.organisation,
    ).where(
        ProcessingRecord.regime == group.regime,
        ProcessingRecord.purpose == group.purpose,
        Transfer.recipient_name == group.recipient,
        Transfer.recipient_type == group.recipient_type,
        tuple_(*_variant(on)).in_(wanted),
    )
    if after is not None:
        query = query.where(Transfer.id > after)
    # From a server-side cursor IDS_FETCH at a time: a page of 25,000 ids is read in pieces, the
    # loop free between them, rather than decoded in one hold.
    query = query.order_by(Transfer.id).limit(limit).execution_options(yield_per=IDS_FETCH)
    result = await session.stream_scalars(query)
    ids: list[uuid.UUID] = []
    async for part in result.partitions(IDS_FETCH):
        ids.extend(part)
    return ids


async def affected_groups(
    *,
    session: AsyncSession,
    seen: Visibility,
    before: Reference,
    after: Reference,
    destinations: Iterable[str] | None,
    since: date,
    on: date,
    organisation: str | None = None,
    with_ids: bool = False,
) -> tuple[int, list[Group]]:
    """Every affected group with all its transfer ids (what an applied change records), and
    how many transfers were looked at. The flows are judged in the worker pool a batch at a
    time, as an analysis's are (`judge_batch`), never on the event loop."""
    grouping = Grouping()
    async for batch in flow_batches(
        session=session,
        seen=seen,
        destinations=destinations,
        since=since,
        on=on,
        organisation=organisation,
    ):
        grouping.add(await run_bounded(judge_batch, batch, before, after))
    groups = grouping.groups()
    found = []
    for g in groups:
        ids: list[uuid.UUID] = []
        if with_ids:
            ids = await transfer_ids(
                session=session,
                seen=seen,
                group=g,
                since=since,
                on=on,
                after=None,
                limit=g.transfers,
            )
        found.append(
            Group(
                g.organisation,
                g.destination,
                g.recipient,
                g.recipient_type,
                g.regime,
                g.purpose,
                g.verdict,
                g.transfers,
                g.first,
                g.last,
                ids,
            )
        )
    return grouping.transfers, found
