"""The disclosure control against readers who know a part of the figures (ILO-12): an
organisation knows its own part of every count exactly (its own deployments, transfers and
requests, and `?scope=own` answers them), so for it the unknowns are the others' parts. On random
month-end deployment figures with the activity report's network member counts, and on random
months of transfers and identification requests of two organisations, integer linear
programming over everything published finds, for the outside reader and for each contributing
organisation, that every withheld count whose unknown part is small keeps the whole protection
interval: any value from 1 (or the least the listing alone allows) to threshold - 1."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from datetime import date, timedelta
from types import SimpleNamespace
from typing import Any, cast

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.models import Deployment
from app.policies.disclosure import Bound, Line, protect
from app.services.deployment_figures import NETWORKS, Area, _tally, frame
from app.services.statistics import TOTAL, Period, cell
from app.services.statistics_readmission import Request, _month_frame, protected_months
from tests.sdc_attack import Attack

CHECKS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# A local network of a priority country, a regional one of it and a country that is not one,
# and a local one of another priority country.
AREAS = (Area("sn", ("SN",)), Area("sn-gm", ("SN", "GM")), Area("ma", ("MA",)))


def _readers(
    values: Mapping[str, int],
    hidden: Collection[str],
    lines: Sequence[Line],
    bounds: Sequence[Bound],
    listed: Collection[str],
    own: Mapping[str, int],
) -> tuple[Attack, Attack]:
    """The reader who knows `own` (nothing, for the outside reader): what it sees of the
    others' parts (the published counts less its own), and the same reader with every count
    withheld (what the listing alone allows)."""
    attack, blind = Attack(), Attack()
    for reader, unknown in ((attack, hidden), (blind, frozenset(values))):
        for name, value in values.items():
            reader.publish(name, None if name in unknown else value - own.get(name, 0))
        for name in listed:  # a listed row is not 0: the others' part, where its own is 0
            if values.get(name) and name in unknown and not own.get(name):
                reader.at_least_one([name])
        for line in lines:
            reader.equal(line.total, list(line.parts))
        for bound in bounds:
            reader.at_most(list(bound.small), [bound.large, *bound.beside])
    return attack, blind


def _assert_protected(
    values: Mapping[str, int],
    hidden: Collection[str],
    lines: Sequence[Line],
    bounds: Sequence[Bound],
    listed: Collection[str],
    parts: Mapping[str, Mapping[str, int]],
    threshold: int,
    skip: Collection[str] = (),
) -> int:
    """Every reader's unknown small parts keep the interval; the number of them checked."""
    checked = 0
    for own in [{}, *parts.values()]:
        attack, blind = _readers(values, hidden, lines, bounds, listed, own)
        for name, value in values.items():
            rest = value - own.get(name, 0)
            if 0 < rest < threshold and name not in skip:
                assert name in hidden, (name, value, own.get(name))
                low, high = attack.bounds(name)
                least = max(1, blind.bounds(name)[0])
                assert low <= least, (name, value, own.get(name), low, high)
                assert high >= threshold - 1, (name, value, own.get(name), low, high)
                checked += 1
    return checked


deployment = st.tuples(
    st.sampled_from(["SN", "MA", "GM"]),  # host country
    st.sampled_from(["NL", "FR", "DE"]),  # organisation
    st.booleans(),  # in charge of GM besides (a region)
    st.booleans(),  # co-deployed
    st.integers(0, 9),  # the officer (of its organisation): some are deployed twice
)


def _deployments(drawn: list[tuple[str, str, bool, bool, int]]) -> list[Deployment]:
    return [
        cast(
            Deployment,
            SimpleNamespace(
                host_country=host,
                region_countries=["GM"] if region and host != "GM" else [],
                posting_type="single",
                organisation=org,
                officer_id=f"{org}-{officer}",
                represented_member_states=[],
                co_deploying_member_states=["BE"] if joint else [],
                shared_tasks=[],
            ),
        )
        for host, org, region, joint, officer in drawn
    ]


@CHECKS
@given(st.lists(deployment, max_size=14), st.sampled_from([3, 5]))
def test_ilo_12_network_members_and_each_organisations_own_part_give_nothing_away(
    drawn: list[tuple[str, str, bool, bool, int]], threshold: int
) -> None:
    """A month-end's deployment figures with the networks' members (officers, not
    deployments), withheld in one table: no small count nor small part of another
    organisation's is pinned, by the outside reader or by any deploying organisation."""
    deployments = _deployments(drawn)
    participants: dict[str, Any] = {}
    parts = {
        org: frame(
            *_tally([d for d in deployments if d.organisation == org], participants, AREAS), AREAS
        )[0]
        for org in sorted({d.organisation for d in deployments})
    }
    values, lines, bounds, listed = frame(*_tally(deployments, participants, AREAS), AREAS, parts)
    hidden = protect(values, lines, threshold, bounds=bounds, listed=listed, parts=parts)
    _assert_protected(values, hidden, lines, bounds, listed, parts, threshold)
    # the member counts are in the table: a network's count is withheld when small
    for area in AREAS:
        members = values[cell(NETWORKS, area.key)]
        assert (cell(NETWORKS, area.key) in hidden) or not 0 < members < threshold


def test_ilo_12_a_local_network_cannot_give_its_countrys_withheld_coverage_away() -> None:
    """Two officers in SN: its coverage is withheld, and the network of SN's members (the same
    officers) with it; an organisation with one of them learns nothing of the other."""
    deployments = _deployments([("SN", "NL", False, False, 1), ("SN", "FR", False, False, 1)])
    deployments += _deployments([("MA", "DE", False, False, i) for i in range(7)])
    participants: dict[str, Any] = {}
    parts = {
        org: frame(
            *_tally([d for d in deployments if d.organisation == org], participants, AREAS), AREAS
        )[0]
        for org in ("DE", "FR", "NL")
    }
    values, lines, bounds, listed = frame(*_tally(deployments, participants, AREAS), AREAS, parts)
    hidden = protect(values, lines, 5, bounds=bounds, listed=listed, parts=parts)
    assert {cell("priority_coverage", "SN"), cell(NETWORKS, "sn"), cell(NETWORKS, "sn-gm")} <= (
        hidden
    )
    assert Bound((cell("priority_coverage", "SN"),), cell(NETWORKS, "sn")) in bounds
    assert _assert_protected(values, hidden, lines, bounds, listed, parts, 5) >= 9


def _request(org: str, country: str, outcome: str | None, after: int) -> Request:
    sent = date(2026, 1, 4)
    answered = outcome in {"confirmed", "not_confirmed"}
    return Request(
        country=country,
        sent_on=sent,
        outcome=outcome,
        answered_on=sent + timedelta(days=after) if answered else None,
        travel_document_issued_on=None,
        return_operation_accepted=None,
        organisation=org,
    )


request = st.tuples(
    st.sampled_from(["NL", "FR"]),
    st.sampled_from(["SN", "GN"]),
    st.sampled_from([None, "confirmed", "not_confirmed", "no_answer"]),
    st.integers(0, 90),
)


@CHECKS
@given(st.lists(request, max_size=14), st.integers(0, 6), st.sampled_from([3, 5]))
def test_ilo_12_an_organisation_subtracting_its_own_transfers_learns_nothing_small(
    drawn: list[tuple[str, str, str | None, int]], others: int, threshold: int
) -> None:
    """One month of identification requests by two organisations, and FR's transfers of
    another purpose besides: NL, knowing its own exact figures, cannot narrow FR's part of a
    withheld count (nor FR NL's) below the protection interval."""
    requests = [_request(*r) for r in drawn]
    by_org: dict[str, dict[str, dict[str, Counter[str]]]] = {}
    for r in requests:
        tables = by_org.setdefault(r.organisation, {}).setdefault(
            "2026-01", {t: Counter() for t in ("by_destination", "by_basis", "by_purpose")}
        )
        for tab, key in (
            ("by_destination", r.country),
            ("by_basis", "pi"),
            ("by_purpose", "return"),
        ):
            tables[tab][key] += 1
    if others:
        tables = by_org.setdefault("FR", {}).setdefault(
            "2026-01", {t: Counter() for t in ("by_destination", "by_basis", "by_purpose")}
        )
        tables["by_destination"]["SN"] += others
        tables["by_basis"]["pi"] += others
        tables["by_purpose"]["other"] += others
    pooled: dict[str, dict[str, Counter[str]]] = {}
    for months in by_org.values():
        for month, tabs in months.items():
            into = pooled.setdefault(month, {t: Counter() for t in tabs})
            for tab, counter in tabs.items():
                into[tab].update(counter)
    period = Period(date(2026, 1, 1), date(2026, 1, 31))
    decided = protected_months(pooled, requests, period, threshold, by_org)[0]
    empty = {t: Counter[str]() for t in ("by_destination", "by_basis", "by_purpose")}
    values, lines, bounds, listed, unpublished = _month_frame(
        pooled.get("2026-01", empty), requests
    )
    parts = {
        org: _month_frame(
            by_org.get(org, {}).get("2026-01", empty),
            [r for r in requests if r.organisation == org],
        )[0]
        for org in ("FR", "NL")
    }
    hidden = {f"t\t{n}" for n in decided.transfers} | {
        f"r\t{c}\t{m}" for c, names in decided.countries.items() for m in names
    }
    _assert_protected(values, hidden, lines, bounds, listed, parts, threshold, unpublished)
    assert f"t\t{TOTAL}" in unpublished
