"""Backup and restore of the embedded database: a round trip keeps every row and the audit
chain, and the restored service goes on — events written after the restore are sealed after
the restored ones and appear in the change feed after a position read before the backup."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from app.config import APP_DB_ROLE, Settings
from app.db import audit
from app.db.backup import backup, restore
from app.db.embedded import EmbeddedPostgres
from app.db.engine import make_engine, make_sessionmaker
from app.main import create_app
from tests import factories
from tests.conftest import FreshDatabase, Postgres
from tests.factories import Auth, connected
from tests.scenarios import TABLES

COUNTED = (*TABLES, "audit_event", "audit_seal", "outbox_event", "organisation")


async def _counts(url: str) -> dict[str, int]:
    async with connected(url) as connection:
        # the table names are the constants above
        count = "SELECT count(*) FROM {}"
        return {t: int(await connection.fetchval(count.format(t))) for t in COUNTED}


async def _seal_and_verify(engine: AsyncEngine) -> audit.Verification:
    maker = make_sessionmaker(engine)
    async with maker() as session, session.begin():
        await audit.seal_pending(session)
    async with maker() as session:
        return await audit.verify(session)


async def test_backup_restore_round_trip_keeps_rows_and_chain_and_goes_on_sealing(
    postgres: Postgres,
    fresh_db: FreshDatabase,
    committed_client: tuple[httpx.AsyncClient, AsyncEngine],
    settings: Settings,
    auth: Auth,
    tmp_path: Path,
) -> None:
    client, engine = committed_client
    nl = auth("NL", ["deploying_authority"], sub="nl-ind")
    reader = auth("NL", ["integration"], sub="nl-cms", scopes=["events:read"])
    authority, _, _ = await factories.create_deployment_chain(client, nl)
    before = await _seal_and_verify(engine)
    assert before.valid
    assert before.unsealed_events == 0
    feed = (await client.get("/v1/events", headers=reader)).json()
    position = feed["next_after"]
    assert len(feed["items"]) == 3
    rows = await _counts(fresh_db.owner_url)

    file = tmp_path / "ilonet.backup"
    assert backup(postgres.server, file) > 0
    restored = EmbeddedPostgres(tmp_path / "restored" / "pgdata")
    assert restore(file, restored.pgdata) is None
    restored.start()
    engine_after = make_engine(restored.url(user=APP_DB_ROLE, database=fresh_db.name))
    try:
        assert await _counts(restored.url(database=fresh_db.name)) == rows
        after = await _seal_and_verify(engine_after)
        assert after.valid
        assert after.head_hash == before.head_hash

        application = create_app(settings)
        application.state.engine = engine_after
        application.state.sessionmaker = async_sessionmaker(engine_after, expire_on_commit=False)
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as restored_client:
            officer = await factories.create_officer(
                restored_client, nl, authority_id=authority["id"]
            )
            sealed = await _seal_and_verify(engine_after)
            assert sealed.valid, sealed.as_dict()
            assert sealed.unsealed_events == 0  # ordered after the restored events, sealed
            assert sealed.head_hash != before.head_hash
            later = await restored_client.get(
                "/v1/events", params={"after": position}, headers=reader
            )
            items = later.json()["items"]
        assert [(i["type"], i["resource_id"]) for i in items] == [
            ("officer.created", officer["id"])
        ]
        async with connected(restored.url(database=fresh_db.name)) as connection:
            txids = await connection.fetch(
                "SELECT txid::text::bigint AS t FROM audit_event ORDER BY id"
            )
        assert [r["t"] for r in txids] == sorted(r["t"] for r in txids)
    finally:
        await engine_after.dispose()
        restored.stop()


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    import tarfile

    bogus = tmp_path / "bogus.tar"
    with tarfile.open(bogus, "w"):
        pass
    with pytest.raises(RuntimeError, match="not an ilonet backup"):
        restore(bogus, tmp_path / "pgdata")
    assert not (tmp_path / "pgdata").exists()
