"""Mixed load: writes, reads and list pages at 25-90 % of capacity, with a large upload and an
impact analysis running at once; p50/p99 per kind.

    .venv/bin/python -m bench.mixed --scale tiny|small|full [--json FILE]
                                    [--server-cpus 1] [--generator-cpus 0] [--without-long-work]
                                    [--rate 60 --levels 0.25,0.5] [--no-settle]

Set-up is the harness's (bench/harness.py `Run`): an embedded PostgreSQL, the benchmark server
(bench/server.py, the real app), an ILO set up through the API and the scale's data set seeded
(bench/seed.py); then transfers to the United Kingdom under adequacy decision 2021/1772 are
cloned from the seeded transfer (as many as the scale has records, at most 100k), for the
impact analysis to find.

Where things run (bench/placement.py): the server's process tree and PostgreSQL on
`--server-cpus` (default: the last CPU), started there as under `taskset -c 1 ilonet serve` and
every thread of theirs pinned there once up; the server's task workers then choose their CPUs
themselves (app/workers.py: the others), and the report says where its child processes ended.
This process, the load generator, runs on `--generator-cpus` (default: the others). On two
cores: generator on one, server + PostgreSQL on the other. Other users' processes are not
pinned; the load average is printed before and after.

The generator (bench/loadgen.py) is raw HTTP/1.1 over asyncio streams on uvloop, its CPU
measured. The mix, drawn per request: guarded writes (`POST /v1/deployments`), reads
(`GET /v1/processing-records/{id}`, decrypting) and list pages
(`GET /v1/processing-records?limit=50`), weights WEIGHTS. Steps:

1. capacity: a closed loop of the scale's `users` for `duration_s`: requests per second served;
2. 25, 50, 75 and 90 % of it, each an open loop (Poisson arrivals) for `duration_s`, while one
   clean plain-text document of UPLOAD_BYTES (under the 10 MiB document bound) is uploaded and
   one impact analysis (ending 2021/1772) runs, both started with the window (and waited for
   before the next one; `--without-long-work` leaves both out, to compare; `--rate` makes the
   steps shares of a fixed rate instead of the capacity, so that runs on a shared machine
   compare at the same offered load, and `--levels` picks the steps); each level starts once
   the audit events the step before logged are sealed (`--no-settle`: at once), so that it
   measures that level and not the sealer catching up on a closed loop's thousands of writes;

and per step: p50/p99/max and errors per kind, the generator's CPU (process time / wall) and
how late requests left their schedule, the server's and PostgreSQL's CPU (seconds per wall
second, of the processes alive at the end) and how busy their CPU was with anyone's work (on a
shared machine, the difference is what others took); at 50 %, the slowest request of each kind
scheduled in each second of the window (where the tail was made). Targets, checked at 50 %:
reads p99 <= 50 ms, writes p99 <= 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import psutil

from app.db import transfer_flows
from app.db.backlogs import backlogs
from app.db.engine import make_engine
from bench import guarded_writes, loadgen, placement, stalls
from bench.core_profile import CoreProfile, cpus_busy
from bench.harness import Run, stop
from bench.seed import SCALES, Scale, clone
from tests import factories

JSON = dict[str, Any]
WEIGHTS = {"write": 3, "read": 5, "list": 2}
LEVELS = (0.25, 0.50, 0.75, 0.90)
TARGETS_MS = {"read": 50.0, "write": 100.0}  # p99 at 50 %
UPLOAD_BYTES = 10_000_000
# Before each level, the audit events the step before logged are sealed (the capacity step's
# closed loop leaves thousands): a level measures that level, not the sealer catching up on
# the one before. Polled every SETTLE_POLL_S, for at most SETTLE_BOUND_S.
SETTLE_POLL_S = 0.25
SETTLE_BOUND_S = 120.0
_SENTENCES = (
    "The joint operation ran from 1 April to 30 September 2024 at 14 border crossing points. ",
    "Visa applications processed in Dakar: 42 150 in 2024; refusal rate 31%. ",
    "Contact the network facilitator through the platform's messaging function. ",
)
UK_TRANSFER = {
    "id": "gen_random_uuid()",
    "destination_country": "'GB'",
    "requested_basis": "'adequacy'",
    "details": """'{"adequacy_decision_id": "2021/1772"}'::jsonb""",
    "basis_ground": "'adequacy'",
    "basis_rule": "'GDPR-45'",
    "basis_reference": "'2021/1772'",
    "recipient_name": "(ARRAY['UK Border Force','Home Office Immigration Enforcement'])[1 + g % 2]",
    "transfer_on": "current_date - (g % 360)",
}


def clean_document() -> bytes:
    """Plain text of clean sentences, UPLOAD_BYTES long, in paragraphs of about 1,000
    characters (the extractor's bound on text units is 100k lines)."""
    block = ("".join(_SENTENCES) * 4 + "\n").encode()
    return (block * (UPLOAD_BYTES // len(block) + 1))[:UPLOAD_BYTES]


def renice(pid: int, nice: int) -> None:
    """Set the nice value of a process and its descendants (PostgreSQL's new backends inherit
    the postmaster's); the server's task workers set their own again for each task."""
    root = psutil.Process(pid)
    for process in [root, *root.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            for thread in process.threads():  # a Linux nice value is each thread's own
                with contextlib.suppress(OSError):
                    os.setpriority(os.PRIO_PROCESS, thread.id, nice)


def tree_cpu(pids: list[int]) -> float:
    """CPU seconds (user + system) of these processes and their descendants alive now."""
    total = 0.0
    for pid in pids:
        root = psutil.Process(pid)
        for process in [root, *root.children(recursive=True)]:
            try:
                times = process.cpu_times()
            except psutil.NoSuchProcess:
                continue
            total += times.user + times.system
    return total


class Meter:
    """The CPU the server and PostgreSQL used over a step, and how busy their CPUs were."""

    def __init__(self, pids: list[int], cpus: set[int]) -> None:
        self.pids, self.cpus = pids, cpus
        self.ours, self.busy = tree_cpu(pids), cpus_busy(cpus)

    def read(self, wall: float) -> JSON:
        return {
            "server_cpu": (tree_cpu(self.pids) - self.ours) / wall,
            "server_cpus_busy": (cpus_busy(self.cpus) - self.busy) / wall / len(self.cpus),
        }


class Mixed:
    def __init__(
        self,
        run: Run,
        scale: Scale,
        cpus: set[int],
        long_work: bool = True,
        rate: float | None = None,
        levels: tuple[float, ...] = LEVELS,
        profile: CoreProfile | None = None,
        settle: bool = True,
    ) -> None:
        self.run, self.scale, self.cpus, self.long_work = run, scale, cpus, long_work
        self.rate, self.levels, self.profile, self.settle = rate, levels, profile, settle
        self.pids = [run.server.pid, run.pg.running_pid() or 0]
        ilo = run.ilo
        body = {"officer_id": ilo.officer_id, **guarded_writes.DEPLOYMENT_FIELDS}
        writer = {"Authorization": f"Bearer {run.ilo_manager_token()}"}
        self.requests = {
            "write": loadgen.Request.make(
                "write",
                "POST",
                "/v1/deployments",
                headers={**writer, "Content-Type": "application/json"},
                body=json.dumps(body).encode(),
                expect=201,
            ),
            "read": loadgen.Request.make(
                "read", "GET", f"/v1/processing-records/{run.record['id']}", headers=ilo.headers
            ),
            "list": loadgen.Request.make(
                "list", "GET", "/v1/processing-records?limit=50", headers=ilo.headers
            ),
        }
        self.kinds = [self.requests[k] for k, w in WEIGHTS.items() for _ in range(w)]
        self.document = clean_document()
        today = date.today()
        first = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
        self.change = {
            "kind": "adequacy_ended",
            "adequacy_decision_id": "2021/1772",
            "on": str(first),
        }

    def choose(self, rng: Any) -> loadgen.Request:
        request: loadgen.Request = rng.choice(self.kinds)
        return request

    async def upload(self, client: httpx.AsyncClient) -> JSON:
        headers = self.run.auth(self.run.ilo.org, ["sb_member"])
        metadata = {
            "title": "Mixed load",
            "category": "a_analytical_product",
            "audience": "all_ilos",
        }
        started = time.perf_counter()
        response = await client.post(
            "/v1/documents/files",
            files={"file": ("report.txt", self.document, "text/plain")},
            data={"metadata": json.dumps(metadata)},
            headers=headers,
        )
        return {"status": response.status_code, "seconds": round(time.perf_counter() - started, 2)}

    async def impact(self, client: httpx.AsyncClient) -> JSON:
        headers = self.run.auth("COM", ["reference_admin"])
        started = time.perf_counter()
        response = await client.post(
            "/v1/reference/impact", json={"change": self.change}, headers=headers
        )
        seconds = round(time.perf_counter() - started, 2)
        found = response.json() if response.status_code == 200 else {}
        return {"status": response.status_code, "seconds": seconds, "answer": summary_of(found)}

    async def sealed(self) -> JSON:
        """Wait until no audit event is left unsealed (or SETTLE_BOUND_S): how many there were,
        how long it took, how many were left."""
        if not self.settle:
            return {"unsealed": None, "seconds": 0.0, "left": None}
        engine = make_engine(self.run.app_url, pool_size=1)
        started = time.perf_counter()
        try:
            first = left = (await backlogs(engine))[0]
            while left and time.perf_counter() - started < SETTLE_BOUND_S:
                await asyncio.sleep(SETTLE_POLL_S)
                left = (await backlogs(engine))[0]
        finally:
            await engine.dispose()
        return {"unsealed": first, "seconds": round(time.perf_counter() - started, 2), "left": left}

    def mark(self, step: str) -> None:
        stalls.mark(step)
        if self.profile is not None:
            self.profile.mark(step)

    async def measure(self) -> JSON:
        host, port = "127.0.0.1", self.run.port
        pool = loadgen.Pool(host, port, limit=512)
        s = self.scale
        found: JSON = {"levels": []}
        try:
            meter = Meter(self.pids, self.cpus)
            self.mark("capacity")
            capacity = await loadgen.closed_loop(
                pool, self.choose, users=s.users, seconds=s.duration_s
            )
            capacity.update(meter.read(capacity["seconds"]))
            found["capacity"] = capacity
            reference = self.rate or capacity["per_s"]
            async with httpx.AsyncClient(base_url=self.run.base, timeout=300) as client:
                for level in self.levels:
                    rate = reference * level
                    settled = await self.sealed()
                    print(f"[{level:.0%}] {settle_line(settled)}", file=sys.stderr, flush=True)
                    meter, load = Meter(self.pids, self.cpus), os.getloadavg()[0]
                    self.mark(f"{level:.0%}")
                    work = [
                        asyncio.create_task(self.upload(client) if self.long_work else idle()),
                        asyncio.create_task(self.impact(client) if self.long_work else idle()),
                    ]
                    result = await loadgen.open_loop(
                        pool, self.choose, rate=rate, seconds=s.duration_s, seed=int(level * 100)
                    )
                    result.update(meter.read(result["seconds"]))
                    result["upload"], result["impact"] = await asyncio.gather(*work)
                    self.mark(f"after {level:.0%}")
                    result.update(level=level, offered_per_s=rate, load=load, settled=settled)
                    found["levels"].append(result)
                    print(f"[{level:.0%}] {summary_line(result)}", file=sys.stderr, flush=True)
        finally:
            pool.close()
        return found


def settle_line(settled: JSON) -> str:
    if settled["unsealed"] is None:
        return "started at once (--no-settle): the step before's audit backlog sealed during it"
    line = f"waited {settled['seconds']:.1f} s for {settled['unsealed']:,} unsealed audit events"
    return line + (f", {settled['left']:,} still unsealed" if settled["left"] else ", all sealed")


def summary_of(impact: JSON) -> JSON:
    """The impact answer's top-level counts (what the analysis found), not its pages."""
    return {k: v for k, v in impact.items() if isinstance(v, int)}


async def idle() -> JSON:
    return {"status": "-", "seconds": 0.0}


def work_cell(work: JSON) -> str:
    return "-" if work["status"] == "-" else f"{work['status']} {work['seconds']:.1f} s"


def cell(result: JSON, kind: str) -> str:
    k = result["kinds"].get(kind)
    if not k:
        return "-"
    errors = ", ".join(f"{n} × {status}" for status, n in sorted(k["errors"].items()))
    return f"{k['p50_ms']:.0f}/{k['p99_ms']:.0f}" + (f" ({errors})" if errors else "")


def summary_line(r: JSON) -> str:
    return (
        f"{r['per_s']:.1f}/s served; write {cell(r, 'write')}, read {cell(r, 'read')}, "
        f"list {cell(r, 'list')} ms p50/p99; generator CPU {r['generator_cpu']:.0%}"
    )


def report(found: JSON) -> str:
    c = found["capacity"]
    rows = [
        (
            "capacity (closed)",
            f"{found['users']} users",
            f"{c['per_s']:.1f}",
            cell(c, "write"),
            cell(c, "read"),
            cell(c, "list"),
            "",
            "",
            f"{c['generator_cpu']:.0%}",
            "",
            f"{c['server_cpu']:.2f}",
            f"{min(c['server_cpus_busy'], 1.0):.0%}",
        )
    ]
    for r in found["levels"]:
        up, im = r["upload"], r["impact"]
        rows.append(
            (
                f"{r['level']:.0%} (open)",
                f"{r['offered_per_s']:.1f}/s",
                f"{r['per_s']:.1f}",
                cell(r, "write"),
                cell(r, "read"),
                cell(r, "list"),
                work_cell(up),
                work_cell(im),
                f"{r['generator_cpu']:.0%}",
                f"{r['send_lag_p99_ms']:.1f}",
                f"{r['server_cpu']:.2f}",
                f"{min(r['server_cpus_busy'], 1.0):.0%}",
            )
        )
    head = (
        "step",
        "offered",
        "served/s",
        "write ms",
        "read ms",
        "list ms",
        "upload",
        "impact",
        "gen CPU",
        "lag p99",
        "srv+PG CPU",
        "its CPU busy",
    )
    widths = [max(len(str(x[i])) for x in [head, *rows]) for i in range(len(head))]
    lines = [
        f"mixed load, scale {found['scale']}; {found['window_s']} s a step; mix "
        + ", ".join(f"{k} {w * 10} %" for k, w in WEIGHTS.items())
        + " (write POST /v1/deployments, read GET /v1/processing-records/{id}, "
        "list GET /v1/processing-records?limit=50)",
        f"pinned: generator (this process) on CPU {found['generator_cpus']}; server tree "
        f"({found['server_processes']} processes) and PostgreSQL ({found['pg_processes']} "
        f"processes, new backends inherit) on CPU {found['server_cpus']}; "
        f"{os.cpu_count()} CPUs; others' processes unpinned; the server's child processes "
        f"(forkserver, task workers) ended on CPUs {found.get('server_children_cpus', '?')}",
        (
            f"upload: {UPLOAD_BYTES:,} bytes of clean text/plain; impact: ending 2021/1772 over "
            f"{found['uk_transfers']:,} UK transfers; "
            if found["long_work"]
            else "no upload and no impact analysis (--without-long-work); "
        )
        + "ms = p50/p99; lag = generator's send lag (ms); "
        "srv+PG CPU = their CPU seconds per wall second; its CPU busy = the server's CPU(s) "
        "busy with anyone's work",
        "  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)),
    ]
    lines += ["  ".join(str(v).ljust(w) for v, w in zip(r, widths, strict=True)) for r in rows]
    if found["long_work"]:
        answer = ", ".join(f"{k} {v:,}" for k, v in found["levels"][0]["impact"]["answer"].items())
        lines.append(f"the impact analysis found: {answer}")
    if found.get("server_nice") is not None:
        lines.append(f"the server and PostgreSQL ran at nice {found['server_nice']}")
    if found.get("rate"):
        lines.append(f"the steps are shares of {found['rate']}/s (--rate), not of the capacity")
    lines += [f"before {r['level']:.0%}: {settle_line(r['settled'])}" for r in found["levels"]]
    half: JSON = next((r for r in found["levels"] if r["level"] == 0.5), {})
    for kind, slowest in half.get("timeline", {}).items():
        lines.append(
            f"at 50 %, {kind}: slowest ms per second " + " ".join(f"{x:.0f}" for x in slowest)
        )
    lines += [f"target at 50 %: {t}" for t in found["targets"]]
    before, after = found["load_before"], found["load_after"]
    lines.append(
        "load average before "
        + "/".join(f"{x:.2f}" for x in before)
        + ", after "
        + "/".join(f"{x:.2f}" for x in after)
        + " (1/5/15 min)"
    )
    return "\n".join(lines)


def targets(found: JSON) -> list[str]:
    half = next((r for r in found["levels"] if r["level"] == 0.5), None)
    if half is None:
        return []
    out = []
    for kind, limit in TARGETS_MS.items():
        p99 = half["kinds"].get(kind, {}).get("p99_ms")
        met = p99 is not None and p99 <= limit and not half["kinds"][kind]["errors"]
        out.append(f"{kind} p99 {p99} ms <= {limit:.0f} ms: {'met' if met else 'NOT met'}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.mixed", description=__doc__)
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    placement.add_arguments(parser)
    parser.add_argument(
        "--without-long-work", action="store_true", help="no upload and no impact analysis"
    )
    parser.add_argument(
        "--rate",
        type=float,
        default=None,
        help="the 100 %% the steps are shares of (requests/s; "
        "default: the capacity measured), to compare runs at the same offered load",
    )
    parser.add_argument("--levels", default=",".join(map(str, LEVELS)), help="e.g. 0.5")
    parser.add_argument(
        "--no-settle",
        action="store_true",
        help="start each level at once, without waiting for the audit events of the step "
        "before to be sealed (as before 2026-12-08: the sealer's catch-up then falls in it)",
    )
    parser.add_argument(
        "--server-nice",
        type=int,
        default=None,
        help="run the server and PostgreSQL at this nice value (e.g. -5, as root): what the "
        "tail is with other users' processes kept from preempting them",
    )
    parser.add_argument(
        "--core-profile",
        type=Path,
        default=None,
        help="write where the server core's CPU went, per step and per second "
        "(bench/core_profile.py)",
    )
    args = parser.parse_args(argv)
    placed = placement.from_arguments(args)
    scale = SCALES[args.scale]
    found: JSON = {
        "scale": args.scale,
        "window_s": scale.duration_s,
        "users": scale.users,
        "load_before": os.getloadavg(),
        "long_work": not args.without_long_work,
        "rate": args.rate,
    }
    workdir = Path(tempfile.mkdtemp(prefix="ilonet-mixed-"))
    run = Run(scale, workdir)
    profile: CoreProfile | None = None
    try:
        found.update(placement.start(run, placed))
        if args.server_nice is not None:
            renice(run.pg.running_pid() or 0, args.server_nice)
            renice(run.server.pid, args.server_nice)
            found["server_nice"] = args.server_nice
        asyncio.run(run.set_up())
        asyncio.run(run.seed())
        found["uk_transfers"] = min(scale.records, 100_000)
        asyncio.run(uk_transfers(run, found["uk_transfers"]))
        if args.core_profile is not None:
            profile = CoreProfile(
                run.server.pid, run.pg.running_pid() or 0, run.owner_url, set(placed.server)
            )
            profile.start()
        found.update(
            loadgen.run(
                Mixed(
                    run,
                    scale,
                    set(placed.server),
                    not args.without_long_work,
                    args.rate,
                    tuple(float(x) for x in args.levels.split(",")),
                    profile,
                    settle=not args.no_settle,
                ).measure()
            )
        )
    finally:
        if profile is not None:
            profile.stop()
            assert args.core_profile is not None
            args.core_profile.write_text(json.dumps(profile.summary(), indent=1))
        if hasattr(run, "server"):
            with contextlib.suppress(psutil.Error):
                found["server_children_cpus"] = placement.children_cpus(run.server.pid)
            stop(run.server)
        run.pg.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    found["load_after"] = os.getloadavg()
    found["targets"] = targets(found)
    print(report(found))
    if args.json:
        args.json.write_text(json.dumps(found, indent=2, default=str))
    return 0


async def uk_transfers(run: Run, n: int) -> None:
    async with factories.connected(run.owner_url) as conn:
        await clone(
            conn,
            "transfer",
            n,
            template="SELECT * FROM transfer",
            overrides=UK_TRANSFER,
            label="UK transfers",
        )
        # the flow counts the transfer action keeps, recounted over the transfers seeded by SQL
        await conn.execute("DELETE FROM transfer_flow")
        await conn.execute(transfer_flows.FILL)
        await conn.execute("ANALYZE transfer")


if __name__ == "__main__":
    raise SystemExit(main())
