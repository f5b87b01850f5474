"""README.md's Quick start is what CI runs: its second code block is `.ci/run`'s command."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _quick_start_blocks() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return [b.strip() for b in re.findall(r"```sh\n(.*?)```", section, re.DOTALL)]


def test_quick_start_has_the_two_commands() -> None:
    serve, check = _quick_start_blocks()[:2]
    assert "\n" not in serve
    assert serve.endswith(".venv/bin/ilonet serve")
    assert "\n" not in check
    assert check.endswith(".venv/bin/python scripts/check.py")


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text().strip().splitlines()
    assert ci[-1] == _quick_start_blocks()[1]
