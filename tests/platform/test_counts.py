"""The count columns of a file's tables (app/platform/counts.py), which ILO-3.4 holds to the
small-cell threshold on an information report: declared columns and headers that name a count;
dates, codes and ages are never counts."""

from __future__ import annotations

import pytest

from app.platform.counts import count_cells, is_count_header
from app.platform.extract import CSV, JSON, extract


@pytest.mark.parametrize(
    ("header", "declared", "is_count"),
    [
        ("persons", (), True),
        ("Number of arrivals", (), True),
        ("aantal", (), True),
        ("total_returns", (), True),
        ("n", (), True),
        ("date", (), False),
        ("number_date", (), False),
        ("country code", (), False),
        ("age", (), False),
        ("year", (), False),
        ("reference", (), False),
        ("afghans", (), False),
        ("Afghans", ("afghans",), True),
        ("", (), False),
    ],
)
def test_ilo_3_4_a_count_column_is_declared_or_named(
    header: str, declared: tuple[str, ...], is_count: bool
) -> None:
    assert is_count_header(header, frozenset(declared)) is is_count


def test_ilo_3_4_csv_count_cells_carry_their_place_and_header() -> None:
    csv = "date;country;persons;age\n2026-01-04;SN;2;17\n2026-02-01;GM;0042;34\n"
    cells = list(count_cells(extract(csv.encode(), CSV).units))
    assert cells == [("row 2, column 3 (persons)", 2), ("row 3, column 3 (persons)", 42)]


def test_ilo_3_4_json_numbers_under_a_count_member_and_declared_columns() -> None:
    body = b'{"rows": [{"code": 3, "count": 4, "afghans": 1.0, "share": 0.5}]}'
    units = extract(body, JSON).units
    assert list(count_cells(units)) == [("line 1, JSON pointer /rows/0/count (count)", 4)]
    assert list(count_cells(units, ["AFGHANS"])) == [
        ("line 1, JSON pointer /rows/0/count (count)", 4),
        ("line 1, JSON pointer /rows/0/afghans (afghans)", 1),
    ]
