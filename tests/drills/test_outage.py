"""Outage drill: PostgreSQL stops under load and comes back, twice under one server process
(a clean `fast` stop, then an `immediate` one, a crash).

While it is down every request gets a response, and that response is a 503
`/problems/service-unavailable` problem with `Retry-After` (or a 2xx of a request that finished
before), none slower than a few seconds. When it is back the same server process recovers (no
restart), the writers' retries (same key, same body) land, and no acknowledged write is lost.
"""

from __future__ import annotations

import asyncio
import itertools

import httpx
import pytest

from tests.drills.harness import Sandbox, Server, client_limits
from tests.drills.load import NO_RESPONSE, Load, new_key, stored_records, wait_for
from tests.factories import deployed_ilo

pytestmark = pytest.mark.drill

WRITERS = 6
READERS = 3
SLOWEST_SECONDS = 5.0  # the connect and pool timeouts are 3 s
OUTAGE_RESPONSES = 300  # answers to collect while PostgreSQL is down


async def test_database_outage_is_503_and_the_server_recovers(box: Sandbox) -> None:
    """Two outages of one server process: `fast` disconnects every session; `immediate` is a
    crash (recovery on the next start). The server recovers from each without a restart."""
    server = box.serve(env=box.load_env())
    box.wait_ready(server)
    limits = client_limits(max_connections=WRITERS + READERS, max_keepalive_connections=20)
    async with httpx.AsyncClient(base_url=server.base_url, timeout=30, limits=limits) as client:
        for mode in ("fast", "immediate"):
            await outage(box, server, client, mode)
    assert box.stop(server) == 0
    assert box.postgres_processes() == []


async def outage(box: Sandbox, server: Server, client: httpx.AsyncClient, mode: str) -> None:
    """Load, PostgreSQL stopped in `mode` and started again, and what every request got."""
    ilo = await deployed_ilo(client, box.auth())
    load = Load(ilo)
    counter = itertools.count()

    def next_key() -> str | None:
        next(counter)
        return new_key()

    workers = [
        *(asyncio.create_task(load.writer(client, next_key)) for _ in range(WRITERS)),
        *(asyncio.create_task(load.reader(client)) for _ in range(READERS)),
    ]
    try:
        await wait_for(lambda: len(load.acknowledged) >= 50, within=60, what="50 writes")

        load.phase = "stopping"
        await asyncio.to_thread(box.database.stop, mode=mode)
        assert box.database.running_pid() is None
        load.phase = "down"
        await wait_for(
            lambda: sum(o.phase == "down" for o in load.outcomes) >= OUTAGE_RESPONSES,
            within=60,
            what=f"{OUTAGE_RESPONSES} answers during the outage",
        )

        load.phase = "starting"
        await asyncio.to_thread(box.database.start)
        await wait_for(
            lambda: httpx.get(f"{server.base_url}/readyz", timeout=5).status_code == 200,
            within=30,
            what="readiness after PostgreSQL is back",
        )
        load.phase = "recovered"
        acknowledged_at_recovery = len(load.acknowledged)
        await wait_for(
            lambda: len(load.acknowledged) >= acknowledged_at_recovery + 50,
            within=60,
            what="50 writes after recovery",
        )
    finally:
        load.stop.set()
        await asyncio.gather(*workers)
    stored = await stored_records(box.owner_url(), ilo.officer_id)

    summary = {
        phase: (
            sum(o.phase == phase for o in load.outcomes),
            sorted({o.status for o in load.outcomes if o.phase == phase}),
            round(max((o.seconds for o in load.outcomes if o.phase == phase), default=0), 2),
        )
        for phase in ("up", "stopping", "down", "starting", "recovered")
    }
    print(f"outage drill ({mode}): {len(load.acknowledged)} acknowledged; per phase {summary}")
    assert server.process.poll() is None, "the server recovered without a restart"
    during = [o for o in load.outcomes if o.phase in ("stopping", "down", "starting")]
    assert sum(o.phase == "down" for o in during) >= OUTAGE_RESPONSES
    assert [o for o in load.outcomes if o.status == NO_RESPONSE] == [], "no response"
    unexpected = [
        o
        for o in load.outcomes
        if not (200 <= o.status < 300)
        and not (
            o.status == 503
            and o.problem_type == "/problems/service-unavailable"
            and o.retry_after is not None
            and o.retry_after.isdigit()
        )
    ]
    assert unexpected == [], unexpected[:10]
    assert any(o.status == 503 for o in load.outcomes if o.phase == "down")
    assert max(o.seconds for o in during) < SLOWEST_SECONDS

    # Every acknowledged write is stored, with the id it was acknowledged with, and only once.
    assert len(load.acknowledged) >= 100
    by_key = {
        why.removeprefix("Drill request ").removesuffix("."): id_ for why, id_ in stored.items()
    }
    assert {k: by_key.get(k) for k in load.acknowledged} == load.acknowledged
    assert len(stored) == len(set(stored.values()))
