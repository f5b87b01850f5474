"""The attacker of the disclosure control: integer linear programming over everything published.

Unknowns are the counts a reader does not see (non-negative integers); what was published, the
identities between counts (margins, answered = confirmed + not confirmed, a period = its
months) and the inequalities (answered within 30 days <= within 60 days, ...) are constraints.
A row listed in a table says its count is not 0 (`at_least_one`). `bounds` answers the smallest
and largest value of an unknown consistent with all of it.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field

import highspy
import numpy as np

CAP = 10_000.0


@dataclass
class Attack:
    """Linear constraints over named counts; a known count is a constant."""

    known: dict[Hashable, int] = field(default_factory=dict)
    unknowns: dict[Hashable, int] = field(default_factory=dict)
    rows: list[tuple[dict[Hashable, int], float, float]] = field(default_factory=list)

    def publish(self, name: Hashable, value: int | None) -> None:
        """What a reader sees of a count: its value, or nothing (an unknown)."""
        if value is None:
            self.unknowns.setdefault(name, len(self.unknowns))
        else:
            assert self.known.get(name, value) == value, f"{name} published as two values"
            self.known[name] = value

    def _row(self, coefficients: Mapping[Hashable, int], low: float, high: float) -> None:
        free: dict[Hashable, int] = {}
        for name, c in coefficients.items():
            if name in self.known:
                low, high = low - c * self.known[name], high - c * self.known[name]
            else:
                self.unknowns.setdefault(name, len(self.unknowns))
                free[name] = free.get(name, 0) + c
        if free:
            self.rows.append((free, low, high))
        else:
            assert low <= 0 <= high, f"the published figures contradict {coefficients}"

    def equal(self, total: Hashable, parts: list[Hashable]) -> None:
        """total = sum(parts)."""
        coefficients: dict[Hashable, int] = {total: 1}
        for part in parts:
            coefficients[part] = coefficients.get(part, 0) - 1
        self._row(coefficients, 0, 0)

    def at_most(self, small: list[Hashable], large: Hashable | list[Hashable]) -> None:
        """sum(small) <= large (or the sum of several)."""
        coefficients: dict[Hashable, int] = {}
        for name in large if isinstance(large, list) else [large]:
            coefficients[name] = coefficients.get(name, 0) - 1
        for name in small:
            coefficients[name] = coefficients.get(name, 0) + 1
        self._row(coefficients, -highspy.kHighsInf, 0)

    def at_least_one(self, names: list[Hashable], n: int = 1) -> None:
        """sum(names) >= 1 (or n): a listed row's count is not 0 (n rows listed elsewhere)."""
        self._row(dict.fromkeys(names, 1), n, highspy.kHighsInf)

    def bounds(self, name: Hashable) -> tuple[int, int]:
        if name in self.known:
            return self.known[name], self.known[name]
        n = len(self.unknowns)
        h = highspy.Highs()  # type: ignore[no-untyped-call]
        h.silent()
        h.addVars(n, np.zeros(n), np.full(n, CAP))
        columns = np.arange(n, dtype=np.int32)
        for free, low, high in self.rows:
            index = np.array([self.unknowns[k] for k in free], dtype=np.int32)
            h.addRow(low, high, len(index), index, np.array(list(free.values()), dtype=float))
        cost = np.zeros(n)
        cost[self.unknowns[name]] = 1.0
        h.changeColsCost(n, columns, cost)
        found = []
        for sense in (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize):
            h.changeObjectiveSense(sense)
            # the linear relaxation first: a whole-number optimum of it is the integer one
            h.changeColsIntegrality(n, columns, np.array([highspy.HighsVarType.kContinuous] * n))
            h.run()
            if any(abs(x - round(x)) > 1e-7 for x in h.getSolution().col_value):
                h.changeColsIntegrality(n, columns, np.array([highspy.HighsVarType.kInteger] * n))
                h.run()
            assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
            found.append(round(h.getInfo().objective_function_value))
        return found[0], found[1]
