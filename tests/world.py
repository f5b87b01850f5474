"""The world the registry-generated tests act on: authorities, an ILO deployed with records and
transfers, webhooks (one failing, one with a failed delivery), a Board with its meeting, decision
and report, a network with an ad-hoc action, a document. Built once per session through the API
(tests/conftest.py keeps it in a database of its own); each test gets it with fresh tokens."""

from __future__ import annotations

import copy
import dataclasses
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
from jose import jwt
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.tokens import mint_token
from tests import factories
from tests.audit_witnesses import cosigned_head, witness_headers
from tests.board_factories import BoardWorld, board_world
from tests.factories import TODAY, Auth, Ilo, create_record, deployed_ilo, senegal_transfer

ADEQUACY = "/v1/reference/adequacy-decisions"
INSTRUMENTS = "/v1/reference/transfer-instruments"


@dataclass
class World:
    nl: dict[str, str]
    ilo: Ilo
    planned_id: str
    record_id: str
    webhook_id: str
    integration: dict[str, str]
    instrument: dict[str, Any]
    instrument_editor: dict[str, str]
    adequacy: dict[str, Any]
    board: BoardWorld
    # a record of the ILO, transferred and then restricted (version 2): one open notification
    restricted_id: str
    notification_id: str
    failing_webhook_id: str
    delivery_id: str
    network_id: str = ""
    ad_hoc_action_id: str = ""
    # A meeting of the network on the day the world is built, attended by the ILO (version 1).
    meeting_id: str = ""
    # A transfer with no follow-up yet, and one with a follow-up (version 1).
    transfer_id: str = ""
    followed_transfer_id: str = ""
    document_id: str = ""
    board_member: dict[str, str] = field(default_factory=dict)
    dpo: dict[str, str] = field(default_factory=dict)
    # The newest checkpoint, signed when the world was built, cosigned by Germany's witness.
    witness: dict[str, str] = field(default_factory=dict)
    cosigned_note: str = ""


# A platform document for the Board (JSON content, so that its download is JSON too).
DOCUMENT = {
    "title": "Sahel flows 2024",
    "category": "e_board_document",
    "audience": "steering_board",
    "media_type": "application/json",
    "content": '{"report": "Sahel flows 2024", "detections": 4512}',
}


async def failed_delivery(session: AsyncSession, webhook_id: str) -> str:
    """A delivery of the subscription that failed after its last retry (as the sender leaves
    it), of the latest feed event."""
    delivery_id = uuid.uuid4()
    await session.execute(
        text(
            "INSERT INTO webhook_delivery (id, subscription_id, outbox_event_id, event_type,"
            " attempts, next_attempt_at, status, last_attempt_at, last_status_code, last_error)"
            " SELECT :id, :subscription, id, type, 8, now(), 'failed', now(), 500, 'HTTP 500'"
            " FROM outbox_event ORDER BY id DESC LIMIT 1"
        ),
        {"id": delivery_id, "subscription": uuid.UUID(webhook_id)},
    )
    return str(delivery_id)


async def mark_failing(session: AsyncSession, webhook_id: str) -> None:
    await session.execute(
        text("UPDATE webhook_subscription SET failing_since = now() WHERE id = :id"),
        {"id": uuid.UUID(webhook_id)},
    )


async def build_world(client: httpx.AsyncClient, auth: Auth, session: AsyncSession) -> World:
    """The world, made through the API (and two rows only the webhook sender writes)."""
    nl = auth("NL", ["deploying_authority"])
    ilo = await deployed_ilo(client, auth)
    planned = await factories.plan_deployment(
        client, nl, officer_id=ilo.officer_id, city="Saint-Louis"
    )
    record = await create_record(client, ilo)
    integration = auth("NL", ["integration"], sub="nl-cms", scopes=["webhooks:write"])
    hook = await client.post(
        "/v1/webhooks", json={"url": "https://cms.example.nl/ilonet/other"}, headers=integration
    )
    assert hook.status_code == 201, hook.text
    reader = auth("NL", ["dpo"])
    instruments = (await client.get(INSTRUMENTS, headers=reader)).json()["items"]
    instrument = next(i for i in instruments if i["version"] == 1)
    parties = set(instrument["parties"])
    editor = "COM" if parties & {"EU", "COM"} else sorted(parties)[0]
    adequacy = (await client.get(ADEQUACY, headers=reader)).json()["items"][0]
    transfers = f"/v1/processing-records/{record['id']}/transfers"
    made = [
        await client.post(transfers, json=senegal_transfer(), headers=ilo.headers) for _ in (1, 2)
    ]
    assert all(m.status_code == 201 for m in made), made[0].text
    followed = await client.post(
        f"{transfers}/{made[1].json()['id']}/follow-up",
        json={"outcome": "no_answer"},
        headers=ilo.headers,
    )
    assert followed.status_code == 201, followed.text
    restricted = await create_record(client, ilo)
    path = f"/v1/processing-records/{restricted['id']}"
    sent = await client.post(f"{path}/transfers", json=senegal_transfer(), headers=ilo.headers)
    assert sent.status_code == 201, sent.text
    held = await client.post(f"{path}/restriction", json={"ground": "a"}, headers=ilo.headers)
    assert held.status_code == 200, held.text
    tasks = (await client.get(f"{path}/notifications", headers=ilo.headers)).json()["items"]
    board_member = auth("NL", ["sb_member"], sub="nl-board")
    document = await client.post("/v1/documents", json=DOCUMENT, headers=board_member)
    assert document.status_code == 201, document.text
    failing = await client.post(
        "/v1/webhooks", json={"url": "https://cms.example.nl/ilonet/failing"}, headers=integration
    )
    assert failing.status_code == 201, failing.text
    await mark_failing(session, failing.json()["id"])
    delivery_id = await failed_delivery(session, hook.json()["id"])
    await session.commit()
    built = World(
        nl=nl,
        ilo=ilo,
        planned_id=planned["id"],
        record_id=record["id"],
        webhook_id=hook.json()["id"],
        integration=integration,
        instrument=instrument,
        instrument_editor=auth(editor, ["reference_admin"]),
        adequacy=adequacy,
        board=await board_world(client, auth),
        transfer_id=made[0].json()["id"],
        followed_transfer_id=made[1].json()["id"],
        restricted_id=restricted["id"],
        notification_id=tasks[0]["id"],
        document_id=document.json()["id"],
        board_member=board_member,
        failing_webhook_id=failing.json()["id"],
        delivery_id=delivery_id,
        dpo=auth("NL", ["dpo"]),
    )
    await _networks(client, auth, built)
    built.cosigned_note = await cosigned_head(client, auth)
    built.witness = witness_headers(auth)
    return built


async def _networks(client: httpx.AsyncClient, auth: Auth, world: World) -> None:
    """A local network of the world's host country (registered by NL) with an ad-hoc action and a
    meeting."""
    network = await client.post(
        "/v1/networks",
        json={"name": "ILO network Senegal", "kind": "local", "countries": ["SN"]},
        headers=world.nl,
    )
    assert network.status_code == 201, network.text
    world.network_id = network.json()["id"]
    action = await client.post(
        f"/v1/networks/{world.network_id}/ad-hoc-actions",
        json={"title": "Survey", "description": "Routes.", "decided_on": TODAY.isoformat()},
        headers=world.board.secretariat,
    )
    assert action.status_code == 201, action.text
    world.ad_hoc_action_id = action.json()["id"]
    meeting = await client.post(
        f"/v1/networks/{world.network_id}/meetings",
        json={"held_on": TODAY.isoformat(), "attendees": [world.ilo.officer_id], "agenda": "Plan."},
        headers=world.ilo.headers,
    )
    assert meeting.status_code == 201, meeting.text
    world.meeting_id = meeting.json()["id"]


# Claims mint_token sets from its arguments; any other claim of a world token is passed on as is.
_MINTED = frozenset({"iss", "sub", "aud", "iat", "nbf", "exp", "org", "roles"})


def reminted(headers: dict[str, str], private_pem: bytes) -> dict[str, str]:
    """The same caller's headers with a token issued now: the same claims, a fresh validity."""
    claims = jwt.get_unverified_claims(headers["Authorization"].removeprefix("Bearer "))
    token = mint_token(
        private_pem=private_pem,
        issuer=claims["iss"],
        sub=claims["sub"],
        org=claims["org"],
        roles=claims["roles"],
        ttl_seconds=int(claims["exp"]) - int(claims["iat"]),
        extra={k: v for k, v in claims.items() if k not in _MINTED},
    )
    return {**headers, "Authorization": f"Bearer {token}"}


def refreshed(world: World, private_pem: bytes) -> World:
    """A copy of the world whose every caller's token is issued now: the world outlives a token's
    lifetime, its ids and callers do not change. Nothing is shared with the built world, so a
    test may change what it was given and the next still gets the original."""
    fresh: World = _refreshed(world, private_pem)
    return fresh


def _refreshed(part: Any, private_pem: bytes) -> Any:
    if isinstance(part, dict) and "Authorization" in part:
        return reminted(part, private_pem)
    if dataclasses.is_dataclass(part) and not isinstance(part, type):
        changes = {
            f.name: _refreshed(getattr(part, f.name), private_pem) for f in dataclasses.fields(part)
        }
        return dataclasses.replace(part, **changes)
    return copy.deepcopy(part)
