"""Where the server core's time goes, second by second: the CPU of each process of the server's
tree and of PostgreSQL (what each backend was running), and how busy the core was with anyone's
work, sampled from /proc while `bench.mixed` runs (`--core-profile FILE`).

Every SAMPLE seconds, on a thread of the benchmark's process (the generator's CPU): the user +
system ticks of each process (/proc/PID/stat), its role (the server, a task worker, a
PostgreSQL client backend, autovacuum, the checkpointer, the WAL writer, ...), and for the
client backends what `pg_stat_activity` says each is running (a short label of its statement,
polled at the same rate from a connection of its own). A backend's CPU over an interval is
put down to the statement it ran at either end of it. The steps are marked (`mark`); the
file holds, per step, the CPU seconds per wall second of each role and of each statement label,
and the core's busy share; and at 50 % the same per second.

    python -m bench.core_profile FILE   # the report of a profile written by bench.mixed
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import re
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import asyncpg
import psutil

SAMPLE = 0.25
TICK = os.sysconf("SC_CLK_TCK")
JSON = dict[str, Any]
_WORDS = re.compile(r"[A-Za-z_][A-Za-z_0-9.]*")


def ticks(pid: int) -> int | None:
    """utime + stime of a process, in clock ticks (None once it has ended)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
    except OSError:
        return None
    return int(fields[11]) + int(fields[12])


def role_of(process: psutil.Process, server: int) -> str:
    if process.pid == server:
        return "server"
    try:
        title = " ".join(process.cmdline())
    except psutil.Error:
        return "gone"
    if title.startswith("postgres: "):
        rest = title.removeprefix("postgres: ")
        for role in (
            "autovacuum",
            "checkpointer",
            "walwriter",
            "background writer",
            "logical replication",
            "io worker",
            "walsummarizer",
        ):
            if rest.startswith(role):
                return f"pg {role}"
        return "pg backend"
    if "postgres" in title:
        return "postmaster"
    try:
        where = ",".join(map(str, sorted(os.sched_getaffinity(process.pid))))
    except OSError:
        where = "?"
    return f"task worker (CPU {where})"


def label_of(query: str, state: str) -> str:
    """A statement named by its first words (verb and table), never its values."""
    if state != "active":
        return f"({state})"
    words = _WORDS.findall(query)[:12]
    verb = words[0].upper() if words else "?"
    table = ""
    for keyword in ("INTO", "FROM", "UPDATE"):
        upper = [w.upper() for w in words]
        if keyword in upper and upper.index(keyword) + 1 < len(words):
            table = words[upper.index(keyword) + 1]
            break
    return f"{verb} {table}".strip()


MODES = ("user", "nice", "system", "irq", "softirq", "steal")


def cpus_busy(cpus: set[int]) -> float:
    """Seconds these CPUs have been busy (anyone's work, steal included) since boot."""
    busy = 0.0
    for i, t in enumerate(psutil.cpu_times(percpu=True)):
        if i in cpus:
            busy += float(sum(t) - t.idle - getattr(t, "iowait", 0.0))
    return busy


def core_modes(cpus: set[int]) -> dict[str, float]:
    """Seconds the CPUs spent in each mode since boot (steal: taken by the hypervisor)."""
    modes: dict[str, float] = defaultdict(float)
    for i, t in enumerate(psutil.cpu_times(percpu=True)):
        if i in cpus:
            for mode in MODES:
                modes[mode] += float(getattr(t, mode, 0.0))
    return dict(modes)


def others_on(cpus: set[int], ours: set[int]) -> dict[int, tuple[str, int]]:
    """Every other process last seen on these CPUs: its name and its ticks so far."""
    found: dict[int, tuple[str, int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit() or int(entry.name) in ours:
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                raw = f.read()
        except OSError:
            continue
        name = raw[raw.index(b"(") + 1 : raw.rindex(b")")].decode(errors="replace")
        fields = raw.rsplit(b")", 1)[1].split()
        if int(fields[36]) in cpus:  # field 39 of stat: the CPU it last ran on
            found[int(entry.name)] = (name, int(fields[11]) + int(fields[12]))
    return found


class CoreProfile:
    """Samples until `stop`; `mark(label)` starts a step."""

    def __init__(self, server: int, postmaster: int, dsn: str, cpus: set[int]) -> None:
        self.server, self.postmaster, self.dsn, self.cpus = server, postmaster, dsn, cpus
        self.samples: list[JSON] = []
        self.marks: list[tuple[float, str]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="core-profile")

    def start(self) -> None:
        self._thread.start()

    def mark(self, label: str) -> None:
        self.marks.append((time.monotonic(), label))

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(10)

    def _run(self) -> None:
        with contextlib.suppress(Exception):
            asyncio.run(self._sample())

    def _processes(self) -> dict[int, str]:
        found: dict[int, str] = {}
        for root in (self.server, self.postmaster):
            with contextlib.suppress(psutil.Error):
                process = psutil.Process(root)
                for p in [process, *process.children(recursive=True)]:
                    found[p.pid] = role_of(p, self.server)
        return found

    async def _sample(self) -> None:
        connection = await asyncpg.connect(self.dsn)
        roles: dict[int, str] = {}
        refreshed = 0.0
        try:
            while not self._stop.is_set():
                now = time.monotonic()
                if now - refreshed > 1.0:
                    roles, refreshed = self._processes(), now
                rows = await connection.fetch(
                    "SELECT pid, state, left(query, 200) AS query FROM pg_stat_activity "
                    "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
                )
                doing = {r["pid"]: label_of(r["query"] or "", r["state"] or "") for r in rows}
                cpu = {pid: t for pid in roles if (t := ticks(pid)) is not None}
                others = others_on(self.cpus, set(roles))
                self.samples.append(
                    {
                        "t": time.monotonic(),
                        "busy": cpus_busy(self.cpus),
                        "modes": core_modes(self.cpus),
                        "others": others,
                        "cpus": sorted(self.cpus),
                        "cpu": cpu,
                        "roles": dict(roles),
                        "doing": doing,
                    }
                )
                await asyncio.sleep(SAMPLE)
        finally:
            await connection.close()

    def summary(self) -> JSON:
        """Per step: wall seconds, the core's busy share, and CPU seconds per wall second of
        each role and each backend statement; per second of each step, the same."""
        steps: list[JSON] = []
        bounds = [*self.marks, (float("inf"), "end")]
        for (start, label), (end, _) in itertools.pairwise(bounds):
            window = [s for s in self.samples if start <= s["t"] <= end]
            if len(window) < 2:
                continue
            steps.append({"step": label, **_spread(window), "seconds": _per_second(window)})
        return {"sample_s": SAMPLE, "cpus": sorted(self.cpus), "steps": steps}


def _deltas(a: JSON, b: JSON) -> tuple[dict[str, float], dict[str, float]]:
    by_role: dict[str, float] = defaultdict(float)
    by_statement: dict[str, float] = defaultdict(float)
    for pid, after in b["cpu"].items():
        before = a["cpu"].get(pid)
        if before is None:
            continue
        used = (after - before) / TICK
        if used <= 0:
            continue
        role = b["roles"].get(pid, "?")
        by_role[role] += used
        if role == "pg backend":
            # the statement it ran at the end of the interval, or else at its start
            after_doing, before_doing = b["doing"].get(pid, "?"), a["doing"].get(pid, "?")
            idle_after = after_doing.startswith("(") or after_doing == "?"
            by_statement[before_doing if idle_after else after_doing] += used
    return by_role, by_statement


def _spread(window: list[JSON]) -> JSON:
    wall = window[-1]["t"] - window[0]["t"]
    roles: dict[str, float] = defaultdict(float)
    statements: dict[str, float] = defaultdict(float)
    for a, b in itertools.pairwise(window):
        r, s = _deltas(a, b)
        for k, v in r.items():
            roles[k] += v
        for k, v in s.items():
            statements[k] += v
    n = len(window[0].get("cpus", [0]))
    busy = (window[-1]["busy"] - window[0]["busy"]) / wall / n
    first, last = window[0].get("modes", {}), window[-1].get("modes", {})
    modes = {m: round((last[m] - first[m]) / wall / n, 3) for m in last if m in first}
    others: dict[str, float] = defaultdict(float)
    for a, b in itertools.pairwise(window):
        for pid, (name, after) in b.get("others", {}).items():
            before = a.get("others", {}).get(pid)
            if before is not None and after > before[1]:
                others[name] += (after - before[1]) / TICK
    return {
        "wall_s": round(wall, 2),
        "core_busy": round(busy, 3),
        "modes": modes,
        "others": {
            k: round(v / wall, 3) for k, v in sorted(others.items(), key=lambda x: -x[1])[:6]
        },
        "roles": {k: round(v / wall, 3) for k, v in sorted(roles.items(), key=lambda x: -x[1])},
        "statements": {
            k: round(v / wall, 3)
            for k, v in sorted(statements.items(), key=lambda x: -x[1])
            if v / wall >= 0.005
        },
    }


def _per_second(window: list[JSON]) -> list[JSON]:
    out: list[JSON] = []
    start = window[0]["t"]
    second: list[JSON] = [window[0]]
    for s in window[1:]:
        second.append(s)
        if s["t"] - start >= 1.0:
            out.append(_spread(second))
            start, second = s["t"], [s]
    return out


def report(found: JSON, top: int = 6) -> str:
    lines = []
    for step in found["steps"]:
        roles = ", ".join(f"{k} {v:.2f}" for k, v in step["roles"].items())
        lines.append(
            f"[{step['step']}] {step['wall_s']} s, core busy {step['core_busy']:.0%}; {roles}"
        )
        statements = list(step["statements"].items())[:top]
        lines.append("    backends: " + ", ".join(f"{k} {v:.2f}" for k, v in statements))
        modes = ", ".join(f"{k} {v:.2f}" for k, v in step.get("modes", {}).items())
        others = ", ".join(f"{k} {v:.2f}" for k, v in step.get("others", {}).items())
        lines.append(f"    core modes: {modes}; others' processes there: {others}")
        if step["step"] == "50%":
            for i, second in enumerate(step["seconds"]):
                roles = ", ".join(f"{k} {v:.2f}" for k, v in list(second["roles"].items())[:4])
                busiest = ", ".join(
                    f"{k} {v:.2f}" for k, v in list(second["statements"].items())[:3]
                )
                steal = second.get("modes", {}).get("steal", 0.0)
                others = ", ".join(
                    f"{k} {v:.2f}" for k, v in list(second.get("others", {}).items())[:2]
                )
                lines.append(
                    f"    s{i:02d} busy {second['core_busy']:.0%} (steal {steal:.2f}): {roles}"
                    f" | {busiest} | others {others}"
                )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.core_profile", description=__doc__)
    parser.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    print(report(json.loads(args.file.read_text())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
