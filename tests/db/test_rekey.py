"""KEK rotation: several KEKs by id, one active; `rotate` re-wraps every data key under the
active one, batch by batch, resumably and idempotently, and no record becomes unreadable."""

from __future__ import annotations

import base64
import secrets
import uuid

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.cli.keys import rotate_keys
from app.config import Settings
from app.db import rekey
from app.keyring import Keyring, load_keyring
from app.main import create_app
from app.models import AuditEvent, Officer, ProcessingRecord, WebhookSubscription
from app.services.webhook import open_secret
from tests import factories
from tests.conftest import FreshDatabase
from tests.factories import PLAINTEXT, Auth
from tests.scenarios import World


@pytest.fixture(autouse=True)
def _receivers(public_receiver: None) -> None:
    """The world subscribes cms.example.nl (answered by the fixture, not by DNS)."""


def _b64() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def _rotated(settings: Settings, old: Keyring, *, keep_old: bool = True) -> Keyring:
    """The keyring after an operator adds kek-2 and makes it active (ILONET_KEKS, ILONET_KEK_ID)."""
    keks = {"kek-2": _b64()}
    if keep_old:
        keks[old.kek_id] = base64.b64encode(old.kek).decode()
    return load_keyring(settings.model_copy(update={"keks": keks, "kek_id": "kek-2"}))


async def _kek_ids(session: AsyncSession) -> set[str | None]:
    ids: set[str | None] = set()
    ids |= set((await session.scalars(select(Officer.contact_kek_id))).all())
    ids |= set((await session.scalars(select(ProcessingRecord.kek_id))).all())
    ids |= set((await session.scalars(select(WebhookSubscription.secret_kek_id))).all())
    return ids - {None}


async def test_rotation_rewraps_every_data_key_and_every_record_stays_readable(
    client: httpx.AsyncClient,
    app: FastAPI,
    settings: Settings,
    world: World,
    auth: Auth,
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    old: Keyring = app.state.keyring
    assert await _kek_ids(session) == {old.kek_id}
    new = _rotated(settings, old)
    app.state.keyring = new  # the server restarted with kek-2 active, kek-1 still listed

    # during the rotation (here: before it), rows under kek-1 are still read with kek-1
    record_path = f"/v1/processing-records/{world.record_id}"
    before = await client.get(record_path, headers=world.ilo.headers)
    assert before.json()["subject_data"] is not None
    # and new rows are sealed under the active KEK
    created = await client.post(
        "/v1/officers",
        json={
            "authority_id": world.ilo.authority_id,
            "surname": "Visser",
            "given_names": "Anna",
            "contact": {"email": "anna.visser@ind.example.nl"},
        },
        headers=world.nl,
    )
    assert created.status_code == 201, created.text
    fresh = await session.get(Officer, uuid.UUID(created.json()["id"]))
    assert fresh is not None
    assert fresh.contact_kek_id == "kek-2"

    # stopped after its first batch of one row ...
    class Stop(Exception):
        pass

    def stop(_: int) -> None:
        raise Stop

    async with sessionmaker() as s:
        stale = sum((await rekey.remaining(s, new)).values())
    assert stale >= 3  # the world's officer contact, records and webhook secrets
    with pytest.raises(Stop):
        await rekey.rotate(sessionmaker, new, batch_size=1, progress=stop, idle_wait_seconds=0)
    async with sessionmaker() as s:
        left = await rekey.remaining(s, new)
    assert sum(left.values()) == stale - 1  # one batch of one row done
    # ... and resumed: it finishes; a second run finds nothing to do
    seen: list[int] = []
    await rekey.rotate(sessionmaker, new, batch_size=1, progress=seen.append)
    assert sum(seen) == stale - 1
    assert await rekey.rotate(sessionmaker, new) == dict.fromkeys(
        ("officer", "processing_record", "webhook_subscription", "webhook_previous_secret"), 0
    )
    session.expire_all()
    assert await _kek_ids(session) == {"kek-2"}

    # kek-1 can now be dropped: everything opens with kek-2 alone
    app.state.keyring = only_new = Keyring(
        secret_key=new.secret_key, kek=new.kek, kek_id="kek-2", keks={"kek-2": new.kek}
    )
    after = await client.get(record_path, headers=world.ilo.headers)
    assert after.status_code == 200, after.text
    assert after.json()["subject_data"] == before.json()["subject_data"]
    assert after.headers["ETag"] == before.headers["ETag"]  # the record itself did not change
    officer = await client.get(
        f"/v1/officers/{world.ilo.officer_id}", headers=auth("NL", ["deploying_authority"])
    )
    assert officer.json()["contact"] is not None
    subscription = await session.get(WebhookSubscription, uuid.UUID(world.webhook_id))
    assert subscription is not None
    assert open_secret(subscription, only_new).startswith("whsec_")
    # each batch is on record, without personal data
    events = (
        await session.scalars(select(AuditEvent).where(AuditEvent.action == "kek.rewrapped"))
    ).all()
    assert sum(e.details["count"] for e in events) == stale
    assert {e.resource_type for e in events} == {
        "officer",
        "processing_record",
        "webhook_subscription",
    }
    assert not any(p in str([e.details for e in events]) for p in PLAINTEXT)


async def test_an_unlisted_kek_is_named_not_guessed(settings: Settings) -> None:
    keyring = load_keyring(
        settings.model_copy(update={"keks": {"kek-9": _b64()}, "kek_id": "kek-9"})
    )
    with pytest.raises(RuntimeError, match="kek-1"):
        keyring.kek_for("kek-1")
    with pytest.raises(RuntimeError, match="ILONET_KEK_ID"):
        load_keyring(settings.model_copy(update={"keks": {"kek-9": _b64()}, "kek_id": "kek-3"}))


async def test_rotation_beside_a_running_server_skips_held_rows_and_finishes_after(
    committed_client: tuple[httpx.AsyncClient, AsyncEngine],
    fresh_db: FreshDatabase,
    settings: Settings,
    auth: Auth,
) -> None:
    """Committed data, a request holding one officer row (FOR UPDATE) while `ilonet keys rotate`
    runs: that row is skipped, not waited for; once released, a second run re-wraps it."""
    client, engine = committed_client
    nl = auth("NL", ["deploying_authority"], sub="nl-ind")
    authority = await factories.create_authority(client, nl)
    officers = [
        await factories.create_officer(client, nl, authority_id=authority["id"]) for _ in range(3)
    ]
    old = load_keyring(settings)
    rotated = settings.model_copy(
        update={
            "keks": {"kek-2": _b64(), old.kek_id: base64.b64encode(old.kek).decode()},
            "kek_id": "kek-2",
        }
    )
    held = uuid.UUID(officers[0]["id"])
    async with engine.connect() as request:
        transaction = await request.begin()
        await request.execute(select(Officer.id).where(Officer.id == held).with_for_update())
        maker = async_sessionmaker(engine, expire_on_commit=False)
        partial = await rekey.rotate(
            maker, load_keyring(rotated), max_idle_rounds=1, idle_wait_seconds=0
        )
        assert partial["officer"] == 2
        await transaction.rollback()
    result = await rotate_keys(fresh_db.app_url, rotated, batch_size=2)
    assert result["rewrapped"]["officer"] == 1
    assert result["remaining"] == dict.fromkeys(result["remaining"], 0)
    async with maker() as session:
        ids = set((await session.scalars(select(Officer.contact_kek_id))).all())
    assert ids == {"kek-2"}
    # and a server configured with kek-2 alone reads every contact
    only_new = rotated.model_copy(update={"keks": {"kek-2": rotated.keks["kek-2"]}})
    application = create_app(only_new)
    application.state.engine = engine
    application.state.sessionmaker = maker
    transport = httpx.ASGITransport(app=application)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as restarted:
        for officer in officers:
            read = await restarted.get(f"/v1/officers/{officer['id']}", headers=nl)
            assert read.json()["contact"] is not None, read.text
