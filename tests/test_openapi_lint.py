"""openapi/openapi.json as the linters see it: Spectral with `spectral:oas` and the OWASP API
Security ruleset (.spectral.yaml) and Redocly's recommended rules (redocly.yaml), the tools
pinned in package.json and installed by `npm ci` (scripts/check.py). Redocly finds no error;
Spectral finds none but the bounds a response does not state yet, each of them one that the
project's own count (app/routers/openapi_bounds.py, `scripts/openapi_bounds.py --list`) reports
in what a client receives, and that count never grows."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from app.routers.openapi_bounds import Walk

pytestmark = pytest.mark.long  # the linters run as node processes (Spectral about 30 s of CPU)
ROOT = Path(__file__).resolve().parents[1]
NODE_BIN = ROOT / "node_modules" / ".bin"
SPEC = ROOT / "openapi" / "openapi.json"
ERROR = 0  # Spectral's severity of an error
BOUND_RULES = {
    "ilonet-string-limit": "string",
    "owasp:api4:2023-array-limit": "array",
    "owasp:api4:2023-integer-limit": "integer",
    "owasp:api4:2023-integer-format": "integer",
}
# What a client receives that states no bound yet (scripts/openapi_bounds.py); lower it as
# bounds are stated, never raise it.
RESPONSE_UNBOUNDED_CEILING = 2


def lint(tool: str, *args: str) -> Any:
    assert (NODE_BIN / tool).exists(), "the JavaScript tools are installed by `npm ci`"
    result = subprocess.run(
        [str(NODE_BIN / tool), "lint", "openapi/openapi.json", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.stdout.strip(), result.stderr
    return json.loads(result.stdout)


def walk_name(path: list[Any]) -> str | None:
    """The name the project's count gives to the schema at a Spectral path, or None when the
    path is not under a component (a schema or a header)."""
    if path[:2] == ["components", "headers"]:
        return f"header {path[2]}"
    if path[:2] != ["components", "schemas"]:
        return None
    name, rest = str(path[2]), path[3:]
    while rest:
        if rest[0] == "properties":
            name, rest = f"{name}.{rest[1]}", rest[2:]
        elif rest[0] == "items":
            name, rest = f"{name}[]", rest[1:]
        elif rest[0] == "additionalProperties":
            name, rest = f"{name}.*", rest[1:]
        elif rest[0] in ("anyOf", "oneOf", "allOf"):
            rest = rest[2:]
        else:
            return None
    return name


def test_spectral_finds_no_error_but_the_response_bounds_the_count_reports() -> None:
    document = json.loads(SPEC.read_text(encoding="utf-8"))
    found = Walk(document).run()
    assert found["request"] == set()
    assert len(found["response"]) <= RESPONSE_UNBOUNDED_CEILING
    reported = {tuple(entry.split("\t")) for entry in found["response"]}
    findings = lint("spectral", "--ruleset", ".spectral.yaml", "--format", "json", "--quiet")
    wrong = []
    for finding in findings:
        if finding["severity"] != ERROR:
            continue
        kind, name = BOUND_RULES.get(finding["code"]), walk_name(finding["path"])
        if kind is None or (kind, name) not in reported:
            where = "/".join(map(str, finding["path"]))
            wrong.append(f"{finding['code']} {where}: {finding['message']}")
    assert wrong == [], "\n".join(wrong)


def test_redocly_finds_no_error() -> None:
    report = lint("redocly", "--format", "json")
    errors = [p for p in report["problems"] if p["severity"] == "error"]
    assert report["totals"]["errors"] == 0, errors
