"""Crash drill: `serve` is SIGKILLed in the middle of a burst of idempotent writes.

120 POSTs of processing records, each with an Idempotency-Key of its own, from several
concurrent clients; the server is killed the moment the 40th acknowledgement arrives, before any
client sends its next request: the other clients' requests are then in flight and the rest of the
burst not yet sent, by construction rather than by timing. After a restart (which takes over the
PostgreSQL the killed run left) every request that got no answer is retried with the same key and
body. Then there are exactly 120 records, each acknowledged one with the id it was acknowledged
with, replays answer those ids, and the audit chain verifies.
"""

from __future__ import annotations

import asyncio
import json
import signal

import httpx
import pytest

from tests.drills.harness import STOP_TIMEOUT, Sandbox, client_limits
from tests.drills.load import Load, new_key, stored_records
from tests.factories import deployed_ilo

pytestmark = pytest.mark.drill

REQUESTS = 120
CLIENTS = 8
KILL_AT = 40  # the acknowledgement on whose arrival the server is SIGKILLed


async def test_sigkill_mid_burst_loses_and_duplicates_nothing(box: Sandbox) -> None:
    first = box.serve(env=box.load_env())
    box.wait_ready(first)
    keys = [new_key() for _ in range(REQUESTS)]
    limits = client_limits(max_connections=CLIENTS)
    async with httpx.AsyncClient(base_url=first.base_url, timeout=30, limits=limits) as client:
        ilo = await deployed_ilo(client, box.auth())
        load = Load(ilo)
        queue = list(reversed(keys))
        at_kill: list[int] = []  # requests sent when the SIGKILL went out

        async def burst() -> None:
            while queue:
                await load.post_once(client, queue.pop())
                # no await between the acknowledgement and the kill: every other client is
                # waiting on a request it sent, and none has sent its next one
                if not at_kill and len(load.acknowledged) >= KILL_AT:
                    first.process.kill()
                    at_kill.append(REQUESTS - len(queue))

        await asyncio.gather(*(burst() for _ in range(CLIENTS)))
        assert first.process.wait(timeout=STOP_TIMEOUT) == -signal.SIGKILL
    before_restart = dict(load.acknowledged)
    # the SIGKILL came with requests in flight and the rest of the burst still to send
    (sent,) = at_kill
    assert KILL_AT < sent < REQUESTS
    assert KILL_AT <= len(before_restart) < REQUESTS
    unanswered = [key for key in keys if key not in before_restart]

    second = box.serve(env=box.load_env())
    box.wait_ready(second)
    assert any(m.startswith("taking over") for m in second.messages()), second.log()
    async with httpx.AsyncClient(base_url=second.base_url, timeout=30, limits=limits) as client:
        pending = list(unanswered)

        async def retry() -> None:
            while pending:
                await load.post_until_acknowledged(client, pending.pop())

        await asyncio.gather(*(retry() for _ in range(CLIENTS)))
        # A replay of an acknowledged request answers the id it was acknowledged with.
        for key in keys[:20]:
            replay = await client.post(
                "/v1/processing-records",
                json=load.body(key),
                headers={**ilo.headers, "Idempotency-Key": key},
            )
            assert replay.status_code == 201, replay.text
            assert replay.headers["idempotent-replayed"] == "true"
            assert replay.json()["id"] == load.acknowledged[key]
        stored = await stored_records(box.owner_url(), ilo.officer_id)
        print(
            f"crash drill: {sent} sent and {len(before_restart)} acknowledged by the SIGKILL, "
            f"{len(unanswered)} retried ({len(load.replayed)} of them committed before the kill"
            f" and answered by a replay), {len(stored)} stored"
        )

        assert len(stored) == REQUESTS
        by_key = {
            why.removeprefix("Drill request ").removesuffix("."): i for why, i in stored.items()
        }
        assert by_key == load.acknowledged
        assert {k: by_key[k] for k in before_restart} == before_restart

        verified = box.run("audit", "verify")
        assert verified.returncode == 0, verified.stdout + verified.stderr
        assert json.loads(verified.stdout)["valid"] is True
        assert (await client.get("/readyz")).status_code == 200  # verify left the database up

    assert box.stop(second) == 0
    assert box.postgres_processes() == []
