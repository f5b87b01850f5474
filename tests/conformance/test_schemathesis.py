"""The OpenAPI document is what the service does: Schemathesis finds nothing (see harness.py
for the run; tests/owasp/test_api9_improper_inventory.py reads the statuses it saw)."""

from __future__ import annotations

import pytest

from tests.conformance.harness import Run

pytestmark = pytest.mark.conformance


def test_schemathesis_finds_nothing(schemathesis_run: Run) -> None:
    assert schemathesis_run.returncode == 0, schemathesis_run.output[-20000:]
    assert "Failures:" not in schemathesis_run.output
    assert schemathesis_run.requests > 1000  # it did run
