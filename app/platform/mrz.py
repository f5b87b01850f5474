"""ICAO Doc 9303 machine-readable zones (TD1, TD2, TD3 and visas): a line whose check digits
all verify, or a holder's name line beside a data line, both in the zone's layout."""

from __future__ import annotations

import re
from itertools import pairwise

from app.platform.patterns import digit_count

_WEIGHTS = (7, 3, 1)


def check_digit(field: str) -> str:
    total = 0
    for i, c in enumerate(field):
        if c.isdigit():
            value = int(c)
        elif c == "<":
            value = 0
        else:
            value = ord(c) - 55
        total += value * _WEIGHTS[i % 3]
    return str(total % 10)


def _ok(field: str, digit: str) -> bool:
    return digit == check_digit(field) or (digit == "<" and set(field) == {"<"})


# TD3 (passports, 2 x 44) and TD2 (2 x 36) line 2; MRV-A/B visas have the same first fields.
_LINE2_RE = re.compile(
    r"([A-Z0-9<]{9})([0-9<])([A-Z<]{3})(\d{6})(\d)([MFX<])(\d{6})(\d)([A-Z0-9<]{7,16})"
)
# TD1 (cards, 3 x 30): line 1 carries the document number, line 2 the dates.
_TD1_LINE1_RE = re.compile(r"([ACI][A-Z0-9<])([A-Z<]{3})([A-Z0-9<]{9})([0-9<])([A-Z0-9<]{15})")
_TD1_LINE2_RE = re.compile(r"(\d{6})(\d)([MFX<])(\d{6})(\d)([A-Z<]{3})([A-Z0-9<]{11})(\d)")
_MRZ_CHARS_RE = re.compile(r"[A-Z0-9<]{28,}")
_MRZ_DATES_RE = re.compile(r"\d\d{6}[MFXmfx]\d{7}")
# A zone's name field: the primary identifier, then `<<` and the secondary ones (or filler only).
_NAME = r"[A-Z]+(?:<[A-Z]+)*<<[A-Z<]*"
# TD3 and TD2 line 1: the document's type, its issuing state, then the holder's name.
_NAME_LINE_RE = re.compile(rf"[ACIPV][A-Z<][A-Z<]{{3}}{_NAME}")
_TD1_NAME_LINE_RE = re.compile(_NAME)
_MRZ_LINE_RE = re.compile(r"[A-Z0-9<]+")


def _zone_lengths(first: str, second: str, lengths: tuple[int, ...]) -> bool:
    """Two lines of one of a zone's lengths, give or take two fillers (a zone copied by hand
    miscounts them)."""
    return any(abs(len(first) - n) <= 2 and abs(len(second) - n) <= 2 for n in lengths)


def _date(yymmdd: str) -> bool:
    return 1 <= int(yymmdd[2:4]) <= 12 and 1 <= int(yymmdd[4:6]) <= 31


def _compact(line: str) -> str:
    return re.sub(r"[ \t]", "", line.upper()).replace("«", "<")


def _laid_out(first: str, second: str) -> bool:
    """Two lines of a zone by their layout alone: a TD3 or TD2 name line over its data line
    (44 or 36 characters each, give or take two, the data line's dates dates), or a TD1 data
    line over its name line (30 each). A holder's name in the zone's own layout is the
    evidence, whatever the check digits (a zone copied by hand or misread still names its
    holder); a data line alone, with no name line beside it, still needs its check digits (a
    specimen with broken ones is none)."""
    first, second = _compact(first), _compact(second)
    if _zone_lengths(first, second, (36, 44)) and _NAME_LINE_RE.fullmatch(first):
        return _dated_data_line(second, _LINE2_RE, 4, 7)
    if _zone_lengths(first, second, (30,)) and _TD1_NAME_LINE_RE.fullmatch(second):
        return _dated_data_line(first, _TD1_LINE2_RE, 1, 4)
    return False


def _dated_data_line(line: str, layout: re.Pattern[str], birth: int, expiry: int) -> bool:
    """A zone's data line in its layout, its birth and expiry fields (groups) real dates."""
    data = layout.match(line)
    return (
        data is not None
        and _MRZ_LINE_RE.fullmatch(line) is not None
        and _date(data.group(birth))
        and _date(data.group(expiry))
    )


def has_mrz_lines(text: str, context: str = "", before: str = "", earlier: str = "") -> bool:
    """A machine-readable zone in the text, or in a line before it (the line before, `context`;
    the unit before, `before`, or the one before that, `earlier`: a JSON array's item, a member
    past its name, a table's row) and the text's first line (a zone's two lines extracted as two
    units)."""
    if has_mrz(text):
        return True
    if "<<" not in text and "<<" not in context and "<<" not in before and "<<" not in earlier:
        return False  # most units: a zone's name line holds `<<`
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return False
    return any(_laid_out(a, b) for a, b in pairwise(lines)) or any(
        _laid_out(b.rsplit("\n", 1)[-1], lines[0]) for b in (context, before, earlier) if b.strip()
    )


def has_mrz(text: str) -> bool:
    """A line of a machine-readable zone whose check digits all verify."""
    if "<" not in text and "«" not in text:
        # Without a filler, a line 2's dates and sex (only f, m and x upper-case to F, M, X).
        if digit_count(text) < 14:
            return False
        if _MRZ_DATES_RE.search(text.replace(" ", "").replace("\t", "")) is None:
            return False
    compact = re.sub(r"[ \t]", "", text.upper()).replace("«", "<")
    for run in _MRZ_CHARS_RE.findall(compact):
        for m in _LINE2_RE.finditer(run):
            number, nd, _, birth, bd, _, expiry, ed, _ = m.groups()
            if _ok(number, nd) and _ok(birth, bd) and _ok(expiry, ed) and set(number) != {"<"}:
                return True
        for m in _TD1_LINE2_RE.finditer(run):
            birth, bd, _, expiry, ed, _, _, _ = m.groups()
            if _ok(birth, bd) and _ok(expiry, ed):
                return True
        for m in _TD1_LINE1_RE.finditer(run):
            number, nd = m.group(3), m.group(4)
            if sum(c.isdigit() for c in number) >= 3 and _ok(number, nd) and "<<" not in number:
                return True
    return False
