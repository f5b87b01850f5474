"""The audit log: sealed into a hash chain, tamper-evident, denials on record, read by role.

Integrity and denial tests run on a fresh database with real commits (`committed_client`); the
tampering is done as the superuser owner, who must first switch the append-only trigger off.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.config import APP_DB_ROLE, Settings
from app.db import audit_merkle
from app.db.engine import app_url
from app.models import AuditEvent
from tests import factories
from tests.conftest import FreshDatabase
from tests.factories import Auth

ILONET = Path(sys.executable).parent / "ilonet"
CLI_TIMEOUT = 60.0


@pytest.fixture
async def owner(fresh_db: FreshDatabase) -> AsyncIterator[asyncpg.Connection]:
    """The superuser owner of the fresh database (able to switch the triggers off)."""
    async with factories.connected(fresh_db.owner_url) as connection:
        yield connection


async def verify(client: httpx.AsyncClient, auth: Auth) -> dict[str, Any]:
    response = await client.get("/v1/audit/verify", headers=auth("COM", ["auditor"]))
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def run_cli_verify(database_url: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {
        k: v for k, v in os.environ.items() if k != "DATABASE_URL" and not k.startswith("ILONET_")
    }
    env.update(
        {"DATABASE_URL": database_url, "ILONET_DATA_DIR": str(data_dir), "ILONET_ENV": "test"}
    )
    return subprocess.run(
        [str(ILONET), "audit", "verify"],
        env=env,
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT,
        check=False,
    )


async def tamper(owner: asyncpg.Connection, sql: str, *args: object) -> None:
    """What only a superuser can do: change the log with the append-only trigger off."""
    async with owner.transaction():
        await owner.execute("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only")
        await owner.execute(sql, *args)
        await owner.execute("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only")


async def sealed_event_ids(owner: asyncpg.Connection) -> list[int]:
    rows = await owner.fetch("SELECT event_id FROM audit_seal ORDER BY position")
    return [int(r["event_id"]) for r in rows]


async def a_sealed_chain(
    client: httpx.AsyncClient, auth: Auth, owner: asyncpg.Connection
) -> list[int]:
    """A few writes, verified intact (which seals them); the sealed event ids in chain order."""
    await write_a_few(client, auth)
    assert (await verify(client, auth))["valid"] is True
    return await sealed_event_ids(owner)


async def write_a_few(client: httpx.AsyncClient, auth: Auth) -> None:
    """authority.created, officer.created, deployment.planned and officer.contact_read."""
    nl = auth("NL", ["deploying_authority"])
    _, officer, _ = await factories.create_deployment_chain(client, nl)
    read = await client.get(f"/v1/officers/{officer['id']}", headers=nl)
    assert read.status_code == 200, read.text
    assert read.json()["contact"] == factories.OFFICER_CONTACT


# --- (a) an intact chain -----------------------------------------------------------------------


async def test_verify_seals_every_event_and_reports_an_intact_chain(
    committed_client: tuple[httpx.AsyncClient, AsyncEngine],
    owner: asyncpg.Connection,
    auth: Auth,
) -> None:
    client, _ = committed_client
    await write_a_few(client, auth)
    actions = [r["action"] for r in await owner.fetch("SELECT action FROM audit_event ORDER BY id")]
    assert actions == [
        "authority.created",
        "officer.created",
        "deployment.planned",
        "officer.contact_read",
    ]

    result = await verify(client, auth)

    head = await owner.fetchval("SELECT hash FROM audit_seal ORDER BY position DESC LIMIT 1")
    leaves = await owner.fetch("SELECT hash FROM audit_tree_node WHERE level = 0 ORDER BY idx")
    assert result == {
        "valid": True,
        "sealed_events": 4,
        "unsealed_events": 0,
        "head_hash": head,
        "first_broken_position": None,
        "first_broken_event_id": None,
        "reason": None,
        "tree_size": 4,
        "root_hash": audit_merkle.root([bytes(r[0]) for r in leaves]).hex(),
    }
    assert await sealed_event_ids(owner) == [
        int(r["id"]) for r in await owner.fetch("SELECT id FROM audit_event ORDER BY txid, id")
    ]

    # Sealing is incremental: a second verification seals nothing twice and extends the chain.
    await factories.create_authority(client, auth("NL", ["deploying_authority"]))
    again = await verify(client, auth)
    assert again["valid"] is True
    assert again["sealed_events"] == 5
    assert await owner.fetchval("SELECT count(*) FROM audit_seal") == 5
    prev = await owner.fetchval("SELECT prev_hash FROM audit_seal WHERE position = 5")
    assert prev == head


async def test_cli_verify_accepts_an_intact_chain_through_the_socket_url(
    committed_client: tuple[httpx.AsyncClient, AsyncEngine],
    fresh_db: FreshDatabase,
    owner: asyncpg.Connection,
    auth: Auth,
    tmp_path: Path,
) -> None:
    client, _ = committed_client
    await write_a_few(client, auth)

    # The CLI derives the app role's URL from DATABASE_URL: same socket and database, other user.
    derived = make_url(app_url(Settings(app_database_url=None), fresh_db.owner_url))
    owner_parsed = make_url(fresh_db.owner_url)
    assert derived.username == APP_DB_ROLE
    assert derived.password is None
    assert derived.database == fresh_db.name
    assert derived.query == owner_parsed.query
    assert "host" in derived.query

    done = run_cli_verify(fresh_db.owner_url, tmp_path)

    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(done.stdout)
    assert result["valid"] is True
    assert result["sealed_events"] == 4
    assert result["unsealed_events"] == 0
    # The CLI sealed the events itself, as the app role (it has no UPDATE on the log to cheat).
    assert await owner.fetchval("SELECT count(*) FROM audit_seal") == 4


# --- (b) tampering is detected -----------------------------------------------------------------


async def test_a_changed_sealed_event_is_detected_by_api_and_cli(
    committed_client: tuple[httpx.AsyncClient, AsyncEngine],
    fresh_db: FreshDatabase,
    owner: asyncpg.Connection,
    auth: Auth,
    tmp_path: Path,
) -> None:
    client, _ = committed_client
    sealed = await a_sealed_chain(client, auth, owner)
    victim = sealed[1]

    await tamper(owner, "UPDATE audit_event SET details = '{\"x\": 1}' WHERE id = $1", victim)

    result = await verify(client, auth)
    assert result["valid"] is False
    assert result["first_broken_event_id"] == victim
    assert result["first_broken_position"] == 2
    assert result["reason"] == "the event differs from what was sealed"
    assert result["sealed_events"] == 1  # the links before the broken one still hold

    done = run_cli_verify(fresh_db.owner_url, tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    cli_result = json.loads(done.stdout)
    assert cli_result["valid"] is False
    assert cli_result["first_broken_event_id"] == victim
    # The trigger is back on: the owner cannot quietly change the log any more.
    with pytest.raises(asyncpg.PostgresError, match="append-only"):
        await owner.execute("UPDATE audit_event SET details = '{}' WHERE id = $1", victim)


async def test_a_deleted_sealed_event_is_detected(
    committed_client: tuple[httpx.AsyncClient, AsyncEngine],
    fresh_db: FreshDatabase,
    owner: asyncpg.Connection,
    auth: Auth,
    tmp_path: Path,
) -> None:
    client, _ = committed_client
    sealed = await a_sealed_chain(client, auth, owner)
    victim = sealed[2]

    await tamper(owner, "DELETE FROM audit_event WHERE id = $1", victim)

    result = await verify(client, auth)
    assert result["valid"] is False
    assert result["first_broken_event_id"] == victim
    assert result["first_broken_position"] == 3
    assert result["reason"] == "the sealed event was deleted"

    done = run_cli_verify(fresh_db.owner_url, tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert json.loads(done.stdout)["valid"] is False


async def test_rewriting_an_event_together_with_its_seal_breaks_the_next_link(
    committed_client: tuple[httpx.AsyncClient, AsyncEngine],
    owner: asyncpg.Connection,
    auth: Auth,
) -> None:
    """Re-hashing a forged event's own seal does not help: the following seal names the old hash."""
    client, _ = committed_client
    sealed = await a_sealed_chain(client, auth, owner)
    victim = sealed[1]

    async with owner.transaction():
        for table in ("audit_event", "audit_seal"):
            await owner.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
        await owner.execute("UPDATE audit_event SET outcome = 'denied' WHERE id = $1", victim)
        await owner.execute("UPDATE audit_seal SET hash = repeat('f', 64) WHERE position = 2")
        for table in ("audit_event", "audit_seal"):
            await owner.execute(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only")

    result = await verify(client, auth)
    assert result["valid"] is False
    assert result["first_broken_position"] == 2
    assert result["first_broken_event_id"] == victim


async def test_an_event_inserted_behind_the_sealed_horizon_is_not_valid(
    committed_client: tuple[httpx.AsyncClient, AsyncEngine],
    fresh_db: FreshDatabase,
    auth: Auth,
) -> None:
    client, _ = committed_client
    await write_a_few(client, auth)
    assert (await verify(client, auth))["valid"] is True

    # The app role has INSERT on audit_event, and nothing stops it from choosing the txid.
    connection = await asyncpg.connect(fresh_db.app_url)
    try:
        await connection.execute(
            "INSERT INTO audit_event (txid, actor, organisation, action, outcome, resource_type) "
            "VALUES (1, '{}'::jsonb, 'NL', 'officer.created', 'allowed', 'officer')"
        )
    except asyncpg.InsufficientPrivilegeError:
        return  # fixed by column grants: the app role cannot choose the txid
    finally:
        await connection.close()

    await write_a_few(client, auth)
    result = await verify(client, auth)
    # Fixed by a trigger that sets the txid (the event is sealed), or verify flags the stray event.
    assert result["valid"] is False or result["unsealed_events"] == 0, result


# --- (c) a denied attempt is on record ---------------------------------------------------------


async def test_a_denied_attempt_is_audited_and_committed_although_the_request_fails(
    committed_client: tuple[httpx.AsyncClient, AsyncEngine],
    fresh_db: FreshDatabase,
    auth: Auth,
) -> None:
    client, _ = committed_client
    _, officer = await factories.create_officer_with_authority(
        client, auth("NL", ["deploying_authority"])
    )

    response = await client.post(
        "/v1/deployments",
        json=factories.deployment_body(officer["id"]),
        headers={**auth("FR", ["deploying_authority"]), "X-Request-ID": "req-denied-fr"},
    )

    assert response.status_code == 403, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "/problems/policy-denied"
    assert [v["rule"] for v in problem["violations"]] == ["ACL-ORG"]

    # A connection of its own sees only what was committed.
    connection = await asyncpg.connect(fresh_db.app_url)
    try:
        denied = await connection.fetch(
            "SELECT * FROM audit_event WHERE action = 'policy.denied' ORDER BY id"
        )
        deployments = await connection.fetchval("SELECT count(*) FROM deployment")
        history = await connection.fetchval("SELECT count(*) FROM deployment_history")
        feed = await connection.fetch("SELECT type FROM outbox_event ORDER BY id")
    finally:
        await connection.close()

    assert len(denied) == 1
    event = denied[0]
    assert event["outcome"] == "denied"
    assert list(event["rules"]) == ["ACL-ORG"]
    assert event["organisation"] == "FR"
    assert event["resource_type"] == "deployment"
    assert event["decision_id"] == problem["decision_id"]
    assert event["policy_version"] == problem["policy_version"]
    assert event["request_id"] == "req-denied-fr"
    actor = json.loads(event["actor"])
    assert (actor["org"], actor["roles"]) == ("FR", ["deploying_authority"])
    details = json.loads(event["details"])
    assert details["status"] == 403
    assert details["method"] == "POST"
    assert details["attempted"] == "deployment.plan"
    assert details["route"] == "/v1/deployments"
    assert deployments == 0
    assert history == 0
    assert [r["type"] for r in feed] == ["authority.created", "officer.created"]


async def test_a_denial_is_sealed_into_the_chain_like_any_event(
    committed_client: tuple[httpx.AsyncClient, AsyncEngine],
    owner: asyncpg.Connection,
    auth: Auth,
) -> None:
    client, _ = committed_client
    denied = await client.post(
        "/v1/authorities",
        json=factories.authority_body("NL"),
        headers=auth("FR", ["deploying_authority"]),
    )
    assert denied.status_code == 403, denied.text

    result = await verify(client, auth)

    assert result["valid"] is True
    assert result["sealed_events"] == 1
    sealed = await owner.fetchval(
        "SELECT e.action FROM audit_seal s JOIN audit_event e ON e.id = s.event_id"
    )
    assert sealed == "policy.denied"


# --- (d) who reads the audit trail -------------------------------------------------------------


async def list_all(
    client: httpx.AsyncClient, headers: dict[str, str], query: str = ""
) -> list[dict[str, Any]]:
    response = await client.get(
        f"/v1/audit/events?limit=200&log_use=self_monitoring{query}", headers=headers
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def nl_and_fr_events(client: httpx.AsyncClient, auth: Auth) -> None:
    await factories.create_officer_with_authority(client, auth("NL", ["deploying_authority"]))
    await factories.create_authority(client, auth("FR", ["deploying_authority"]), organisation="FR")


async def test_acl_role_an_organisations_auditor_reads_its_own_events_only(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    """docs/ROLES.md: a Member State's auditor reads its organisation's trail; the whole trail is
    the Commission's auditor's, which maintains the platform (Art. 9(1))."""
    await nl_and_fr_events(client, auth)

    items = await list_all(client, auth("NL", ["auditor"]))

    assert [(e["organisation"], e["action"]) for e in items] == [
        ("NL", "authority.created"),
        ("NL", "officer.created"),
    ]
    asked_for_fr = await client.get(
        "/v1/audit/events?organisation=FR&log_use=self_monitoring",
        headers=auth("NL", ["auditor"], sub="nl-auditor"),
    )
    assert asked_for_fr.status_code == 403, asked_for_fr.text
    assert [v["rule"] for v in asked_for_fr.json()["violations"]] == ["ACL-ORG"]


async def test_the_commissions_auditor_reads_every_organisations_events(
    client: httpx.AsyncClient, session: AsyncSession, auth: Auth
) -> None:
    await nl_and_fr_events(client, auth)

    items = await list_all(client, auth("COM", ["auditor"]))

    assert [(e["organisation"], e["action"]) for e in items] == [
        ("NL", "authority.created"),
        ("NL", "officer.created"),
        ("FR", "authority.created"),
    ]
    stored = (
        await session.scalars(
            select(AuditEvent.id)
            .where(AuditEvent.action != "audit.consulted")  # the read itself, after it
            .order_by(AuditEvent.id)
        )
    ).all()
    assert [e["id"] for e in items] == list(stored)
    # The auditor may narrow to one organisation too.
    fr_only = await list_all(client, auth("COM", ["auditor"]), "&organisation=FR")
    assert [e["organisation"] for e in fr_only] == ["FR"]


async def test_a_dpo_reads_only_its_own_organisations_events(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    await nl_and_fr_events(client, auth)

    items = await list_all(client, auth("NL", ["dpo"]))
    assert [(e["organisation"], e["action"]) for e in items] == [
        ("NL", "authority.created"),
        ("NL", "officer.created"),
    ]
    own = await list_all(client, auth("NL", ["dpo"]), "&organisation=NL")
    # LED-25.2: the first read is on the log too, with its use
    assert own[:-1] == items
    assert (own[-1]["action"], own[-1]["details"]["log_use"]) == (
        "audit.consulted",
        "self_monitoring",
    )


async def test_a_dpo_asking_for_another_organisation_is_denied_and_audited(
    client: httpx.AsyncClient, session: AsyncSession, auth: Auth
) -> None:
    await nl_and_fr_events(client, auth)

    response = await client.get(
        "/v1/audit/events?organisation=FR&log_use=self_monitoring",
        headers=auth("NL", ["dpo"], sub="nl-dpo"),
    )

    assert response.status_code == 403, response.text
    problem = response.json()
    assert problem["type"] == "/problems/policy-denied"
    assert [v["rule"] for v in problem["violations"]] == ["ACL-ORG"]
    denial = (
        await session.scalars(select(AuditEvent).where(AuditEvent.action == "policy.denied"))
    ).one()
    assert (denial.organisation, denial.outcome, denial.rules) == ("NL", "denied", ["ACL-ORG"])
    assert denial.actor["sub"] == "nl-dpo"
    assert denial.details["attempted"] == "audit.read"


@pytest.mark.parametrize("roles", [["ilo"], ["deploying_authority"], ["integration"]])
async def test_other_roles_may_not_read_the_audit_trail(
    client: httpx.AsyncClient, auth: Auth, roles: list[str]
) -> None:
    response = await client.get("/v1/audit/events", headers=auth("NL", roles))

    assert response.status_code == 403, response.text
    problem = response.json()
    assert problem["type"] == "/problems/policy-denied"
    assert [v["rule"] for v in problem["violations"]] == ["ACL-ROLE"]


async def test_only_an_auditor_may_verify_the_chain(client: httpx.AsyncClient, auth: Auth) -> None:
    response = await client.get("/v1/audit/verify", headers=auth("NL", ["dpo"]))

    assert response.status_code == 403, response.text
    assert [v["rule"] for v in response.json()["violations"]] == ["ACL-ROLE"]


async def test_audit_events_are_paged_with_a_caller_bound_cursor(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    nl = auth("NL", ["deploying_authority"])
    for _ in range(4):
        await factories.create_authority(client, nl)
    auditor = auth("COM", ["auditor"])
    # the reads of the log are logged (LED-25.2): page over the authorities' events only
    everything = await list_all(client, auditor, "&resource_type=authority")
    assert len(everything) == 4

    seen: list[int] = []
    cursor: str | None = None
    pages = 0
    while True:
        params = {
            "limit": "3",
            "log_use": "self_monitoring",
            "resource_type": "authority",
            **({"cursor": cursor} if cursor else {}),
        }
        response = await client.get("/v1/audit/events", params=params, headers=auditor)
        assert response.status_code == 200, response.text
        page = response.json()
        seen.extend(e["id"] for e in page["items"])
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            assert "Link" not in response.headers
            break
        link = response.headers["Link"]
        assert link.startswith("<")
        assert link.endswith('>; rel="next"')
        next_url = httpx.URL(link[1 : -len('>; rel="next"')])
        assert next_url.path == "/v1/audit/events"
        assert next_url.params["cursor"] == cursor
        assert next_url.params["limit"] == "3"
    assert pages == 2
    assert seen == [e["id"] for e in everything]

    # The cursor is bound to the caller it was given to.
    first = (
        await client.get("/v1/audit/events?limit=1&log_use=self_monitoring", headers=auditor)
    ).json()
    assert first["next_cursor"]
    foreign = await client.get(
        "/v1/audit/events",
        params={"limit": "1", "log_use": "self_monitoring", "cursor": first["next_cursor"]},
        headers=auth("COM", ["auditor"], sub="another-auditor"),
    )
    assert foreign.status_code == 422, foreign.text
    assert foreign.json()["type"] == "/problems/validation-error"


async def test_audit_events_hold_no_personal_data(
    client: httpx.AsyncClient, session: AsyncSession, auth: Auth
) -> None:
    nl = auth("NL", ["deploying_authority"])
    _, officer = await factories.create_officer_with_authority(client, nl)
    read = await client.get(f"/v1/officers/{officer['id']}", headers=nl)
    assert read.json()["contact"] == factories.OFFICER_CONTACT  # decrypted, so audited
    current = read.headers["ETag"]
    patched = await client.patch(
        f"/v1/officers/{officer['id']}",
        json={"contact": {"phone": "+31 6 8765 4321"}},
        headers={**nl, "If-Match": current},
    )
    assert patched.status_code == 200, patched.text

    items = await list_all(client, auth("COM", ["auditor"]))
    assert [e["action"] for e in items] == [
        "authority.created",
        "officer.created",
        "officer.contact_read",
        "officer.updated",
    ]
    contact_read = items[2]
    assert contact_read["legal_basis"] == "ILO-9.3"
    assert contact_read["resource_id"] == officer["id"]
    assert items[3]["details"] == {
        "subject_organisation": "NL",
        "fields": ["contact"],
        "authorised_action": "officer.update",
    }
    dumped = json.dumps(items)
    for personal in (*factories.OFFICER_PERSONAL_DATA, "+31 6 8765 4321", "Jansen", "Eva"):
        assert personal not in dumped
