"""A light load generator: raw HTTP/1.1 over asyncio streams, open or closed loop, per kind.

No locust and no HTTP library on the hot path: every request is encoded once (method, path,
headers, body as bytes), sent over a pool of keep-alive connections and its answer read just
far enough to know its status and skip its body (Content-Length or chunked). That keeps the
generator's own CPU small, and it is measured anyway: each run reports the process's CPU time
over the wall time of the run (`generator_cpu`, 1.0 = one core busy) and how late requests
left against their schedule (`send_lag_p99_ms`), so a saturated generator is visible.

- `open_loop`: requests leave at Poisson (or fixed-interval) times at `rate` per second,
  whether earlier ones were answered or not; each latency runs from the request's scheduled
  time, so a server (or generator) falling behind shows in the percentiles (no coordinated
  omission);
- `closed_loop`: `users` clients, each sending its next request as soon as the last is
  answered: the throughput is the capacity of the server for the mix.

`open_writes` and `closed_writes` are the harness's loops (bench/harness.py): POSTs of one body
to one path, answered 201.
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import uvloop

JSON = dict[str, Any]
TIMEOUT = 30.0  # a request not answered by then is an error (status 0)
IDLE_SECONDS = 4.0  # a connection idle longer is not reused (uvicorn closes them after 5 s)


@dataclass(frozen=True, slots=True)
class Request:
    """One kind of request, encoded once."""

    kind: str
    wire: bytes
    expect: int

    @classmethod
    def make(
        cls,
        kind: str,
        method: str,
        path: str,
        *,
        headers: dict[str, str] | None = None,
        body: bytes = b"",
        expect: int = 200,
    ) -> Request:
        lines = [f"{method} {path} HTTP/1.1", "Host: bench", f"Content-Length: {len(body)}"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        return cls(kind, ("\r\n".join(lines) + "\r\n\r\n").encode() + body, expect)


class Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer, self.reusable = reader, writer, True
        self.used_at = 0.0  # loop time of its last answer; 0 = never used

    async def exchange(self, wire: bytes) -> int:
        """Send one request, read its whole answer; its status."""
        self.writer.write(wire)
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        length, chunked = 0, False
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding" and b"chunked" in value.lower():
                chunked = True
            elif name == b"connection" and b"close" in value.lower():
                self.reusable = False
        if chunked:
            while size := int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16):
                await self.reader.readexactly(size + 2)
            while await self.reader.readuntil(b"\r\n") != b"\r\n":
                pass  # trailers
        elif length:
            await self.reader.readexactly(length)
        return status

    def close(self) -> None:
        self.writer.close()


class Pool:
    """Keep-alive connections to one server, at most `limit` at once (more requests wait)."""

    def __init__(self, host: str, port: int, limit: int) -> None:
        self.host, self.port = host, port
        self.slots = asyncio.Semaphore(limit)
        self.idle: list[Connection] = []
        self.opened = 0

    async def send(self, wire: bytes) -> int:
        async with self.slots:
            loop = asyncio.get_running_loop()
            connection = None
            while self.idle and connection is None:
                connection = self.idle.pop()
                if loop.time() - connection.used_at > IDLE_SECONDS:
                    connection.close()  # the server may have closed it meanwhile
                    connection = None
            if connection is None:
                connection = await self.connect()
            try:
                status = await connection.exchange(wire)
            except (ConnectionError, asyncio.IncompleteReadError) as error:
                connection.close()
                if not connection.used_at or (
                    isinstance(error, asyncio.IncompleteReadError) and error.partial
                ):
                    raise
                # a kept-alive connection closed by the server before it read the request
                connection = await self.connect()
                try:
                    status = await connection.exchange(wire)
                except BaseException:
                    connection.close()
                    raise
            except BaseException:
                connection.close()
                raise
            if connection.reusable:
                connection.used_at = loop.time()
                self.idle.append(connection)
            else:
                connection.close()
            return status

    async def connect(self) -> Connection:
        reader, writer = await asyncio.open_connection(self.host, self.port, limit=2**20)
        self.opened += 1
        return Connection(reader, writer)

    def close(self) -> None:
        for connection in self.idle:
            connection.close()
        self.idle.clear()


@dataclass
class Tally:
    """Latencies (ms) and errors per kind, and when requests left against their schedule."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, dict[str, int]] = field(default_factory=dict)
    send_lag: list[float] = field(default_factory=list)
    # per kind, per second of the run (by scheduled time): the latencies, for the timeline
    seconds: dict[str, dict[int, list[float]]] = field(default_factory=dict)

    def add(self, request: Request, status: int | str, ms: float, at: float = 0.0) -> None:
        """`status` is the answer's, or the name of the error that stood for one; `at` the
        request's scheduled time, in seconds from the start of the run."""
        self.latencies.setdefault(request.kind, []).append(ms)
        self.seconds.setdefault(request.kind, {}).setdefault(int(at), []).append(ms)
        if status != request.expect:
            found = self.errors.setdefault(request.kind, {})
            found[str(status)] = found.get(str(status), 0) + 1

    def summary(self, wall: float, cpu: float) -> JSON:
        kinds: JSON = {}
        for kind, times in sorted(self.latencies.items()):
            kinds[kind] = {
                "n": len(times),
                **percentiles(times),
                "errors": self.errors.get(kind, {}),
            }
        done = sum(len(t) for t in self.latencies.values())
        failed = sum(sum(e.values()) for e in self.errors.values())
        return {
            "requests": done,
            "failures": failed,
            "per_s": (done - failed) / wall,
            "seconds": wall,
            "generator_cpu": cpu / wall,
            "send_lag_p99_ms": percentiles(self.send_lag)["p99_ms"],
            "kinds": kinds,
            "timeline": self.timeline(),
        }

    def timeline(self) -> JSON:
        """Per kind, the slowest latency (ms) of the requests scheduled in each second of the
        run: where in the run the tail was made."""
        return {
            kind: [round(max(by_second.get(s, [0.0])), 1) for s in range(max(by_second) + 1)]
            for kind, by_second in sorted(self.seconds.items())
        }


def percentiles(times: Sequence[float]) -> JSON:
    if not times:
        return {"p50_ms": None, "p99_ms": None, "max_ms": None}
    ordered = sorted(times)
    return {
        "p50_ms": round(statistics.median(ordered), 1),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 1),
        "max_ms": round(ordered[-1], 1),
    }


async def _timed(
    pool: Pool, request: Request, scheduled: float, tally: Tally, start: float
) -> None:
    loop = asyncio.get_running_loop()
    status: int | str
    try:
        status = await asyncio.wait_for(pool.send(request.wire), TIMEOUT)
    except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError) as e:
        status = type(e).__name__
    tally.add(request, status, (loop.time() - scheduled) * 1000, scheduled - start)


Choose = Callable[[random.Random], Request]


async def open_loop(
    pool: Pool, choose: Choose, *, rate: float, seconds: float, poisson: bool = True, seed: int = 1
) -> JSON:
    """`rate` requests per second for `seconds`, each from `choose`; answered or not."""
    loop, rng, tally = asyncio.get_running_loop(), random.Random(seed), Tally()
    tasks: set[asyncio.Task[None]] = set()
    cpu, start = time.process_time(), loop.time()
    at = 0.0
    while True:
        at += rng.expovariate(rate) if poisson else 1 / rate
        if at >= seconds:
            break
        scheduled = start + at
        if (delay := scheduled - loop.time()) > 0:
            await asyncio.sleep(delay)
        tally.send_lag.append(max(0.0, loop.time() - scheduled) * 1000)
        task = asyncio.create_task(_timed(pool, choose(rng), scheduled, tally, start))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    if tasks:
        await asyncio.wait(tasks)
    return tally.summary(loop.time() - start, time.process_time() - cpu)


async def closed_loop(pool: Pool, choose: Choose, *, users: int, seconds: float) -> JSON:
    """`users` clients, each sending its next request when the last is answered."""
    loop, tally = asyncio.get_running_loop(), Tally()
    cpu, start = time.process_time(), loop.time()
    ends = start + seconds

    async def user(n: int) -> None:
        rng = random.Random(n)
        while loop.time() < ends:
            await _timed(pool, choose(rng), loop.time(), tally, start)

    await asyncio.gather(*(user(n) for n in range(users)))
    return tally.summary(loop.time() - start, time.process_time() - cpu)


def run(main: Any) -> Any:
    """Run a coroutine on uvloop (the generator's loop)."""
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(main)


def write_request(token: str, body: JSON, path: str) -> Request:
    """The harness's write: a POST of one JSON body, answered 201."""
    return Request.make(
        "write",
        "POST",
        path,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        body=json.dumps(body).encode(),
        expect=201,
    )


def writes(base: str, limit: int, measure: Callable[[Pool], Awaitable[JSON]]) -> JSON:
    """Run one loop of writes against `base` on a pool of at most `limit` connections, with
    the writes' p50 and p99 beside the whole summary."""
    host, port = base.removeprefix("http://").split(":")

    async def go() -> JSON:
        pool = Pool(host, int(port), limit=limit)
        try:
            return await measure(pool)
        finally:
            pool.close()

    result: JSON = run(go())
    write = result["kinds"].get("write", {})
    return {**result, "p50_ms": write.get("p50_ms"), "p99_ms": write.get("p99_ms")}


def open_writes(
    base: str, token: str, body: JSON, rate: float, seconds: float, path: str = "/v1/deployments"
) -> JSON:
    """The harness's open loop: guarded POSTs of one body at `rate` per second."""
    request = write_request(token, body, path)
    result = writes(
        base, 512, lambda pool: open_loop(pool, lambda _: request, rate=rate, seconds=seconds)
    )
    return {**result, "offered_per_s": rate}


def closed_writes(
    base: str, token: str, body: JSON, path: str, *, users: int, seconds: float
) -> JSON:
    """The harness's closed loop: `users` clients POSTing one body to `path`, each its next as
    soon as the last is answered, on a connection of its own (a pool of `users`)."""
    request = write_request(token, body, path)
    return writes(
        base,
        users,
        lambda pool: closed_loop(pool, lambda _: request, users=users, seconds=seconds),
    )
