"""openapi/openapi.json as the linters see it: Spectral with `spectral:oas` and the OWASP API
Security ruleset (.spectral.yaml) and Redocly's recommended rules (redocly.yaml), the tools
pinned in package.json and installed by `npm ci` (scripts/check.py). Neither finds an error,
and the project's own count of leaves without a bound (app/routers/openapi_bounds.py,
`scripts/openapi_bounds.py --list`) finds none in what a client sends or receives."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from app.routers.openapi_bounds import Walk
from tests.node_tools import node_tool

pytestmark = pytest.mark.long  # the linters run as node processes (Spectral about 30 s of CPU)
ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "openapi" / "openapi.json"
ERROR = 0  # Spectral's severity of an error


def lint(tool: str, *args: str) -> Any:
    result = subprocess.run(
        [str(node_tool(tool)), "lint", "openapi/openapi.json", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.stdout.strip(), result.stderr
    return json.loads(result.stdout)


def test_spectral_finds_no_error_and_every_leaf_states_its_bound() -> None:
    document = json.loads(SPEC.read_text(encoding="utf-8"))
    found = Walk(document).run()
    assert found["request"] == set()
    assert found["response"] == set()
    findings = lint("spectral", "--ruleset", ".spectral.yaml", "--format", "json", "--quiet")
    errors = [
        f"{f['code']} {'/'.join(map(str, f['path']))}: {f['message']}"
        for f in findings
        if f["severity"] == ERROR
    ]
    assert errors == [], "\n".join(errors)


def test_redocly_finds_no_error() -> None:
    report = lint("redocly", "--format", "json")
    errors = [p for p in report["problems"] if p["severity"] == "error"]
    assert report["totals"]["errors"] == 0, errors
