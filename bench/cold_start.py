"""The timeline of `ilonet serve` from exec to the first `/readyz` 200, on a fresh data dir and
on an existing one.

    python -m bench.cold_start [--starts 5] [--json]

Each start runs the console script next to this Python (`.venv/bin/ilonet serve`) as an
operator types it, with a data dir of its own (`ILONET_ENV=test`, no DATABASE_URL). This
process watches, every few milliseconds and from the exec on: the embedded server's
`postmaster.pid` (its status line says `ready` once PostgreSQL accepts connections), the port
(listening: a TCP connect succeeds) and `/readyz` (the first 200); the serve process's JSON
log gives when the app was imported and the schema checked. The serve process's own CPU time
(user + system, psutil) is read at the first 200. Then SIGTERM, and the next start.

Fresh: `--starts` new data dirs (initdb, migrations, seeds). Existing: one more data dir,
started once untimed, then `--starts` times. Medians are printed with the load average
(`uptime`) before and after: on a shared machine wall time grows with the load.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import psutil

ILONET = Path(sys.executable).parent / "ilonet"
POLL_S = 0.005
# The serve log's lines that mark a step, by their message's start.
LOGGED = {"imported": "app imported", "schema": "schema at head", "serving": "serving on"}
STEPS = ("postgres", "imported", "schema", "listening", "ready")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _postgres_ready(pgdata: Path) -> bool:
    try:
        lines = (pgdata / "postmaster.pid").read_text().splitlines()
    except FileNotFoundError:
        return False
    return len(lines) >= 8 and lines[7].strip() == "ready"


def _readyz(port: int) -> int | None:
    """The status of GET /readyz, or None when nothing listens on the port yet."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.sendall(b"GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            head = s.recv(64)
    except ConnectionRefusedError:
        return None
    except OSError:
        return 0
    try:
        return int(head.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return 0


def _logged(path: Path, started_at: float) -> dict[str, float]:
    """Seconds from the exec to each marked log line (ms resolution)."""
    found: dict[str, float] = {}
    for line in path.read_text().splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        for step, prefix in LOGGED.items():
            if step not in found and str(entry.get("msg", "")).startswith(prefix):
                at = datetime.fromisoformat(entry["ts"].replace("Z", "+00:00")).timestamp()
                found[step] = round(at - started_at, 3)
    return found


def start_once(data: Path, within: float = 120) -> dict[str, Any]:
    """One `ilonet serve` until /readyz answers 200: seconds from exec to each step."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL" and "ILONET_" not in k}
    env.update({"ILONET_DATA_DIR": str(data), "ILONET_ENV": "test"})
    port, log_path, pgdata = _free_port(), data.with_suffix(".log"), data / "pgdata"
    seen: dict[str, Any] = {}
    with log_path.open("w") as log:
        started_at, started = time.time(), time.perf_counter()
        process = subprocess.Popen(
            [str(ILONET), "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        try:
            while "ready" not in seen:
                now = time.perf_counter() - started
                if process.poll() is not None:
                    raise RuntimeError(f"serve exited with {process.returncode}: see {log_path}")
                if now > within:
                    raise RuntimeError(f"not ready within {within} s: see {log_path}")
                if "postgres" not in seen and _postgres_ready(pgdata):
                    seen["postgres"] = round(now, 3)
                status = _readyz(port)
                if status is not None and "listening" not in seen:
                    seen["listening"] = round(now, 3)
                if status == 200:
                    seen["ready"] = round(time.perf_counter() - started, 3)
                    cpu = psutil.Process(process.pid).cpu_times()
                    seen["cpu_s"] = round(cpu.user + cpu.system, 2)
                time.sleep(POLL_S)
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    seen.update(_logged(log_path, started_at))
    return seen


def _median(runs: list[dict[str, Any]], key: str) -> float | None:
    values = [run[key] for run in runs if key in run]
    return round(statistics.median(values), 3) if values else None


def measure(starts: int) -> dict[str, list[dict[str, Any]]]:
    with tempfile.TemporaryDirectory(prefix="ilonet-cold-") as tmp:
        root = Path(tmp)
        fresh = [start_once(root / f"fresh{n}") for n in range(starts)]
        start_once(root / "existing")
        existing = [start_once(root / "existing") for _ in range(starts)]
    return {"fresh": fresh, "existing": existing}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    before = os.getloadavg()
    runs = measure(args.starts)
    after = os.getloadavg()
    print(f"seconds from the exec, median of {args.starts} starts")
    print(f"| data dir | {' | '.join(STEPS)} | CPU s |")
    print("| --- |" + " ---: |" * (len(STEPS) + 1))
    for kind, rows in runs.items():
        cells = [_median(rows, step) for step in (*STEPS, "cpu_s")]
        print(f"| {kind} | " + " | ".join("" if c is None else f"{c:.2f}" for c in cells) + " |")
    for kind, rows in runs.items():
        print(f"{kind} ready: " + ", ".join(f"{row['ready']:.2f}" for row in rows))
    print(f"load average before: {before[0]:.2f}, after: {after[0]:.2f}")
    if args.json:
        print(json.dumps({"load_before": before, "load_after": after, **runs}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
