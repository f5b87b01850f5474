"""Holds of the benchmark server's event loop: how long, and what the loop thread ran meanwhile.

In the server (bench/server.py, with `ILONET_BENCH_STALLS=FILE`): a task asks to wake every
BEAT seconds; a thread samples the loop thread's stack every SAMPLE seconds (or every
`ILONET_BENCH_STALL_SAMPLE_MS`) while the task is late by more than the threshold
(`ILONET_BENCH_STALL_MS`, default 20); when the task wakes late by more than the threshold, one
JSON line goes to FILE: when, how late (ms), the loop
thread's CPU time and the garbage collector's meanwhile, and the stacks sampled meanwhile (the
loop thread's; those of other threads that ran Python code).

    python -m bench.stalls FILE [--top 20]   # holds grouped by their cause, most CPU first

A hold is either work on the loop or the process waiting for its CPU (PostgreSQL and other
processes share its core): the loop thread's CPU time during the hold tells them apart (a
sample then shows wherever the thread was preempted). A sample whose innermost frame is the
loop's own wait (no request code on the stack) means the process was not given the CPU.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from types import FrameType
from typing import Any

_ROOT = str(Path(__file__).resolve().parent.parent) + "/"
BEAT = 0.002
SAMPLE = 0.004
_IDLE = "(loop waiting: process off the CPU)"
_OURS = ("bench/stalls.py", "bench/server.py")  # the server's own frames, under every request


def frames(frame: FrameType | None, limit: int = 40) -> list[str]:
    """Innermost first: 'path:function:line', paths shortened to the project or the package."""
    out: list[str] = []
    while frame is not None and len(out) < limit:
        code = frame.f_code
        name = code.co_filename
        if "/site-packages/" in name:
            name = name.split("/site-packages/", 1)[1]
        elif "/lib/python3" in name:
            name = name.split("/lib/python3", 1)[1].split("/", 1)[1]
        else:
            name = name.removeprefix(_ROOT)
        out.append(f"{name}:{code.co_name}:{frame.f_lineno}")
        frame = frame.f_back
    return out


class StallWatch:
    def __init__(self, path: Path, threshold_ms: float, sample_ms: float = SAMPLE * 1000) -> None:
        self.path, self.threshold, self.every = path, threshold_ms / 1000, sample_ms / 1000
        self.woke = time.monotonic()
        self.samples: list[list[str]] = []
        self.others: list[list[str]] = []
        self.collecting = 0.0
        self.collected_ms = 0.0  # the garbage collector's time on the loop thread since a beat

    def start(self) -> None:
        self.loop_thread = threading.get_ident()
        gc.callbacks.append(self.collection)
        threading.Thread(target=self.sample, daemon=True).start()
        asyncio.get_running_loop().create_task(self.beat())

    async def beat(self) -> None:
        loop = asyncio.get_running_loop()
        with self.path.open("a") as out:
            while True:
                before, cpu = loop.time(), time.thread_time()
                await asyncio.sleep(BEAT)
                self.woke = time.monotonic()
                late = loop.time() - before - BEAT
                cpu = time.thread_time() - cpu
                samples, self.samples = self.samples, []
                others, self.others = self.others, []
                collected, self.collected_ms = self.collected_ms, 0.0
                if late > self.threshold:
                    line = {
                        "at": time.time(),
                        "ms": round(late * 1000, 1),
                        "cpu_ms": round(cpu * 1000, 1),
                        "gc_ms": round(collected, 1),
                        "samples": samples,
                    }
                    out.write(json.dumps({**line, "others": others}) + "\n")
                    out.flush()

    def collection(self, phase: str, info: dict[str, int]) -> None:
        if threading.get_ident() != self.loop_thread:
            return
        if phase == "start":
            self.collecting = time.perf_counter()
        else:
            self.collected_ms += (time.perf_counter() - self.collecting) * 1000

    def sample(self) -> None:
        me = threading.get_ident()
        while True:
            time.sleep(self.every)
            if time.monotonic() - self.woke <= self.threshold:
                continue
            try:
                current = sys._current_frames()
                self.samples.append(frames(current.get(self.loop_thread)))
                for ident, frame in current.items():
                    if ident not in (me, self.loop_thread):
                        stack = frames(frame, 12)
                        if stack and not stack[0].startswith("threading.py"):
                            self.others.append(stack)
            except (AttributeError, ValueError):
                # a frame walked while its thread runs on can be gone (and its memory reused)
                # before the walk reaches it: that sample is lost, not the sampler
                continue


def install() -> StallWatch | None:
    """The watch the environment asks for (started by the caller inside the loop), or None."""
    path = os.environ.get("ILONET_BENCH_STALLS")
    if not path:
        return None
    return StallWatch(
        Path(path),
        float(os.environ.get("ILONET_BENCH_STALL_MS", "20")),
        float(os.environ.get("ILONET_BENCH_STALL_SAMPLE_MS", str(SAMPLE * 1000))),
    )


# --- the summary --------------------------------------------------------------------------------


def cause(stack: list[str]) -> str:
    """The innermost project frame of a sample (app/ or bench/), else its innermost frame."""
    if not stack:
        return _IDLE
    inner = stack[0]
    if any(frame.startswith("bench/stalls.py") for frame in stack[:4]):
        return _IDLE  # the beat itself, waking
    if "uvloop" in inner or inner.startswith(("asyncio/runners", "asyncio/base_events")):
        return _IDLE
    if inner.startswith(("bench/server.py", "uvicorn/server.py", "bench/stalls.py")):
        return _IDLE
    for frame in stack:
        if frame.startswith(("app/", "bench/")) and not frame.startswith(_OURS):
            return frame.rsplit(":", 1)[0]
    return inner.rsplit(":", 1)[0]


def mark(label: str) -> None:
    """Note in the holds' file (when the server records one) that a step of a benchmark
    begins here: the summary groups holds by the step they fell in."""
    path = os.environ.get("ILONET_BENCH_STALLS")
    if path:
        with Path(path).open("a") as out:
            out.write(json.dumps({"mark": label, "at": time.time()}) + "\n")


def summarise(path: Path, top: int) -> str:
    lines: list[str] = []
    step, holds = "(before any mark)", []
    for line in [*path.read_text().splitlines(), json.dumps({"mark": ""})]:
        if not line.strip():
            continue
        entry = json.loads(line)
        if "mark" not in entry:
            holds.append(entry)
            continue
        if holds:
            lines += [f"== {step}", *summarise_step(holds, top)]
        step, holds = entry["mark"], []
    return "\n".join(lines)


def summarise_step(holds: list[dict[str, Any]], top: int) -> list[str]:
    by_cause: dict[str, list[tuple[float, float]]] = defaultdict(list)
    examples: dict[str, list[str]] = {}
    for hold in holds:
        causes = Counter(cause(s) for s in hold["samples"]) or Counter({"(no sample)": 1})
        main, _ = causes.most_common(1)[0]
        longest = max((ms for ms, _ in by_cause[main]), default=0.0)
        by_cause[main].append((hold["ms"], hold.get("cpu_ms", 0.0)))
        if hold["ms"] > longest:
            stack: list[str] = next((s for s in hold["samples"] if cause(s) == main), [])
            examples[main] = stack[:12]
    wall = sum(h["ms"] for h in holds)
    cpu = sum(h.get("cpu_ms", 0.0) for h in holds)
    collected = [h.get("gc_ms", 0.0) for h in holds if h.get("gc_ms", 0.0) > 0]
    lines = [
        f"{len(holds)} holds over the threshold, {wall:.0f} ms in all, the loop thread on the "
        f"CPU for {cpu:.0f} ms of them (the rest: waiting for the CPU); the garbage collector "
        f"ran in {len(collected)} of them, {sum(collected):.0f} ms"
        + (f" (at most {max(collected):.0f})" if collected else "")
    ]
    # by the loop thread's CPU time: what held the loop, rather than where the process stood
    # while other processes had the CPU
    ranked = sorted(by_cause.items(), key=lambda kv: -sum(cpu for _, cpu in kv[1]))
    for name, found in ranked[:top]:
        ms = sorted(x for x, _ in found)
        lines.append(
            f"{len(ms):5d} holds  {sum(ms):7.0f} ms (CPU {sum(c for _, c in found):6.0f})  "
            f"max {ms[-1]:5.0f}  median {ms[len(ms) // 2]:4.0f}  {name}"
        )
        lines += [f"          {frame}" for frame in examples.get(name, [])]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.stalls", description=__doc__)
    parser.add_argument("file", type=Path)
    parser.add_argument("--top", type=int, default=20)
    args = parser.parse_args(argv)
    print(summarise(args.file, args.top))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
