"""Guarded writes per second against a plain INSERT, on one embedded PostgreSQL.

    python -m bench.guarded_writes [--n 500] [--rounds 3] [--warmup 25]
                                   [--cases deployment,processing_record] [--json]

The run starts its own embedded PostgreSQL in a temporary directory, creates a database,
migrates it, builds the app as `ilonet serve` would (application role, production engine
settings) and trusts a throwaway RSA issuer key, exactly as tests/conftest.py does. Then, per
case, it times `--n` sequential writes for each variant, in `--rounds` interleaved rounds:

- http:    the full app (httpx.ASGITransport, real JWT, routing, validation, session per request,
           policy decision, Writer: row (+ history) + audit event + outbox event, commit, render);
- service: the same use case without HTTP (Writer + service function, commit per write);
- law:     (deployment) what the law adds alone: the row, its history entry, audit event and
           change-feed event in the Writer's one statement, on a connection (no session,
           decision or ORM instance), one transaction per write;
- plain:   the baseline, a Core INSERT of the same row shape, one transaction per insert, on
           the same engine.

The app's rate limiter stays on, its buckets sized so that no run can empty them
(`RATE_LIMIT_PER_MINUTE`; the output says so): with the default limits a quiet machine writes
faster than 600 a minute and the http variant met 429.

Cases (all by default): deployment (POST /v1/deployments) and processing_record
(POST /v1/processing-records: decision, active-deployment lookup, AES-GCM sealing of the subject
data; its plain insert reuses the sealed bytes of one real record instead of encrypting).

Writes/s is n / elapsed per round (median and range of the rounds); latency percentiles pool
the rounds; "÷ plain" is a variant's median writes/s over the plain insert's.

Adding a case: write one `async def <name>_case(h: Harness) -> Case` that does its set-up
through the API and returns its variants, and list it in CASES (see the note above CASES).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import asyncpg
import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI
from sqlalchemy import Table, event, insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.config import APP_DB_ROLE, Settings, TrustedIssuer
from app.db import migrate, write_set
from app.db.audit import event_values
from app.db.embedded import EmbeddedPostgres
from app.db.engine import make_engine, make_sessionmaker
from app.db.writer import Writer
from app.keyring import Keyring
from app.main import create_app
from app.models import (
    AuditEvent,
    Deployment,
    DeploymentHistory,
    Officer,
    OutboxEvent,
    ProcessingRecord,
)
from app.schemas.deployment import DeploymentCreate
from app.schemas.processing_record import ProcessingRecordCreate
from app.security import Principal, verify_token
from app.services.deployment import NOTIFICATION_FIELDS, PLAN
from app.services.guarded import Context
from app.services.processing_record import CREATE
from app.tokens import mint_token, public_pem
from bench.policy_decisions import environment

ISSUER = "https://idp.bench.ilonet.example"
DATABASE = "ilonet_bench"
# The in-process app keeps its rate limiter on (its cost per request is part of what is
# measured) with buckets no run can empty: a whole run writes far fewer than this per minute, so
# a fast machine never meets a 429. Said in the output with the figures.
RATE_LIMIT_PER_MINUTE = 1_000_000
RATE_LIMITS = (
    f"rate limiter on, {RATE_LIMIT_PER_MINUTE:,} requests/min per client and per organisation "
    "(never binding in a run)"
)

JSON = dict[str, Any]
Write = Callable[[int], Awaitable[None]]  # performs write number i


# --- the harness: one server, one database, one app ------------------------------------------


@dataclass
class Harness:
    """What every case gets: the app behind an HTTP client, its engine, and token minting."""

    settings: Settings
    private_pem: bytes
    client: httpx.AsyncClient
    engine: AsyncEngine  # the application role's engine, shared by every variant
    sessionmaker: async_sessionmaker[AsyncSession]
    keyring: Keyring  # the app's own (app.state.keyring), for service-layer sealing

    def token(self, org: str, roles: list[str], *, officer_id: str | None = None) -> str:
        return mint_token(
            private_pem=self.private_pem,
            issuer=ISSUER,
            sub=f"bench-{org.lower()}-{'-'.join(roles)}",
            org=org,
            roles=roles,
            officer_id=officer_id,
            ttl_seconds=6 * 3600,
        )

    def principal(self, token: str) -> Principal:
        """The Principal the app derives from the token (for the service-layer variant)."""
        return verify_token(token, self.settings)

    async def created(self, path: str, body: JSON, token: str) -> JSON:
        """POST a set-up resource through the API; fail loudly unless it is created."""
        response = await self.client.post(path, json=body, headers=bearer(token))
        if response.status_code != 201:
            raise RuntimeError(f"set-up POST {path}: {response.status_code} {response.text}")
        created: JSON = response.json()
        return created


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def throwaway_issuer(directory: Path) -> tuple[bytes, Path]:
    """A fresh RSA key: the private PEM to sign with, and the public PEM file the app trusts."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public_file = directory / "issuer.pub.pem"
    public_file.write_bytes(public_pem(private_pem))
    return private_pem, public_file


# --- cases ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Variant:
    name: str  # http | service | plain
    label: str
    write: Write


@dataclass(frozen=True, slots=True)
class Case:
    """One resource: its guarded variants and the plain insert they are compared with."""

    name: str
    guarded: tuple[Variant, ...]
    plain: Variant

    @property
    def variants(self) -> tuple[Variant, ...]:
        return (*self.guarded, self.plain)


def plain_insert(engine: AsyncEngine, table: Table, row: Callable[[], JSON]) -> Write:
    """The baseline: one Core INSERT of `row()` in its own transaction.

    Core on a connection, not the ORM session: app/db/guard.py refuses ORM inserts that do not
    come from the Writer, and this is deliberately the unguarded path.
    """
    statement = insert(table)

    async def write(i: int) -> None:
        async with engine.begin() as connection:
            await connection.execute(statement, row())

    return write


def http_post(client: httpx.AsyncClient, path: str, body: JSON, token: str) -> Write:
    """A guarded write through the whole app; anything but 201 stops the benchmark."""
    headers = bearer(token)

    async def write(i: int) -> None:
        response = await client.post(path, json=body, headers=headers)
        if response.status_code != 201:
            raise RuntimeError(f"POST {path} #{i}: {response.status_code} {response.text}")

    return write


DEPLOYMENT_FIELDS: JSON = {
    "posting_type": "member_state_mission",
    "host_country": "SN",
    "city": "Dakar",
    "region_countries": ["GM", "ML", "MR"],
    "topics": ["b_migration_flows", "c_routes", "i_return_readmission"],
    "tasks": ["return"],
    "starts_on": "2026-09-01",
    "ends_on": "2029-08-31",
}


async def deployment_case(h: Harness) -> Case:
    """POST /v1/deployments (deployment.plan) against INSERT INTO deployment."""
    token = h.token("NL", ["deploying_authority"])
    authority = await h.created(
        "/v1/authorities",
        {"organisation": "NL", "name": "IND", "authority_kind": "immigration"},
        token,
    )
    officer = await h.created(
        "/v1/officers",
        {
            "authority_id": authority["id"],
            "surname": "Jansen",
            "given_names": "Eva",
            "expertise": ["c_routes"],
            "contact": {"phone": "+31 6 1234 5678", "email": "eva@example.nl"},
        },
        token,
    )
    body = {"officer_id": officer["id"], **DEPLOYMENT_FIELDS}
    model = DeploymentCreate.model_validate(body)
    principal = h.principal(token)

    async def service(i: int) -> None:
        async with h.sessionmaker() as session:
            writer = Writer(session, principal, request_id=uuid.uuid4().hex)
            context = Context(writer, h.settings, h.keyring, lock=True)
            await context.perform(PLAN, None, model)
            await session.commit()

    officer_id = uuid.UUID(officer["id"])
    starts_on = date.fromisoformat(DEPLOYMENT_FIELDS["starts_on"])
    ends_on = date.fromisoformat(DEPLOYMENT_FIELDS["ends_on"])

    def row() -> JSON:
        # The columns and values the guarded path stores (server defaults for the timestamps).
        return {
            "id": uuid.uuid4(),
            "officer_id": officer_id,
            "organisation": officer["organisation"],
            "posting_type": DEPLOYMENT_FIELDS["posting_type"],
            "host_country": DEPLOYMENT_FIELDS["host_country"],
            "city": DEPLOYMENT_FIELDS["city"],
            "region_countries": DEPLOYMENT_FIELDS["region_countries"],
            "topics": DEPLOYMENT_FIELDS["topics"],
            "tasks": DEPLOYMENT_FIELDS["tasks"],
            "starts_on": starts_on,
            "ends_on": ends_on,
            "represented_member_states": [],
            "representation_agreement_reference": None,
            "shared_tasks": [],
            "co_deploying_member_states": [],
            "status": "planned",
            "deployed_on": None,
            "ended_on": None,
            "cancelled_on": None,
            "version": 1,
        }

    return Case(
        name="deployment",
        guarded=(
            Variant(
                "http", "POST /v1/deployments", http_post(h.client, "/v1/deployments", body, token)
            ),
            Variant("service", "Writer.perform(deployment.plan)", service),
            Variant(
                "law",
                "the write set alone: row + history + audit + outbox",
                law_alone(h.engine, principal, row),
            ),
        ),
        plain=Variant(
            "plain",
            "INSERT INTO deployment",
            plain_insert(h.engine, cast(Table, Deployment.__table__), row),
        ),
    )


def law_alone(engine: AsyncEngine, principal: Principal, row: Callable[[], JSON]) -> Write:
    """What the law adds to the plain insert and nothing else: the deployment row with its
    history entry, audit event and change-feed event, in the Writer's one statement
    (app/db/write_set.py, conditional on the officer as a plan is), one transaction per write on
    a connection: no session, no decision, no ORM instance. The values are the guarded path's
    (a decision id and the rules that passed stand in as fixed strings)."""
    officer = cast(Table, Officer.__table__)

    async def write(i: int) -> None:
        values = row()
        resource_id = str(values["id"])
        state = {k: values[k] for k in NOTIFICATION_FIELDS}
        snapshot = {
            **{k: v.isoformat() if isinstance(v, date) else v for k, v in state.items()},
            "status": "planned",
        }
        history = {
            "deployment_id": values["id"],
            "event": "planned",
            "status": "planned",
            "effective_on": values["starts_on"],
            "version": 1,
            "snapshot": snapshot,
            "actor_sub": principal.sub,
            "decision_id": "dec-bench",
        }
        audit = event_values(
            actor=principal.audit_actor(),
            organisation=principal.org,
            action="deployment.planned",
            outcome="allowed",
            resource_type="deployment",
            resource_id=resource_id,
            request_id=uuid.uuid4().hex,
            decision_id="dec-bench",
            policy_version="bench",
            rules=["ACL-ORG", "ILO-4.1"],
            details={
                "subject_organisation": principal.org,
                "authorised_action": "deployment.plan",
            },
        )
        outbox = {
            "type": "deployment.planned",
            "resource_type": "deployment",
            "resource_id": resource_id,
            "organisation": principal.org,
            "visibility": "network",
        }
        statement, params = write_set.statement_for(
            [
                (cast(Table, Deployment.__table__), values),
                (cast(Table, DeploymentHistory.__table__), history),
                (cast(Table, AuditEvent.__table__), audit),
                (cast(Table, OutboxEvent.__table__), outbox),
            ],
            returning=True,
            requires=(officer, {"id": values["officer_id"], "organisation": principal.org}),
        )
        async with engine.begin() as connection:
            result = await connection.execute(statement, params)
            result.mappings().one()

    return write


def utc_today() -> date:
    """The date the services check deployments and retention against (UTC)."""
    return datetime.now(UTC).date()


# An identification for return (Art. 10(3)(a)) under a return decision; invented values.
SUBJECT_DATA: JSON = {
    "surname": "Ndiaye",
    "given_names": "Moussa",
    "date_of_birth": "1991-04-12",
    "place_of_birth": "Kaolack",
    "sex": "M",
    "nationality": "SN",
    "travel_document": {
        "type": "passport",
        "number": "A01234567",
        "issuing_country": "SN",
        "expires_on": "2029-03-01",
    },
}


async def processing_record_case(h: Harness) -> Case:
    """POST /v1/processing-records (processing_record.create) against INSERT INTO
    processing_record.

    Set-up through the API: an authority, an officer, a deployment covering today moved to
    "deployed", and an ILO token (role ilo, officer_id claim) for that officer. The plain insert
    copies every column of one real record written through the API (its ciphertext and wrapped
    data key included, so the row is the same size), with a fresh id: it does not encrypt.
    """
    today = utc_today()
    manager = h.token("NL", ["deploying_authority"])
    authority = await h.created(
        "/v1/authorities",
        {"organisation": "NL", "name": "DT&V", "authority_kind": "immigration"},
        manager,
    )
    officer = await h.created(
        "/v1/officers",
        {
            "authority_id": authority["id"],
            "surname": "de Vries",
            "given_names": "Sanne",
            "expertise": ["i_return_readmission"],
            "contact": {"phone": "+31 6 8765 4321", "email": "sanne@example.nl"},
        },
        manager,
    )
    deployment = await h.created(
        "/v1/deployments",
        {
            "officer_id": officer["id"],
            "posting_type": "member_state_mission",
            "host_country": "SN",
            "city": "Dakar",
            "tasks": ["return"],
            "starts_on": (today - timedelta(days=60)).isoformat(),
            "ends_on": (today + timedelta(days=400)).isoformat(),
        },
        manager,
    )
    moved = await h.client.post(
        f"/v1/deployments/{deployment['id']}/transitions",
        json={"to": "deployed", "on": (today - timedelta(days=60)).isoformat()},
        headers={**bearer(manager), "If-Match": '"v1"'},
    )
    if moved.status_code != 200 or moved.json()["status"] != "deployed":
        raise RuntimeError(f"set-up transition to deployed: {moved.status_code} {moved.text}")

    ilo = h.token("NL", ["ilo"], officer_id=officer["id"])
    body: JSON = {
        "officer_id": officer["id"],
        "purpose": "return",
        "data_categories": ["a_return_identity"],
        "data_subject_category": "returnee",
        "subject_data": SUBJECT_DATA,
        "protection_status": "return_decision",
        "necessity_justification": "Nationality must be confirmed for the return decision.",
        "retain_until": (today + timedelta(days=180)).isoformat(),
    }
    model = ProcessingRecordCreate.model_validate(body)
    principal = h.principal(ilo)

    async def service(i: int) -> None:
        async with h.sessionmaker() as session:
            writer = Writer(session, principal, request_id=uuid.uuid4().hex)
            context = Context(writer, h.settings, h.keyring, lock=True)
            await context.perform(CREATE, None, model)
            await session.commit()

    # One real record, written through the API; its stored row is the plain insert's template.
    sample = await h.created("/v1/processing-records", body, ilo)
    records = cast(Table, ProcessingRecord.__table__)
    async with h.engine.connect() as connection:
        stored = (
            (await connection.execute(select(records).where(records.c.id == sample["id"])))
            .mappings()
            .one()
        )
    if stored["ciphertext"] is None or stored["wrapped_key"] is None:
        raise RuntimeError("set-up record has no sealed payload")
    # Server defaults (created_at, updated_at) are left to the server, as on the guarded path.
    template = {k: v for k, v in stored.items() if k not in ("id", "created_at", "updated_at")}

    def row() -> JSON:
        return {**template, "id": uuid.uuid4()}

    return Case(
        name="processing_record",
        guarded=(
            Variant(
                "http",
                "POST /v1/processing-records",
                http_post(h.client, "/v1/processing-records", body, ilo),
            ),
            Variant("service", "Writer.perform(processing_record.create)", service),
        ),
        plain=Variant(
            "plain",
            "INSERT INTO processing_record",
            plain_insert(h.engine, records, row),
        ),
    )


CaseBuilder = Callable[[Harness], Awaitable[Case]]

# Extension point. A case is one builder (set-up through the API, then its variants) and one
# line here; `--cases` defaults to all of them, in this order.
CASES: dict[str, CaseBuilder] = {
    "deployment": deployment_case,
    "processing_record": processing_record_case,
}


# --- timing -----------------------------------------------------------------------------------


@dataclass
class Measured:
    case: str
    variant: Variant
    rates: list[float] = field(default_factory=list)  # writes/s per round
    latencies: list[float] = field(default_factory=list)  # seconds per write, all rounds
    statements: int = 0  # SQL statements one write sends
    # CPU seconds of this process (app and client; not PostgreSQL's) per write, per round
    cpu: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.rates)

    @property
    def cpu_ms(self) -> float:
        """Median CPU milliseconds of this process per write: on a busy machine, what the
        write costs rather than how long it waited for a core."""
        return 1000 * statistics.median(self.cpu) if self.cpu else float("nan")

    def percentile_ms(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def timed(write: Write, n: int, start_index: int) -> tuple[float, list[float]]:
    """n sequential writes: (elapsed seconds, latency of each)."""
    latencies: list[float] = []
    clock = time.perf_counter
    begin = clock()
    for i in range(start_index, start_index + n):
        before = clock()
        await write(i)
        latencies.append(clock() - before)
    return clock() - begin, latencies


async def count_statements(engine: AsyncEngine, write: Write, index: int) -> int:
    """The SQL statements one write sends (BEGIN/COMMIT and pool pings not included)."""
    seen: list[str] = []

    def listener(*args: object) -> None:
        seen.append(str(args[2]))

    event.listen(engine.sync_engine, "before_cursor_execute", listener)
    try:
        await write(index)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", listener)
    return len(seen)


async def measure(h: Harness, case: Case, *, n: int, rounds: int, warmup: int) -> list[Measured]:
    results = [Measured(case.name, v) for v in case.variants]
    index = 0
    for m in results:
        m.statements = await count_statements(h.engine, m.variant.write, index)
        index += 1
        for _ in range(warmup):
            await m.variant.write(index)
            index += 1
    for _ in range(rounds):
        # Interleaved, so that drift (a neighbour on the shared machine, table growth) is spread.
        for m in results:
            cpu = time.process_time()
            elapsed, latencies = await timed(m.variant.write, n, index)
            m.cpu.append((time.process_time() - cpu) / n)
            index += n
            m.rates.append(n / elapsed)
            m.latencies.extend(latencies)
    return results


# --- the run ----------------------------------------------------------------------------------


async def admin(server: EmbeddedPostgres, sql: str) -> None:
    connection = await asyncpg.connect(server.url())
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


async def server_facts(engine: AsyncEngine) -> JSON:
    names = ("server_version", "fsync", "synchronous_commit", "shared_buffers")
    async with engine.connect() as connection:
        return {
            name: (await connection.execute(text(f"SHOW {name}"))).scalar_one() for name in names
        }


async def bench(
    server: EmbeddedPostgres, workdir: Path, args: argparse.Namespace
) -> tuple[JSON, list[Measured]]:
    await admin(server, f'CREATE DATABASE "{DATABASE}"')
    await asyncio.to_thread(migrate.upgrade, server.url(database=DATABASE))
    private_pem, public_file = throwaway_issuer(workdir)
    settings = Settings(
        env="test",
        data_dir=workdir / "data",
        rate_limit_client_per_minute=RATE_LIMIT_PER_MINUTE,
        rate_limit_org_per_minute=RATE_LIMIT_PER_MINUTE,
        trusted_issuers=[
            TrustedIssuer(
                issuer=ISSUER,
                algorithms=["RS256"],
                pem_file=public_file,
                organisations=["NL"],
                max_token_lifetime_seconds=6 * 3600,
            )
        ],
    )
    app: FastAPI = create_app(settings)
    # The production engine and session factory, on the application role (as `serve` does).
    engine = make_engine(server.url(user=APP_DB_ROLE, database=DATABASE))
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            h = Harness(
                settings, private_pem, client, engine, app.state.sessionmaker, app.state.keyring
            )
            facts = await server_facts(engine)
            results: list[Measured] = []
            for name in args.cases:
                case = await CASES[name](h)
                results.extend(
                    await measure(h, case, n=args.n, rounds=args.rounds, warmup=args.warmup)
                )
            return facts, results
    finally:
        await engine.dispose()


def table(results: Sequence[Measured]) -> str:
    plain = {m.case: m.median for m in results if m.variant.name == "plain"}
    plain_cpu = {m.case: m.cpu_ms for m in results if m.variant.name == "plain"}
    head = (
        "case",
        "variant",
        "writes/s median",
        "min",
        "max",
        "p50 ms",
        "p95 ms",
        "SQL/write",
        "÷ plain",
        "CPU ms/write",
        "plain ÷ CPU",
    )
    rows = [
        (
            m.case,
            f"{m.variant.name}: {m.variant.label}",
            f"{m.median:,.0f}",
            f"{min(m.rates):,.0f}",
            f"{max(m.rates):,.0f}",
            f"{m.percentile_ms(50):.2f}",
            f"{m.percentile_ms(95):.2f}",
            str(m.statements),
            f"{m.median / plain[m.case]:.2f}",
            f"{m.cpu_ms:.2f}",
            f"{plain_cpu[m.case] / m.cpu_ms:.2f}",
        )
        for m in results
    ]
    widths = [max(len(row[i]) for row in (head, *rows)) for i in range(len(head))]
    lines = [
        "  ".join(c.ljust(widths[i]) if i < 2 else c.rjust(widths[i]) for i, c in enumerate(row))
        for row in (head, *rows)
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


def as_dict(results: Sequence[Measured]) -> list[JSON]:
    plain = {m.case: m.median for m in results if m.variant.name == "plain"}
    plain_cpu = {m.case: m.cpu_ms for m in results if m.variant.name == "plain"}
    return [
        {
            "case": m.case,
            "variant": m.variant.name,
            "label": m.variant.label,
            "writes_per_s_median": round(m.median, 1),
            "writes_per_s_min": round(min(m.rates), 1),
            "writes_per_s_max": round(max(m.rates), 1),
            "rounds": [round(r, 1) for r in m.rates],
            "latency_ms_p50": round(m.percentile_ms(50), 3),
            "latency_ms_p95": round(m.percentile_ms(95), 3),
            "sql_statements_per_write": m.statements,
            "ratio_to_plain": round(m.median / plain[m.case], 4),
            "cpu_ms_per_write": round(m.cpu_ms, 3),
            "cpu_ratio_plain_over_variant": round(plain_cpu[m.case] / m.cpu_ms, 4),
        }
        for m in results
    ]


def case_names(value: str) -> list[str]:
    """`--cases` accepts `a,b` as well as `a b`."""
    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in CASES]
    if not names or unknown:
        raise argparse.ArgumentTypeError(
            f"unknown case {', '.join(unknown) or repr(value)}; choose from {', '.join(CASES)}"
        )
    return names


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.guarded_writes", description=__doc__)
    parser.add_argument("--n", type=int, default=500, help="sequential writes per variant/round")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds")
    parser.add_argument("--warmup", type=int, default=25, help="untimed writes per variant")
    parser.add_argument(
        "--cases",
        nargs="+",
        type=case_names,
        default=[list(CASES)],
        metavar="CASE[,CASE]",
        help=f"cases to run, comma- or space-separated (default: {','.join(CASES)})",
    )
    parser.add_argument("--json", action="store_true", help="also print one JSON line")
    args = parser.parse_args(argv)
    args.cases = list(dict.fromkeys(name for names in args.cases for name in names))
    if args.n < 1 or args.rounds < 1 or args.warmup < 0:
        parser.error("--n and --rounds must be at least 1, --warmup at least 0")

    workdir = Path(tempfile.mkdtemp(prefix="ilonet-bench-"))
    server = EmbeddedPostgres(workdir / "pgdata")
    try:
        server.start()
        facts, results = asyncio.run(bench(server, workdir, args))
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    env = environment()
    print(
        f"guarded writes: {args.n} sequential writes per variant x {args.rounds} interleaved "
        f"rounds after {args.warmup} warm-up; PostgreSQL {facts['server_version']} embedded "
        f"(fsync={facts['fsync']}, synchronous_commit={facts['synchronous_commit']}); "
        f"Python {env['python']}, nproc {env['nproc_available']}, {env['date']}; {RATE_LIMITS}"
    )
    print(table(results))
    if args.json:
        document = {
            "benchmark": "guarded_writes",
            **env,
            "postgres": facts,
            "n": args.n,
            "rounds": args.rounds,
            "warmup": args.warmup,
            "rate_limits": RATE_LIMITS,
            "results": as_dict(results),
        }
        print(json.dumps(document, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
