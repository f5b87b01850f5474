"""How a run on several workers (pytest-xdist, as scripts/check.py runs the suite) hands out its
tests: a test module at a time, so a module fixture (a server, a cluster, a wheel) is made once,
with the tests that read one part of the Schemathesis run together, and the longest first, so
that no long test is started last and runs alone while the other workers wait. A run in one
process keeps pytest's order.

xdist's own `--dist loadgroup` cannot keep tests together here: its `xdist_group` mark is carried
by rewriting node ids, which pytest 9.2 no longer reads (pytest-xdist issue 1386)."""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests.conformance.parts import PARTS

# One Schemathesis run of minutes (tests/conformance/harness.py), then tests that start real
# processes (servers, clusters, a browser) and take ten seconds or more.
LONGEST = frozenset({"conformance"})
LONG = frozenset({"drill", "sdk", "browser", "long"})

# Tests of different modules that read one run made once (a part of the Schemathesis run,
# tests/conformance/harness.py PARTS): one worker runs them; another worker, another part.
SCHEMATHESIS_READERS = (
    "tests/conformance/test_schemathesis.py::test_schemathesis_finds_nothing",
    "tests/owasp/test_api9_improper_inventory.py::"
    "test_every_status_the_schemathesis_run_saw_is_documented",
)
SAME_WORKER = {
    f"{test}[{part}]": f"schemathesis {part}" for test in SCHEMATHESIS_READERS for part in PARTS
}


def rank(item: pytest.Item) -> int:
    marks = {mark.name for mark in item.iter_markers()}
    if marks & LONGEST:
        return 0
    if marks & LONG:
        return 1
    return 2


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if os.environ.get("PYTEST_XDIST_WORKER"):
        # Every worker sorts the same collection the same way (a stable sort), as xdist requires;
        # with --no-loadscope-reorder the work is handed out in this order.
        items.sort(key=rank)


def unit_of(nodeid: str) -> str:
    """The work unit of a test: its SAME_WORKER name, or else its module."""
    return SAME_WORKER.get(nodeid) or nodeid.split("::", 1)[0]


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """With `--dist loadfile`: xdist's module-at-a-time scheduling, and SAME_WORKER."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class ModulesAndSharedRuns(LoadFileScheduling):  # type: ignore[misc]  # untyped
        def _split_scope(self, nodeid: str) -> str:
            return unit_of(nodeid)

    return ModulesAndSharedRuns(config, log)
