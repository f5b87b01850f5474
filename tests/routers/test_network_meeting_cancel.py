"""POST /v1/networks/{id}/meetings/{meeting}/cancellation: a meeting not yet held is cancelled by
whom may record it (ACL-ROLE, ACL-ORG), with If-Match; its record stays, with the day and the
reason; the dry run decides what the write decides."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import AuditEvent, NetworkMeeting, OutboxEvent
from tests.factories import TODAY, Auth
from tests.scenarios import World

REASON = "The host authority is closed that day."


def cancellation(world: World, meeting_id: str | None = None) -> str:
    return f"/v1/networks/{world.network_id}/meetings/{meeting_id or world.meeting_id}/cancellation"


async def stored(session: AsyncSession, meeting_id: str) -> tuple[Any, str | None, int]:
    row = await session.get(NetworkMeeting, uuid.UUID(meeting_id), populate_existing=True)
    assert row is not None
    return row.cancelled_on, row.cancellation_reason, row.version


async def events(session: AsyncSession, action: str) -> list[AuditEvent]:
    return list(
        (await session.scalars(select(AuditEvent).where(AuditEvent.action == action))).all()
    )


async def test_an_attending_ilo_cancels_a_meeting_not_yet_held_and_its_record_stays(
    client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    path = f"/v1/networks/{world.network_id}/meetings/{world.meeting_id}"
    before = await client.get(path, headers=world.ilo.headers)
    assert before.status_code == 200, before.text
    assert before.headers["etag"] == '"v1"'
    assert before.json()["cancelled_on"] is None

    cancelled = await client.post(
        cancellation(world),
        json={"reason": REASON},
        headers={**world.ilo.headers, "If-Match": '"v1"'},
    )
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.headers["etag"] == '"v2"'
    body = cancelled.json()
    assert (body["cancelled_on"], body["cancellation_reason"], body["version"]) == (
        TODAY.isoformat(),
        REASON,
        2,
    )
    assert body["attendees"] == [world.ilo.officer_id]
    assert await stored(session, world.meeting_id) == (TODAY, REASON, 2)

    (event,) = await events(session, "network_meeting.cancelled")
    assert (event.resource_type, event.resource_id, event.outcome) == (
        "network_meeting",
        world.meeting_id,
        "allowed",
    )
    assert event.details["authorised_action"] == "network_meeting.cancel"
    assert REASON not in str(event.details), "free text stays out of the audit log"
    assert "ACL-ORG" in event.rules
    feed = await session.scalar(
        select(func.count())
        .select_from(OutboxEvent)
        .where(OutboxEvent.type == "network_meeting.cancelled")
    )
    assert feed == 1

    listed = await client.get(
        f"/v1/networks/{world.network_id}/meetings", headers=world.board.secretariat
    )
    (row,) = [m for m in listed.json()["items"] if m["id"] == world.meeting_id]
    assert (row["cancelled_on"], row["version"]) == (TODAY.isoformat(), 2)


async def test_if_match_is_required_and_a_stale_or_second_cancellation_changes_nothing(
    client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    path, headers = cancellation(world), world.ilo.headers
    missing = await client.post(path, json={"reason": REASON}, headers=headers)
    assert missing.status_code == 428, missing.text
    stale = await client.post(
        path, json={"reason": REASON}, headers={**headers, "If-Match": '"v7"'}
    )
    assert stale.status_code == 412, stale.text
    assert await stored(session, world.meeting_id) == (None, None, 1)

    first = await client.post(path, json={"reason": REASON}, headers={**headers, "If-Match": "*"})
    assert first.status_code == 200, first.text
    again = await client.post(
        path, json={"reason": "Again."}, headers={**headers, "If-Match": '"v2"'}
    )
    assert again.status_code == 409, again.text
    assert again.json()["type"].endswith("/conflict")
    assert "cancelled on" in again.json()["detail"]
    assert await stored(session, world.meeting_id) == (TODAY, REASON, 2)


async def test_a_meeting_already_held_is_not_cancelled(
    client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    held = await client.post(
        f"/v1/networks/{world.network_id}/meetings",
        json={
            "held_on": (TODAY - timedelta(days=1)).isoformat(),
            "attendees": [world.ilo.officer_id],
            "agenda": "Yesterday's meeting.",
        },
        headers=world.ilo.headers,
    )
    assert held.status_code == 201, held.text
    meeting_id = held.json()["id"]
    refused = await client.post(
        cancellation(world, meeting_id),
        json={"reason": REASON},
        headers={**world.ilo.headers, "If-Match": '"v1"'},
    )
    assert refused.status_code == 409, refused.text
    assert "a held meeting is not cancelled" in refused.json()["detail"]
    assert await stored(session, meeting_id) == (None, None, 1)


async def test_acl_org_and_acl_role_another_organisation_or_role_does_not_cancel(
    client: httpx.AsyncClient, world: World, auth: Auth, session: AsyncSession
) -> None:
    cases = {
        ("FR", "deploying_authority"): "ACL-ORG",
        ("NL", "dpo"): "ACL-ROLE",
    }
    for (org, role), rule in cases.items():
        response = await client.post(
            cancellation(world),
            json={"reason": REASON},
            headers={**auth(org, [role]), "If-Match": '"v1"'},
        )
        assert response.status_code == 403, (org, role, response.text)
        assert rule in [v["rule"] for v in response.json()["violations"]], (org, role)
    assert await stored(session, world.meeting_id) == (None, None, 1)
    denied = await events(session, "policy.denied")
    assert sorted(e.organisation for e in denied if e.resource_type == "network_meeting") == [
        "FR",
        "NL",
    ]
    # The Board's secretariat cancels any network's meeting (Art. 8(3), as it records them).
    board = await client.post(
        cancellation(world),
        json={"reason": REASON},
        headers={**world.board.secretariat, "If-Match": '"v1"'},
    )
    assert board.status_code == 200, board.text


async def test_a_meeting_of_another_network_or_none_is_a_404(
    client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    headers = {**world.ilo.headers, "If-Match": '"v1"'}
    other_network = await client.post(
        f"/v1/networks/{uuid.uuid4()}/meetings/{world.meeting_id}/cancellation",
        json={"reason": REASON},
        headers=headers,
    )
    assert other_network.status_code == 404, other_network.text
    nowhere = await client.post(
        cancellation(world, str(uuid.uuid4())), json={"reason": REASON}, headers=headers
    )
    assert nowhere.status_code == 404, nowhere.text
    assert await stored(session, world.meeting_id) == (None, None, 1)


async def test_a_hostile_body_is_a_422_and_changes_nothing(
    client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    headers = {**world.ilo.headers, "If-Match": '"v1"'}
    bodies: list[Any] = [
        {},
        {"reason": ""},
        {"reason": "x" * 2001},
        {"reason": "a\u0000b"},
        {"reason": REASON, "cancelled_on": "2020-01-01"},
        {"reason": ["list"]},
        "not an object",
    ]
    for body in bodies:
        response = await client.post(cancellation(world), json=body, headers=headers)
        assert response.status_code == 422, (body, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
    assert await stored(session, world.meeting_id) == (None, None, 1)


async def test_the_dry_run_decides_what_the_write_decides(
    client: httpx.AsyncClient, world: World, auth: Auth, session: AsyncSession
) -> None:
    def evaluate(headers: dict[str, str], if_match: str) -> Any:
        return client.post(
            "/v1/policy/evaluate",
            json={
                "action": "network_meeting.cancel",
                "target_id": world.meeting_id,
                "if_match": if_match,
                "body": {"reason": REASON},
            },
            headers=headers,
        )

    foreign = auth("FR", ["deploying_authority"])
    denied = (await evaluate(foreign, '"v1"')).json()
    assert denied["allowed"] is False
    assert [v["rule"] for v in denied["violations"]] == ["ACL-ORG"]
    real_denied = await client.post(
        cancellation(world), json={"reason": REASON}, headers={**foreign, "If-Match": '"v1"'}
    )
    assert real_denied.json()["violations"] == denied["violations"]

    allowed = await evaluate(world.ilo.headers, '"v1"')
    assert allowed.status_code == 200, allowed.text
    assert allowed.json()["allowed"] is True
    assert await stored(session, world.meeting_id) == (None, None, 1)
    stale = (await evaluate(world.ilo.headers, '"v9"')).json()
    assert stale["allowed"] is True
    assert [c["status"] for c in stale["conflicts"]] == [412]
