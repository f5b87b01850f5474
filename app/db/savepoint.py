"""A savepoint whose work the caller keeps or undoes as a whole (an all-or-nothing batch)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession


class Savepoint:
    def __init__(self) -> None:
        self.undone = False

    def undo(self) -> None:
        """Roll back everything done inside the savepoint when the block ends."""
        self.undone = True


@asynccontextmanager
async def savepoint(session: AsyncSession) -> AsyncIterator[Savepoint]:
    """Released when the block ends, rolled back on an error or when `undo()` was called; the
    request's transaction goes on either way."""
    nested = await session.begin_nested()
    point = Savepoint()
    try:
        yield point
    except BaseException:
        await nested.rollback()
        raise
    if point.undone:
        await nested.rollback()
    else:
        await nested.commit()
