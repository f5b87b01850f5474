"""One page of an impact analysis, computed without I/O: the flows SQL grouped (transfers of
equal facts, counted there) judged before and after the change, merged into groups, the totals,
and the groups that follow a cursor within a byte budget.

`impact_page` is a top-level function of picklable arguments, so a worker process can run it;
the flows are judged once per distinct facts, never once per transfer.
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


def judge(flows: Sequence[Flow], before: Reference, after: Reference) -> list[ImpactGroup]:
    """The affected groups in the analysis's order; each distinct facts judged once."""
    verdicts: dict[Flow, Verdict] = {}
    parts: dict[str, list[Flow]] = {}
    verdict_of: dict[str, Verdict] = {}
    for flow in flows:
        verdict = verdicts.get(flow)
        if verdict is None:
            verdict = verdicts[flow] = judge_flow(flow.facts(), before, after)
        if not verdict.changed:
            continue
        key = group_key(flow, verdict)
        parts.setdefault(key, []).append(flow)
        verdict_of[key] = verdict
    groups = [
        ImpactGroup(
            key=key,
            organisation=found[0].organisation,
            destination=found[0].destination,
            recipient=found[0].recipient_name,
            recipient_type=found[0].recipient_type,
            regime=found[0].regime,
            purpose=found[0].purpose,
            verdict=verdict_of[key],
            transfers=sum(f.transfers for f in found),
            first=min(f.first for f in found),
            last=max(f.last for f in found),
            flows=tuple(found),
        )
        for key, found in parts.items()
    ]
    return sorted(groups, key=lambda g: g.position)


def totals(flows: Sequence[Flow], groups: Sequence[ImpactGroup]) -> Totals:
    counts: dict[str, list[int]] = {}
    for g in groups:
        entry = counts.setdefault(g.organisation, [0, 0])
        entry[0] += g.transfers
        entry[1] += g.transfers if g.verdict.after or g.verdict.alternative else 0
    return Totals(
        transfers_evaluated=sum(f.transfers for f in flows),
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
    """The totals over every flow, and at most `limit` groups in `budget` bytes (at least one)
    from `start`: the group at that position too when `include_start` (its transfer ids go
    on), else the groups after it. Only groups of the organisations in `shown` are listed
    (None: every organisation's); the totals count them all. Positional arguments only: a
    worker pool passes them on as they are."""
    groups = judge(flows, before, after)
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
        totals(flows, groups), tuple(page), listed=listed_count, more=len(listed) > len(page)
    )
