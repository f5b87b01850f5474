"""The audit sealer's catch-up after a burst of writes: how long it takes the core at a time.

    python -m bench.seal_pace [--sealed 50000] [--backlog 3000] [--rounds 3] [--json]

Starts its own embedded PostgreSQL in a temporary directory, migrates a database, seeds
`--sealed` audit events shaped like the app's and seals them (a long-running log), then, per
round, adds `--backlog` unsealed events (what the mixed load's closed loop leaves, about three
thousand) and seals them two ways, alternating:

- `unpaced`: the job before 2026-12-08, batches of 1,000 back to back in one transaction;
- `paced`: the job as it runs (`app.background.seal_audit`: SEAL_BATCH events a transaction,
  a rest of SEAL_REST_RATIO times the batch's length between batches).

For each: the CPU of this process and of the PostgreSQL backend serving it, together, per
batch (`/proc/<pid>/schedstat`, nanoseconds; the longest is the gulp the requests wait behind
on a shared core), in all and per event, the wall time and the share of it the sealing took
(CPU ÷ wall: how much of one core the catch-up holds while it runs), and events per second.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app import background
from app.config import APP_DB_ROLE, Settings
from app.db import audit, audit_chain
from app.db.embedded import EmbeddedPostgres
from app.db.engine import make_engine, make_sessionmaker
from bench.audit_proofs import SEED, prepare
from bench.policy_decisions import environment
from bench.scratch import on_scratch_database

DATABASE = "ilonet_bench_seal_pace"
UNPACED_BATCH = 1000


def on_cpu_s(pid: int) -> float:
    """CPU seconds a process (its main thread) has run, to the nanosecond."""
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9


class Batches:
    """Each batch's CPU (this thread and the backend together) and wall time."""

    def __init__(self, backend: int) -> None:
        self.backend = backend
        self.cpu: list[float] = []
        self.client: list[float] = []
        self.wall: list[float] = []
        self.events: list[int] = []

    def now(self) -> tuple[float, float, float]:
        client = time.thread_time()
        return client + on_cpu_s(self.backend), time.perf_counter(), client

    def add(self, before: tuple[float, float, float], events: int) -> None:
        cpu, wall, client = self.now()
        self.cpu.append(cpu - before[0])
        self.wall.append(wall - before[1])
        self.client.append(client - before[2])
        self.events.append(events)


async def unpaced(maker: async_sessionmaker[AsyncSession], batches: Batches) -> None:
    async with maker() as session, session.begin():
        while True:
            before = batches.now()
            done = await audit.seal_pending(session, batch=UNPACED_BATCH)
            batches.add(before, done)
            if done < UNPACED_BATCH:
                return


async def paced(maker: async_sessionmaker[AsyncSession], batches: Batches) -> None:
    seal_pending = audit.seal_pending

    async def counted(session: AsyncSession, *, batch: int) -> int:
        before = batches.now()
        done = await seal_pending(session, batch=batch)
        batches.add(before, done)
        return done

    audit.seal_pending = counted  # type: ignore[assignment]  # (each batch the job runs, timed)
    try:
        while await background.run_job(maker, Settings(), background.seal_audit):
            pass
    finally:
        audit.seal_pending = seal_pending


async def catch_up(
    maker: async_sessionmaker[AsyncSession], backend: int, way: str
) -> dict[str, Any]:
    batches = Batches(backend)
    started = batches.now()
    await (unpaced if way == "unpaced" else paced)(maker, batches)
    cpu, wall, client = (a - b for a, b in zip(batches.now(), started, strict=True))
    events = sum(batches.events)
    return {
        "events": events,
        "batches": len([n for n in batches.events if n]),
        "longest_batch_cpu_ms": round(max(batches.cpu) * 1e3, 1),
        "median_batch_cpu_ms": round(statistics.median(batches.cpu) * 1e3, 1),
        "cpu_s": round(cpu, 3),
        "cpu_us_per_event": round(cpu / events * 1e6, 1),
        "of_it_client_us": round(client / events * 1e6, 1),
        "wall_s": round(wall, 3),
        "core_share": round(cpu / wall, 2),
        "events_per_s": round(events / wall),
    }


async def backlog(url: str, first: int, events: int) -> None:
    """`events` new unsealed events, committed one transaction a hundred (as writes commit)."""
    connection = await asyncpg.connect(url)
    try:
        for start in range(first, first + events, 100):
            await connection.execute(SEED, start, min(start + 99, first + events - 1))
    finally:
        await connection.close()


async def run(server: EmbeddedPostgres, args: argparse.Namespace) -> dict[str, Any]:
    await prepare(server, DATABASE, args.sealed)
    engine = make_engine(server.url(user=APP_DB_ROLE, database=DATABASE), pool_size=1)
    maker = make_sessionmaker(engine)
    found: dict[str, list[dict[str, Any]]] = {"unpaced": [], "paced": []}
    try:
        async with maker() as session:
            driver = await audit_chain.driver(session)
            backend = int(await driver.fetchval("SELECT pg_backend_pid()"))
            await session.rollback()
        await catch_up(maker, backend, "unpaced")  # the seeded log, sealed once for all
        # The statistics as autovacuum keeps them on a long-running log: else the plans cached
        # while the seal table was empty (a scan of it for the head) stay in use, 70 ms each.
        owner = await asyncpg.connect(server.url(database=DATABASE))
        try:
            await owner.execute("ANALYZE audit_event, audit_seal, audit_tree_node")
        finally:
            await owner.close()
        next_id = args.sealed + 1
        for round_ in range(args.rounds):
            for way in ("unpaced", "paced") if round_ % 2 == 0 else ("paced", "unpaced"):
                await backlog(server.url(database=DATABASE), next_id, args.backlog)
                next_id += args.backlog
                found[way].append(await catch_up(maker, backend, way))
    finally:
        await engine.dispose()
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sealed", type=int, default=50_000)
    parser.add_argument("--backlog", type=int, default=3_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch", type=int, default=background.SEAL_BATCH, help="paced")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    background.SEAL_BATCH = args.batch
    load = os.getloadavg()
    found = on_scratch_database("ilonet-bench-seal-", DATABASE, lambda server: run(server, args))
    print(
        f"sealing a backlog of {args.backlog:,} events after {args.sealed:,} sealed; paced: "
        f"{background.SEAL_BATCH} a transaction, rest {background.SEAL_REST_RATIO} × the batch; "
        f"unpaced: {UNPACED_BATCH} a batch, one transaction; load "
        + "/".join(f"{x:.2f}" for x in load)
        + " → "
        + "/".join(f"{x:.2f}" for x in os.getloadavg())
    )
    for way, rounds in found.items():
        for result in rounds:
            print(f"  {way:8} " + ", ".join(f"{k} {v}" for k, v in result.items()))
    if args.json:
        print(json.dumps({"benchmark": "seal_pace", **environment(), **found}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
