"""The hash chain on raw rows: the same bytes as the ORM's canonical form, and checkpoints.

Sealing and verification read raw rows and encode them with orjson (app/db/audit_chain.py);
these tests prove that every seal they make equals sha256(prev + json.dumps(...)) of the event
as the ORM loads it, for ASCII, non-ASCII, float and big-integer details alike, and that an
incremental verification starts from a checkpoint only while the chain still holds it.
"""

from __future__ import annotations

import json
from datetime import UTC
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db import audit, audit_chain
from app.db.audit_chain import encode
from app.db.engine import make_sessionmaker
from app.db.writer import Change, Writer
from app.models import AuditEvent, AuditSeal
from app.security import Principal
from tests import factories
from tests.conftest import TEST_ISSUER, FreshDatabase
from tests.factories import Auth

DOCUMENTS: list[dict[str, Any]] = [
    {"b": 1, "a": [1, 2, {"z": None, "y": True}], "c": "plain"},
    {"city": "Zürich", "name": "Ærø"},
    {"ratio": 0.1, "large": 1e16, "small": 1e-7, "whole": 2.0},
    {"big": 2**70, "negative": -(2**63)},
    {"control": 'tab\tnew\nline\x01\x7f quote" back\\ slash/'},
    {"emoji": "\U0001f600", "nested": {"b": {"d": 1, "c": 2}, "a": []}},
]
ODD_DETAILS: dict[str, Any] = {
    "city": "Zürich",
    "ratio": 0.25,
    "big": 2**70,
    "nested": {"z": [1, "ü"], "a": None},
}
DPO = Principal(
    iss=TEST_ISSUER,
    sub="nl-dpo",
    org="NL",
    roles=frozenset({"dpo"}),
    officer_id=None,
    scopes=frozenset(),
)


@pytest.mark.parametrize("document", DOCUMENTS)
def test_the_fast_encoding_is_the_json_encoding_byte_for_byte(document: dict[str, Any]) -> None:
    assert encode(document) == json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


async def test_raw_row_seals_equal_the_orm_canonical_form(
    committed_client: tuple[httpx.AsyncClient, AsyncEngine], auth: Auth
) -> None:
    client, engine = committed_client
    await factories.create_deployment_chain(client, auth("NL", ["deploying_authority"]))
    maker = make_sessionmaker(engine)
    async with maker() as session:
        writer = Writer(session, DPO, request_id="req-odd")
        change = Change(
            event_type="x.read",
            resource_type="x",
            organisation="NL",
            details=ODD_DETAILS,
            feed=False,
        )
        await writer.record_access(decision=None, change=change, resource_id="1")
        await session.commit()
    async with maker() as session, session.begin():
        assert await audit.seal_pending(session) == 4
    async with maker() as session:
        rows = (
            await session.execute(
                select(AuditSeal, AuditEvent)
                .join(AuditEvent, AuditEvent.id == AuditSeal.event_id)
                .order_by(AuditSeal.position)
            )
        ).all()
        result = await audit.verify(session)
    assert result.valid
    assert result.sealed_events == 4
    prev = audit.GENESIS
    for seal, event in rows:
        document = {
            "id": event.id,
            "occurred_at": event.occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
            "request_id": event.request_id,
            "actor": event.actor,
            "organisation": event.organisation,
            "action": event.action,
            "outcome": event.outcome,
            "resource_type": event.resource_type,
            "resource_id": event.resource_id,
            "decision_id": event.decision_id,
            "policy_version": event.policy_version,
            "rules": list(event.rules),
            "purpose": event.purpose,
            "legal_basis": event.legal_basis,
            "details": event.details,
        }
        plain = json.dumps(document, sort_keys=True, separators=(",", ":")).encode()
        assert seal.prev_hash == prev
        assert seal.hash == audit.chain_hash(prev, event)
        assert audit.canonical(event) == plain
        prev = seal.hash
    assert rows[-1][1].details == {"subject_organisation": "NL", **ODD_DETAILS}


async def test_incremental_verification_starts_from_a_checkpoint_the_chain_still_holds(
    committed_client: tuple[httpx.AsyncClient, AsyncEngine],
    fresh_db: FreshDatabase,
    auth: Auth,
) -> None:
    client, engine = committed_client
    nl = auth("NL", ["deploying_authority"])
    await factories.create_authority(client, nl)
    maker = make_sessionmaker(engine)
    async with maker() as session:
        await audit.seal_pending(session)
        full = await audit.verify(session)
        await session.commit()
    assert full.valid
    async with factories.connected(fresh_db.owner_url) as owner:
        checkpoints = await owner.fetch("SELECT position, hash FROM audit_checkpoint")
        assert [(r["position"], r["hash"]) for r in checkpoints] == [(1, full.head_hash)]

        await factories.create_authority(client, nl)
        async with maker() as session:
            await audit.seal_pending(session)
            incremental = await audit.verify(session, incremental=True)
            await session.commit()
        assert incremental.valid
        assert incremental.sealed_events == 2

        # A checkpoint the chain does not hold is reported, and the full walk is unaffected.
        await owner.execute(
            "INSERT INTO audit_checkpoint (position, hash) VALUES (3, $1)", "f" * 64
        )
        async with maker() as session:
            forged = await audit.verify(session, incremental=True)
            again = await audit.verify(session)
        assert not forged.valid
        assert forged.reason == "the chain differs from its checkpoint"
        assert again.valid
        with pytest.raises(asyncpg.PostgresError, match="append-only"):
            await owner.execute("DELETE FROM audit_checkpoint")


async def test_the_walk_encodes_each_odd_event_as_the_orm_canonical_form(
    committed_client: tuple[httpx.AsyncClient, AsyncEngine],
) -> None:
    """The walk's encoding (`row_bytes`: the fast path, or the careful one where a float, a big
    integer or a byte json escapes may be) gives the ORM's canonical form for every odd value:
    non-ASCII, control characters, quotes, floats, big integers."""
    _, engine = committed_client
    maker = make_sessionmaker(engine)
    odd_ids = ["plain-1", 'q"uote\\back/slash', "tab\tnew\nline\x01\x7f", "Zürich-\U0001f600"]
    async with maker() as session:
        writer = Writer(session, DPO, request_id='req-"odd"\x02')
        for index, details in enumerate(DOCUMENTS):
            change = Change(
                event_type="x.read",
                resource_type="x",
                organisation="NL",
                details=details,
                feed=False,
            )
            resource_id = odd_ids[index % len(odd_ids)]
            await writer.record_access(decision=None, change=change, resource_id=resource_id)
        await session.commit()
    async with maker() as session, session.begin():
        assert await audit.seal_pending(session) == len(DOCUMENTS)
    async with maker() as session, session.begin():
        events = {e.id: e for e in (await session.scalars(select(AuditEvent))).all()}
        driver = await audit_chain.driver(session)
        rows = await driver.fetch(audit_chain._WALK, 0, 100)
        assert [audit_chain.row_bytes(r, 4) for r in rows] == [
            audit.canonical(events[r[4]]) for r in rows
        ]
        # the fast path was taken for some (no float can be there) and not for others
        fast = [audit_chain._MAYBE_FLOAT.search(r[4 + 14]) is None for r in rows]
        assert any(fast)
        assert not all(fast)
        result = await audit.verify(session)
    assert result.valid, result.reason
    assert result.sealed_events == len(DOCUMENTS)
