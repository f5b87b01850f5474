"""One page of an impact analysis, computed without I/O: the flows SQL grouped (transfers of
equal facts, counted there) judged before and after the change, merged into groups, the totals,
and the groups that follow a cursor within a byte budget.

The flows are judged in batches (`judge_batch`, a top-level function of picklable arguments, so
a worker process runs it) and merged into groups a batch at a time (`Grouping`), so no step holds
the event loop for more than a batch's worth; `page_of` picks the page from the groups.
`impact_page` does it all at once (the flows are judged once per distinct facts, never once per
transfer).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.policies import Actor, Basis
from app.policies.reference_impact import Reference, Verdict, judge_flow
from app.policies.transfer_grounds import TransferFacts

# Bytes a transfer id takes in a page: 36 characters, quotes and a comma.
ID_BYTES = 39


@dataclass(frozen=True, slots=True)
class Flow:
    """Transfers of equal facts (one SQL group), judged as if they recurred on `on`."""

    organisation: str
    regime: str
    purpose: str
    recipient_name: str
    recipient_type: str
    recipient_is_law_enforcement: bool
    destination_country: str | None
    destination_organisation: str | None
    requested_basis: str
    details: str  # the JSON text of the transfer's details
    on: date
    transfers: int = field(compare=False)
    first: date = field(compare=False)
    last: date = field(compare=False)

    @property
    def destination(self) -> str:
        return self.destination_organisation or self.destination_country or ""

    def facts(self) -> TransferFacts:
        details: dict[str, Any] = json.loads(self.details) if self.details else {}
        details = details if isinstance(details, dict) else {}
        return TransferFacts(
            actor=Actor(sub="impact-analysis", org=self.organisation),
            controller_org=self.organisation,
            regime=self.regime,
            record_officer_id="",
            record_fields=frozenset(),
            purpose=self.purpose,
            data_categories=(),
            subject_nationality=None,
            protection_status=None,
            recipient_name=self.recipient_name,
            recipient_type=self.recipient_type,
            recipient_is_law_enforcement=self.recipient_is_law_enforcement,
            destination_country=self.destination_country,
            destination_organisation=self.destination_organisation,
            basis=self.requested_basis,
            fields_disclosed=frozenset(),
            justification="",
            transfer_on=self.on,
            officer_deployment_active=True,
            adequacy_decision_id=details.get("adequacy_decision_id"),
            instrument_id=details.get("instrument_id"),
            authorisation_reference=details.get("authorisation_reference"),
            legal_reference=details.get("legal_reference"),
            incapacity_reason=details.get("incapacity_reason"),
            assessment_reference=details.get("assessment_reference"),
            specific_situation=details.get("specific_situation"),
        )


@dataclass(frozen=True, slots=True)
class ImpactGroup:
    """Affected flows decided the same way: one organisation, destination, recipient, regime,
    purpose and verdict; `flows` are the SQL groups it is made of (to find its transfer ids)."""

    key: str
    organisation: str
    destination: str
    recipient: str
    recipient_type: str
    regime: str
    purpose: str
    verdict: Verdict
    transfers: int
    first: date
    last: date
    flows: tuple[Flow, ...]

    @property
    def position(self) -> tuple[str, ...]:
        """The group's place in the analysis's order (what a cursor names)."""
        return (
            self.organisation,
            self.destination,
            self.recipient,
            self.recipient_type,
            self.regime,
            self.purpose,
            self.key,
        )


@dataclass(frozen=True, slots=True)
class Totals:
    transfers_evaluated: int
    affected_flows: int
    groups: int
    # organisation -> (affected flows, of which another ground would still cover)
    organisations: tuple[tuple[str, int, int], ...]


@dataclass(frozen=True, slots=True)
class ImpactPage:
    totals: Totals
    groups: tuple[ImpactGroup, ...]
    listed: int  # the groups the caller may list, on every page
    # Groups follow the last one shown (the page ended on the limit or the byte budget).
    more: bool


def _basis(basis: Basis | None) -> list[str]:
    return [basis.ground, basis.rule, basis.reference] if basis else []


def group_key(flow: Flow, verdict: Verdict) -> str:
    """A short stable id of a group: the same on every page and in every request."""
    named = [
        flow.organisation,
        flow.destination,
        flow.recipient_name,
        flow.recipient_type,
        flow.regime,
        flow.purpose,
        _basis(verdict.before),
        _basis(verdict.after),
        verdict.denied_by,
        verdict.reason,
        _basis(verdict.alternative),
    ]
    text = json.dumps(named, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Judged:
    """A batch of flows judged: the transfers it held, and its affected flows, each with its
    verdict and the key of its group."""

    transfers: int
    affected: tuple[tuple[Flow, Verdict, str], ...]


def judge_batch(flows: Sequence[Flow], before: Reference, after: Reference) -> Judged:
    """The batch's flows judged before and after the change; each distinct facts once."""
    verdicts: dict[Flow, Verdict] = {}
    affected: list[tuple[Flow, Verdict, str]] = []
    for flow in flows:
        verdict = verdicts.get(flow)
        if verdict is None:
            verdict = verdicts[flow] = judge_flow(flow.facts(), before, after)
        if verdict.changed:
            affected.append((flow, verdict, group_key(flow, verdict)))
    return Judged(sum(f.transfers for f in flows), tuple(affected))


@dataclass(slots=True)
class _Part:
    verdict: Verdict
    flows: list[Flow]
    transfers: int
    first: date
    last: date


class Grouping:
    """Judged batches merged into the affected groups, one batch at a time: each costs what its
    affected flows do, and the groups are made from running sums."""

    def __init__(self) -> None:
        self.transfers = 0
        self._parts: dict[str, _Part] = {}

    def add(self, judged: Judged) -> None:
        self.transfers += judged.transfers
        for flow, verdict, key in judged.affected:
            part = self._parts.get(key)
            if part is None:
                self._parts[key] = _Part(verdict, [flow], flow.transfers, flow.first, flow.last)
                continue
            part.flows.append(flow)
            part.transfers += flow.transfers
            part.first = min(part.first, flow.first)
            part.last = max(part.last, flow.last)

    def groups(self) -> list[ImpactGroup]:
        """The affected groups in the analysis's order."""
        groups = []
        for key, part in self._parts.items():
            found = part.flows[0]
            groups.append(
                ImpactGroup(
                    key=key,
                    organisation=found.organisation,
                    destination=found.destination,
                    recipient=found.recipient_name,
                    recipient_type=found.recipient_type,
                    regime=found.regime,
                    purpose=found.purpose,
                    verdict=part.verdict,
                    transfers=part.transfers,
                    first=part.first,
                    last=part.last,
                    flows=tuple(part.flows),
                )
            )
        return sorted(groups, key=lambda g: g.position)


def judge(flows: Sequence[Flow], before: Reference, after: Reference) -> list[ImpactGroup]:
    """The affected groups in the analysis's order; each distinct facts judged once."""
    grouping = Grouping()
    grouping.add(judge_batch(flows, before, after))
    return grouping.groups()


def totals(transfers_evaluated: int, groups: Sequence[ImpactGroup]) -> Totals:
    counts: dict[str, list[int]] = {}
    for g in groups:
        entry = counts.setdefault(g.organisation, [0, 0])
        entry[0] += g.transfers
        entry[1] += g.transfers if g.verdict.after or g.verdict.alternative else 0
    return Totals(
        transfers_evaluated=transfers_evaluated,
        affected_flows=sum(g.transfers for g in groups),
        groups=len(groups),
        organisations=tuple((o, n, c) for o, (n, c) in sorted(counts.items())),
    )


def group_bytes(group: ImpactGroup) -> int:
    """About how many bytes the group takes in a page, without its transfer ids (an upper
    bound: every text counted as its JSON escapes)."""
    texts = [
        group.key,
        group.organisation,
        group.destination,
        group.recipient,
        group.recipient_type,
        group.regime,
        group.purpose,
        group.verdict.denied_by or "",
        group.verdict.reason or "",
        *_basis(group.verdict.before),
        *_basis(group.verdict.after),
        *_basis(group.verdict.alternative),
    ]
    # field names, punctuation, dates and counts of ImpactGroupOut: under 400 bytes
    return 400 + sum(len(json.dumps(t)) for t in texts)


def page_of(
    groups: Sequence[ImpactGroup],
    transfers_evaluated: int,
    start: tuple[str, ...] | None,
    include_start: bool,
    limit: int,
    budget: int,
    shown: frozenset[str] | None,
) -> ImpactPage:
    """The totals over every group, and at most `limit` groups in `budget` bytes (at least
    one) from `start`: the group at that position too when `include_start` (its transfer ids
    go on), else the groups after it. Only groups of the organisations in `shown` are listed
    (None: every organisation's); the totals count them all."""
    listed = [g for g in groups if shown is None or g.organisation in shown]
    listed_count = len(listed)
    if start is not None:
        listed = [
            g for g in listed if g.position > start or (include_start and g.position == start)
        ]
    page: list[ImpactGroup] = []
    for group in listed[:limit]:
        budget -= group_bytes(group)
        if page and budget < 0:
            break
        page.append(group)
    return ImpactPage(
        totals(transfers_evaluated, groups),
        tuple(page),
        listed=listed_count,
        more=len(listed) > len(page),
    )


def impact_page(
    flows: Sequence[Flow],
    before: Reference,
    after: Reference,
    start: tuple[str, ...] | None,
    include_start: bool,
    limit: int,
    budget: int,
    shown: frozenset[str] | None,
) -> ImpactPage:
    """The page of `page_of` over these flows, judged at once."""
    transfers = sum(f.transfers for f in flows)
    return page_of(
        judge(flows, before, after), transfers, start, include_start, limit, budget, shown
    )
