"""The bounded worker pool (app/workers.py): tasks run in worker processes, a task past its
CPU-time or memory limit is a 422 naming the limit and its worker is replaced, a full pool
and queue is a 503 with Retry-After, a task's own exception crosses back as raised, and the
workers yield the CPU to the server (lowest priority) and keep off the CPUs it is pinned to."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app.platform.limits import Refused
from app.workers import PoolBusy, TaskLimitExceeded, TaskLimits, WorkerPool, task_cpus

MiB = 1024 * 1024


# Tasks: top-level functions, so that a worker can import them by name.
def pid() -> int:
    return os.getpid()


def priority() -> tuple[int, int]:
    return os.getpriority(os.PRIO_PROCESS, 0), os.sched_getscheduler(0)


def cpus() -> set[int]:
    return os.sched_getaffinity(0)


def spin() -> None:
    while True:
        pass


def allocate(size: int) -> int:
    return len(bytearray(size))


def refuse() -> None:
    raise Refused(422, "refused in a worker", "docx.xml", 3)


def wait_for(fifo: str) -> bytes:
    """Blocks until the test writes to the FIFO: a task that holds its worker on demand."""
    with open(fifo, "rb") as reader:
        return reader.read()


@pytest.fixture
async def pool() -> AsyncIterator[WorkerPool]:
    pool = WorkerPool(
        processes=1,
        queue=0,
        limits=TaskLimits(memory_bytes=512 * MiB, cpu_seconds=1, wall_seconds=60),
    )
    yield pool
    pool.close()


async def test_a_task_runs_in_another_process_and_its_worker_is_reused(pool: WorkerPool) -> None:
    first = await pool.run(pid)
    assert first != os.getpid()
    assert await pool.run(pid) == first


async def test_workers_run_at_the_lowest_priority_and_the_server_keeps_its_own(
    pool: WorkerPool,
) -> None:
    own = priority()
    assert await pool.run(priority) == (19, os.SCHED_BATCH)
    assert priority() == own  # lowering a worker leaves the server as it was


def test_workers_run_on_the_cpus_the_server_is_not_pinned_to() -> None:
    assert task_cpus({1}, {0, 1, 2, 3}) == {0, 2, 3}
    assert task_cpus({0, 1}, {0, 1, 2, 3}) == {2, 3}
    # not pinned, or pinned to every CPU there is: where the server runs
    assert task_cpus({0, 1, 2, 3}, {0, 1, 2, 3}) == {0, 1, 2, 3}
    assert task_cpus({0}, {0}) == {0}


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="one CPU: nowhere else to go")
async def test_a_server_pinned_after_its_workers_started_keeps_its_cpu(pool: WorkerPool) -> None:
    every = os.sched_getaffinity(0)
    served = max(every)
    await pool.run(pid)  # the worker is started before the server is pinned
    os.sched_setaffinity(0, {served})  # this thread, the server's loop (as taskset -p does)
    try:
        elsewhere = await pool.run(cpus)
    finally:
        os.sched_setaffinity(0, every)
    assert served not in elsewhere
    assert every - {served} <= elsewhere  # every other CPU this process may use


async def test_a_tasks_exception_crosses_back_as_raised(pool: WorkerPool) -> None:
    with pytest.raises(Refused) as refused:
        await pool.run(refuse)
    assert (refused.value.status, refused.value.limit, refused.value.maximum) == (
        422,
        "docx.xml",
        3,
    )


async def test_a_task_past_its_cpu_limit_is_refused_and_its_worker_replaced(
    pool: WorkerPool,
) -> None:
    before = await pool.run(pid)
    with pytest.raises(TaskLimitExceeded) as exceeded:
        await pool.run(spin)
    assert exceeded.value.status == 422
    assert exceeded.value.extra == {"limit": "task.cpu_seconds", "max": 1}
    after = await pool.run(pid)
    assert after != before


async def test_a_task_past_its_memory_cap_is_refused_and_the_pool_recovers(
    pool: WorkerPool,
) -> None:
    with pytest.raises(TaskLimitExceeded) as exceeded:
        await pool.run(allocate, 1024 * MiB)
    assert exceeded.value.extra == {"limit": "task.memory_bytes", "max": 512 * MiB}
    assert await pool.run(allocate, MiB) == MiB


async def test_a_full_pool_and_queue_is_a_503_with_retry_after(
    pool: WorkerPool, tmp_path: Path
) -> None:
    fifo = tmp_path / "hold"
    os.mkfifo(fifo)
    holding = asyncio.create_task(pool.run(wait_for, str(fifo)))
    await asyncio.sleep(0)  # the task runs up to its first wait: it holds the one worker
    assert pool._semaphore().locked()
    with pytest.raises(PoolBusy) as busy:
        await pool.run(pid)
    assert busy.value.status == 503
    assert busy.value.headers == {"Retry-After": str(pool.retry_after)}
    await asyncio.to_thread(fifo.write_bytes, b"go")
    assert await holding == b"go"
    assert await pool.run(allocate, 10) == 10
