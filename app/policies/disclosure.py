"""Statistical disclosure control: which figures of the statistics may be published (ILO-12,
ILO-12r).

The threshold. Art. 3(4) and Art. 12 of Regulation (EU) 2019/1240 ask for figures without
personal data, and recital 26 of Regulation (EU) 2016/679 counts as personal what can single
out a person by means reasonably likely to be used: a count from 1 to `THRESHOLD` - 1 (the
settings' `statistics_min_cell`, default `THRESHOLD`) is too small to publish.

The method, the same for every answer (JSON, CSV, HTML) because every answer is built from it:

1. Fixed reporting periods: figures are counted per calendar month, and a period is a run of
   whole months, so that two answers can only differ by whole months.
2. Per month, each table's cells are protected together with the identities a reader can use
   (`Line`: a total and the parts that add up to it, e.g. a table's rows and the month's total,
   or answered = confirmed + not confirmed). Primary: a count from 1 to threshold - 1 is
   withheld. Complementary: a line with a withheld member gets more, a part rather than a total,
   the smallest non-zero first, until it has two at least and one of them is its total or a
   part of 2 or more; so a withheld count can always be traded against another withheld member
   of each of its lines, even by a reader who knows it is not 0.
3. A period's figure is the sum of its months, withheld whenever one of its months' cells is:
   what a period publishes is a sum of published monthly cells, never a new equation.
4. A rate or a median is withheld with any count it is taken over (ILO-12r).

What it guarantees: for every count withheld because it is small, the published figures of all
answers together (counts non-negative integers, a listed row's count not 0) are consistent with
at least two values of it: no reader can pin it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from app.policies.rules import ILO_12, ILO_12R
from app.policies.vocabulary import WithheldReason as Reason

# Art. 3(4), Art. 12 of Regulation (EU) 2019/1240; GDPR recital 26 (singling out): counts from
# 1 to THRESHOLD - 1 are withheld. The one default for every statistics figure and report.
THRESHOLD = 5


@dataclass(frozen=True, slots=True)
class Withheld:
    rule: str
    reason: Reason


COUNT = Withheld(ILO_12.id, Reason.cell)
PERIOD = Withheld(ILO_12.id, Reason.period)
BASE = Withheld(ILO_12R.id, Reason.base)


@dataclass(frozen=True, slots=True)
class Line:
    """An identity a reader can use: `total` = the sum of `parts` (cell names)."""

    total: str
    parts: tuple[str, ...]

    @property
    def members(self) -> tuple[str, ...]:
        return (self.total, *self.parts)


def small(value: int, threshold: int) -> bool:
    return 0 < value < threshold


def protect(values: Mapping[str, int], lines: Sequence[Line], threshold: int) -> frozenset[str]:
    """The counts of one month (or one period) to withhold: primary and complementary."""
    withheld = {name for name, value in values.items() if small(value, threshold)}
    totals = {line.total for line in lines}

    def preference(line: Line, name: str) -> tuple[bool, bool, bool, int, str]:
        # A part before the total (a withheld part is traded against another part, the total
        # unchanged), one that is no other line's total, a non-zero one, the smallest.
        value = values[name]
        return (name == line.total, name in totals, value == 0, value, name)

    def protected(line: Line) -> bool:
        # None withheld, or two at least and one that can move against any other: the total,
        # or a part of 2 or more (a reader who knows a listed count is not 0 can still not
        # pin a part of 1 traded against it).
        inside = [m for m in line.members if m in withheld]
        return not inside or (
            len(inside) >= 2 and (line.total in inside or any(values[m] >= 2 for m in inside))
        )

    changed = bool(withheld)
    while changed:
        changed = False
        for line in lines:
            if protected(line):
                continue
            lone = sum(1 for m in line.members if m in withheld) == 1
            free = sorted(
                (preference(line, m), m)
                for m in line.members
                if m not in withheld and (lone or values[m] >= 2 or m == line.total)
            )
            if free:
                withheld.add(free[0][1])
                changed = True
    return frozenset(withheld)


def over_period(monthly: Iterable[frozenset[str]], months: int) -> dict[str, Withheld]:
    """A period's counts: withheld when withheld in any of its months."""
    named = frozenset().union(*monthly)
    return dict.fromkeys(named, COUNT if months == 1 else PERIOD)


def with_derived(
    counts: Mapping[str, Withheld], derived: Mapping[str, tuple[str, ...]]
) -> dict[str, Withheld]:
    """The counts' verdicts and each rate or median whose bases include a withheld count."""
    verdicts = dict(counts)
    for name, bases in derived.items():
        if any(base in counts for base in bases):
            verdicts[name] = BASE
    return verdicts
