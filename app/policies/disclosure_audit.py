"""The audit of the disclosure control: the smallest and largest value of a withheld count that
the published counts allow, by integer linear programming (HiGHS).

A reader's knowledge is linear: the published counts, the identities `total = sum(parts)`, the
inequalities `sum(small) <= large`, and that counts are non-negative integers (1 at least where
a listed row says so). What the reader does not know is which withheld count is small: a
withheld count has no upper bound but those the identities give.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

# Larger than any count the statistics publish: "no upper bound" for the solver.
CAP = 1_000_000.0
Identity = tuple[str, tuple[str, ...]]  # total, parts: total = sum(parts)
Inequality = tuple[tuple[str, ...], str]  # small, large: sum(small) <= large


def _row(
    coefficients: Mapping[str, int], values: Mapping[str, int], unknown: Mapping[str, int]
) -> tuple[list[int], list[float], float]:
    """The row over the unknowns and the constant moved to the other side."""
    index, weights, constant = [], [], 0.0
    for name, c in coefficients.items():
        if name in unknown:
            index.append(unknown[name])
            weights.append(float(c))
        else:
            constant -= c * values.get(name, 0)
    return index, weights, constant


def _rows(
    identities: Sequence[Identity], inequalities: Sequence[Inequality]
) -> list[tuple[dict[str, int], bool]]:
    """Each relation as coefficients (sum(c * count) = 0, or <= 0 when `True`)."""
    rows: list[tuple[dict[str, int], bool]] = []
    for total, parts in identities:
        coefficients = {total: 1}
        for part in parts:
            coefficients[part] = coefficients.get(part, 0) - 1
        rows.append((coefficients, False))
    for small, large in inequalities:
        coefficients = {large: -1}
        for name in small:
            coefficients[name] = coefficients.get(name, 0) + 1
        rows.append((coefficients, True))
    return rows


def _components(
    withheld: Collection[str], rows: Sequence[tuple[dict[str, int], bool]]
) -> dict[str, str]:
    """The withheld counts tied together by relations: each one's component (a representative).
    Published counts are constants, so the bounds of a count depend on its component only."""
    parent = {name: name for name in withheld}

    def root(name: str) -> str:
        while parent[name] != name:
            parent[name] = parent[parent[name]]
            name = parent[name]
        return name

    for coefficients, _ in rows:
        inside = [name for name in coefficients if name in parent]
        for other in inside[1:]:
            parent[root(other)] = root(inside[0])
    return {name: root(name) for name in withheld}


def spans(
    names: Sequence[str],
    values: Mapping[str, int],
    withheld: Collection[str],
    identities: Sequence[Identity],
    inequalities: Sequence[Inequality],
    listed: Collection[str],
    *,
    upper: bool = True,
) -> dict[str, tuple[int, int]]:
    """For each of `names` (withheld), the bounds a reader computes from everything else (the
    upper one only when `upper`; else CAP), one integer program per component."""
    rows = _rows(identities, inequalities)
    component = _components(withheld, rows)
    found: dict[str, tuple[int, int]] = {}
    for root in sorted({component[name] for name in names}):
        members = sorted(name for name in withheld if component[name] == root)
        inside = [(c, le) for c, le in rows if any(component.get(k) == root for k in c)]
        asked = [name for name in names if component[name] == root]
        found |= _solve(asked, members, values, inside, listed, upper)
    return found


def _solve(
    names: Sequence[str],
    members: Sequence[str],
    values: Mapping[str, int],
    rows: Sequence[tuple[dict[str, int], bool]],
    listed: Collection[str],
    upper: bool,
) -> dict[str, tuple[int, int]]:
    """The least and largest value of each of `names` over one component's integer program."""
    # The solver is loaded on first use: nothing else (the CLI, the workers) pays for it.
    import highspy
    import numpy as np

    unknown = {name: i for i, name in enumerate(members)}
    n = len(unknown)
    h = highspy.Highs()  # type: ignore[no-untyped-call]
    h.silent()
    floors = np.array([1.0 if name in listed else 0.0 for name in members])
    h.addVars(n, floors, np.full(n, CAP))
    columns = np.arange(n, dtype=np.int32)
    h.changeColsIntegrality(n, columns, np.array([highspy.HighsVarType.kInteger] * n))
    for coefficients, at_most in rows:
        index, weights, constant = _row(coefficients, values, unknown)
        h.addRow(
            -highspy.kHighsInf if at_most else constant,
            constant,
            len(index),
            np.array(index, dtype=np.int32),
            np.array(weights),
        )
    senses = [highspy.ObjSense.kMinimize] + ([highspy.ObjSense.kMaximize] if upper else [])
    found = {}
    for name in names:
        cost = np.zeros(n)
        cost[unknown[name]] = 1.0
        h.changeColsCost(n, columns, cost)
        ends = []
        for sense in senses:
            h.changeObjectiveSense(sense)
            h.run()
            assert h.getModelStatus() == highspy.HighsModelStatus.kOptimal
            ends.append(round(h.getInfo().objective_function_value))
        found[name] = (ends[0], ends[1] if upper else int(CAP))
    return found
