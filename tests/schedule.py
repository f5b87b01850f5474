"""The order in which a run on several workers (pytest-xdist, as scripts/check.py runs the suite)
hands out its tests: the longest first, so that no long test is started last and runs alone while
the other workers wait. A run on one worker keeps pytest's order."""

from __future__ import annotations

import os

import pytest

# One Schemathesis run of minutes (tests/conformance/harness.py), then tests that start real
# processes (servers, clusters, a browser) and take ten seconds or more.
LONGEST = frozenset({"conformance"})
LONG = frozenset({"drill", "sdk", "browser", "long"})


def rank(item: pytest.Item) -> int:
    marks = {mark.name for mark in item.iter_markers()}
    if marks & LONGEST:
        return 0
    if marks & LONG:
        return 1
    return 2


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if os.environ.get("PYTEST_XDIST_WORKER"):
        # Every worker sorts the same collection the same way (a stable sort), as xdist requires.
        items.sort(key=rank)
