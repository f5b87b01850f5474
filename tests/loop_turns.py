"""The event loop's turns, counted: a task that adds one each time it runs, so that a test sees
another task ran between two steps of the code under test, without any timing."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator


class LoopTurns:
    """How many times the counting task has run so far (`count`)."""

    def __init__(self) -> None:
        self.count = 0

    async def _run(self) -> None:
        while True:
            self.count += 1
            await asyncio.sleep(0)


@contextlib.asynccontextmanager
async def counting_turns() -> AsyncIterator[LoopTurns]:
    """A LoopTurns whose task runs while the block does."""
    turns = LoopTurns()
    task = asyncio.create_task(turns._run())
    try:
        yield turns
    finally:
        task.cancel()
