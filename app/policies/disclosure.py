"""Statistical disclosure control: which figures of the statistics may be published (ILO-12,
ILO-12r).

The threshold. Art. 3(4) and Art. 12 of Regulation (EU) 2019/1240 ask for figures without
personal data, and recital 26 of Regulation (EU) 2016/679 counts as personal what can single
out a person by means reasonably likely to be used: a count from 1 to `THRESHOLD` - 1 (the
settings' `statistics_min_cell`, default `THRESHOLD`) is too small to publish.

The method, the same for every answer (JSON, CSV, HTML, the activity report) because every
answer is built from it:

1. Fixed reporting periods: figures are counted per calendar month, and a period is a run of
   whole months, so that two answers can only differ by whole months; deployments are a stock on
   a month's last day (app/services/deployment_figures.py).
2. Per month, the cells are protected together with what a reader can use: the identities
   (`Line`: a total and the parts that add up to it) and the inequalities (`Bound`: a sum of
   counts at most another), and which counts a listed row says are not 0. Primary: a count from
   1 to threshold - 1 is withheld. Complementary: first along each line, then until the audit
   (app/policies/disclosure_audit.py, integer linear programming) finds that everything left
   published allows each small count every value from 1 to threshold - 1.
3. A period's figure is the sum of its months, withheld whenever one of its months' cells is:
   what a period publishes is a sum of published monthly cells, never a new equation.
4. A rate or a median is withheld with any count it is taken over (ILO-12r).

What it guarantees (the protection interval): for every count withheld because it is small, the
published figures of all answers together (counts non-negative integers, a listed row's count
not 0) allow every value from 1 to threshold - 1; the audit computes exactly these bounds, and
withholding more only widens them. The one exception lies in the listing itself: a table's only
row whose items another table lists in k rows is known to be k at least.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial

from app.policies.disclosure_audit import spans
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


@dataclass(frozen=True, slots=True)
class Bound:
    """An inequality a reader can use: the sum of `small` is at most `large`."""

    small: tuple[str, ...]
    large: str

    @property
    def members(self) -> tuple[str, ...]:
        return (*self.small, self.large)


def protect(
    values: Mapping[str, int],
    lines: Sequence[Line],
    threshold: int,
    *,
    bounds: Sequence[Bound] = (),
    listed: Collection[str] = (),
    unpublished: Collection[str] = (),
) -> frozenset[str]:
    """The counts of one month to withhold: the small ones, and complements until each small
    one can take, for a reader of everything else, every value from 1 to threshold - 1.
    `listed`: the counts a reader knows are not 0 (a listed row). `unpublished`: counts that
    are no figure of their own (a table's total, which its listed rows bound from below).
    A month decided once is remembered: its answers are asked again and again."""
    return _protect(
        tuple(sorted(values.items())),
        tuple(lines),
        threshold,
        tuple(bounds),
        frozenset(listed),
        frozenset(unpublished),
    )


@lru_cache(maxsize=4096)
def _protect(
    items: tuple[tuple[str, int], ...],
    lines: tuple[Line, ...],
    threshold: int,
    bounds: tuple[Bound, ...],
    listed: frozenset[str],
    unpublished: frozenset[str],
) -> frozenset[str]:
    values = dict(items)
    withheld = set(_along_lines(values, lines, threshold))
    primary = sorted(
        name
        for name, value in values.items()
        if small(value, threshold) and name not in unpublished
    )
    if not primary:
        return frozenset(withheld)
    identities = [(line.total, line.parts) for line in lines]
    inequalities = [(bound.small, bound.large) for bound in bounds]
    floors = [name for name in listed if values.get(name, 0) > 0]
    relations = [line.members for line in lines] + [bound.members for bound in bounds]
    totals = {line.total for line in lines}
    weak = primary
    least: dict[str, int] = {}
    while weak:
        # Withholding one more only widens what a reader allows: a count once wide stays so.
        found = spans(weak, values, withheld, identities, inequalities, floors)
        low = [p for p in weak if found[p][0] > 1 and p not in least]
        if low:
            # The least value the listing alone leaves it (everything withheld): 1, or more
            # for a table's only row whose items another table lists in several rows.
            alone = spans(low, values, set(values), identities, inequalities, floors, upper=False)
            least |= {p: max(1, alone[p][0]) for p in low}
        weak = [p for p in weak if found[p][0] > least.get(p, 1) or found[p][1] < threshold - 1]
        # One complement per weak count whose relations got none yet in this round.
        added: set[str] = set()
        for cell in weak:
            near = {m for r in relations if cell in r for m in r}
            if near & added:
                continue
            need = max(threshold - 1 - found[cell][1], 0)
            reach = {m for r in relations if withheld.intersection(r) for m in r}
            free = [m for m in sorted(near | reach) if m not in withheld and m in values]
            if free:
                chosen = min(free, key=partial(_preference, values, need, near, totals))
                withheld.add(chosen)
                added.add(chosen)
        if not added:
            break
    return frozenset(withheld)


def _preference(
    values: Mapping[str, int], need: int, near: set[str], totals: set[str], name: str
) -> tuple[bool, bool, bool, bool, int, str]:
    """The next complement: next to the weak count, a part rather than a total, non-zero, with
    room enough to move against it, the smallest such."""
    value = values[name]
    return (name not in near, name in totals, value == 0, value - 1 < need, value, name)


def _along_lines(values: Mapping[str, int], lines: Sequence[Line], threshold: int) -> set[str]:
    """The first withholding: the small counts, and along each line a complement or more."""
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
    return withheld


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
