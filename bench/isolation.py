"""Does one request stall the others? `/healthz` and a small GET, timed while the worst work runs.

    python -m bench.isolation [--transfers 100000] [--distinct-flows 0] [--bomb-mib 100]
                              [--seconds 10] [--json]

Starts an embedded PostgreSQL in a temporary directory, seeds `--transfers` transfers with SQL
(bench/impact.py's seed: 48 distinct flows; with `--distinct-flows N`, N a multiple of 2,000,
their details carry N assessment references, making N distinct flows), starts the real server
(bench/server.py, as the harness does) and probes it from this process every 50 ms,
alternating `GET /healthz` and `GET /v1/organisations/NL` (a token, a database read), through
three phases:

- idle: nothing else runs;
- impact: `POST /v1/reference/impact` over all the transfers as a COM reference admin (ending
  2021/1772 on the first day of next month), again and again for `--seconds`;
- upload: a DOCX bomb generated here (`--bomb-mib` MiB of paragraphs in word/document.xml,
  deflated to a few hundred KB) uploaded by multipart `POST /v1/documents/files`, again and
  again for `--seconds` (each upload waited for, whatever it answers, at most WORK_TIMEOUT; a
  probe at most PROBE_TIMEOUT, counted as that long). Uploads are read in the worker pool.

Each phase reports the probes' p50, p99 and max (ms), the work's count, statuses and
durations, and the server's event-loop lag (`GET /bench/loop-lag`: how late a task asking to
wake every 5 ms woke — what a request holding the loop costs every other one); the target is
p99 <= 100 ms while the work runs (the impact and upload phases). The idle phase is the
baseline and begins with the server's first requests, so its slowest probe is the first one
after start (the workers and the rarely used modules are loaded beside it). Probes started
during a phase count for it. The machine's load
(`os.getloadavg`) is printed before and after.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx

from app.db import migrate
from app.db.embedded import EmbeddedPostgres
from app.platform.extract import DOCX
from app.tokens import mint_token
from bench import guarded_writes
from bench.harness import (
    DATABASE,
    PYTHON,
    ROOT,
    free_port,
    guarded_writes_app_url,
    stop,
    wait_ready,
)
from bench.impact import seed
from bench.server import ISSUER

PROBE_INTERVAL = 0.05
PROBE_TIMEOUT = 60.0  # a probe waiting longer counts as this long
WORK_TIMEOUT = 120.0  # an upload or analysis not answered by then counts as status 0
TARGET_P99_MS = 100.0
_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_PARAGRAPH = b"<w:p><w:r><w:t>Detections fell by 23 percent in the third quarter.</w:t></w:r></w:p>"


def docx_bomb(mib: int) -> bytes:
    """A valid DOCX whose document part inflates to about `mib` MiB (streamed into the zip)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org'
            '/package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>",
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http:'
            "//schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
            '" Target="word/document.xml"/></Relationships>',
        )
        block = _PARAGRAPH * (1_048_576 // len(_PARAGRAPH))
        with z.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(f'<?xml version="1.0"?><w:document {_NS}><w:body>'.encode())
            for _ in range(mib):
                part.write(block)
            part.write(b"</w:body></w:document>")
    return out.getvalue()


@dataclass
class Phase:
    name: str
    probes: dict[str, list[float]] = field(default_factory=lambda: {"healthz": [], "get": []})
    work: list[tuple[int, float]] = field(default_factory=list)  # (status, seconds)
    loop_lag: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {"phase": self.name}
        for probe, times in self.probes.items():
            ordered = sorted(times)
            out[probe] = {
                "n": len(ordered),
                "p50_ms": round(statistics.median(ordered), 1) if ordered else None,
                "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 1)
                if ordered
                else None,
                "max_ms": round(ordered[-1], 1) if ordered else None,
            }
        out["loop_lag"] = self.loop_lag
        out["work"] = {
            "n": len(self.work),
            "statuses": sorted({s for s, _ in self.work}),
            "max_seconds": round(max((t for _, t in self.work), default=0.0), 2),
            "median_seconds": round(statistics.median([t for _, t in self.work]), 2)
            if self.work
            else None,
        }
        return out


class Bench:
    def __init__(self, base: str, private_pem: bytes) -> None:
        self.base = base
        self.private_pem = private_pem
        self.current: Phase | None = None

    def auth(self, org: str, role: str) -> dict[str, str]:
        token = mint_token(
            private_pem=self.private_pem,
            issuer=ISSUER,
            sub=f"bench-{org.lower()}-{role}",
            org=org,
            roles=[role],
            officer_id=None,
            ttl_seconds=3600,
        )
        return {"Authorization": f"Bearer {token}"}

    async def probe(self, stop_at: asyncio.Event) -> None:
        """Alternate the two probes every PROBE_INTERVAL until stopped."""
        reader = self.auth("NL", "dpo")
        async with httpx.AsyncClient(base_url=self.base, timeout=PROBE_TIMEOUT) as client:
            turn = 0
            while not stop_at.is_set():
                phase, name = self.current, ("healthz", "get")[turn % 2]
                begin = time.perf_counter()
                try:
                    if name == "healthz":
                        response = await client.get("/healthz")
                    else:
                        response = await client.get("/v1/organisations/NL", headers=reader)
                    if response.status_code != 200:
                        raise RuntimeError(f"{name}: {response.status_code} {response.text[:99]}")
                except httpx.TimeoutException:
                    pass  # counted as the time it waited
                elapsed = (time.perf_counter() - begin) * 1000
                if phase is not None:
                    phase.probes[name].append(elapsed)
                turn += 1
                await asyncio.sleep(PROBE_INTERVAL)

    async def run_phase(self, phase: Phase, seconds: float, work: Any) -> None:
        self.current = phase
        ends = time.perf_counter() + seconds
        async with httpx.AsyncClient(base_url=self.base, timeout=WORK_TIMEOUT) as client:
            await client.get("/bench/loop-lag")  # from here on
            while time.perf_counter() < ends:
                if work is None:
                    await asyncio.sleep(0.1)
                    continue
                begin = time.perf_counter()
                try:
                    status = await work(client)
                except httpx.TimeoutException:
                    status = 0  # no answer within WORK_TIMEOUT
                phase.work.append((status, time.perf_counter() - begin))
            phase.loop_lag = (await client.get("/bench/loop-lag")).json()
        self.current = None


async def measure(base: str, private_pem: bytes, args: argparse.Namespace) -> list[Phase]:
    bench = Bench(base, private_pem)
    bomb = docx_bomb(args.bomb_mib)
    print(f"DOCX bomb: {len(bomb)} bytes, inflating to {args.bomb_mib} MiB", file=sys.stderr)
    metadata = json.dumps(
        {"title": "Quarterly report", "category": "b_programme_or_report", "audience": "all_ilos"}
    )
    uploader = bench.auth("NL", "sb_member")
    today = date.today()
    first = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
    change = {"kind": "adequacy_ended", "adequacy_decision_id": "2021/1772", "on": str(first)}
    admin = bench.auth("COM", "reference_admin")

    async def upload(client: httpx.AsyncClient) -> int:
        response = await client.post(
            "/v1/documents/files",
            files={"file": ("report.docx", bomb, DOCX)},
            data={"metadata": metadata},
            headers=uploader,
        )
        return response.status_code

    async def impact(client: httpx.AsyncClient) -> int:
        response = await client.post("/v1/reference/impact", json={"change": change}, headers=admin)
        return response.status_code

    # the upload last: until the pool of long work lands, it holds the server past its phase
    phases = [Phase("idle"), Phase("impact"), Phase("upload")]
    stop_at = asyncio.Event()
    prober = asyncio.create_task(bench.probe(stop_at))
    try:
        for phase, work in zip(phases, (None, impact, upload), strict=True):
            await bench.run_phase(phase, args.seconds, work)
    finally:
        stop_at.set()
        await prober
    return phases


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transfers", type=int, default=100_000)
    parser.add_argument("--distinct-flows", type=int, default=0)
    parser.add_argument("--bomb-mib", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    load_before = os.getloadavg()
    workdir = Path(tempfile.mkdtemp(prefix="ilonet-bench-isolation-"))
    pg = EmbeddedPostgres(workdir / "pgdata")
    server: subprocess.Popen[bytes] | None = None
    try:
        pg.start()
        asyncio.run(migrate.ensure_database(pg.url(), DATABASE))
        migrate.upgrade(pg.url(database=DATABASE))
        asyncio.run(seed(pg.url(database=DATABASE), args.transfers, args.distinct_flows))
        private_pem, public_file = guarded_writes.throwaway_issuer(workdir)
        data_dir = workdir / "data"
        data_dir.mkdir()
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "bench.server",
                "--port",
                str(port),
                "--database-url",
                guarded_writes_app_url(pg),
                "--issuer-pem",
                str(public_file),
                "--data-dir",
                str(data_dir),
            ],
            cwd=ROOT,
        )
        wait_ready(f"{base}/readyz", server)
        phases = asyncio.run(measure(base, private_pem, args))
    finally:
        if server is not None:
            stop(server)
        pg.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    load_after = os.getloadavg()
    print(
        f"isolation: {args.transfers} transfers ({args.distinct_flows} distinct references), "
        f"a {args.bomb_mib} MiB DOCX bomb, "
        f"{args.seconds:.0f} s a phase; load average before {load_before[0]:.2f}, after "
        f"{load_after[0]:.2f} (nproc {os.cpu_count()})"
    )
    results = [p.summary() for p in phases]
    for r in results:
        w = r["work"]
        probes = "; ".join(
            f"{name} p50 {r[name]['p50_ms']} ms p99 {r[name]['p99_ms']} ms max "
            f"{r[name]['max_ms']} ms (n={r[name]['n']})"
            for name in ("healthz", "get")
        )
        print(f"  {r['phase']:7} {probes}")
        lag = r["loop_lag"]
        print(
            f"          loop lag p50 {lag['p50_ms']} ms p99 {lag['p99_ms']} ms max "
            f"{lag['max_ms']} ms (n={lag['n']})"
        )
        if w["n"]:
            print(
                f"          work: {w['n']} requests, statuses {w['statuses']}, median "
                f"{w['median_seconds']} s, max {w['max_seconds']} s"
            )
    under_work = [r for r in results if r["phase"] != "idle"]
    kinds = ("healthz", "get")
    met = all((r[n]["p99_ms"] or 0) <= TARGET_P99_MS for r in under_work for n in kinds)
    print(
        f"  target p99 <= {TARGET_P99_MS:.0f} ms while the work runs (impact, upload): "
        f"{'met' if met else 'NOT met'}"
    )
    if args.json:
        print(json.dumps({"benchmark": "isolation", "load": [load_before, load_after],
                          "phases": results}))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
