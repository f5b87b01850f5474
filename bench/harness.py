"""The benchmark harness: one command, one data set, every figure of the performance table.

    .venv/bin/python -m bench.harness --scale tiny|small|full [--json FILE]

It starts an embedded PostgreSQL in a temporary directory, migrates it, starts the benchmark
server (bench/server.py: the real app plus a same-stack PLAIN insert route), sets up an ILO
through the API (authority, officer, deployment, processing record, transfer), seeds the data
set from those rows (bench/seed.py: officers, deployments with history, processing records,
transfers, audit events; with a progress bar), then measures, from this one run:

- closed loop, `users` clients with no wait (bench/loadgen.py: raw HTTP/1.1 on asyncio in
  this process, its CPU share reported): the guarded `POST /v1/deployments` and the plain
  `POST /bench/plain/deployments`: throughput (answered as expected ÷ wall) and p99, and their
  ratios;
- open loop at half the guarded closed loop's throughput (OPEN_SHARE; Poisson arrivals from
  bench/loadgen.py, likewise): guarded p99, the target being <= 100 ms at half the capacity;
- the service layer (Writer + plan_deployment, no HTTP) against a raw Core INSERT of the row
  (bench/guarded_writes.py, in this process);
- policy decisions per second (bench/policy_decisions.py, in this process);
- audit sealing and verification per second over the seeded log (app/db/audit.py);
- a list page at depth 100k (or the deepest the scale has) against depth 0;
- the read of one processing record with decryption; the retention sweep's erasures/s;
- the server's RSS; cold start of `ilonet serve` on a fresh and on an existing data dir.

Through the loads, the server and PostgreSQL run on `--server-cpus` and this process, the load
generator, on `--generator-cpus` (bench/placement.py; on two CPUs one each); the steps after the
loads run all three on every CPU again, as before the loads were placed.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import math
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import psutil

from app.config import APP_DB_ROLE
from app.db import audit, migrate
from app.db.backlogs import backlogs
from app.db.embedded import EmbeddedPostgres
from app.db.engine import make_engine, make_sessionmaker
from app.keyring import load_keyring
from app.pagination import _sign
from app.policies import evaluate
from app.services.retention_sweep import sweep_once
from app.tokens import mint_token
from bench import cold_start, guarded_writes, loadgen, placement, policy_decisions
from bench.seed import COUNTRIES, SCALES, Progress, Scale, clone
from bench.server import ISSUER, PLAIN_PATH, settings_for
from tests import factories

DATABASE = "ilonet_harness"
ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
JSON = dict[str, Any]
# What drives the closed and the open loops, in this process.
GENERATOR = "bench/loadgen.py (raw HTTP/1.1 on asyncio, uvloop)"
# The open loop is offered this share of the guarded closed loop's throughput (its target: p99
# <= 100 ms at half the capacity).
OPEN_SHARE = 0.5


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(url: str, process: subprocess.Popen[bytes], within: float = 120) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < within:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return time.perf_counter() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{url} not ready within {within} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


class Run:
    def __init__(self, scale: Scale, workdir: Path) -> None:
        self.scale = scale
        self.workdir = workdir
        self.pg = EmbeddedPostgres(workdir / "pgdata")
        self.figures: JSON = {}
        self.profile_dir: Path | None = None

    # --- set-up --------------------------------------------------------------------------------

    def start_database(self) -> None:
        self.pg.start()
        asyncio.run(migrate.ensure_database(self.pg.url(), DATABASE))
        migrate.upgrade(self.pg.url(database=DATABASE))
        self.owner_url = self.pg.url(database=DATABASE)
        self.app_url = guarded_writes_app_url(self.pg)
        self.private_pem, self.public_file = guarded_writes.throwaway_issuer(self.workdir)
        self.data_dir = self.workdir / "data"
        self.data_dir.mkdir()

    def start_server(self) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.server = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "bench.server",
                "--port",
                str(self.port),
                "--database-url",
                self.app_url,
                "--issuer-pem",
                str(self.public_file),
                "--data-dir",
                str(self.data_dir),
            ],
            cwd=ROOT,
            # the set-up's dates are the factories' day: a run crossing midnight keeps it
            env={**os.environ, "ILONET_CALENDAR_DATE": factories.TODAY.isoformat()},
        )
        wait_ready(f"{self.base}/readyz", self.server)

    def auth(
        self, org: str, roles: list[str], *, officer_id: str | None = None, sub: str | None = None
    ) -> dict[str, str]:
        token = self.token(org, roles, officer_id=officer_id, sub=sub)
        return {"Authorization": f"Bearer {token}"}

    def token(
        self, org: str, roles: list[str], *, officer_id: str | None = None, sub: str | None = None
    ) -> str:
        return mint_token(
            private_pem=self.private_pem,
            issuer=ISSUER,
            sub=sub or f"bench-{org.lower()}-{'-'.join(roles)}",
            org=org,
            roles=roles,
            officer_id=officer_id,
            ttl_seconds=6 * 3600,
        )

    async def set_up(self) -> None:
        async with httpx.AsyncClient(base_url=self.base, timeout=30) as client:
            self.ilo = await factories.deployed_ilo(client, self.auth)
            self.record = await factories.create_record(client, self.ilo)
            response = await client.post(
                f"/v1/processing-records/{self.record['id']}/transfers",
                json=factories.senegal_transfer(),
                headers=self.ilo.headers,
            )
            if response.status_code != 201:
                raise RuntimeError(f"transfer: {response.status_code} {response.text}")

    async def seed(self) -> None:
        s = self.scale
        print(f"seeding ({s})", file=sys.stderr)
        async with factories.connected(self.owner_url) as conn:
            officer = self.ilo.officer_id
            await clone(
                conn,
                "officer",
                s.officers - 1,
                template=f"SELECT * FROM officer WHERE id = '{officer}'",
                overrides={"id": "gen_random_uuid()"},
            )
            officers = [r[0] for r in await conn.fetch("SELECT id FROM officer")]
            dep = self.ilo.deployment_id
            await clone(
                conn,
                "deployment",
                s.deployments - 1,
                template=f"SELECT * FROM deployment WHERE id = '{dep}'",
                overrides={
                    "id": "gen_random_uuid()",
                    "host_country": "($3::text[])[1 + g % 105]",
                    "officer_id": "($4::uuid[])[1 + g % cardinality($4::uuid[])]",
                },
                args=(list(COUNTRIES), officers),
            )
            history = Progress("deployment_history", 1)
            await conn.execute(
                "INSERT INTO deployment_history (deployment_id, event, status, effective_on,"
                " version, snapshot, actor_sub, decision_id)"
                " SELECT d.id, h.event, h.status, h.effective_on, h.version, h.snapshot,"
                " h.actor_sub, h.decision_id FROM deployment d,"
                f" (SELECT * FROM deployment_history WHERE deployment_id = '{dep}' LIMIT 1) h"
                f" WHERE d.id <> '{dep}'"
            )
            history.advance(1)
            rec = self.record["id"]
            await clone(
                conn,
                "processing_record",
                s.records - 1,
                template=f"SELECT * FROM processing_record WHERE id = '{rec}'",
                overrides={"id": "gen_random_uuid()"},
            )
            await clone(
                conn,
                "processing_record",
                s.expired_records,
                template=f"SELECT * FROM processing_record WHERE id = '{rec}'",
                overrides={"id": "gen_random_uuid()", "retain_until": "current_date - 1"},
                label="expired records",
            )
            await clone(
                conn,
                "transfer",
                s.transfers - 1,
                template="SELECT * FROM transfer",
                overrides={"id": "gen_random_uuid()"},
            )
            existing = int(await conn.fetchval("SELECT count(*) FROM audit_event"))
            await clone(
                conn,
                "audit_event",
                max(0, s.audit_events - existing),
                template="SELECT * FROM audit_event ORDER BY id",
                overrides={"request_id": "'seed-' || g"},
            )
            await conn.execute("ANALYZE")
        # A long-running system has its log sealed: seal the seeded events now, so the load
        # below competes only with sealing what it writes itself.
        settings = settings_for(self.data_dir, self.public_file)
        engine = make_engine(self.app_url, settings=settings)
        try:
            await seal_all(make_sessionmaker(engine))
            # seal_all stops when the seal lock is taken: the server's own sealer may hold it
            # and still be working through the seeded log; the load waits until it is done
            # (else the guarded loop shares the server with sealing 50k events).
            for _ in range(1200):
                if not (await backlogs(engine))[0]:
                    break
                await asyncio.sleep(0.5)
            else:
                raise RuntimeError("the seeded audit log is still not sealed after 10 min")
        finally:
            await engine.dispose()
        # The statistics as autovacuum keeps them on a long-running system: taken after the seal,
        # else the planner believes the seal table as empty as at the ANALYZE above and anti-joins
        # the events with it by a scan per event (the verification's check for an event slipped
        # in behind the sealed part then outlasts the statement timeout).
        async with factories.connected(self.owner_url) as conn:
            await conn.execute("ANALYZE audit_event, audit_seal")

    # --- measurements ----------------------------------------------------------------------

    def load(self) -> None:
        s = self.scale
        token = self.ilo_manager_token()
        body = {"officer_id": self.ilo.officer_id, **guarded_writes.DEPLOYMENT_FIELDS}

        postmaster = self.pg.running_pid()
        for path, name in (("/v1/deployments", "guarded"), (PLAIN_PATH, "plain")):
            # py-spy on the server through both closed loops alike, so that their profiles
            # compare frame by frame
            profiler = self.profile(name) if self.profile_dir else None
            server_cpu, pg_cpu = tree_cpu(self.server.pid), tree_cpu(postmaster)
            figures = loadgen.closed_writes(
                self.base, token, body, path, users=s.users, seconds=s.duration_s
            )
            # CPU per write of the server's process tree and of PostgreSQL's, the loop's whole
            # length (the server's maintenance included: it seals what the writes logged)
            served = max(figures["requests"], 1)
            figures["server_cpu_ms"] = (tree_cpu(self.server.pid) - server_cpu) * 1e3 / served
            figures["postgres_cpu_ms"] = (tree_cpu(postmaster) - pg_cpu) * 1e3 / served
            self.figures[f"closed_{name}"] = figures
            if profiler is not None:
                profiler.wait(timeout=60)
        rate = self.figures["closed_guarded"]["per_s"] * OPEN_SHARE
        open_loop = loadgen.open_writes(self.base, token, body, rate, s.duration_s)
        self.figures["open_guarded"] = open_loop
        self.figures["generator"] = GENERATOR
        self.figures["server_rss_mb"] = psutil.Process(self.server.pid).memory_info().rss / 2**20

    def profile(self, name: str) -> subprocess.Popen[bytes]:
        """py-spy on the server for one load run (raw stacks: `bench/profile_top.py`)."""
        assert self.profile_dir is not None
        self.profile_dir.mkdir(parents=True, exist_ok=True)
        return subprocess.Popen(
            [
                str(Path(PYTHON).parent / "py-spy"),
                "record",
                "--pid",
                str(self.server.pid),
                "--duration",
                str(self.scale.duration_s),
                "--format",
                "raw",
                "--nonblocking",
                "--output",
                str(self.profile_dir / f"{name}.txt"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def ilo_manager_token(self) -> str:
        return self.token(self.ilo.org, ["deploying_authority"], sub="nl-manager")

    async def in_process(self) -> None:
        settings = settings_for(self.data_dir, self.public_file)
        engine = make_engine(self.app_url, settings=settings)
        maker = make_sessionmaker(engine)
        try:
            await self.list_depth(settings)
            await self.read_with_decryption()
            stop(self.server)  # its maintenance would seal and sweep what is measured here
            await self.unsealed_backlog()
            await self.seal_and_verify(maker)
            await self.sweep(maker, settings)
        finally:
            await engine.dispose()
        quick = self.scale.duration_s < 10
        self.figures["service_vs_raw"] = await service_vs_raw(self.workdir, 30 if quick else 300)
        self.figures["decisions"] = decisions(0.5 if quick else 3.0)

    async def unsealed_backlog(self) -> None:
        """Audit events to seal: the server sealed the seeded ones meanwhile, so add a quarter
        of the log again (unsealed) for the sealer to work through."""
        async with factories.connected(self.owner_url) as conn:
            await clone(
                conn,
                "audit_event",
                self.scale.audit_events // 4,
                template="SELECT * FROM audit_event ORDER BY id",
                overrides={"request_id": "'backlog-' || g"},
                label="unsealed events",
            )

    async def seal_and_verify(self, maker: Any) -> None:
        sealed, seal_s, seal_cpu = await seal_all(maker)
        async with maker() as session:
            started, cpu = time.perf_counter(), time.process_time()
            result = await audit.verify(session)
            verify_s, verify_cpu = time.perf_counter() - started, time.process_time() - cpu
            await session.commit()
        self.figures["sealing_per_s"] = sealed / seal_s if sealed else 0.0
        self.figures["sealing_per_cpu_s"] = sealed / seal_cpu if sealed else 0.0
        self.figures["sealed"] = sealed
        self.figures["verification_per_s"] = result.sealed_events / verify_s
        self.figures["verification_per_cpu_s"] = result.sealed_events / max(verify_cpu, 1e-9)
        self.figures["verified"] = result.sealed_events
        self.figures["verification_valid"] = result.valid

    async def list_depth(self, settings: Any) -> None:
        """GET /v1/processing-records at depth 0 and at depth 100k (or the deepest there is)."""
        secret = load_keyring(settings).secret_key
        async with factories.connected(self.owner_url) as conn:
            total = int(await conn.fetchval("SELECT count(*) FROM processing_record"))
            depth = min(100_000, total - 100)
            at = await conn.fetchval(
                "SELECT id FROM processing_record ORDER BY id OFFSET $1 LIMIT 1", depth
            )
        async with httpx.AsyncClient(base_url=self.base, timeout=30) as client:
            first = await client.get("/v1/processing-records?limit=50", headers=self.ilo.headers)
            cursor = first.json()["next_cursor"]
            # the same cursor (bound to this client and list by a digest) at another position
            payload = json.loads(base64.urlsafe_b64decode(cursor.split(".")[0] + "=="))
            raw = json.dumps({**payload, "p": [str(at)]}, separators=(",", ":")).encode()
            deep = f"{base64.urlsafe_b64encode(raw).decode().rstrip('=')}.{_sign(secret, raw)}"

            async def timed(url: str) -> float:
                times = []
                for _ in range(20):
                    started = time.perf_counter()
                    response = await client.get(url, headers=self.ilo.headers)
                    times.append(time.perf_counter() - started)
                    if response.status_code != 200:
                        raise RuntimeError(f"{url}: {response.status_code} {response.text}")
                return statistics.median(times)

            shallow_s = await timed("/v1/processing-records?limit=50")
            deep_s = await timed(f"/v1/processing-records?limit=50&cursor={deep}")
        self.figures["list_depth"] = {
            "depth": depth,
            "depth_0_ms": shallow_s * 1e3,
            "deep_ms": deep_s * 1e3,
            "ratio": deep_s / shallow_s,
        }

    async def read_with_decryption(self) -> None:
        async with httpx.AsyncClient(base_url=self.base, timeout=30) as client:
            url = f"/v1/processing-records/{self.record['id']}"
            times = []
            for _ in range(50):
                started = time.perf_counter()
                response = await client.get(url, headers=self.ilo.headers)
                times.append(time.perf_counter() - started)
                if response.status_code != 200:
                    raise RuntimeError(f"read: {response.status_code}")
        self.figures["read_decrypted_ms"] = statistics.median(times) * 1e3

    async def sweep(self, maker: Any, settings: Any) -> None:
        erased, started = 0, time.perf_counter()
        while True:
            async with maker() as session, session.begin():
                result = await sweep_once(session=session, settings=settings)
            if not result.records_erased:
                break
            erased += result.records_erased
        elapsed = time.perf_counter() - started
        self.figures["sweep_erasures_per_s"] = erased / elapsed if erased else 0.0
        self.figures["swept"] = erased

    def cold_start(self) -> None:
        """One start on a fresh data dir, then one on it again (bench/cold_start.py, which
        gives the timeline and the medians of several starts)."""
        data = self.workdir / "cold"
        fresh = cold_start.start_once(data)
        existing = cold_start.start_once(data)
        self.figures["cold_start_s"] = {"fresh": fresh["ready"], "existing": existing["ready"]}


def tree_cpu(pid: int | None) -> float:
    """CPU seconds of a process and its children, living and ended (reaped) alike."""
    if pid is None:
        return math.nan
    try:
        process = psutil.Process(pid)
        own = process.cpu_times()
        total: float = own.user + own.system + own.children_user + own.children_system
        for child in process.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                times = child.cpu_times()
                total += times.user + times.system
    except psutil.Error:
        return math.nan
    return total


async def seal_all(maker: Any) -> tuple[int, float, float]:
    """Seal until nothing is pending: (events, wall seconds, CPU seconds of this process)."""
    sealed, started, cpu = 0, time.perf_counter(), time.process_time()
    while True:
        async with maker() as session, session.begin():
            done = await audit.seal_pending(session, batch=20_000)
        if not done:
            break
        sealed += done
    return sealed, time.perf_counter() - started, time.process_time() - cpu


def guarded_writes_app_url(pg: EmbeddedPostgres) -> str:
    return str(pg.url(user=APP_DB_ROLE, database=DATABASE))


async def service_vs_raw(workdir: Path, n: int) -> JSON:
    """bench/guarded_writes.py's deployment case: service layer and raw insert, same run."""
    args = argparse.Namespace(n=n, rounds=3, warmup=10, cases=["deployment"])
    own = workdir / "service"
    own.mkdir()
    server = EmbeddedPostgres(own / "pgdata")
    server.start()
    try:
        _, results = await guarded_writes.bench(server, own, args)
    finally:
        server.stop()
    rates = {m.variant.name: m.median for m in results}
    cpu = {m.variant.name: m.cpu_ms for m in results}
    return {
        "rate_limits": guarded_writes.RATE_LIMITS,
        "cpu_ms_per_write": cpu,
        "cpu_ratio": cpu["plain"] / cpu["service"],
        "http_per_s": rates["http"],
        "service_per_s": rates["service"],
        "raw_per_s": rates["plain"],
        "ratio": rates["service"] / rates["plain"],
        # what the law adds alone (the write set's one statement on a connection), when the
        # case has it: the ceiling of service ÷ raw on this stack
        "law_per_s": rates.get("law"),
        "law_ratio": rates["law"] / rates["plain"] if "law" in rates else None,
        "law_cpu_ratio": cpu["plain"] / cpu["law"] if "law" in cpu else None,
    }


def decisions(seconds: float) -> JSON:
    """Decisions per second of wall time (bench/policy_decisions.py) and per CPU second of
    this thread (what one core does; the machine may be shared)."""
    found: JSON = {}
    digest = "bench"
    for case in policy_decisions.cases():
        if case.name.startswith(("deployment.plan allowed", "transfer.record allowed (SN")):
            result = policy_decisions.measure(case, digest, seconds=seconds, repeats=3)
            call = partial(evaluate, case.action, case.facts, reference_digest=digest)
            calls, cpu = 0, time.thread_time()
            while time.thread_time() - cpu < seconds:
                for _ in range(500):
                    call()
                calls += 500
            found[case.name] = {"wall": result.median, "cpu": calls / (time.thread_time() - cpu)}
    return found


def cpu_ms(loop: JSON) -> str:
    """A closed loop's CPU per write: the server's process tree / PostgreSQL's, in ms."""
    server, postgres = loop.get("server_cpu_ms", math.nan), loop.get("postgres_cpu_ms", math.nan)
    return f"{server:.2f} / {postgres:.2f}"


def known(loop: JSON) -> JSON:
    """A loop's figures with its percentiles NaN where no request was answered."""
    return {**loop, **{k: math.nan for k in ("p50_ms", "p99_ms") if loop.get(k) is None}}


def report(figures: JSON, scale_name: str) -> str:
    f = figures
    cg, cp, og = (known(f[k]) for k in ("closed_guarded", "closed_plain", "open_guarded"))
    sv = f["service_vs_raw"]
    dec = f["decisions"]
    none = {"wall": 0.0, "cpu": 0.0}
    dep = next((v for k, v in dec.items() if k.startswith("deployment")), none)
    tra = next((v for k, v in dec.items() if k.startswith("transfer")), none)
    ld = f["list_depth"]
    law = {"ratio": sv.get("law_ratio") or math.nan, "cpu": sv.get("law_cpu_ratio") or math.nan}
    cs = f.get("cold_start_s", {"fresh": float("nan"), "existing": float("nan")})
    rows: list[tuple[str, str, str, str]] = [
        (
            "guarded ÷ plain route, closed loop",
            f"{cg['per_s']:.0f} / {cp['per_s']:.0f} writes/s, gen. CPU "
            f"{cg['generator_cpu']:.0%} / {cp['generator_cpu']:.0%}",
            f"{cg['per_s'] / max(cp['per_s'], 1e-9):.2f}",
            "≥ 0.95",
        ),
        (
            "p99 guarded ÷ plain, closed loop",
            f"{cg['p99_ms']:.0f} / {cp['p99_ms']:.0f} ms",
            f"{cg['p99_ms'] / max(cp['p99_ms'], 1e-9):.2f}",
            "≤ 1.1",
        ),
        (
            "CPU per write guarded / plain",
            "server / PostgreSQL, ms",
            f"{cpu_ms(cg)} ; {cpu_ms(cp)}",
            "",
        ),
        (
            "guarded p99, open loop",
            f"{og['offered_per_s']:.0f}/s offered, {og['per_s']:.0f} served, "
            f"gen. CPU {og['generator_cpu']:.0%}",
            f"{og['p99_ms']:.0f} ms ({og['failures']} failed)",
            "≤ 100 ms",
        ),
        (
            "service layer ÷ raw insert",
            f"{sv['service_per_s']:.0f} / {sv['raw_per_s']:.0f} /s",
            f"{sv['ratio']:.2f} (CPU: {sv['cpu_ratio']:.2f})",
            "≥ 0.6",
        ),
        (
            "  the law's write set alone ÷ raw",
            f"{sv.get('law_per_s') or math.nan:.0f} / {sv['raw_per_s']:.0f} /s",
            f"{law['ratio']:.2f} (CPU: {law['cpu']:.2f})",
            "",
        ),
        (
            "decisions/s transfer / deployment",
            f"wall {tra['wall']:,.0f} / {dep['wall']:,.0f}",
            f"{tra['cpu']:,.0f} / {dep['cpu']:,.0f} per CPU s",
            "≥ 50k / 100k",
        ),
        (
            "audit verification",
            f"{f['verified']:,} events, wall {f['verification_per_s']:,.0f}/s",
            f"{f['verification_per_cpu_s']:,.0f} per CPU s",
            "≥ 200k/s",
        ),
        (
            "audit sealing",
            f"{f['sealed']:,} events, wall {f['sealing_per_s']:,.0f}/s",
            f"{f['sealing_per_cpu_s']:,.0f} per CPU s",
            f"≥ 10 × {cg['per_s']:.0f}",
        ),
        (
            f"list page depth {ld['depth']:,} ÷ 0",
            f"{ld['deep_ms']:.1f} / {ld['depth_0_ms']:.1f} ms",
            f"{ld['ratio']:.2f}",
            "≤ 1.3",
        ),
        (
            "cold start fresh / existing",
            "ilonet serve → /readyz",
            f"{cs['fresh']:.2f} / {cs['existing']:.2f} s",
            "≤ 3 / ≤ 1.5 s",
        ),
        ("read one record (decrypt)", "median, sequential", f"{f['read_decrypted_ms']:.1f} ms", ""),
        ("retention sweep", f"{f['swept']:,} erased", f"{f['sweep_erasures_per_s']:,.0f}/s", ""),
        ("server RSS (one worker)", "after the load", f"{f['server_rss_mb']:.0f} MB", ""),
    ]
    head = (
        f"ILONet harness, scale {scale_name}; {platform.python_version()}, "
        f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}"
    )
    width = max(len(r[0]) for r in rows)
    limits = (
        "rate limits: the server's routes off (rate_limit_*_per_minute=0, bench/server.py); "
        f"the in-process app of service ÷ raw: {sv.get('rate_limits', '?')}"
    )
    placed = f.get("placement", {}).get("described", "not recorded")
    loops = (
        f"loads: {f.get('generator', '?')} in the harness's process; closed loops of "
        f"{SCALES[scale_name].users} users, {cg['requests']:,} / {cp['requests']:,} requests, "
        f"{cg['failures']} / {cp['failures']} not answered as expected; {placed}"
    )
    lines = [
        head,
        loops,
        limits,
        f"{'figure':<{width}}  {'measured':<40}  {'value':<26}  target",
    ]
    lines += [f"{a:<{width}}  {b:<40}  {c:<26}  {d}" for a, b, c, d in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.harness", description=__doc__)
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument("--skip-cold-start", action="store_true")
    parser.add_argument(
        "--profile",
        type=Path,
        default=None,
        help="py-spy the server through the guarded and the plain closed loops into this folder",
    )
    placement.add_arguments(parser)
    args = parser.parse_args(argv)
    placed = placement.from_arguments(args)
    every_cpu = os.sched_getaffinity(0)
    workdir = Path(tempfile.mkdtemp(prefix="ilonet-harness-"))
    run = Run(SCALES[args.scale], workdir)
    run.profile_dir = args.profile

    def start() -> None:
        found = placement.start(run, placed)
        found["split"] = placed.split
        found["described"] = placed.describe(found["pg_processes"], found["server_processes"])
        run.figures["placement"] = found

    def load() -> None:
        run.load()
        # the steps after the loads run as they did before the loads were placed: the harness,
        # the server and PostgreSQL on every CPU
        placement.release(run, every_cpu)

    steps: list[tuple[str, Callable[[], object]]] = [
        ("database and server", start),
        ("set-up", lambda: asyncio.run(run.set_up())),
        ("seed", lambda: asyncio.run(run.seed())),
        ("load", load),
        ("in process", lambda: asyncio.run(run.in_process())),
    ]
    if not args.skip_cold_start:
        steps.append(("cold start", run.cold_start))
    try:
        for name, step in steps:
            started = time.perf_counter()
            print(f"[{name}]", file=sys.stderr, flush=True)
            step()
            print(f"[{name}] {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    finally:
        if hasattr(run, "server"):
            stop(run.server)
        run.pg.stop()
    print(report(run.figures, args.scale))
    if args.json:
        args.json.write_text(json.dumps(run.figures, indent=2, default=str))
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
