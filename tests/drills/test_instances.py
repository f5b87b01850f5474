"""Scale-out drill: three `ilonet serve` processes on one PostgreSQL, started together.

They migrate under one advisory lock (none fails, the schema ends at head once), then prove
that nothing depends on which instance a request reaches: one Idempotency-Key sent to two
instances at once creates one row, two updates with one ETag have exactly one winner, the
retention sweep, webhook delivery and audit sealing handle each item once, the audit chain
verifies afterwards, and a reference-data change made through one instance decides the next
transfer on every other.

The three instances are started once for the module's tests on them (`cluster`; a run on several
workers hands out the module as a whole, see tests/schedule.py): each of those tests acts on rows
of its own, and only the last asks about the adequacy decision it ends.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from threading import Thread
from typing import Any

import asyncpg
import httpx
import psutil
import pytest

from app.db import migrate
from tests import factories
from tests.drills.harness import Sandbox, Server, client_limits, free_port, sandbox
from tests.factories import Auth, create_record, days, deployed_ilo, senegal_transfer

pytestmark = pytest.mark.drill

INSTANCES = 3
SWITZERLAND = "2000/518"  # covers public authorities under the GDPR


@dataclass
class Cluster:
    box: Sandbox
    servers: list[Server]
    clients: list[httpx.AsyncClient]
    auth: Auth

    @property
    def owner_url(self) -> str:
        return self.box.owner_url()

    async def fetch(self, sql: str, *args: object) -> list[asyncpg.Record]:
        connection = await asyncpg.connect(self.owner_url)
        try:
            return list(await connection.fetch(sql, *args))
        finally:
            await connection.close()

    async def execute(self, sql: str, *args: object) -> None:
        connection = await asyncpg.connect(self.owner_url)
        try:
            await connection.execute(sql, *args)
        finally:
            await connection.close()


@dataclass
class Receiver:
    """A webhook receiver on 127.0.0.1 that records the id of every delivery it gets."""

    port: int
    ids: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"


@pytest.fixture
def receiver() -> Any:
    port = free_port()
    box = Receiver(port)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", "0"))
            self.rfile.read(length)
            box.ids.append(self.headers.get("webhook-id", ""))
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield box
    finally:
        server.shutdown()
        server.server_close()


async def empty_database(box: Sandbox) -> None:
    """Start the sandbox's PostgreSQL (the seed's, initdb done) with the app's database empty,
    as a first start leaves it before any migration: dropped and made again."""
    database = box.database
    database.start()
    connection = await asyncpg.connect(database.url())
    try:
        await connection.execute('DROP DATABASE IF EXISTS "ilonet"')
    finally:
        await connection.close()
    await migrate.ensure_database(database.url(), "ilonet")


@pytest.fixture(scope="module")
def cluster_box() -> Iterator[Sandbox]:
    with sandbox() as b:
        yield b


@pytest.fixture(scope="module")
async def cluster(cluster_box: Sandbox) -> AsyncIterator[Cluster]:
    box = cluster_box
    # instances started together on an empty database
    await empty_database(box)
    env = {
        **box.load_env(),
        "DATABASE_URL": box.owner_url(),
        "ILONET_SWEEP_INTERVAL_SECONDS": "1",
        "ILONET_WEBHOOK_INTERVAL_SECONDS": "1",
        "ILONET_WEBHOOK_ALLOWED_NETWORKS": json.dumps(["127.0.0.1/32"]),
    }
    # Started together on an empty database: each one migrates, under the migration lock.
    servers = [box.serve(env=env, args=["--migrate"]) for _ in range(INSTANCES)]
    for server in servers:
        box.wait_ready(server)
    clients = [
        httpx.AsyncClient(base_url=s.base_url, timeout=30, limits=client_limits()) for s in servers
    ]
    try:
        yield Cluster(box, servers, clients, box.auth())
    finally:
        for client in clients:
            await client.aclose()


async def test_instances_started_together_migrate_once_and_serve_one_schema(
    cluster: Cluster,
) -> None:
    versions = await cluster.fetch("SELECT version_num FROM alembic_version")
    assert [row["version_num"] for row in versions] == [migrate.head_revision()]
    for server in cluster.servers:
        assert server.process.poll() is None, server.log()
        assert "Traceback" not in server.log()
    ready = [(await client.get("/readyz")).json() for client in cluster.clients]
    assert {r["migration"] for r in ready} == {migrate.head_revision()}


async def test_one_idempotency_key_sent_to_two_instances_creates_one_row(
    cluster: Cluster,
) -> None:
    headers = {**cluster.auth(), "Idempotency-Key": str(uuid.uuid4())}
    body = factories.authority_body(name=f"Concurrent {uuid.uuid4().hex[:8]}")
    first, second = await asyncio.gather(
        *(c.post("/v1/authorities", json=body, headers=headers) for c in cluster.clients[:2])
    )
    statuses = sorted([first.status_code, second.status_code])
    # Both answered with the one row, or the later one saw the first still running (409).
    assert statuses in ([201, 201], [201, 409]), (first.text, second.text)
    created = first if first.status_code == 201 else second
    rows = await cluster.fetch("SELECT id FROM authority WHERE name = $1", body["name"])
    assert [str(row["id"]) for row in rows] == [created.json()["id"]]
    # A retry after both have finished, on the third instance, replays the same row.
    retry = await cluster.clients[2].post("/v1/authorities", json=body, headers=headers)
    assert retry.status_code == 201
    assert retry.json()["id"] == created.json()["id"]
    assert len(await cluster.fetch("SELECT id FROM authority WHERE name = $1", body["name"])) == 1


async def test_one_etag_sent_to_two_instances_has_exactly_one_winner(cluster: Cluster) -> None:
    client = cluster.clients[0]
    ilo = await deployed_ilo(client, cluster.auth)
    path = f"/v1/officers/{ilo.officer_id}"
    etag = (await client.get(path, headers=cluster.auth())).headers["etag"]
    answers = await asyncio.gather(
        *(
            c.patch(path, json={"surname": name}, headers={**cluster.auth(), "If-Match": etag})
            for c, name in zip(cluster.clients[1:], ("Visser", "Bakker"), strict=True)
        )
    )
    assert sorted(a.status_code for a in answers) == [200, 412], [a.text for a in answers]
    winner = next(a for a in answers if a.status_code == 200).json()
    loser = next(a for a in answers if a.status_code == 412).json()
    assert loser["type"].endswith("/precondition-failed")
    rows = await cluster.fetch(
        "SELECT version FROM officer WHERE id = $1", uuid.UUID(ilo.officer_id)
    )
    assert [row["version"] for row in rows] == [2]
    assert winner["version"] == 2


async def test_background_jobs_handle_each_item_once_and_the_chain_verifies(
    cluster: Cluster, receiver: Receiver
) -> None:
    client = cluster.clients[0]
    integration = cluster.auth("NL", ["integration"], sub="nl-cms", scopes=["webhooks:write"])
    created = await client.post("/v1/webhooks", json={"url": receiver.url}, headers=integration)
    assert created.status_code == 201, created.text

    ilo = await deployed_ilo(client, cluster.auth)
    records = [
        (await create_record(cluster.clients[i % INSTANCES], ilo, retain_until=days(1)))["id"]
        for i in range(6)
    ]
    ids = [uuid.UUID(record) for record in records]
    # Set-up only: the retention period of every record of this test has run out.
    await cluster.execute(
        "UPDATE processing_record SET retain_until = current_date - 1 WHERE id = ANY($1)", ids
    )

    async def erased() -> int:
        rows = await cluster.fetch(
            "SELECT count(*) AS n FROM processing_record "
            "WHERE erased_at IS NOT NULL AND id = ANY($1)",
            ids,
        )
        return int(rows[0]["n"])

    await wait_for_async(lambda: erased(), len(records), "every record erased")
    # Each erased once, and no record of another test (its retention runs) erased with them.
    erasures = await cluster.fetch(
        "SELECT resource_id, count(*) AS n FROM audit_event "
        "WHERE action = 'processing_record.erased' GROUP BY resource_id"
    )
    assert sorted(str(row["resource_id"]) for row in erasures) == sorted(records)
    assert {row["n"] for row in erasures} == {1}

    async def backlog() -> int:
        """Events not yet fanned out to the subscription plus deliveries not yet made."""
        rows = await cluster.fetch(
            "SELECT (SELECT count(*) FROM outbox_event e, webhook_subscription s "
            "        WHERE (e.txid, e.id) > (s.position_txid, s.position_id)) + "
            "(SELECT count(*) FROM webhook_delivery WHERE status <> 'delivered') AS n"
        )
        return -int(rows[0]["n"])

    await wait_for_async(lambda: backlog(), 0, "every feed event fanned out and delivered")
    deliveries = await cluster.fetch("SELECT id FROM webhook_delivery")
    assert deliveries
    assert sorted(receiver.ids) == sorted(str(row["id"]) for row in deliveries)
    pairs = await cluster.fetch(
        "SELECT count(DISTINCT (subscription_id, outbox_event_id)) AS n FROM webhook_delivery"
    )
    assert pairs[0]["n"] == len(deliveries), "one delivery per event and subscription"

    async def unsealed() -> int:
        rows = await cluster.fetch(
            "SELECT count(*) AS n FROM audit_event e "
            "WHERE NOT EXISTS (SELECT 1 FROM audit_seal s WHERE s.event_id = e.id)"
        )
        return -int(rows[0]["n"])

    await wait_for_async(lambda: unsealed(), 0, "every audit event sealed")
    seals = await cluster.fetch("SELECT position FROM audit_seal ORDER BY position")
    events = await cluster.fetch("SELECT count(*) AS n FROM audit_event")
    assert [row["position"] for row in seals] == list(range(1, events[0]["n"] + 1))
    verified = cluster.box.run("audit", "verify", env={"DATABASE_URL": cluster.owner_url})
    assert verified.returncode == 0, verified.stderr
    assert json.loads(verified.stdout)["valid"] is True


async def test_a_reference_change_through_one_instance_decides_on_every_other(
    cluster: Cluster,
) -> None:
    ilo = await deployed_ilo(cluster.clients[0], cluster.auth)
    record = await create_record(cluster.clients[0], ilo)
    to_switzerland = {
        "action": "transfer.record",
        "target_id": record["id"],
        "body": senegal_transfer(
            destination_country="CH",
            basis="adequacy",
            details={"adequacy_decision_id": SWITZERLAND},
        ),
    }

    async def decisions() -> list[dict[str, Any]]:
        answers = [
            await c.post("/v1/policy/evaluate", json=to_switzerland, headers=ilo.headers)
            for c in cluster.clients
        ]
        assert {a.status_code for a in answers} == {200}, [a.text for a in answers]
        return [a.json() for a in answers]

    assert [d["allowed"] for d in await decisions()] == [True] * INSTANCES

    editor = cluster.auth("COM", ["reference_admin"], sub="com-reference")
    path = f"/v1/reference/adequacy-decisions/{SWITZERLAND}"
    current = await cluster.clients[0].get(path, headers=editor)
    fields = {
        k: v
        for k, v in current.json().items()
        if k not in {"id", "version", "updated_by", "updated_at"}
    }
    ended = await cluster.clients[0].put(
        path,
        json={**fields, "valid_until": days(-1)},
        headers={**editor, "If-Match": current.headers["etag"]},
    )
    assert ended.status_code == 200, ended.text

    after = await decisions()
    assert [d["allowed"] for d in after] == [False] * INSTANCES
    for decision in after:
        assert any(v["rule"].startswith("GDPR-45") for v in decision["violations"]), decision


async def wait_for_async(probe: Any, target: int, what: str, within: float = 90.0) -> None:
    """Wait until `await probe()` reaches `target` (a condition with a deadline, no fixed sleep)."""
    latest: list[int] = []

    async def reached() -> bool:
        latest.append(await probe())
        return latest[-1] >= target

    deadline = asyncio.get_running_loop().time() + within
    while not await reached():
        if asyncio.get_running_loop().time() > deadline:
            pytest.fail(f"{what}: {latest[-1]} of {target} within {within:.0f} s")
        await asyncio.sleep(0.2)


async def test_with_database_url_serve_leaves_migrations_to_the_operator(box: Sandbox) -> None:
    await empty_database(box)
    env = {"DATABASE_URL": box.owner_url()}
    server = box.serve(env=env)
    readyz = f"{server.base_url}/readyz"
    assert (await wait_for_answer(readyz, server)).status_code == 503
    assert "schema not at head" in " ".join(server.messages()), server.log()

    def operator(*args: str) -> None:
        done = box.run("migrate", *args, env=env)
        assert done.returncode == 0, done.stderr

    head = migrate.head_revision()
    operator()
    assert (await wait_for_answer(readyz, server)).json()["migration"] == head

    # A new release whose migration has not been applied yet: not ready, and it says why.
    operator("-1", "--downgrade")
    pending = await wait_for_answer(readyz, server)
    assert pending.status_code == 503
    previous = await cluster_revision(box)
    assert previous != head
    assert pending.json()["detail"] == f"The database schema is at {previous}, not at {head}."
    operator()
    assert (await wait_for_answer(readyz, server)).status_code == 200


async def cluster_revision(box: Sandbox) -> str | None:
    return await migrate.revision_of(box.owner_url())


async def test_serve_with_workers_serves_from_each_and_stops_them_all(box: Sandbox) -> None:
    server = box.serve(args=["--workers", "2"])
    box.wait_ready(server)
    workers = psutil.Process(server.process.pid).children()
    serving = [p for p in workers if "spawn_main" in " ".join(p.cmdline())]
    assert len(serving) == 2, [p.cmdline() for p in workers]
    headers = box.auth()()
    async with httpx.AsyncClient(
        base_url=server.base_url, timeout=10, limits=client_limits()
    ) as client:
        answers = await asyncio.gather(
            *(client.get("/v1/organisations", headers=headers) for _ in range(20))
        )
    assert {a.status_code for a in answers} == {200}
    assert box.stop(server) == 0
    assert not any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in serving)
    assert box.postgres_processes() == []
    assert "embedded PostgreSQL stopped" in server.messages()


async def wait_for_answer(url: str, server: Server, within: float = 60.0) -> httpx.Response:
    """The first HTTP answer of a starting server (any status), with a deadline."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    async with httpx.AsyncClient(timeout=2) as client:
        while loop.time() < deadline:
            if server.process.poll() is not None:
                pytest.fail(f"serve exited with {server.process.returncode}:\n{server.log()}")
            try:
                return await client.get(url)
            except httpx.TransportError:
                await asyncio.sleep(0.2)
    pytest.fail(f"no answer from {url} within {within:.0f} s:\n{server.log()}")
