"""When a change of the transfer reference data is applied (adequacy_decision.* and
transfer_instrument.* through the reference API), each organisation whose recorded flows of the
last months it decides differently gets a `reference.impact_detected` feed event (and webhook)
naming the count, and its DPO can list the flows (`GET /v1/reference/impacts`)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.clock import today
from app.db.visibility import visible
from app.db.writer import Change, NewRow, Prepared, Writer
from app.keyset import INVALID, Window
from app.models import AdequacyDecisionEntry, ReferenceImpact, TransferInstrumentEntry
from app.policies import Decision, ImpactRecordFacts
from app.policies.reference_impact import REFERENCE_IMPACT_RECORD, Reference
from app.policies.visibility import ALL, Visibility
from app.problems import ValidationFailed
from app.schemas.reference_data import (
    AdequacyDecisionCreate,
    AdequacyDecisionFields,
    TransferInstrumentCreate,
    TransferInstrumentFields,
)
from app.schemas.reference_impact import IMPACT_FLOWS_MAX, ReferenceImpactOut
from app.security import Principal
from app.services import access
from app.services import reference_data as entries
from app.services.guarded import Action, Context, NoBody
from app.services.reference_impact import KIND, Group, affected_groups, months_before
from app.services.retention_sweep import sweeper

E = TypeVar("E", AdequacyDecisionEntry, TransferInstrumentEntry)
# The recorded flows an applied change is checked against.
WINDOW_MONTHS = 12


@dataclass(frozen=True, slots=True)
class Impact:
    """What an applied reference change does to one organisation's recorded flows."""

    organisation: str
    reference_kind: str
    reference_id: str
    reference_version: int
    groups: Sequence[Group]

    @property
    def affected_flows(self) -> int:
        return sum(g.transfers for g in self.groups)


@dataclass(frozen=True, slots=True)
class Detected:
    prepared: Prepared[ImpactRecordFacts]
    impact: Impact | None


async def _load(context: Context, impact: Impact | None, _: NoBody) -> Detected:
    """The impact found (none for the dry run, which names no flows)."""
    facts = ImpactRecordFacts(
        actor=context.principal.actor(),
        organisation=impact.organisation if impact else context.principal.org,
        affected_flows=impact.affected_flows if impact else 0,
    )
    return Detected(Prepared(facts), impact)


def _build(
    context: Context, detected: Detected, _: NoBody, __: Decision
) -> NewRow[ReferenceImpact]:
    impact = detected.impact
    if impact is None:
        raise RuntimeError("reference_impact.record is performed on an impact found")
    count = impact.affected_flows
    row = ReferenceImpact(
        id=uuid.uuid4(),
        organisation=impact.organisation,
        reference_kind=impact.reference_kind,
        reference_id=impact.reference_id,
        reference_version=impact.reference_version,
        affected_flows=count,
        flows=_flows(impact.groups),
    )
    change = Change(
        organisation=impact.organisation,
        visibility="organisation",
        legal_basis="GDPR-30.1",
        details={
            "reference_kind": impact.reference_kind,
            "reference_id": impact.reference_id,
            "reference_version": impact.reference_version,
            "affected_flows": count,
        },
    )
    return NewRow(row, change)


RECORD = Action(
    policy=REFERENCE_IMPACT_RECORD,
    resource=KIND,
    body=NoBody,
    target="none",
    load=_load,
    build=_build,
    makes="row",
    summary="Tell an organisation which of its flows an applied reference change affects",
)


def _flows(groups: Sequence[Group]) -> list[dict[str, Any]]:
    return [
        {
            "destination": g.destination,
            "recipient": g.recipient,
            "regime": g.regime,
            "purpose": g.purpose,
            "ground": g.verdict.before.rule if g.verdict.before else None,
            "now_denied_by": g.verdict.denied_by,
            "still_holds": g.verdict.after.rule if g.verdict.after else None,
            "alternative": g.verdict.alternative.rule if g.verdict.alternative else None,
            "transfers": g.transfers,
            "transfer_ids": sorted(str(i) for i in g.ids),
        }
        for g in groups
    ]


async def detect(
    *,
    context: Context,
    before: Reference,
    after: Reference,
    kind: str,
    entry_id: str,
    version: int,
    destinations: frozenset[str],
) -> list[ReferenceImpact]:
    """GDPR-30.1: one ReferenceImpact row and feed event per affected organisation. The flows
    are judged as if they recurred today."""
    session = context.writer.session
    on = today()
    _, groups = await affected_groups(
        session=session,
        seen=Visibility(KIND, rows=ALL),
        before=before,
        after=after,
        destinations=destinations,
        since=months_before(on, WINDOW_MONTHS),
        on=on,
        with_ids=True,
    )
    by_org: dict[str, list[Group]] = {}
    for group in groups:
        by_org.setdefault(group.organisation, []).append(group)
    recorded = []
    for organisation, found in sorted(by_org.items()):
        writer = Writer(session, sweeper(organisation), request_id=context.writer.request_id)
        impact = Impact(organisation, kind, entry_id, version, found)
        as_system = Context(writer, context.settings, context.keyring)
        recorded.append(await as_system.perform(RECORD, impact, NoBody()))
    return recorded


def _destinations(entry: Any, before: Reference) -> frozenset[str]:
    found = {getattr(entry, "country", None), getattr(entry, "organisation", None)}
    found.add(getattr(entry, "destination_country", None))
    return frozenset(str(d) for d in found if d)


async def _reference(session: AsyncSession) -> Reference:
    current = await entries.transfer_reference(session=session)
    return Reference(current.adequacy_decisions, current.instruments)


async def create_and_detect(
    *, context: Context, model: type[E], body: AdequacyDecisionCreate | TransferInstrumentCreate
) -> E:
    """Add an entry (reference_data.CREATE_OF), then tell the affected organisations."""
    before = await _reference(context.writer.session)
    entry = await context.perform(entries.CREATE_OF[model], None, body)
    assert isinstance(entry, model)
    await _after(context, before, entry)
    return entry


async def replace_and_detect(
    *,
    context: Context,
    model: type[E],
    entry_id: str,
    body: AdequacyDecisionFields | TransferInstrumentFields,
) -> E:
    """Replace an entry (reference_data.REPLACE_OF), then tell the affected organisations."""
    before = await _reference(context.writer.session)
    entry = await context.perform(entries.REPLACE_OF[model], entry_id, body)
    assert isinstance(entry, model)
    await _after(context, before, entry)
    return entry


async def _after(context: Context, before: Reference, entry: Any) -> None:
    after = await _reference(context.writer.session)
    kind = (
        "adequacy_decision" if isinstance(entry, AdequacyDecisionEntry) else "transfer_instrument"
    )
    await detect(
        context=context,
        before=before,
        after=after,
        kind=kind,
        entry_id=entry.id,
        version=entry.version,
        destinations=_destinations(entry, before),
    )


@dataclass(frozen=True, slots=True)
class FlowsPart:
    """An impact as one page shows it: its flows from `start`, at most IMPACT_FLOWS_MAX of them
    (all of it for a caller who sees no flows)."""

    impact: ReferenceImpact
    start: int


async def list_impacts(
    *, session: AsyncSession, principal: Principal, window: Window
) -> list[FlowsPart]:
    """A page of the impacts by id; an impact whose flows go on past IMPACT_FLOWS_MAX comes
    again, with the same id, with the next of them."""
    seen = access.listing(principal, KIND)
    shown = access.visibility(principal, KIND)
    after, count = window.seek(lambda part: [str(part.impact.id), part.start])
    query = select(ReferenceImpact).where(visible(ReferenceImpact, seen))
    if after is not None:
        if len(after) != 2 or not isinstance(after[0], str) or not isinstance(after[1], int):
            raise ValidationFailed(INVALID)
        try:
            query = query.where(ReferenceImpact.id >= uuid.UUID(after[0]))
        except ValueError as exc:
            raise ValidationFailed(INVALID) from exc
    rows = (await session.scalars(query.order_by(ReferenceImpact.id).limit(count + 1))).all()
    parts = []
    for row in rows:
        flows = len(row.flows or []) if shown.shows("flows", organisation=row.organisation) else 0
        for start in range(0, max(flows, 1), IMPACT_FLOWS_MAX):
            if after is None or str(row.id) != after[0] or start > after[1]:
                parts.append(FlowsPart(row, start))
    return parts[:count]


def render(part: FlowsPart, principal: Principal) -> ReferenceImpactOut:
    seen = access.visibility(principal, KIND)
    row, start = part.impact, part.start
    return ReferenceImpactOut(
        id=row.id,
        organisation=row.organisation,
        reference_kind=row.reference_kind,
        reference_id=row.reference_id,
        reference_version=row.reference_version,
        affected_flows=row.affected_flows,
        flows=row.flows[start : start + IMPACT_FLOWS_MAX]
        if seen.shows("flows", organisation=row.organisation)
        else None,
        detected_at=row.detected_at,
    )
