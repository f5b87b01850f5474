"""Where a load benchmark's processes run: the server and PostgreSQL on some CPUs, the load
generator (the benchmark's own process) on the others, so that the generator does not take the
server's CPU time it measures.

    --server-cpus 1 --generator-cpus 0     (the defaults on two CPUs: the last one, the others)

The server's process tree (uvicorn and its pool of task workers) and PostgreSQL (postmaster and
every backend) are pinned with `os.sched_setaffinity`: started from this process while it runs
on the server's CPUs, as under `taskset -c 1 ilonet serve`, so that every thread and process
they start inherits them, and pinned again, every thread of each process (as `taskset -a -p`
does), once up. The server's task workers then choose their CPUs themselves (app/workers.py:
the others). This process moves to the generator's CPUs once both are up. Other users'
processes are not pinned. With one CPU, everything shares it (nothing is split).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
from dataclasses import dataclass
from typing import Any, Protocol

import psutil

from app.db.embedded import EmbeddedPostgres


@dataclass(frozen=True, slots=True)
class Placement:
    server: frozenset[int]
    generator: frozenset[int]

    @property
    def split(self) -> bool:
        """The generator and the server have CPUs of their own."""
        return self.server.isdisjoint(self.generator)

    def describe(self, pg_processes: int, server_processes: int) -> str:
        cpus = f"{os.cpu_count()} CPUs; others' processes unpinned"
        if not self.split:
            return (
                f"not split: the generator, the server and PostgreSQL share CPU "
                f"{cpu_list(self.server | self.generator)} ({cpus})"
            )
        return (
            f"pinned: generator (this process) on CPU {cpu_list(self.generator)}; server tree "
            f"({server_processes} processes) and PostgreSQL ({pg_processes} processes, new "
            f"backends inherit) on CPU {cpu_list(self.server)} ({cpus})"
        )


def cpu_list(cpus: frozenset[int]) -> str:
    return ",".join(map(str, sorted(cpus)))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    cpus = sorted(os.sched_getaffinity(0))
    parser.add_argument(
        "--server-cpus",
        default=str(cpus[-1]),
        help="CPUs of the server and PostgreSQL, e.g. 1 or 0,1 (default: the last)",
    )
    parser.add_argument(
        "--generator-cpus",
        default=",".join(map(str, cpus[:-1] or cpus)),
        help="CPUs of the load generator (default: the others)",
    )


def from_arguments(args: argparse.Namespace) -> Placement:
    def cpus(text: str) -> frozenset[int]:
        return frozenset(int(c) for c in text.split(","))

    return Placement(server=cpus(args.server_cpus), generator=cpus(args.generator_cpus))


class Startable(Protocol):
    """What starts the server and its database (bench/harness.py `Run`)."""

    pg: EmbeddedPostgres
    server: subprocess.Popen[bytes]

    def start_database(self) -> None: ...

    def start_server(self) -> None: ...


def start(run: Startable, placement: Placement) -> dict[str, Any]:
    """Start PostgreSQL and the server on the server's CPUs, then move this process to the
    generator's; how many processes of each were pinned."""
    os.sched_setaffinity(0, placement.server)
    run.start_database()
    pg_processes = pin(run.pg.running_pid() or 0, placement.server)
    run.start_server()
    server_processes = pin(run.server.pid, placement.server)
    os.sched_setaffinity(0, placement.generator)
    return {
        "server_cpus": sorted(placement.server),
        "generator_cpus": sorted(placement.generator),
        "pg_processes": pg_processes,
        "server_processes": server_processes,
    }


def release(run: Startable, cpus: frozenset[int] | set[int]) -> None:
    """Undo `start`: this process, the server's tree and PostgreSQL's (new backends inherit)
    back on `cpus` (all this process had before), for what is measured after the loads."""
    pin(run.pg.running_pid() or 0, cpus)
    if run.server.poll() is None:
        pin(run.server.pid, cpus)
    os.sched_setaffinity(0, cpus)


def pin(pid: int, cpus: frozenset[int] | set[int]) -> int:
    """Pin a process and its descendants, every thread of each, as `taskset -a -p` does (a
    thread's affinity is its own: pinning a process's first thread leaves the others, and
    what they start later, where they were); new threads and processes inherit it. How many
    processes were pinned."""
    root = psutil.Process(pid)
    tree = [root, *root.children(recursive=True)]
    for process in tree:
        for thread in process.threads():
            with contextlib.suppress(OSError):  # a thread that has ended meanwhile
                os.sched_setaffinity(thread.id, cpus)
    return len(tree)


def children_cpus(pid: int) -> list[list[int]]:
    """The CPUs each descendant of a process may run on (the server's: its task workers)."""
    found = []
    for process in psutil.Process(pid).children(recursive=True):
        with contextlib.suppress(psutil.Error, OSError):
            found.append(sorted(os.sched_getaffinity(process.pid)))
    return found
