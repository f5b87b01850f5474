"""Hostile uploads against a real server: time to refusal and peak memory of the server's whole
process tree (its worker processes included), per case.

    python -m bench.hostile_uploads [--json]

Starts an embedded PostgreSQL in a temporary directory and the benchmark server
(bench/server.py: the app as `ilonet serve` builds it, its worker pool started by the lifespan),
uploads one clean DOCX (so that every worker has run once), then takes the idle memory, then
uploads each hostile file of tests/platform/hostile.py as a multipart upload, one after the
other. While a case runs, a thread samples the RSS of the server process and all its
descendants every 10 ms (peak kept), and another calls `GET /healthz` in a loop (its slowest
answer kept: the upload must not hold the event loop). Targets: each file refused within 2 s,
peak RSS within +300 MB of idle.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import psutil

from app.db import migrate
from app.db.embedded import EmbeddedPostgres
from app.platform.extract import DOCX
from app.tokens import mint_token
from bench.guarded_writes import throwaway_issuer
from bench.harness import (
    DATABASE,
    PYTHON,
    ROOT,
    free_port,
    guarded_writes_app_url,
    stop,
    wait_ready,
)
from bench.policy_decisions import environment
from bench.server import ISSUER
from tests.platform import hostile

MB = 1_000_000
METADATA = {"title": "Bench upload", "category": "a_analytical_product", "audience": "all_ilos"}


def tree_rss(pid: int) -> int:
    """RSS of a process and all its descendants (bytes; processes gone meanwhile skipped)."""
    total = 0
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    for process in processes:
        with contextlib.suppress(psutil.NoSuchProcess):
            total += process.memory_info().rss
    return total


class Watch:
    """While a case runs: the peak tree RSS, and the slowest /healthz answer."""

    def __init__(self, pid: int, base: str) -> None:
        self.pid, self.base = pid, base
        self.peak = 0
        self.slowest = 0.0
        self.done = threading.Event()
        self.threads = [threading.Thread(target=self._sample), threading.Thread(target=self._probe)]

    def _sample(self) -> None:
        while not self.done.is_set():
            self.peak = max(self.peak, tree_rss(self.pid))
            self.done.wait(0.01)

    def _probe(self) -> None:
        with httpx.Client(base_url=self.base, timeout=30) as http:
            while not self.done.is_set():
                started = time.perf_counter()
                http.get("/healthz")
                self.slowest = max(self.slowest, time.perf_counter() - started)
                self.done.wait(0.02)

    def __enter__(self) -> Watch:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.done.set()
        for thread in self.threads:
            thread.join()


def upload(http: httpx.Client, headers: dict[str, str], name: str, data: bytes, media: str) -> Any:
    return http.post(
        "/v1/documents/files",
        files={"file": (name, data, media)},
        data={"metadata": json.dumps(METADATA)},
        headers=headers,
    )


def run(base: str, pid: int, headers: dict[str, str]) -> dict[str, Any]:
    results: dict[str, Any] = {"cases": []}
    with httpx.Client(base_url=base, timeout=120) as http:
        clean = upload(http, headers, "clean.docx", hostile.docx_clean(), DOCX)
        assert clean.status_code == 201, clean.text
        time.sleep(1)
        idle = tree_rss(pid)
        results["idle_rss_mb"] = round(idle / MB, 1)
        results["processes"] = 1 + len(psutil.Process(pid).children(recursive=True))
        for case in hostile.CASES:
            data = case.build()
            with Watch(pid, base) as watch:
                started = time.perf_counter()
                response = upload(http, headers, case.filename, data, case.media_type)
                seconds = time.perf_counter() - started
            problem = response.json()
            results["cases"].append(
                {
                    "case": case.name,
                    "bytes": len(data),
                    "status": response.status_code,
                    "limit": problem.get("limit"),
                    "expected": [case.status, case.limit],
                    "seconds": round(seconds, 3),
                    "peak_rss_mb": round(watch.peak / MB, 1),
                    "over_idle_mb": round((watch.peak - idle) / MB, 1),
                    "healthz_slowest_ms": round(watch.slowest * 1000, 1),
                }
            )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="ilonet-bench-hostile-"))
    pg = EmbeddedPostgres(workdir / "pgdata")
    server: subprocess.Popen[bytes] | None = None
    try:
        pg.start()
        asyncio.run(migrate.ensure_database(pg.url(), DATABASE))
        migrate.upgrade(pg.url(database=DATABASE))
        private_pem, public_file = throwaway_issuer(workdir)
        (workdir / "data").mkdir()
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [PYTHON, "-m", "bench.server", "--port", str(port), "--database-url",
             guarded_writes_app_url(pg), "--issuer-pem", str(public_file), "--data-dir",
             str(workdir / "data")],
            cwd=ROOT,
        )  # fmt: skip
        wait_ready(f"{base}/readyz", server)
        token = mint_token(private_pem=private_pem, issuer=ISSUER, sub="bench-nl-sb",
                           org="NL", roles=["sb_member"], ttl_seconds=3600)  # fmt: skip
        results = run(base, server.pid, {"Authorization": f"Bearer {token}"})
    finally:
        if server is not None:
            stop(server)
        pg.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    env = environment()
    load = ", ".join(f"{x:.2f}" for x in psutil.getloadavg())
    print(
        f"hostile uploads; idle RSS {results['idle_rss_mb']} MB over {results['processes']} "
        f"processes; Python {env['python']}, nproc {env['nproc_available']}, load {load}"
    )
    worst = 0.0
    for c in results["cases"]:
        ok = [c["status"], c["limit"]] == c["expected"]
        worst = max(worst, c["seconds"])
        print(
            f"  {c['case']:26} {c['bytes'] / 1000:8.0f} kB  {c['status']} {c['limit']:24} "
            f"{c['seconds']:6.2f} s  peak {c['peak_rss_mb']:7.1f} MB "
            f"(+{c['over_idle_mb']:6.1f})  /healthz max {c['healthz_slowest_ms']:6.1f} ms"
            f"{'' if ok else '  UNEXPECTED'}"
        )
    if args.json:
        print(json.dumps({"benchmark": "hostile_uploads", **env, "load": load, **results}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
