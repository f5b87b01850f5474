"""/v1/board through the API: appointments denied with the rule or flagged on the status, the
outcome of a decision derived (ILO-7.8), forwarding lists (ILO-7.9), the holders' personal data
behind the read policy and audited, the officer list and the gap analysis (ILO-8.2)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import AuditEvent, BoardDecision, BoardMeeting, BoardSeat, OutboxEvent
from app.policies.vocabulary import DocumentCategory
from app.services import board_decision
from app.services.board import ep_visible_categories
from tests.board_factories import (
    MEMBER_EMAIL,
    MEMBER_NAME,
    appoint,
    meeting_body,
    post,
    rules_body,
    secretariat,
)
from tests.factories import TODAY, Auth, days, deployed_ilo

MEMBER_STATES = sorted(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
    ]
)


async def _count(session: AsyncSession, model: type[Any], *where: Any) -> int:
    return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def test_ilo_7_8_board_of_31_voting_members_15_yes_of_20_present_does_not_adopt(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    com = secretariat(auth)
    present = MEMBER_STATES[:20]
    for code in present:
        await appoint(client, com, code)
    await post(client, "/v1/board/rules-of-procedure", com, rules_body(quorum=16))
    meeting = await post(client, "/v1/board/meetings", com, meeting_body())
    votes = [{"organisation": c, "choice": "yes"} for c in present[:15]]
    votes += [{"organisation": c, "choice": "no"} for c in present[15:]]
    body = {"meeting_id": meeting["id"], "title": "T", "summary": "S", "votes": votes}
    decision = await post(client, "/v1/board/decisions", com, body)
    assert decision["outcome"] == "not_adopted"
    assert {k: decision["tally"][k] for k in ("voting_seats", "majority_needed", "present")} == {
        "voting_seats": 31,
        "majority_needed": 16,
        "present": 20,
    }
    stored = await session.get(BoardDecision, decision["id"])
    assert stored is not None
    assert stored.outcome == "not_adopted"
    audit = await session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "board_decision.recorded", AuditEvent.resource_id == decision["id"]
        )
    )
    assert audit is not None
    assert audit.details["outcome"] == "not_adopted"
    assert "ILO-7.8" in audit.rules
    # a client cannot state the outcome: the field is refused
    claimed = await client.post(
        "/v1/board/decisions", json={**body, "outcome": "adopted"}, headers=com
    )
    assert claimed.status_code == 422


async def test_ilo_7_2_an_appointment_beyond_the_seat_count_is_denied_with_the_rule(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    com = secretariat(auth)
    await appoint(client, com, "NL")
    again = await client.post(
        "/v1/board/members",
        json={"role": "member", "organisation": "NL", "holder_name": "B", "starts_on": days(-1)},
        headers=com,
    )
    assert again.status_code == 403, again.text
    assert [v["rule"] for v in again.json()["violations"]] == ["ILO-7.2"]
    assert await _count(session, BoardSeat, BoardSeat.organisation == "NL") == 1
    denial = await session.scalar(
        select(AuditEvent)
        .where(AuditEvent.action == "policy.denied")
        .order_by(AuditEvent.id.desc())
    )
    assert denial is not None
    assert denial.details["attempted"] == "board_member.appoint"
    # the wrong kind of participant for the seat: an alternate for Europol
    europol = await client.post(
        "/v1/board/members",
        json={
            "role": "alternate",
            "organisation": "EUROPOL",
            "holder_name": "C",
            "starts_on": days(-1),
        },
        headers=com,
    )
    assert [v["rule"] for v in europol.json()["violations"]] == ["ILO-7.2"]


async def test_ilo_7_2_an_incomplete_board_is_flagged_on_the_status_not_refused(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    com = secretariat(auth)
    await appoint(client, com, "COM", chair=True)
    seat = await appoint(client, com, "NL")
    status = (await client.get("/v1/board/status", headers=com)).json()
    assert status["composition_complete"] is False
    assert status["voting_seats"] == 31
    assert {"organisation": "NL", "role": "alternate"} in status["missing"]
    assert {"organisation": "NL", "role": "member"} not in status["missing"]
    assert {"organisation": "NO", "role": "member"} in status["missing"]
    assert all(m["organisation"] != "DK" for m in status["missing"])
    assert status["chair"] is not None
    assert [f["rule"] for f in status["flags"]] == ["ILO-7.2"]
    # ending the appointment empties the seat again
    ended = await client.post(
        f"/v1/board/members/{seat['id']}/end",
        json={"ended_on": TODAY.isoformat()},
        headers={**com, "If-Match": '"v1"'},
    )
    assert ended.status_code == 200, ended.text
    assert ended.json()["ended_on"] == TODAY.isoformat()
    status = (await client.get("/v1/board/status", headers=com)).json()
    assert {"organisation": "NL", "role": "member"} in status["missing"]


async def test_ilo_8_2_a_meeting_is_recorded_on_a_day_with_at_most_the_ilos_its_list_holds(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    com = secretariat(auth)
    await deployed_ilo(client, auth)
    await deployed_ilo(client, auth, org="FR")
    monkeypatch.setattr(board_decision, "MEETING_OFFICERS_MAX", 1)
    refused = await client.post("/v1/board/meetings", json=meeting_body(), headers=com)
    assert refused.status_code == 422, refused.text
    (error,) = refused.json()["errors"]
    assert error["pointer"] == "/held_on"
    assert "a meeting's list holds at most 1" in error["detail"]
    assert await _count(session, BoardMeeting) == 0
    monkeypatch.setattr(board_decision, "MEETING_OFFICERS_MAX", 2)
    meeting = await post(client, "/v1/board/meetings", com, meeting_body())
    assert len(meeting["officer_list"]) == 2


async def test_ilo_7_9_the_decision_shows_who_forwarded_it_and_who_has_not(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    com = secretariat(auth)
    await appoint(client, com, "NL")
    meeting = await post(client, "/v1/board/meetings", com, meeting_body())
    decision = await post(
        client,
        "/v1/board/decisions",
        com,
        {
            "meeting_id": meeting["id"],
            "title": "T",
            "summary": "S",
            "votes": [{"organisation": "NL", "choice": "yes"}],
        },
    )
    assert decision["forwarded"] == []
    assert {"NL", "FR", "COM", "FRONTEX", "NO"} <= set(decision["not_forwarded"])
    assert "EP" not in decision["not_forwarded"]
    assert "DK" not in decision["not_forwarded"]
    nl = auth("NL", ["deploying_authority"])
    path = f"/v1/board/decisions/{decision['id']}/forwardings"
    first = await client.post(
        path, json={"organisation": "NL", "forwarded_on": TODAY.isoformat()}, headers=nl
    )
    assert first.status_code == 201, first.text
    # a creation answers its Location: the forwarding is shown on its decision
    assert first.headers["Location"] == f"/v1/board/decisions/{decision['id']}"
    done = first.json()
    assert done["forwarded"] == [{"organisation": "NL", "forwarded_on": TODAY.isoformat()}]
    assert "NL" not in done["not_forwarded"]
    assert "FR" in done["not_forwarded"]
    # NL may not record France's forwarding; a second record of its own is a conflict
    other = await client.post(
        path, json={"organisation": "FR", "forwarded_on": TODAY.isoformat()}, headers=nl
    )
    assert [v["rule"] for v in other.json()["violations"]] == ["ACL-ORG"]
    twice = await client.post(
        path, json={"organisation": "NL", "forwarded_on": TODAY.isoformat()}, headers=nl
    )
    assert twice.status_code == 409
    feed = await session.scalar(
        select(OutboxEvent).where(OutboxEvent.type == "board_decision.forwarded")
    )
    assert feed is not None
    assert feed.organisation == "NL"


async def test_ilo_9_3_board_members_names_only_for_contact_list_roles_and_audited(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    com = secretariat(auth)
    seat = await appoint(client, com, "NL", holder_name=MEMBER_NAME, holder_email=MEMBER_EMAIL)
    assert seat["holder"] is None  # the write's answer (replayable) holds no personal data
    reader = auth("FR", ["deploying_authority"])
    seen = (await client.get("/v1/board/members", headers=reader)).json()["items"]
    assert [(s["organisation"], s["role"], s["voting"], s["holder"]) for s in seen] == [
        ("NL", "member", True, None)
    ]
    before = await _count(session, AuditEvent, AuditEvent.action == "board_member.personal_read")
    member = auth("FR", ["sb_member"])
    shown = await client.get(f"/v1/board/members/{seat['id']}", headers=member)
    assert shown.json()["holder"] == {"name": MEMBER_NAME, "email": MEMBER_EMAIL, "phone": None}
    assert shown.headers["cache-control"] == "no-store"
    after = await _count(session, AuditEvent, AuditEvent.action == "board_member.personal_read")
    assert after == before + 1
    events = (await session.scalars(select(AuditEvent))).all()
    assert not any(MEMBER_NAME in str(e.details) or MEMBER_EMAIL in str(e.details) for e in events)
    refused = await client.get("/v1/board/members", headers=auth("EP", ["ep_reader"]))
    assert refused.status_code == 403


async def test_ilo_8_2_the_officer_list_of_a_meeting_names_officers_only_for_permitted_roles(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    ilo = await deployed_ilo(client, auth)
    com = secretariat(auth)
    meeting = await post(client, "/v1/board/meetings", com, meeting_body())
    [entry] = meeting["officer_list"]
    assert entry == {
        "officer_id": ilo.officer_id,
        "organisation": "NL",
        "host_country": "SN",
        "region_countries": ["GM"],
        "posting_type": "member_state_mission",
        "name": None,
    }
    plain = await client.get("/v1/board/officer-list", headers=auth("FR", ["deploying_authority"]))
    assert plain.json()["items"][0]["name"] is None
    named = await client.get(
        f"/v1/board/meetings/{meeting['id']}", headers=auth("FR", ["sb_member"])
    )
    assert named.json()["officer_list"][0]["name"] == "Eva Jansen"
    audited = await _count(
        session,
        AuditEvent,
        AuditEvent.action == "officer.name_read",
        AuditEvent.resource_id == ilo.officer_id,
    )
    assert audited == 1
    earlier = await client.get(
        f"/v1/board/officer-list?on={days(-90)}", headers=auth("FR", ["sb_member"])
    )
    assert earlier.json()["items"] == []


async def test_ilo_8_2_deployment_gaps_name_uncovered_priority_countries_and_options(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    await deployed_ilo(client, auth)  # NL in Senegal (and The Gambia), for 400 days
    reader = auth("FR", ["sb_member"])
    gaps = (await client.get("/v1/board/deployment-gaps?horizon_days=30", headers=reader)).json()
    by_country = {g["country"]: g for g in gaps["items"]}
    assert by_country["SN"]["status"] == "covered"
    assert by_country["SN"]["organisations"] == ["NL"]
    assert by_country["MR"]["status"] == "uncovered"
    assert by_country["MR"]["options"] == [{"country": "SN", "organisations": ["NL"]}]
    assert gaps["list_version"]
    assert "Action Plan" in gaps["source"]
    expiring = await client.get("/v1/board/deployment-gaps?horizon_days=500", headers=reader)
    assert {g["country"]: g["status"] for g in expiring.json()["items"]}["SN"] == "expiring"


async def test_ilo_8_1_rules_of_procedure_in_force_and_their_ep_visible_categories(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    com = secretariat(auth)
    assert (await client.get("/v1/board/rules-of-procedure", headers=com)).status_code == 404
    assert await ep_visible_categories(session) == frozenset()
    await post(client, "/v1/board/meetings", com, meeting_body(held_on=days(-200)))
    adopted = await post(client, "/v1/board/rules-of-procedure", com, rules_body())
    assert adopted["late"] is True
    assert adopted["version"] == 1
    assert await ep_visible_categories(session) == {DocumentCategory.b_programme_or_report}
    status = (await client.get("/v1/board/status", headers=com)).json()
    assert "ILO-8.1" in [f["rule"] for f in status["flags"]]
    personal = await client.post(
        "/v1/board/rules-of-procedure",
        json=rules_body(ep_visible_categories=["d_ilo_contact_list"]),
        headers=com,
    )
    assert [v["rule"] for v in personal.json()["violations"]] == ["ILO-8.1"]


async def test_a_query_date_is_an_iso_day_not_a_unix_time(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    reader = auth("FR", ["sb_member"])
    for path in ("/v1/board/members", "/v1/board/officer-list", "/v1/board/deployment-gaps"):
        refused = await client.get(f"{path}?on=0", headers=reader)
        assert refused.status_code == 422, path
        assert (
            await client.get(f"{path}?on={TODAY.isoformat()}", headers=reader)
        ).status_code == 200


async def test_board_meetings_page_by_day_then_id(client: httpx.AsyncClient, auth: Auth) -> None:
    """The meetings' keyset is (held_on, id): two meetings on one day and one before page
    through one at a time, oldest first, each once."""
    com = secretariat(auth)
    made = [
        await post(client, "/v1/board/meetings", com, meeting_body(held_on=days(held)))
        for held in (-10, -30, -10)
    ]
    whole = (await client.get("/v1/board/meetings", headers=com)).json()
    assert whole["next_cursor"] is None
    ids = [m["id"] for m in whole["items"]]
    assert sorted(ids) == sorted(m["id"] for m in made)
    assert ids[0] == made[1]["id"]
    assert ids[1:] == sorted([made[0]["id"], made[2]["id"]])
    walked: list[str] = []
    url: str | None = "/v1/board/meetings?limit=1"
    while url is not None and len(walked) < 4:
        page = await client.get(url, headers=com)
        assert page.status_code == 200, page.text
        assert len(page.json()["items"]) == 1
        walked += [m["id"] for m in page.json()["items"]]
        following = page.json()["next_cursor"]
        url = f"/v1/board/meetings?limit=1&cursor={following}" if following else None
    assert walked == ids
