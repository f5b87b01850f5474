"""The disclosure control (ILO-12, ILO-12r) on random tables: whatever the data, no count
withheld because it is small can be recovered, by integer linear programming, from the published
cells, the tables' margins, the identities between measures and every period of whole months;
each such count keeps two values at least, even for a reader who knows that a listed row's
count is not 0."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.policies.disclosure import (
    BASE,
    COUNT,
    PERIOD,
    THRESHOLD,
    Bound,
    Line,
    over_period,
    protect,
    with_derived,
)
from app.policies.disclosure_audit import spans
from app.policies.rules import ILO_12, ILO_12R
from app.policies.vocabulary import WithheldReason
from app.services.deployment_figures import COVERAGE, REPRESENTED, frame
from app.services.statistics import TOTAL, margins_protected
from app.services.statistics_readmission import BOUNDS, LINES, LISTED, Request, counts
from tests.sdc_attack import Attack

ROWS, COLUMNS = ("x", "y", "z"), ("p", "q")
CHECKS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_ilo_12_the_threshold_and_its_rule() -> None:
    assert THRESHOLD == 5
    assert COUNT.rule == PERIOD.rule == ILO_12.id
    assert BASE.rule == ILO_12R.id
    assert "recital 26" in ILO_12.article
    assert "Art. 12" in ILO_12.article


def test_ilo_12_a_lone_small_part_gets_a_complement_a_part_before_the_total() -> None:
    values = {"n": 20, "a": 2, "b": 11, "c": 7}
    assert protect(values, [Line("n", ("a", "b", "c"))], 5) == {"a", "c"}
    # two parts of 1: a reader who knows neither is 0 would pin both; a third is withheld
    values = {"n": 12, "a": 1, "b": 1, "c": 10}
    assert protect(values, [Line("n", ("a", "b", "c"))], 5) == {"a", "b", "c"}
    # no line: a small count is withheld alone; nothing small, nothing withheld
    assert protect({"a": 3, "b": 0}, [], 5) == {"a"}
    assert protect({"n": 9, "a": 9, "b": 0}, [Line("n", ("a", "b"))], 5) == frozenset()


def test_ilo_12_a_complement_has_room_for_the_whole_interval() -> None:
    # na (2) traded against aw (0) alone could only be 0, 1 or 2: it needs a complement that
    # can give 2 more, here a (itself the total of c + nc, withheld with them)
    values = {"r": 12, "a": 10, "na": 2, "aw": 0, "c": 6, "nc": 4}
    lines = [Line("r", ("a", "na", "aw")), Line("a", ("c", "nc"))]
    withheld = protect(values, lines, 5)
    assert withheld == {"na", "aw", "a", "c", "nc"}
    identities = [(line.total, line.parts) for line in lines]
    found = spans(["na", "nc"], values, withheld, identities, [], [])
    assert found["na"] == (0, 12)  # na + aw + a = 12, all three withheld and not listed
    assert found["nc"][0] == 0
    assert found["nc"][1] >= 4
    # an inequality is a relation too: w (3) under a published 4 would be pinned below 4
    values = {"w": 3, "v": 4, "u": 9}
    assert protect(values, [], 5, bounds=[Bound(("w",), "v")]) == {"w", "v"}
    # a listed count is not 0: two listed parts of 1 and 3 need a third
    values = {"n": 12, "a": 1, "b": 3, "c": 8}
    plain = protect(values, [Line("n", ("a", "b", "c"))], 5)
    assert plain == {"a", "b"}
    assert protect(values, [Line("n", ("a", "b", "c"))], 5, listed=["a", "b", "c"]) == {
        "a",
        "b",
        "c",
    }


def test_ilo_12_a_period_withholds_what_any_month_withholds() -> None:
    assert over_period([frozenset({"a"}), frozenset({"b"})], 2) == {"a": PERIOD, "b": PERIOD}
    assert over_period([frozenset({"a"})], 1) == {"a": COUNT}
    assert PERIOD.reason is WithheldReason.period


def test_ilo_12r_a_rate_or_median_over_a_withheld_count_is_withheld() -> None:
    derived = {"rate": ("answered", "confirmed"), "median": ("answered",)}
    assert with_derived({"confirmed": COUNT}, derived) == {"confirmed": COUNT, "rate": BASE}
    assert with_derived({}, derived) == {}


def _periods(
    attack: Attack,
    months: int,
    cells: Sequence[str],
    truth: list[dict[str, int]],
    withheld: list[frozenset[str]],
) -> None:
    """Every run of whole months publishes a cell's sum unless one of its months withholds it."""
    for first in range(months):
        for last in range(first, months):
            run = range(first, last + 1)
            for name in cells:
                if any(name in withheld[m] for m in run):
                    continue
                total = ("period", first, last, name)
                attack.publish(total, sum(truth[m].get(name, 0) for m in run))
                attack.equal(total, [(m, name) for m in run])


def _assert_protected(
    attack: Attack, blind: Attack, truth: list[dict[str, int]], threshold: int
) -> None:
    """Every small count of a table (not the total its listed rows bound from below) keeps the
    whole protection interval: from the least value the listed rows alone allow (`blind`, the
    same reader with every count withheld: 1 unless a table's only row holds items another
    lists in several) to threshold - 1."""
    for m, values in enumerate(truth):
        for name, value in values.items():
            if 0 < value < threshold and name != TOTAL:
                low, high = attack.bounds((m, name))
                least = max(1, blind.bounds((m, name))[0])
                assert low <= least, (m, name, value, low, high)
                assert high >= threshold - 1, (m, name, value, low, high)


items = st.lists(st.tuples(st.sampled_from(ROWS), st.sampled_from(COLUMNS)), max_size=14)


@CHECKS
@given(st.lists(items, min_size=1, max_size=3), st.sampled_from([3, 5]))
def test_ilo_12_no_small_cell_of_two_margins_is_recovered_over_any_periods(
    monthly_items: list[list[tuple[str, str]]], threshold: int
) -> None:
    attack, blind, truth, withheld = Attack(), Attack(), [], []
    cells = [TOTAL, *(f"rows\t{r}" for r in ROWS), *(f"columns\t{c}" for c in COLUMNS)]
    for m, month in enumerate(monthly_items):
        counters = {"rows": Counter(r for r, _ in month), "columns": Counter(c for _, c in month)}
        values = {TOTAL: len(month)}
        values |= {f"rows\t{r}": counters["rows"][r] for r in ROWS}
        values |= {f"columns\t{c}": counters["columns"][c] for c in COLUMNS}
        hidden = margins_protected(counters, threshold)
        truth.append(values)
        withheld.append(hidden)
        listed = frozenset(name for name in cells if values[name])  # an unlisted row is 0
        for reader, unknown in ((attack, hidden), (blind, listed)):
            for name in cells:
                reader.publish((m, name), None if name in unknown else values[name])
                if name in unknown and name != TOTAL:
                    reader.at_least_one([(m, name)])  # its row is listed: not 0
            reader.equal((m, TOTAL), [(m, f"rows\t{r}") for r in ROWS])
            reader.equal((m, TOTAL), [(m, f"columns\t{c}") for c in COLUMNS])
    _periods(attack, len(monthly_items), cells, truth, withheld)
    _assert_protected(attack, blind, truth, threshold)


answers = st.tuples(
    st.sampled_from([None, "confirmed", "not_confirmed", "no_answer"]),
    st.integers(0, 90),
    st.booleans(),
    st.booleans(),
)


def _request(answer: tuple[str | None, int, bool, bool]) -> Request:
    outcome, days, document, accepted = answer
    sent = date(2026, 1, 1)
    answered = outcome in {"confirmed", "not_confirmed"}
    confirmed = outcome == "confirmed"
    return Request(
        country="SN",
        sent_on=sent,
        outcome=outcome,
        answered_on=sent + timedelta(days=days) if answered else None,
        travel_document_issued_on=sent + timedelta(days=days) if confirmed and document else None,
        return_operation_accepted=confirmed and accepted,
    )


@CHECKS
@given(st.lists(st.lists(answers, max_size=12), min_size=1, max_size=2), st.sampled_from([3, 5]))
def test_ilo_12_no_small_count_of_a_readmission_row_is_recovered(
    monthly_answers: list[list[tuple[str | None, int, bool, bool]]], threshold: int
) -> None:
    attack, blind, truth, withheld = Attack(), Attack(), [], []
    for m, month in enumerate(monthly_answers):
        values = counts([_request(a) for a in month])
        hidden = protect(values, LINES, threshold, bounds=BOUNDS, listed=LISTED)
        truth.append(values)
        withheld.append(hidden)
        for reader, unknown in ((attack, hidden), (blind, frozenset(values))):
            for name, value in values.items():
                reader.publish((m, name), None if name in unknown else value)
            if values["requests_sent"]:
                reader.at_least_one([(m, "requests_sent")])  # the country's row is listed
            for line in LINES:
                reader.equal((m, line.total), [(m, p) for p in line.parts])
            for bound in BOUNDS:
                reader.at_most([(m, name) for name in bound.small], (m, bound.large))
    _periods(attack, len(monthly_answers), list(truth[0]), truth, withheld)
    _assert_protected(attack, blind, truth, threshold)


deployment = st.tuples(
    st.sampled_from(["SN", "MA"]),
    st.sampled_from(["single", "shared"]),
    st.sampled_from(["NL", "FR", "DE"]),
    st.sets(st.sampled_from(["BE", "LU"]), max_size=2),
    st.booleans(),
    st.booleans(),
    st.booleans(),  # it covers GN besides
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(deployment, max_size=12), st.sampled_from([3, 5]))
def test_ilo_12_no_small_deployment_count_of_the_activity_report_is_recovered(
    deployments: list[tuple[str, str, str, set[str], bool, bool, bool]], threshold: int
) -> None:
    """A month-end's deployment figures as the statistics and the activity report publish them:
    three tables adding up to the total, and the joint counts under it (co-deployed, of which
    EU-funding eligible; representing, and each represented Member State; sharing tasks), and
    the gap list's coverage of each priority country (at least its host-country count)."""
    tables: dict[str, Counter[str]] = {
        "by_host_country": Counter(d[0] for d in deployments),
        "by_posting_type": Counter(d[1] for d in deployments),
        "by_organisation": Counter(d[2] for d in deployments),
        REPRESENTED: Counter(ms for d in deployments for ms in d[3]),
        # SN's covering deployments are those in post there; GN has none but covering ones
        COVERAGE: Counter(
            p for p in ("SN", "GN") for d in deployments if p == d[0] or (p == "GN" and d[6])
        ),
    }
    joint = [d for d in deployments if d[4]]
    counts = {
        "co_deployed": len(joint),
        "eu_funding_eligible": sum(1 for d in joint if d[5]),
        "representing": sum(1 for d in deployments if d[3]),
        "sharing_tasks": sum(1 for d in deployments if d[5]),
    }
    values, lines, bounds, listed = frame(tables, counts)
    hidden = protect(values, lines, threshold, bounds=bounds, listed=listed)
    attack, blind = Attack(), Attack()
    for reader, unknown in ((attack, hidden), (blind, frozenset(values))):
        for name, value in values.items():
            reader.publish((0, name), None if name in unknown else value)
        for name in listed:
            if values[name] and name in unknown:
                reader.at_least_one([(0, name)])
        for line in lines:
            reader.equal((0, line.total), [(0, p) for p in line.parts])
        for bound in bounds:
            reader.at_most([(0, name) for name in bound.small], (0, bound.large))
    _assert_protected(attack, blind, [values], threshold)
