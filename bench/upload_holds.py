"""Holds of the server's event loop during one large upload, each printed with what ran.

    .venv/bin/python -m bench.upload_holds [--uploads 3] [--threshold-ms 5] [--bytes 10000000]

Starts what `bench.mixed` starts (bench/harness.py `Run`: an embedded PostgreSQL, the benchmark
server of bench/server.py, an ILO set up through the API; no seeded data set), pinned as it
pins them (bench/placement.py: the server and PostgreSQL on the last CPU), with the server's
loop watched by bench/stalls.py at `--threshold-ms` (its beat asks to wake every 2 ms; the
loop thread's stack is sampled every millisecond while the beat is late). Then uploads the
benchmark's clean plain-text document (`bench.mixed.clean_document`) `--uploads` times, one
after the other, nothing else running, and prints per upload: its status and seconds, the CPU
seconds the server's process and PostgreSQL took (the whole tree of each, the task worker that
scans included), and each hold over the threshold: when (ms from the upload's start), how
long, how much of it the loop thread was on the CPU (the rest: the process waiting for its
core, or the loop thread for the interpreter's lock), the innermost frames of what it ran (the
project's first, else the library's) and of what the server's other threads ran meanwhile.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import psutil

from bench import placement, stalls
from bench.harness import Run, stop
from bench.mixed import UPLOAD_BYTES, clean_document, tree_cpu
from bench.seed import SCALES

JSON = dict[str, Any]


def where(stack: list[str], depth: int = 3) -> str:
    """The hold's cause (bench/stalls.py `cause`) and the innermost frames above it."""
    found = stalls.cause(stack)
    inner = " < ".join(frame.rsplit(":", 1)[0] for frame in stack[:depth])
    return found if inner.startswith(found) else f"{found}  [{inner}]"


def holds_between(path: Path, start: float, end: float, threshold_ms: float) -> list[JSON]:
    """The holds recorded that ended in [start, end] (seconds since the epoch)."""
    found = []
    for line in path.read_text().splitlines():
        entry = json.loads(line)
        if "mark" in entry or not start <= entry["at"] <= end or entry["ms"] < threshold_ms:
            continue
        causes = Counter(where(s) for s in entry["samples"]) or Counter({"(no sample)": 1})
        # other threads of the server that ran Python meanwhile (holding the interpreter lock
        # the loop thread then waits for): the pool's threads, the task pool's result reader
        others = Counter(where(s) for s in entry.get("others", []))
        found.append(
            {
                "at_ms": round((entry["at"] - entry["ms"] / 1000 - start) * 1000),
                "ms": entry["ms"],
                "cpu_ms": entry["cpu_ms"],
                "gc_ms": entry["gc_ms"],
                "what": [f"{n} × {cause}" for cause, n in causes.most_common(3)],
                "others": [f"{n} × {cause}" for cause, n in others.most_common(2)],
            }
        )
    return found


async def upload(run: Run, document: bytes) -> JSON:
    headers = run.auth(run.ilo.org, ["sb_member"])
    metadata = {"title": "Upload holds", "category": "a_analytical_product", "audience": "all_ilos"}
    async with httpx.AsyncClient(base_url=run.base, timeout=300) as client:
        started = time.perf_counter()
        response = await client.post(
            "/v1/documents/files",
            files={"file": ("report.txt", document, "text/plain")},
            data={"metadata": json.dumps(metadata)},
            headers=headers,
        )
    return {"status": response.status_code, "seconds": round(time.perf_counter() - started, 2)}


def own_cpu(pid: int) -> float:
    """CPU seconds (user + system) of the server's process alone: what the upload cost the
    server's core, the task worker that scans (on the other CPUs) left out."""
    times = psutil.Process(pid).cpu_times()
    return float(times.user + times.system)


def report(found: JSON) -> str:
    lines = [
        f"{found['uploads']} uploads of {found['bytes']:,} bytes; holds over "
        f"{found['threshold_ms']} ms; load average {found['load_before']} -> "
        f"{found['load_after']}; {found['placement']}"
    ]
    for i, one in enumerate(found["each"]):
        holds = one["holds"]
        longest = max((h["ms"] for h in holds), default=0.0)
        longest_cpu = max((h["cpu_ms"] for h in holds), default=0.0)
        lines.append(
            f"upload {i}: {one['status']} in {one['seconds']} s; CPU s server "
            f"{one['server_cpu']:.3f} (its own process, the task workers left out: "
            f"{one['server_own_cpu']:.3f}), PostgreSQL {one['pg_cpu']:.3f}; {len(holds)} holds, "
            f"longest {longest:.0f} ms, "
            f"most loop CPU in one {longest_cpu:.0f} ms"
        )
        for h in holds:
            lines.append(
                f"  +{h['at_ms']:5d} ms  {h['ms']:6.1f} ms (CPU {h['cpu_ms']:5.1f}, gc "
                f"{h['gc_ms']:.0f})  {'; '.join(h['what'])}"
                + (f"  | other threads: {'; '.join(h['others'])}" if h["others"] else "")
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.upload_holds", description=__doc__)
    parser.add_argument("--uploads", type=int, default=3)
    parser.add_argument("--threshold-ms", type=float, default=5.0)
    parser.add_argument("--bytes", type=int, default=UPLOAD_BYTES)
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    placement.add_arguments(parser)
    args = parser.parse_args(argv)
    placed = placement.from_arguments(args)
    workdir = Path(tempfile.mkdtemp(prefix="ilonet-upload-holds-"))
    holds_file = workdir / "holds.jsonl"
    os.environ["ILONET_BENCH_STALLS"] = str(holds_file)
    os.environ["ILONET_BENCH_STALL_MS"] = str(args.threshold_ms)
    os.environ["ILONET_BENCH_STALL_SAMPLE_MS"] = "1"
    document = clean_document()[: args.bytes]
    run = Run(SCALES["tiny"], workdir)
    found: JSON = {
        "uploads": args.uploads,
        "bytes": len(document),
        "threshold_ms": args.threshold_ms,
        "load_before": [round(x, 2) for x in os.getloadavg()],
        "each": [],
    }
    try:
        placed_as = placement.start(run, placed)
        found["placement"] = (
            f"server and PostgreSQL on CPU {placed_as['server_cpus']}, "
            f"this process on {placed_as['generator_cpus']}"
        )
        asyncio.run(run.set_up())
        pg = run.pg.running_pid() or 0
        asyncio.run(upload(run, document[:100_000]))  # the upload route's first use, not measured
        for i in range(args.uploads):
            time.sleep(1.0)  # the background jobs' and the previous upload's work settled
            server, postgres = tree_cpu([run.server.pid]), tree_cpu([pg])
            own = own_cpu(run.server.pid)
            stalls.mark(f"upload {i}")
            start = time.time()
            one = asyncio.run(upload(run, document))
            time.sleep(0.2)  # a hold that ends as the answer leaves is written just after
            one.update(
                server_cpu=tree_cpu([run.server.pid]) - server,
                server_own_cpu=own_cpu(run.server.pid) - own,
                pg_cpu=tree_cpu([pg]) - postgres,
                holds=holds_between(holds_file, start, time.time(), args.threshold_ms),
            )
            found["each"].append(one)
    finally:
        if hasattr(run, "server"):
            with contextlib.suppress(psutil.Error):
                stop(run.server)
        run.pg.stop()
        found["load_after"] = [round(x, 2) for x in os.getloadavg()]
        shutil.rmtree(workdir, ignore_errors=True)
    print(report(found))
    if args.json:
        args.json.write_text(json.dumps(found, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
