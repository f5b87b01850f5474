"""At most `limit` requests of one heavy kind at once per server process (an impact analysis):
past it a 503 `service-unavailable` with `Retry-After` at once, rather than a queue, so that
such requests cannot take every core from the rest.

    async with request.app.state.impact_gate.hold():
        ...
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from app.problems import ServiceUnavailable


class GateFull(ServiceUnavailable):
    """As many of these requests as the gate lets through are running: 503, retry later."""

    def __init__(self, what: str, limit: int, retry_after: int) -> None:
        super().__init__(
            f"{limit} {what} already running on this instance (the most at once); "
            "retry the request later.",
            retry_after=retry_after,
        )


class Gate:
    """A count of the requests inside, checked and raised with no await between (one event
    loop per process), released however the request ends."""

    def __init__(self, what: str, *, limit: int, retry_after: int) -> None:
        self.what = what
        self.limit = limit
        self.retry_after = retry_after
        self.inside = 0

    @asynccontextmanager
    async def hold(self) -> AsyncIterator[None]:
        if self.inside >= self.limit:
            raise GateFull(self.what, self.limit, self.retry_after)
        self.inside += 1
        try:
            yield
        finally:
            self.inside -= 1
