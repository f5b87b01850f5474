"""/v1/reference: adequacy decisions and transfer instruments loaded by the migration, read by
everyone, edited through reference.update (ACL-ROLE, ACL-ORG) with If-Match — and transfer
decisions follow the data, with no code change."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.db import denial_audit
from app.models import AdequacyDecisionEntry, AuditEvent, OutboxEvent, Transfer
from app.reference import load_adequacy_decisions, load_transfer_instruments
from tests.conftest import FreshDatabase
from tests.factories import (
    TODAY,
    Auth,
    create_record,
    deployed_ilo,
    senegal_transfer,
)

ADEQUACY = "/v1/reference/adequacy-decisions"
INSTRUMENTS = "/v1/reference/transfer-instruments"


def _fields(entry: dict[str, Any], *drop: str) -> dict[str, Any]:
    bookkeeping = {"id", "version", "updated_by", "updated_at", *drop}
    return {k: v for k, v in entry.items() if k not in bookkeeping}


async def test_migration_loaded_every_decision_with_its_source(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    headers = auth("EP", ["ep_reader"])
    ids: list[str] = []
    url: str | None = f"{ADEQUACY}?limit=7"
    while url:
        page = (await client.get(url, headers=headers)).json()
        ids += [d["id"] for d in page["items"]]
        url = f"{ADEQUACY}?limit=7&cursor={page['next_cursor']}" if page["next_cursor"] else None
    assert ids == sorted(d.id for d in load_adequacy_decisions())
    response = await client.get(f"{ADEQUACY}/2021/1773", headers=headers)
    assert response.status_code == 200
    uk = response.json()
    assert (uk["country"], uk["regimes"], uk["valid_until"]) == ("GB", ["led"], "2031-12-27")
    assert uk["source_url"].startswith("https://eur-lex.europa.eu/")
    assert response.headers["etag"] == '"v1"'
    encoded = await client.get(f"{ADEQUACY}/2021%2F1773", headers=headers)
    assert encoded.json()["id"] == "2021/1773"
    instruments = (await client.get(INSTRUMENTS, headers=headers)).json()["items"]
    assert {i["id"] for i in instruments} == {i.id for i in load_transfer_instruments()}
    assert all(i["example"] for i in instruments)
    missing = await client.get(f"{ADEQUACY}/1999/1", headers=headers)
    assert missing.status_code == 404


async def test_an_id_past_the_longest_is_a_422_and_a_long_unknown_one_an_audited_404(
    app: FastAPI,
    client: httpx.AsyncClient,
    auth: Auth,
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """Ids are at most 64 characters (the instruments' column): a longer one is refused before
    any lookup, and the 404 of one up to 64 is audited — in the aggregate of 404s for
    resources that do not exist (its audit row used to overflow)."""
    com = auth("COM", ["reference_admin"])
    for path, name in ((ADEQUACY, "decision_id"), (INSTRUMENTS, "instrument_id")):
        long = await client.get(f"{path}/{'a' * 65}", headers=com)
        assert long.status_code == 422, long.text
        assert long.json()["errors"][0]["pointer"] == f"/{name}"
        put = await client.put(f"{path}/{'a' * 65}", json={}, headers={**com, "If-Match": '"v1"'})
        assert put.status_code == 422
        missing = await client.get(f"{path}/{'b' * 64}", headers=com)
        assert missing.status_code == 404, missing.text
    denials = select(AuditEvent).where(AuditEvent.action == "policy.denied")
    assert (await session.scalars(denials)).all() == []
    async with sessionmaker() as flushing:
        assert await denial_audit.flush(flushing, app.state.not_found_tally) == 2
    counted = (await session.scalars(denials.order_by(AuditEvent.resource_type))).all()
    assert [(d.resource_type, d.details["count"]) for d in counted] == [
        ("adequacy_decision", 1),
        ("transfer_instrument", 1),
    ]


NEW_DECISION = {
    "id": "2026/999",
    "country": "CV",
    "name": "Cabo Verde",
    "regimes": ["gdpr", "eudpr"],
    "covers_public_authorities": True,
    "scope_note": "General: the country as a whole.",
    "valid_from": "2026-06-01",
    "reference": "Commission Implementing Decision (EU) 2026/999",
    "source_url": "https://eur-lex.europa.eu/eli/dec_impl/2026/999/oj",
}


@pytest.mark.parametrize(
    ("org", "roles", "status", "rule"),
    [
        ("COM", ["reference_admin"], 201, None),
        ("NL", ["reference_admin"], 403, "ACL-ORG"),
        ("COM", ["dpo"], 403, "ACL-ROLE"),
    ],
)
async def test_acl_adequacy_decisions_are_the_commissions(
    client: httpx.AsyncClient,
    auth: Auth,
    session: AsyncSession,
    org: str,
    roles: list[str],
    status: int,
    rule: str | None,
) -> None:
    response = await client.post(ADEQUACY, json=NEW_DECISION, headers=auth(org, roles))
    assert response.status_code == status, response.text
    stored = await session.get(AdequacyDecisionEntry, "2026/999")
    if rule is None:
        assert stored is not None
        assert stored.updated_by == "com-reference_admin"
        event = (
            await session.scalars(
                select(AuditEvent).where(AuditEvent.action == "reference.updated")
            )
        ).one()
        assert event.resource_id == "2026/999"
        assert event.details["created"] is True
    else:
        assert stored is None
        assert [v["rule"] for v in response.json()["violations"]] == [rule]


async def test_duplicate_id_is_a_conflict(client: httpx.AsyncClient, auth: Auth) -> None:
    body = {**NEW_DECISION, "id": "2021/1772"}
    response = await client.post(ADEQUACY, json=body, headers=auth("COM", ["reference_admin"]))
    assert response.status_code == 409


async def test_put_needs_the_current_etag(client: httpx.AsyncClient, auth: Auth) -> None:
    com = auth("COM", ["reference_admin"])
    current = (await client.get(f"{ADEQUACY}/2019/419", headers=com)).json()
    body = {**_fields(current), "scope_note": "Private sector only; reviewed 2026."}
    assert (await client.put(f"{ADEQUACY}/2019/419", json=body, headers=com)).status_code == 428
    stale = await client.put(f"{ADEQUACY}/2019/419", json=body, headers={**com, "If-Match": '"v7"'})
    assert stale.status_code == 412
    done = await client.put(f"{ADEQUACY}/2019/419", json=body, headers={**com, "If-Match": '"v1"'})
    assert done.status_code == 200, done.text
    assert (done.json()["version"], done.headers["etag"]) == (2, '"v2"')
    assert done.json()["scope_note"] == "Private sector only; reviewed 2026."


async def test_instruments_are_edited_by_their_parties(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    url = f"{INSTRUMENTS}/NL-GH-AA-2024"
    current = (await client.get(url, headers=auth("NL", ["reference_admin"]))).json()
    changed = {**_fields(current), "sa_authorisation_reference": "AP-2026-0042"}
    own = await client.put(
        url, json=changed, headers={**auth("NL", ["reference_admin"]), "If-Match": '"v1"'}
    )
    assert own.status_code == 200, own.text
    other = await client.put(
        url, json=changed, headers={**auth("FR", ["reference_admin"]), "If-Match": '"v2"'}
    )
    assert [v["rule"] for v in other.json()["violations"]] == ["ACL-ORG"]
    give_away = {**changed, "parties": ["FR"]}
    refused = await client.put(
        url, json=give_away, headers={**auth("NL", ["reference_admin"]), "If-Match": '"v2"'}
    )
    assert refused.status_code == 403
    assert "NL is not a party to the instrument (FR)" in refused.json()["violations"][0]["message"]
    feed = (
        await session.scalars(select(OutboxEvent).where(OutboxEvent.type == "reference.updated"))
    ).all()
    assert [(f.resource_type, f.resource_id) for f in feed] == [
        ("transfer_instrument", "NL-GH-AA-2024")
    ]


async def test_gdpr_45_expired_adequacy_decision_denies_a_transfer_it_allowed(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    ilo = await deployed_ilo(client, auth)
    record = await create_record(client, ilo)
    url = f"/v1/processing-records/{record['id']}/transfers"
    to_uk = senegal_transfer(
        recipient={"name": "Home Office", "type": "public_authority"},
        destination_country="GB",
        basis="adequacy",
        details={"adequacy_decision_id": "2021/1772"},
    )
    allowed = await client.post(url, json=to_uk, headers=ilo.headers)
    assert allowed.status_code == 201, allowed.text
    assert allowed.json()["basis"]["rule"] == "GDPR-45"

    com = auth("COM", ["reference_admin"])
    decision = (await client.get(f"{ADEQUACY}/2021/1772", headers=com)).json()
    yesterday = (TODAY - timedelta(days=1)).isoformat()
    expired = {**_fields(decision), "valid_until": yesterday}
    put = await client.put(
        f"{ADEQUACY}/2021/1772", json=expired, headers={**com, "If-Match": '"v1"'}
    )
    assert put.status_code == 200, put.text

    denied = await client.post(url, json=to_uk, headers=ilo.headers)
    assert denied.status_code == 403, denied.text
    gdpr_45 = [v for v in denied.json()["violations"] if v["rule"] == "GDPR-45"]
    assert gdpr_45
    assert f"expired on {yesterday}" in gdpr_45[0]["message"]
    # the decisions are pinned to different reference data
    assert denied.json()["policy_version"] != allowed.json()["policy_version"]
    assert len((await session.scalars(select(Transfer))).all()) == 1


async def _until_waiting_on_locks(url: str, database: str, *, count: int) -> None:
    """Return once `count` sessions of `database` wait for a lock (a condition, not a delay).

    Its own connection: inside a transaction pg_stat_activity is a snapshot that never changes.
    """
    query = "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'"
    watcher = await asyncpg.connect(url)
    try:
        async with asyncio.timeout(30):
            # PostgreSQL offers no event to wait on: poll its view of the waiting sessions.
            while await watcher.fetchval(query, database) < count:  # noqa: ASYNC110
                await asyncio.sleep(0.01)
    finally:
        await watcher.close()


async def test_two_changes_with_one_etag_cannot_both_apply(
    committed_client: tuple[httpx.AsyncClient, AsyncEngine],
    fresh_db: FreshDatabase,
    auth: Auth,
) -> None:
    client, _ = committed_client
    com = {**auth("COM", ["reference_admin"]), "If-Match": '"v1"'}
    url = f"{ADEQUACY}/2019/419"
    current = (await client.get(url, headers=com)).json()
    holder = await asyncpg.connect(fresh_db.owner_url)
    try:
        # Hold the row so that both requests have started before either can change it.
        transaction = holder.transaction()
        await transaction.start()
        await holder.execute("SELECT 1 FROM adequacy_decision WHERE id = '2019/419' FOR UPDATE")
        requests = [
            asyncio.create_task(
                client.put(url, json={**_fields(current), "scope_note": note}, headers=com)
            )
            for note in ("first change", "second change")
        ]
        await _until_waiting_on_locks(fresh_db.owner_url, fresh_db.name, count=2)
        await transaction.rollback()
        responses = await asyncio.gather(*requests)
        events = await holder.fetchval(
            "SELECT count(*) FROM audit_event WHERE action = 'reference.updated'"
        )
    finally:
        await holder.close()
    assert sorted(r.status_code for r in responses) == [200, 412]
    assert events == 1
