"""Drills run `ilonet serve` as a real process; each has a sandbox that ends what it started."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.drills.harness import Sandbox, sandbox


@pytest.fixture
def box() -> Iterator[Sandbox]:
    """A migrated data dir, its PostgreSQL stopped (a copy of the session's seed)."""
    with sandbox() as b:
        yield b
