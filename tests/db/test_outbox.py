"""The change feed: a stable order that never skips a late-committing transaction, per-reader
visibility, and no personal data.

These tests need real commits and concurrent transactions: a transaction still open in the test
transaction would hold the feed's horizon back, so they run on `committed_client`'s database and
write their concurrent events over two of its app-role connections.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app.db.outbox import decode_position, encode_position
from app.models import OutboxEvent
from tests import factories
from tests.factories import Auth, insert_officer

FEED_KEYS = {"position", "type", "resource_type", "resource_id", "organisation", "occurred_at"}


@dataclass(frozen=True)
class Inserted:
    id: int
    txid: int

    @property
    def position(self) -> str:
        return encode_position(self.txid, self.id)


async def insert_event(
    connection: AsyncConnection,
    resource_id: str,
    *,
    organisation: str = "NL",
    visibility: str = "network",
) -> Inserted:
    """A feed event written on a connection of the app role (Core, as app/db itself would)."""
    row = (
        await connection.execute(
            insert(OutboxEvent)
            .values(
                type="test.happened",
                resource_type="test",
                resource_id=resource_id,
                organisation=organisation,
                visibility=visibility,
            )
            .returning(OutboxEvent.id, OutboxEvent.txid)
        )
    ).one()
    return Inserted(int(row.id), int(row.txid))


async def read_feed(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    *,
    after: str | None = None,
    limit: int = 100,
) -> dict[str, Any]:
    params: dict[str, str | int] = {"limit": limit}
    if after is not None:
        params["after"] = after
    response = await client.get("/v1/events", params=params, headers=headers)
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    return page


async def baseline(client: httpx.AsyncClient, auth: Auth) -> str:
    """One committed event through the API; returns the feed position after it."""
    nl = auth("NL", ["deploying_authority"])
    authority = await factories.create_authority(client, nl)
    page = await read_feed(client, nl)
    assert [(e["type"], e["resource_id"]) for e in page["items"]] == [
        ("authority.created", authority["id"])
    ]
    position: str = page["next_after"]
    assert position == page["items"][-1]["position"]
    return position


# --- never skips -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "a_inserts_first",
    [
        pytest.param(True, id="A-inserts-before-B"),
        pytest.param(False, id="A-takes-its-txid-first-but-inserts-after-B"),
    ],
)
async def test_the_feed_never_skips_a_transaction_that_commits_late(
    committed_client: tuple[httpx.AsyncClient, AsyncEngine], auth: Auth, a_inserts_first: bool
) -> None:
    client, engine = committed_client
    reader = auth("NL", ["deploying_authority"])
    start = await baseline(client, auth)

    async with engine.connect() as conn_a, engine.connect() as conn_b:
        tx_a = await conn_a.begin()
        if a_inserts_first:
            event_a = await insert_event(conn_a, "A")
        else:
            await conn_a.execute(text("SELECT pg_current_xact_id()"))  # A's txid is taken now
        async with conn_b.begin():
            event_b = await insert_event(conn_b, "B")
        if not a_inserts_first:
            event_a = await insert_event(conn_a, "A")
            assert event_a.id > event_b.id, "A's id is the larger: an id-ordered feed would skip A"
        assert event_a.txid < event_b.txid

        # B is committed, A is in flight: B must be held back, or a reader would pass A's position.
        while_in_flight = await read_feed(client, reader, after=start)
        assert while_in_flight["items"] == []
        assert while_in_flight["next_after"] == start
        from_the_start = await read_feed(client, reader)
        assert [e["position"] for e in from_the_start["items"]] == [start]

        await tx_a.commit()

    page = await read_feed(client, reader, after=start)
    assert [(e["resource_id"], e["position"]) for e in page["items"]] == [
        ("A", event_a.position),
        ("B", event_b.position),
    ]
    assert page["next_after"] == event_b.position
    assert (await read_feed(client, reader, after=page["next_after"]))["items"] == []


async def test_a_rolled_back_transaction_leaves_no_event_and_releases_the_horizon(
    committed_client: tuple[httpx.AsyncClient, AsyncEngine], auth: Auth
) -> None:
    client, engine = committed_client
    reader = auth("NL", ["deploying_authority"])
    start = await baseline(client, auth)

    async with engine.connect() as conn_a, engine.connect() as conn_b:
        tx_a = await conn_a.begin()
        await insert_event(conn_a, "A")
        async with conn_b.begin():
            event_b = await insert_event(conn_b, "B")
        assert (await read_feed(client, reader, after=start))["items"] == []
        await tx_a.rollback()

    page = await read_feed(client, reader, after=start)
    assert [(e["resource_id"], e["position"]) for e in page["items"]] == [("B", event_b.position)]


async def test_the_feed_pages_in_a_stable_order_with_next_after(
    committed_client: tuple[httpx.AsyncClient, AsyncEngine], auth: Auth
) -> None:
    client, _ = committed_client
    nl = auth("NL", ["deploying_authority"])
    await factories.create_deployment_chain(client, nl)
    await factories.create_authority(client, nl)
    everything = (await read_feed(client, nl))["items"]
    assert [e["type"] for e in everything] == [
        "authority.created",
        "officer.created",
        "deployment.planned",
        "authority.created",
    ]
    positions = [decode_position(e["position"]) for e in everything]
    assert positions == sorted(positions)

    seen: list[str] = []
    after: str | None = None
    for _ in range(len(everything)):
        page = await read_feed(client, nl, after=after, limit=1)
        assert len(page["items"]) == 1
        seen.append(page["items"][0]["position"])
        after = page["next_after"]
    assert seen == [e["position"] for e in everything]
    last = await read_feed(client, nl, after=after, limit=1)
    assert last == {"items": [], "next_after": after}


@pytest.mark.parametrize("after", ["nonsense", "1-x", "12"])
async def test_a_malformed_position_is_a_validation_problem(
    committed_client: tuple[httpx.AsyncClient, AsyncEngine], auth: Auth, after: str
) -> None:
    client, _ = committed_client
    response = await client.get(
        "/v1/events", params={"after": after}, headers=auth("NL", ["deploying_authority"])
    )
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["type"] == "/problems/validation-error"
    assert problem["errors"][0]["pointer"] == "/after"


# --- visibility --------------------------------------------------------------------------------


async def test_organisation_events_are_shown_only_to_that_organisations_readers(
    committed_client: tuple[httpx.AsyncClient, AsyncEngine], auth: Auth
) -> None:
    client, engine = committed_client
    async with engine.begin() as connection:
        await insert_event(connection, "fr-private", organisation="FR", visibility="organisation")
        await insert_event(connection, "nl-private", organisation="NL", visibility="organisation")
        await insert_event(connection, "fr-public", organisation="FR", visibility="network")
        officer_id = await insert_officer(connection)

    async def seen_by(headers: dict[str, str]) -> list[str]:
        return [e["resource_id"] for e in (await read_feed(client, headers))["items"]]

    assert await seen_by(auth("NL", ["dpo"])) == ["nl-private", "fr-public"]
    assert await seen_by(auth("NL", ["ilo"], officer_id=officer_id)) == [
        "nl-private",
        "fr-public",
    ]
    # the feed follows the read policy of processing records: who reads none of them (an ILO
    # token naming no officer, a Board member whose token carries a scope) sees none of theirs
    assert await seen_by(auth("NL", ["ilo"])) == ["fr-public"]
    assert await seen_by(auth("NL", ["sb_member"], scopes=["processing:read"])) == ["fr-public"]
    assert await seen_by(auth("FR", ["auditor"])) == ["fr-private", "fr-public"]
    # Not a reader of its organisation's own records: network events only.
    assert await seen_by(auth("NL", ["deploying_authority"])) == ["fr-public"]
    assert await seen_by(auth("NL", ["integration"], scopes=["events:read"])) == ["fr-public"]
    assert await seen_by(
        auth("NL", ["integration"], scopes=["events:read", "processing:read"])
    ) == ["nl-private", "fr-public"]


async def test_an_integration_without_the_events_scope_is_denied(
    committed_client: tuple[httpx.AsyncClient, AsyncEngine], auth: Auth
) -> None:
    client, _ = committed_client
    response = await client.get(
        "/v1/events", headers=auth("NL", ["integration"], scopes=["officers:read"])
    )
    assert response.status_code == 403, response.text
    problem = response.json()
    assert problem["type"] == "/problems/policy-denied"
    assert [v["rule"] for v in problem["violations"]] == ["ACL-ROLE"]
    assert (await client.get("/v1/events")).status_code == 401


async def test_feed_events_carry_ids_and_types_only(
    committed_client: tuple[httpx.AsyncClient, AsyncEngine], auth: Auth
) -> None:
    client, _ = committed_client
    nl = auth("NL", ["deploying_authority"])
    authority, officer, deployment = await factories.create_deployment_chain(client, nl)

    response = await client.get("/v1/events", headers=auth("NL", ["dpo"]))
    assert response.status_code == 200, response.text
    items = response.json()["items"]

    assert [
        (e["type"], e["resource_type"], e["resource_id"], e["organisation"]) for e in items
    ] == [
        ("authority.created", "authority", authority["id"], "NL"),
        ("officer.created", "officer", officer["id"], "NL"),
        ("deployment.planned", "deployment", deployment["id"], "NL"),
    ]
    assert all(set(e) == FEED_KEYS for e in items)
    for personal in (*factories.OFFICER_PERSONAL_DATA, "Jansen", "Eva", "Dakar"):
        assert personal not in response.text
