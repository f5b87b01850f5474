"""The count cells of a file's tables, for ILO-3.4 on an information report's content: a column
is a count when the report declares it one (`count_columns`) or when its header names a count;
a header naming a date, a code, an age or an id never does (dates and codes are not counts).
Cells are CSV and DOCX table cells under their header, and JSON numbers under their member."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from app.platform.text import TextUnit

# Words of a header that name a count (English, Dutch, French, German, Spanish/Italian).
COUNT_WORDS = frozenset(
    {
        "count", "counts", "n", "nr", "no", "num", "number", "numbers", "total", "totals",
        "persons", "people", "individuals", "cases", "arrivals", "returns", "returnees",
        "migrants", "applicants", "aantal", "totaal", "nombre", "anzahl", "numero",
    }
)  # fmt: skip
# Words that make a column anything but a count, whatever else its header says.
NOT_COUNT_WORDS = frozenset(
    {
        "date", "day", "week", "month", "quarter", "year", "period", "code", "codes", "id",
        "iso", "age", "reference", "ref", "phone", "telephone", "postcode", "zip",
    }
)  # fmt: skip
_WORD = re.compile(r"[^\W_]+")
_COUNT = re.compile(r"\d{1,12}(?:\.0+)?")


def _words(header: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(header)}


def is_count_header(header: str, declared: frozenset[str] = frozenset()) -> bool:
    """Does the column headed `header` hold counts? Declared names match case-insensitively."""
    name = header.strip().casefold()
    if not name:
        return False
    if name in declared:
        return True
    words = _words(name)
    return not words & NOT_COUNT_WORDS and bool(words & COUNT_WORDS)


def count_cells(
    units: Iterable[TextUnit], declared: Iterable[str] = ()
) -> Iterator[tuple[str, int]]:
    """Each whole-number cell of a count column: its name (where it is, and its header) and
    its count."""
    names = frozenset(d.strip().casefold() for d in declared)
    for unit in units:
        where = unit.location
        if where.column is None and where.pointer is None:
            continue
        if not is_count_header(unit.context, names):
            continue
        value = unit.text.strip()
        if _COUNT.fullmatch(value):
            yield f"{where.describe()} ({unit.context.strip()})", int(float(value))
