"""One page of an impact analysis, pure (app/services/reference_impact_page.py): flows judged
once per distinct facts, the totals over all of them, the page after a position within its
byte budget, and arguments and result a worker process can take (pickled); judged a batch at a
time and merged, the page is the one judged at once."""

from __future__ import annotations

import json
import pickle
from dataclasses import replace
from datetime import date

from app.policies.reference_impact import Reference, ReferenceChange, apply_change
from app.policies.vocabulary import ReferenceChangeKind
from app.reference import load_adequacy_decisions
from app.services.reference_impact_page import (
    Flow,
    Grouping,
    group_bytes,
    impact_page,
    judge_batch,
    page_of,
)

BEFORE = Reference(load_adequacy_decisions(), ())
AFTER = apply_change(
    BEFORE,
    ReferenceChange(
        kind=ReferenceChangeKind.adequacy_ended,
        on=date(2027, 1, 1),
        adequacy_decision_id="2021/1772",
    ),
)


def flow(org: str, recipient: str, transfers: int, basis: str = "adequacy") -> Flow:
    return Flow(
        organisation=org,
        regime="gdpr",
        purpose="return",
        recipient_name=recipient,
        recipient_type="public_authority",
        recipient_is_law_enforcement=False,
        destination_country="GB",
        destination_organisation=None,
        requested_basis=basis,
        details=json.dumps({"adequacy_decision_id": "2021/1772"}),
        on=date(2027, 1, 1),
        transfers=transfers,
        first=date(2026, 6, 1),
        last=date(2026, 11, 30),
    )


FLOWS = [
    flow("NL", "UK Border Force", 4),
    flow("NL", "Home Office", 3),
    flow("BE", "Home Office", 2),
    flow("NL", "Home Office", 5, basis="public_interest"),
    # the same facts judged on another day: another SQL group of the same output group
    replace(flow("NL", "Home Office", 1), first=date(2026, 1, 1)),
]


def test_totals_count_every_flow_and_the_page_lists_the_shown_organisations() -> None:
    page = impact_page(FLOWS, BEFORE, AFTER, None, False, 50, 1_000_000, frozenset({"NL"}))
    totals = page.totals
    assert (totals.transfers_evaluated, totals.affected_flows) == (15, 15)
    assert totals.organisations == (("BE", 2, 2), ("NL", 13, 13))
    assert [(g.recipient, g.transfers) for g in page.groups] == [
        ("Home Office", 4),
        ("Home Office", 5),
        ("UK Border Force", 4),
    ]
    assert (page.listed, page.more) == (3, False)
    assert page.groups[0].first == date(2026, 1, 1)
    every = impact_page(FLOWS, BEFORE, AFTER, None, False, 50, 1_000_000, None)
    assert [g.organisation for g in every.groups] == ["BE", "NL", "NL", "NL"]


def test_a_page_starts_after_a_position_and_ends_on_its_limit_or_budget() -> None:
    first = impact_page(FLOWS, BEFORE, AFTER, None, False, 2, 1_000_000, None)
    assert (len(first.groups), first.more) == (2, True)
    last = first.groups[-1]
    rest = impact_page(FLOWS, BEFORE, AFTER, last.position, False, 2, 1_000_000, None)
    again = impact_page(FLOWS, BEFORE, AFTER, last.position, True, 2, 1_000_000, None)
    assert [g.key for g in rest.groups[:1]] == [g.key for g in again.groups[1:]]
    assert again.groups[0] == last
    assert rest.totals == first.totals  # every page carries the same totals
    tight = impact_page(FLOWS, BEFORE, AFTER, None, False, 50, group_bytes(last), None)
    assert (len(tight.groups), tight.more) == (1, True)
    none = impact_page(FLOWS, BEFORE, AFTER, None, False, 50, 0, None)
    assert len(none.groups) == 1  # a page always makes progress


def test_arguments_and_page_survive_pickling_for_a_worker_process() -> None:
    arguments = (FLOWS, BEFORE, AFTER, None, False, 50, 1_000_000, frozenset({"NL"}))
    copied = pickle.loads(pickle.dumps(arguments))  # noqa: S301 (our own bytes)
    assert copied == arguments
    page = impact_page(*copied)
    assert pickle.loads(pickle.dumps(page)) == page  # noqa: S301
    assert page == impact_page(*arguments)


def test_batches_judged_apart_and_merged_make_the_page_judged_at_once() -> None:
    whole = impact_page(FLOWS, BEFORE, AFTER, None, False, 50, 1_000_000, frozenset({"NL"}))
    for size in (1, 2, 3):
        grouping = Grouping()
        for start in range(0, len(FLOWS), size):
            batch = pickle.loads(pickle.dumps(FLOWS[start : start + size]))  # noqa: S301
            judged = judge_batch(batch, BEFORE, AFTER)
            grouping.add(pickle.loads(pickle.dumps(judged)))  # noqa: S301 (as from a worker)
        assert grouping.transfers == 15
        merged = page_of(
            grouping.groups(), grouping.transfers, None, False, 50, 1_000_000, frozenset({"NL"})
        )
        assert merged == whole, size
    # a batch with nothing affected adds its transfers and no group
    unaffected = replace(FLOWS[0], requested_basis="public_interest", transfers=7)
    judged = judge_batch([unaffected], BEFORE, BEFORE)
    assert (judged.transfers, judged.affected) == (7, ())
