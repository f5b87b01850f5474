"""Drills run `ilonet serve` as a real process; each has a sandbox that ends what it started."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.drills.harness import Sandbox, sandbox


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/drills/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.drill)


@pytest.fixture
def box(tmp_path: Path) -> Iterator[Sandbox]:
    with sandbox(tmp_path) as b:
        yield b
