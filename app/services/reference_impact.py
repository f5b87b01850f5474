"""Impact analysis of a reference-data change (GDPR-45/46/49, EUDPR-47/48/50, LED-36/37/38 re-run
on stored facts): which recorded transfers of the last months would now be decided differently.

Nothing is written by the analysis and no subject data are decrypted: the facts are the
transfer's columns and its record's metadata. Flows with the same facts are grouped in SQL and
judged once, so 100k transfers cost a few thousand evaluations.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Date, cast, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.visibility import visible
from app.models import ProcessingRecord, Transfer
from app.policies import Actor, Basis
from app.policies.reference_impact import (
    Reference,
    ReferenceChange,
    Verdict,
    apply_change,
    judge_flow,
    touched_destinations,
)
from app.policies.transfer_grounds import TransferFacts
from app.policies.visibility import Visibility
from app.policies.vocabulary import ReferenceChangeKind
from app.reference import transfer_instrument_from_dict
from app.schemas.policy import BasisOut
from app.schemas.reference_impact import (
    ImpactGroupOut,
    ImpactIn,
    ImpactOut,
    OrganisationImpactOut,
    ReferenceChangeIn,
)
from app.security import Principal
from app.services import access
from app.services.processing_record import today
from app.services.reference_data import transfer_reference

KIND = "reference_impact"
NOTE = (
    "Chapter V grounds re-run on the stored facts of each transfer, as if the flow recurred on "
    "or after the change (the later of its date and the change's); NR-1 and the other rules are "
    "not re-run, and no subject data were read. Nothing was changed."
)


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

    exclusion = None
    if body.exclusion is not None:
        probe = adequacy_decision_from_dict(
            {
                "id": "probe",
                "regimes": [],
                "covers_public_authorities": True,
                "valid_from": "2000-01-01",
                "reference": "",
                "source_url": "",
                "exclusions": [body.exclusion.model_dump(mode="json")],
            }
        )
        exclusion = probe.exclusions[0]
    instrument = None
    if body.instrument is not None:
        instrument = transfer_instrument_from_dict(body.instrument.model_dump(mode="json"))
    return ReferenceChange(
        kind=ReferenceChangeKind(body.kind),
        on=body.on,
        adequacy_decision_id=body.adequacy_decision_id,
        instrument_id=body.instrument_id,
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


def _basis(basis: Basis | None) -> BasisOut | None:
    if basis is None:
        return None
    return BasisOut(ground=basis.ground, rule=basis.rule, reference=basis.reference)


def _facts(row: Any, on: date) -> TransferFacts:
    details: dict[str, Any] = row.details or {}
    return TransferFacts(
        actor=Actor(sub="impact-analysis", org=row.organisation),
        controller_org=row.organisation,
        regime=row.regime,
        record_officer_id="",
        record_fields=frozenset(),
        purpose=row.purpose,
        data_categories=(),
        subject_nationality=None,
        protection_status=None,
        recipient_name=row.recipient_name,
        recipient_type=row.recipient_type,
        recipient_is_law_enforcement=row.recipient_is_law_enforcement,
        destination_country=row.destination_country,
        destination_organisation=row.destination_organisation,
        basis=row.requested_basis,
        fields_disclosed=frozenset(),
        justification="",
        transfer_on=on,
        officer_deployment_active=True,
        adequacy_decision_id=details.get("adequacy_decision_id"),
        instrument_id=details.get("instrument_id"),
        authorisation_reference=details.get("authorisation_reference"),
        legal_reference=details.get("legal_reference"),
        incapacity_reason=details.get("incapacity_reason"),
        assessment_reference=details.get("assessment_reference"),
        specific_situation=details.get("specific_situation"),
    )


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
    """The transfers since `since` the change decides differently, grouped; and how many were
    looked at. Flows of equal facts are one SQL group, judged once."""
    evaluated_on = func.greatest(Transfer.transfer_on, cast(literal(on), Date)).label("on")
    columns = (
        Transfer.organisation,
        ProcessingRecord.regime,
        ProcessingRecord.purpose,
        Transfer.recipient_name,
        Transfer.recipient_type,
        Transfer.recipient_is_law_enforcement,
        Transfer.destination_country,
        Transfer.destination_organisation,
        Transfer.requested_basis,
        Transfer.details,
        evaluated_on,
    )
    aggregates: list[ColumnElement[Any]] = [
        func.count().label("n"),
        func.min(Transfer.transfer_on).label("first"),
        func.max(Transfer.transfer_on).label("last"),
    ]
    if with_ids:
        aggregates.append(func.array_agg(Transfer.id).label("ids"))
    query = (
        select(*columns, *aggregates)
        .join(ProcessingRecord, ProcessingRecord.id == Transfer.processing_record_id)
        .where(Transfer.transfer_on >= since, visible(Transfer, seen))
        .group_by(*columns)
    )
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
    evaluated = 0
    groups: dict[tuple[Any, ...], Group] = {}
    for row in (await session.execute(query)).all():
        evaluated += int(row.n)
        verdict = judge_flow(_facts(row, row.on), before, after)
        if not verdict.changed:
            continue
        destination = row.destination_organisation or row.destination_country or ""
        key = (
            row.organisation,
            destination,
            row.recipient_name,
            row.recipient_type,
            row.regime,
            row.purpose,
            verdict,
        )
        group = groups.setdefault(
            key,
            Group(
                row.organisation,
                destination,
                row.recipient_name,
                row.recipient_type,
                row.regime,
                row.purpose,
                verdict,
            ),
        )
        group.transfers += int(row.n)
        group.first = min(group.first, row.first)
        group.last = max(group.last, row.last)
        if with_ids:
            group.ids.extend(row.ids)
    ordered = sorted(groups.values(), key=lambda g: (g.organisation, g.destination, g.recipient))
    return evaluated, ordered


def render_groups(groups: Sequence[Group], seen: Visibility) -> list[ImpactGroupOut]:
    return [
        ImpactGroupOut(
            organisation=g.organisation,
            destination=g.destination,
            recipient=g.recipient,
            recipient_type=g.recipient_type,
            regime=g.regime,
            purpose=g.purpose,
            ground=_basis(g.verdict.before),
            now_denied_by=g.verdict.denied_by,
            reason=g.verdict.reason,
            still_holds=_basis(g.verdict.after),
            alternative=_basis(g.verdict.alternative),
            transfers=g.transfers,
            first_transfer_on=g.first,
            last_transfer_on=g.last,
            transfer_ids=sorted(g.ids)
            if seen.shows("flows", organisation=g.organisation)
            else None,
        )
        for g in groups
    ]


def per_organisation(groups: Sequence[Group]) -> list[OrganisationImpactOut]:
    counts: dict[str, list[int]] = {}
    for g in groups:
        entry = counts.setdefault(g.organisation, [0, 0])
        entry[0] += g.transfers
        entry[1] += g.transfers if g.verdict.after or g.verdict.alternative else 0
    return [
        OrganisationImpactOut(organisation=o, affected_flows=n, still_covered=c)
        for o, (n, c) in sorted(counts.items())
    ]


async def analyse(*, session: AsyncSession, principal: Principal, body: ImpactIn) -> ImpactOut:
    """The impact of a proposed change, for the caller's read policy `reference_impact`: a COM
    reference admin sees every organisation's counts, a DPO its own flows in detail."""
    seen = access.listing(principal, KIND)
    current = await transfer_reference(session=session)
    before = Reference(current.adequacy_decisions, current.instruments)
    change = to_change(body.change)
    after = apply_change(before, change)
    until = today()
    since = months_before(until, body.months)
    evaluated, groups = await affected_groups(
        session=session,
        seen=seen,
        before=before,
        after=after,
        destinations=touched_destinations(after if change.instrument else before, change),
        since=since,
        on=change.on,
        organisation=body.organisation,
        with_ids=seen.fields.get("flows") is not None,
    )
    detailed = [g for g in groups if seen.shows("flows", organisation=g.organisation)]
    return ImpactOut(
        change=body.change,
        window_from=since,
        window_to=until,
        transfers_evaluated=evaluated,
        affected_flows=sum(g.transfers for g in groups),
        organisations=per_organisation(groups),
        groups=render_groups(detailed, seen),
        evaluated_at=datetime.now(UTC),
        note=NOTE,
    )
