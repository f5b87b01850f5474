"""CPU time and memory of the Idempotency-Key fingerprint, by content against by raw bytes.

    python -m bench.idempotency_fingerprint [--repeats 7] [--json]

In process, no database. For each body (a 10 MiB multipart upload, a 64 KiB one, a 1 MiB JSON
batch, a small JSON write) it times `request_fingerprint` (the content: parts through their
own hash, JSON canonical) and `raw_fingerprint` (the raw bytes, as every key was fingerprinted
before), alternating the two in each repeat, and reports the CPU seconds per call (minimum and
median, `time.process_time`) and the peak memory one call allocates beside the body it is given
(tracemalloc). The load average is printed with them: on a shared machine CPU time grows with it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
import tracemalloc
from collections.abc import Callable
from functools import partial
from typing import Any

import httpx

from app.request_fingerprint import raw_fingerprint, request_fingerprint
from bench.policy_decisions import environment

TARGET = "/v1/documents/files"


def multipart_body(size: int) -> tuple[str, bytes]:
    metadata = json.dumps({"title": "Activity report 2024", "audience": "steering_board"})
    content = (b"173 liaison officers in 41 countries. " * (size // 38 + 1))[:size]
    request = httpx.Request(
        "POST",
        f"http://ilonet{TARGET}",
        files={"file": ("report.txt", content, "text/plain")},
        data={"metadata": metadata},
    )
    return request.headers["content-type"], request.read()


def json_body(items: int) -> tuple[str, bytes]:
    item = {"external_reference": "NL-2024-0001", "host_country": "SN", "network_id": None,
            "start_date": "2024-01-01", "end_date": "2025-12-31", "headcount": 3,
            "weight": 1.25, "topics": ["migration", "document_fraud"]}  # fmt: skip
    value: Any = {"items": [item] * items} if items > 1 else item
    return "application/json", json.dumps(value, indent=1).encode()


BODIES: dict[str, Callable[[], tuple[str, bytes]]] = {
    "multipart 10 MiB": lambda: multipart_body(10 * 1024 * 1024),
    "multipart 64 KiB": lambda: multipart_body(64 * 1024),
    "JSON batch ~1 MiB": lambda: json_body(4000),
    "JSON write": lambda: json_body(1),
}


def per_call(fn: Callable[[], object], calls: int) -> float:
    start = time.process_time()
    for _ in range(calls):
        fn()
    return (time.process_time() - start) / calls


def peak_bytes(fn: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def measure(repeats: int) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for name, make in BODIES.items():
        content_type, body = make()
        calls = max(1, min(200, (2 * 1024 * 1024) // len(body)))
        ways: dict[str, Callable[[], object]] = {
            "content": partial(request_fingerprint, "POST", TARGET, content_type, body),
            "raw": partial(raw_fingerprint, "POST", TARGET, body),
        }
        times: dict[str, list[float]] = {way: [] for way in ways}
        for _ in range(repeats):
            for way, fn in ways.items():
                times[way].append(per_call(fn, calls))
        results[name] = {
            "body_bytes": len(body),
            **{
                way: {
                    "cpu_ms_min": min(t) * 1000,
                    "cpu_ms_median": statistics.median(t) * 1000,
                    "peak_alloc_bytes": peak_bytes(ways[way]),
                }
                for way, t in times.items()
            },
        }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    load = os.getloadavg()
    results = measure(args.repeats)
    load_after = os.getloadavg()
    if args.json:
        report = {**environment(), "load": [load, load_after], "results": results}
        print(json.dumps(report, indent=2))
        return
    print(f"load average {load[0]:.2f} before, {load_after[0]:.2f} after")
    print(
        f"{'body':<20} {'bytes':>10}  {'way':<8} {'CPU ms min':>10} {'median':>8} {'peak KiB':>9}"
    )
    for name, result in results.items():
        for way in ("content", "raw"):
            figures = result[way]
            print(
                f"{name:<20} {result['body_bytes']:>10}  {way:<8} {figures['cpu_ms_min']:>10.3f}"
                f" {figures['cpu_ms_median']:>8.3f} {figures['peak_alloc_bytes'] / 1024:>9.1f}"
            )


if __name__ == "__main__":
    main()
