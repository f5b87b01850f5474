"""The pages' parts that need no browser: names for codes, plurals, the one date form, chart
axes that end at the first round step above the largest figure, withheld figures drawn as
markers, and the Content-Security-Policy that allows exactly the page's own style."""

from __future__ import annotations

import hashlib
from base64 import b64encode
from datetime import UTC, date, datetime

import pytest

from app.pages import PAGE_CSP, charts, labels, stored_page_csp
from app.pages.render import STYLE, environment


@pytest.mark.parametrize(
    ("largest", "top", "step"),
    [
        (0, 1, 1),
        (1, 1, 1),
        (3, 3, 1),
        (4, 4, 1),
        (10, 10, 5),
        (11, 15, 5),
        (17, 20, 5),
        (40, 40, 10),
        (95, 100, 50),
        (1234, 1500, 500),
    ],
)
def test_an_axis_ends_at_the_first_round_step_at_or_above_the_largest(
    largest: int, top: int, step: int
) -> None:
    assert charts.axis_top(largest) == (top, step)
    assert top >= largest
    assert top - step < max(largest, 1)


def test_codes_become_names_and_counts_agree_with_their_nouns() -> None:
    assert labels.country("SN") == "Senegal"
    assert labels.country("TR") == "Türkiye"
    assert labels.country("ZZ") == "ZZ"
    assert labels.organisation("FRONTEX") == "European Border and Coast Guard Agency"
    assert labels.term("a_return_identity").startswith("Identity and nationality for return")
    assert labels.term("some_new_value") == "Some new value"
    assert [labels.plural(n, "ILO") for n in (0, 1, 2)] == ["0 ILOs", "1 ILO", "2 ILOs"]
    assert labels.plural(3, "country") == "3 countries"
    assert labels.names(["FR", "NL", "ES"]) == "France, Netherlands and Spain"
    assert labels.names(["MA"], labels.country) == "Morocco"


def test_every_page_writes_dates_one_way() -> None:
    assert labels.long_date("2026-01-01") == "1 January 2026"
    assert labels.long_date(date(2026, 12, 6)) == "6 December 2026"
    assert (
        labels.long_date(datetime(2026, 12, 6, 14, 5, tzinfo=UTC)) == "6 December 2026, 14:05 UTC"
    )
    assert labels.long_date(None) == "—"


def test_a_withheld_figure_gets_a_marker_never_a_bar() -> None:
    chart = charts.columns([("2026-Q1", 6, False), ("2026-Q2", None, False), ("2026-Q3", 2, True)])
    shown, withheld, planned = chart.bars
    assert withheld.withheld
    assert withheld.length == 0
    assert planned.planned
    assert not shown.planned
    assert shown.length > planned.length > 0
    drawn = (
        environment()
        .from_string('{% import "macros.html.j2" as m %}{{ m.columns(chart, "Per quarter", "n") }}')
        .render(chart=chart)
    )
    assert drawn.count('<rect class="bar') == 2
    assert drawn.count('<rect class="hatch"') == 1
    assert "2026-Q3 (planned)" in drawn
    assert '<td class="num">withheld</td>' in drawn


def test_the_policy_allows_the_page_style_and_nothing_else() -> None:
    digest = b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in PAGE_CSP
    assert "script-src" not in PAGE_CSP
    assert "default-src 'none'" in PAGE_CSP
    assert "frame-ancestors 'none'" in PAGE_CSP
    assert stored_page_csp(f"<style>{STYLE}</style>") == PAGE_CSP
    assert "style-src 'none'" in stored_page_csp("<p>no style</p>")
