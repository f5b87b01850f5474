"""The OpenAPI document is what the service does: Schemathesis finds nothing, in any part of its
run (see harness.py; tests/owasp/test_api9_improper_inventory.py reads the statuses it saw)."""

from __future__ import annotations

import pytest

from tests.conformance.harness import Run
from tests.conformance.parts import PARTS

pytestmark = pytest.mark.conformance


@pytest.mark.parametrize("schemathesis_run", sorted(PARTS), indirect=True)
def test_schemathesis_finds_nothing(schemathesis_run: Run) -> None:
    assert schemathesis_run.returncode == 0, schemathesis_run.output[-20000:]
    assert "Failures:" not in schemathesis_run.output
    assert schemathesis_run.requests > 1000  # it did run
    # every operation of the part was called
    assert schemathesis_run.selected <= set(schemathesis_run.statuses)
