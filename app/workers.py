"""The bounded pool of worker processes that long work runs in, off the event loop: each task
under a memory cap (RLIMIT_AS) and a CPU-time limit (RLIMIT_CPU, and a wall-clock deadline
behind it), a bounded queue in front (PoolBusy: 503 with Retry-After when it is full), and a
worker that dies or passes a limit replaced by a fresh one. Workers run at the lowest
scheduling priority (nice 19, SCHED_BATCH): the kernel gives the core to the event loop and
PostgreSQL first, and long work takes only what request handling leaves. A server pinned to
some CPUs (`taskset -c 1 ilonet serve`) keeps them for request handling: its workers run on
the other CPUs the system allows, and on the server's own only when there are none.

    result = await run_bounded(fn, *args)           # the app's pool (create_app installs it)
    result = await pool.run(fn, *args, limits=TaskLimits(cpu_seconds=2))

`fn` is a top-level function of a module the workers can import; its arguments and result are
pickled. Exceptions it raises cross back as they are (they must pickle). Workers are started
from a forkserver (never forked from the threaded server) that imports PRELOAD once.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import multiprocessing
import os
import resource
import signal
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from typing import Any, TypeVar, cast

from app.problems import Problem, ServiceUnavailable

T = TypeVar("T")
MiB = 1024 * 1024
# A worker's niceness: 19, the lowest priority, so that a scan or an analysis on the same core
# as the server waits for it rather than the other way round (a weight of 15 against the 1,024
# of the event loop and of each PostgreSQL backend).
BACKGROUND_NICE = 19

# What the forkserver imports once, so each worker starts warm (the readers too: the
# extractors import them when first needed).
PRELOAD = [
    "app.workers",
    "app.platform.check",
    "app.platform.docx_package",
    "app.services.reference_impact_page",
    "app.services.board_report_html",
    "app.services.readmission_page",
    "app.services.ropa_page",
    "app.services.statistics",
    "pypdf",
    "pypdfium2",
    "docx",
    "jinja2",
    "app.built_models",  # last: the models the modules above declared
]


@dataclass(frozen=True, slots=True)
class TaskLimits:
    """What one task may use: address space (bytes), CPU seconds, and the wall-clock seconds
    after which its worker is killed (CPU time does not advance while a worker waits)."""

    memory_bytes: int = 1024 * MiB
    cpu_seconds: int = 20
    wall_seconds: float = 60.0


class PoolBusy(ServiceUnavailable):
    """Every worker is busy and the queue is full: 503, retry after the given seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            "The server is busy with other long work; retry the request later.",
            retry_after=retry_after,
        )


class TaskLimitExceeded(Problem):
    """A task passed its memory or CPU-time limit: 422 naming the limit and its maximum."""

    type, title, status = "/problems/limit-exceeded", "Limit exceeded", 422

    def __init__(self, limit: str, maximum: float) -> None:
        what = {
            "task.memory_bytes": "more memory",
            "task.cpu_seconds": "more processor time",
            "task.wall_seconds": "longer",
        }
        super().__init__(
            f"Processing the request needs {what.get(limit, 'more')} than allowed "
            f"(limit {limit}: {maximum}).",
            extra={"limit": limit, "max": maximum},
        )
        self.limit = limit
        self.maximum = maximum


class WorkerDied(RuntimeError):
    """A worker ended without an answer and no limit explains it (a crash): a 500."""


class _CpuLimit(BaseException):
    """Raised in a worker by SIGXCPU: the task's CPU seconds are spent."""


# --- the worker's side ----------------------------------------------------------------------


def _on_xcpu(signum: int, frame: object) -> None:
    raise _CpuLimit


def lower_priority(nice: int) -> None:
    """This process yields the CPU to everything else: SCHED_BATCH (a CPU-bound task, never
    preferred on wake-up) at niceness `nice`, or the one it has if higher (an unprivileged
    process cannot go back up). Where the system refuses either, the worker runs as it is
    rather than not at all."""
    with contextlib.suppress(OSError):
        os.sched_setscheduler(0, os.SCHED_BATCH, os.sched_param(0))
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, 0, max(nice, os.getpriority(os.PRIO_PROCESS, 0)))


def task_cpus(server: set[int], every: set[int]) -> set[int]:
    """Where a worker runs: the CPUs the server is not pinned to, or the server's own when
    it may run on every CPU (or no other is left)."""
    return (every - server) or server


def away_from(server: int) -> None:
    """This process runs on task_cpus() of the server process `server` (its CPUs read now:
    it may have been pinned after its workers started). A CPU the system does not allow
    this process is left out by the kernel; where none is left, or the system has no CPU
    affinity, the process stays where it is."""
    if not hasattr(os, "sched_setaffinity"):
        return
    try:
        theirs = os.sched_getaffinity(server)
    except OSError:
        return  # the server has gone: the pipe's end stops this worker
    wanted = task_cpus(theirs, set(range(os.cpu_count() or 1)))
    for cpus in (wanted, theirs):
        try:
            if os.sched_getaffinity(0) != cpus:
                os.sched_setaffinity(0, cpus)
            return
        except OSError:
            continue  # none of them allowed here (a cpuset): the next choice


def _serve(conn: Connection, memory_bytes: int, nice: int, server: int) -> None:  # pragma: no cover
    """A worker's loop: run each task sent, answer ("ok", result), ("error", exception) or
    ("limit", name). The address-space cap and the priority hold for the worker's life; the
    CPU limit is re-armed for each task, relative to what the worker has used so far, and the
    CPUs are chosen again (away_from the server)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGXCPU, _on_xcpu)
    lower_priority(nice)
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    away_from(server)
    while True:
        try:
            fn, args, cpu_seconds = conn.recv()
        except (EOFError, OSError):
            return
        away_from(server)
        used = resource.getrusage(resource.RUSAGE_SELF)
        spent = math.ceil(used.ru_utime + used.ru_stime)
        _, hard = resource.getrlimit(resource.RLIMIT_CPU)
        resource.setrlimit(resource.RLIMIT_CPU, (spent + cpu_seconds, hard))
        try:
            answer: tuple[str, Any] = ("ok", fn(*args))
        except _CpuLimit:
            answer = ("limit", "task.cpu_seconds")
        except MemoryError:
            answer = ("limit", "task.memory_bytes")
        except Exception as error:
            answer = ("error", error)
        finally:
            resource.setrlimit(resource.RLIMIT_CPU, (resource.RLIM_INFINITY, hard))
        try:
            conn.send(answer)
        except MemoryError:
            conn.send(("limit", "task.memory_bytes"))
        except Exception as error:  # an unpicklable result or exception
            conn.send(("error", WorkerDied(f"{type(error).__name__} sending the answer")))


# --- the server's side ----------------------------------------------------------------------


class _Worker:
    def __init__(
        self, context: multiprocessing.context.BaseContext, memory_bytes: int, nice: int
    ) -> None:
        self.conn, child = multiprocessing.Pipe()
        process_type = cast(Any, context).Process
        self.process = process_type(
            target=_serve,
            args=(child, memory_bytes, nice, os.getpid()),
            daemon=True,
            name="ilonet-worker",
        )
        self.process.start()
        child.close()
        self.broken = False

    def call(self, fn: Callable[..., Any], args: tuple[Any, ...], limits: TaskLimits) -> Any:
        """Run one task (in a thread of the server: it blocks on the pipe)."""
        try:
            self.conn.send((fn, args, limits.cpu_seconds))
            if not self.conn.poll(limits.wall_seconds):
                self.kill()
                raise TaskLimitExceeded("task.wall_seconds", limits.wall_seconds)
            kind, value = self.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            self.kill()
            self.process.join(1)
            code = self.process.exitcode
            if code is not None and -code in (signal.SIGXCPU, signal.SIGKILL):
                raise TaskLimitExceeded("task.cpu_seconds", limits.cpu_seconds) from None
            if code is not None and -code in (signal.SIGSEGV, signal.SIGABRT, signal.SIGBUS):
                # Native code out of memory under the address-space cap ends this way.
                raise TaskLimitExceeded("task.memory_bytes", limits.memory_bytes) from None
            raise WorkerDied(f"the worker ended (exit code {code})") from None
        if kind == "ok":
            return value
        if kind == "limit":
            self.kill()  # a worker interrupted mid-task may hold half-built state
            maximum = limits.cpu_seconds if value == "task.cpu_seconds" else limits.memory_bytes
            raise TaskLimitExceeded(value, maximum)
        raise value

    def kill(self) -> None:
        self.broken = True
        with contextlib.suppress(Exception):
            self.conn.close()
        if self.process.is_alive():
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.process.pid or 0, signal.SIGKILL)
        self.process.join(5)


class WorkerPool:
    """`processes` workers and at most `queue` tasks waiting for one. Workers start on first
    use (or `start()`), each from the forkserver, at `nice` under SCHED_BATCH; close() ends
    them."""

    def __init__(
        self,
        *,
        processes: int = 2,
        queue: int = 8,
        limits: TaskLimits | None = None,
        nice: int = BACKGROUND_NICE,
    ):
        self.processes = processes
        self.queue = queue
        self.limits = limits or TaskLimits()
        self.nice = nice
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(PRELOAD)
        self._idle: list[_Worker] = []
        self._started = 0
        self._waiting = 0
        self._free: asyncio.Semaphore | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._threads = ThreadPoolExecutor(processes, thread_name_prefix="ilonet-worker")
        self._lock = threading.Lock()

    @property
    def retry_after(self) -> int:
        return max(1, math.ceil(self.limits.cpu_seconds / 2))

    def _spawn(self) -> _Worker:
        return _Worker(self._context, self.limits.memory_bytes, self.nice)

    async def start(self) -> None:
        """Start every worker now rather than on first use: beside the server's first requests,
        each on a daemon thread, so that a server stopped meanwhile does not wait for a
        worker it will not use (one started too late is ended)."""
        while self._started < self.processes:
            self._started += 1
            try:
                worker = await off_the_loop(self._spawn, discard=_Worker.kill)
            except BaseException:
                self._started -= 1
                raise
            self._idle.append(worker)

    def _semaphore(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        if self._free is None or self._loop is not loop:
            self._free, self._loop = asyncio.Semaphore(self.processes), loop
        return self._free

    async def _take(self) -> _Worker:
        loop = asyncio.get_running_loop()
        with self._lock:
            worker = self._idle.pop() if self._idle else None
        if worker is not None and not worker.broken and worker.process.is_alive():
            return worker
        if worker is not None:
            await loop.run_in_executor(self._threads, worker.kill)
        return await loop.run_in_executor(self._threads, self._spawn)

    def _give_back(self, worker: _Worker) -> None:
        if worker.broken:
            return  # killed already; a fresh worker replaces it when next needed
        with self._lock:
            self._idle.append(worker)

    async def run(self, fn: Callable[..., T], *args: Any, limits: TaskLimits | None = None) -> T:
        """fn(*args) in a worker process, within the limits (the pool's by default)."""
        wanted = limits or self.limits
        if wanted.memory_bytes > self.limits.memory_bytes:
            # A worker's address-space cap is set once, when it starts.
            wanted = replace(wanted, memory_bytes=self.limits.memory_bytes)
        free = self._semaphore()
        if free.locked() and self._waiting >= self.queue:
            raise PoolBusy(self.retry_after)
        self._waiting += 1
        try:
            await free.acquire()
        finally:
            self._waiting -= 1
        loop = asyncio.get_running_loop()
        try:
            worker = await self._take()
        except BaseException:
            free.release()
            raise
        call = loop.run_in_executor(self._threads, worker.call, fn, args, wanted)

        def done(_: object) -> None:
            self._give_back(worker)
            free.release()

        call.add_done_callback(done)
        # A cancelled request leaves the task to finish: the worker is given back after it.
        return cast(T, await asyncio.shield(call))

    def close(self) -> None:
        """End every idle worker (busy ones end when their task does)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.kill()
        self._started = 0


def off_the_loop(
    fn: Callable[[], T], *, discard: Callable[[T], object] | None = None
) -> asyncio.Future[T]:
    """fn() on a daemon thread of its own, awaited on the loop. Unlike an executor's thread,
    nothing waits for it at exit; if the awaiting side was cancelled, its result is given to
    `discard`."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[T] = loop.create_future()

    def settle(result: T | None, error: BaseException | None) -> None:
        if done.cancelled():
            if error is None and discard is not None:
                discard(cast(T, result))
        elif error is not None:
            done.set_exception(error)
        else:
            done.set_result(cast(T, result))

    def run() -> None:
        try:
            result, error = fn(), None
        except BaseException as exc:
            result, error = None, exc
        with contextlib.suppress(RuntimeError):  # the loop has closed: nobody is waiting
            loop.call_soon_threadsafe(settle, result, error)

    threading.Thread(target=run, daemon=True, name="ilonet-off-the-loop").start()
    return done


_installed: WorkerPool | None = None
_pools: dict[tuple[int, int, TaskLimits], WorkerPool] = {}


def pool_of(*, processes: int, queue: int, limits: TaskLimits) -> WorkerPool:
    """The process's pool of this shape: apps created with the same settings in one process
    (tests create many) share one, rather than each starting workers of its own."""
    key = (processes, queue, limits)
    if key not in _pools:
        _pools[key] = WorkerPool(processes=processes, queue=queue, limits=limits)
    return _pools[key]


def install(pool: WorkerPool) -> WorkerPool:
    """Make `pool` the one run_bounded uses (create_app installs the app's)."""
    global _installed
    _installed = pool
    return pool


def installed() -> WorkerPool:
    if _installed is None:
        raise RuntimeError("no worker pool is installed (create_app installs one)")
    return _installed


async def run_bounded(fn: Callable[..., T], *args: Any, limits: TaskLimits | None = None) -> T:
    """fn(*args) in a worker of the installed pool: PoolBusy (503) when the pool and its queue
    are full, TaskLimitExceeded (422) past a limit; fn's own exceptions as raised."""
    return await installed().run(fn, *args, limits=limits)
