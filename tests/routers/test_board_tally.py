"""A Board decision's outcome (ILO-7.8) through the API: the Decision carries it, in the dry run
as in the write, which stores exactly that; the rules of procedure are those in force on the
meeting's date (ILO-8.1); each vote is judged once (refused, malformed, or recorded uncounted)."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import AuditEvent, BoardDecision
from tests.board_factories import appoint, meeting_body, post, rules_body, secretariat
from tests.factories import Auth, days

# Sixteen Member States: the absolute majority of the Board's 31 voting seats.
SIXTEEN = ["AT", "BE", "BG", "CY", "CZ", "DE", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE"]
SIXTEEN += ["IT", "LT"]


def _body(meeting_id: str, votes: list[dict[str, Any]]) -> dict[str, Any]:
    return {"meeting_id": meeting_id, "title": "Joint training", "summary": "S", "votes": votes}


async def _decisions(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(BoardDecision)) or 0)


async def test_ilo_7_8_the_dry_run_shows_the_outcome_the_write_stores(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    com = secretariat(auth)
    for code in [*SIXTEEN, "NO"]:
        await appoint(client, com, code)
    await post(client, "/v1/board/rules-of-procedure", com, rules_body(quorum=16))
    meeting = await post(client, "/v1/board/meetings", com, meeting_body())
    votes = [{"organisation": c, "choice": "yes"} for c in SIXTEEN]
    body = _body(meeting["id"], [*votes, {"organisation": "NO", "choice": "no"}])
    dry = await client.post(
        "/v1/policy/evaluate", json={"action": "board_decision.record", "body": body}, headers=com
    )
    assert dry.status_code == 200, dry.text
    result = dry.json()["result"]
    assert result == {
        "kind": "board_decision.tally",
        "rule": "ILO-7.8",
        "outcome": "adopted",
        "tally": {
            "voting_seats": 31,
            "majority_needed": 16,
            "quorum": 16,
            "present": 16,
            "yes": 16,
            "no": 0,
            "abstain": 0,
            "quorum_met": True,
            "uncounted": [{"organisation": "NO", "reason": "no voting right (Art. 7(3), 7(4))"}],
        },
        "rules_of_procedure": {
            "adopted_on": days(-20),
            "quorum": 16,
            "proxy_allowed": False,
            "max_proxies_per_member": 0,
        },
    }
    assert await _decisions(session) == 0  # the dry run stores nothing
    written = await post(client, "/v1/board/decisions", com, body)
    assert (written["outcome"], written["tally"]) == (result["outcome"], result["tally"])
    stored = await session.get(BoardDecision, written["id"])
    assert stored is not None
    assert (stored.outcome, stored.tally) == (result["outcome"], result["tally"])
    audit = await session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "board_decision.recorded",
            AuditEvent.resource_id == written["id"],
        )
    )
    assert audit is not None
    assert (audit.details["outcome"], audit.details["yes"]) == ("adopted", 16)
    assert audit.decision_id == stored.decision_id
    assert {"ILO-7.8", "ILO-8.1"} <= set(audit.rules)


async def test_ilo_8_1_a_decision_is_counted_by_the_rules_in_force_on_its_meetings_date(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    """Rules adopted 100 days ago (quorum 16, no proxy), then rules adopted 10 days ago (quorum
    16, one proxy per member), recorded in the reverse order: the meeting's date, not the order
    of recording, says which apply."""
    com = secretariat(auth)
    for code in SIXTEEN:
        await appoint(client, com, code, starts_on=days(-200))
    newer = rules_body(adopted_on=days(-10), proxy_allowed=True, max_proxies_per_member=1)
    await post(client, "/v1/board/rules-of-procedure", com, newer)
    older = rules_body(adopted_on=days(-100), document_reference="SB/2026/00")
    await post(client, "/v1/board/rules-of-procedure", com, older)
    # fifteen in person, the sixteenth by proxy of the first
    votes: list[dict[str, Any]] = [{"organisation": c, "choice": "yes"} for c in SIXTEEN[:15]]
    votes.append(
        {"organisation": SIXTEEN[15], "choice": "yes", "mode": "proxy", "proxy_holder": "AT"}
    )
    found: dict[str, tuple[str, int, int, list[dict[str, str]]]] = {}
    for held_on in (days(-150), days(-50), days(0)):
        meeting = await post(client, "/v1/board/meetings", com, meeting_body(held_on=held_on))
        written = await post(client, "/v1/board/decisions", com, _body(meeting["id"], votes))
        stored = await session.get(BoardDecision, written["id"])
        assert stored is not None
        assert stored.decided_on.isoformat() == held_on
        found[held_on] = (
            stored.outcome,
            stored.tally["present"],
            stored.tally["yes"],
            stored.tally["uncounted"],
        )
    refused_proxy = [
        {"organisation": SIXTEEN[15], "reason": "proxy vote: the rules of procedure allow none"}
    ]
    assert found == {
        # no rules in force yet: ILO-7.8 alone, no quorum and no proxy
        days(-150): ("not_adopted", 15, 15, refused_proxy),
        # the older rules: no proxy, so 15 present of a quorum of 16
        days(-50): ("no_quorum", 15, 15, refused_proxy),
        # the newer rules, though recorded first: the proxy counts
        days(0): ("adopted", 16, 16, []),
    }


async def test_ilo_7_8_each_vote_is_judged_once_refused_malformed_or_uncounted(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    com = secretariat(auth)
    for code in ("NL", "DE", "NO"):
        await appoint(client, com, code)
    meeting = await post(client, "/v1/board/meetings", com, meeting_body())
    # the law refuses a vote by an organisation without a seat that day: 403, audited
    unseated = _body(meeting["id"], [{"organisation": "FR", "choice": "yes"}])
    refused = await client.post("/v1/board/decisions", json=unseated, headers=com)
    assert refused.status_code == 403, refused.text
    [violation] = refused.json()["violations"]
    assert (violation["rule"], violation["reasons"]) == (
        "ILO-7.8",
        ["FR holds no member seat on the decision's date"],
    )
    denial = await session.scalar(
        select(AuditEvent).where(AuditEvent.decision_id == refused.json()["decision_id"])
    )
    assert denial is not None
    assert denial.action == "policy.denied"
    # a vote that cannot be read as one is malformed: 422, in the dry run as in the write
    malformed = _body(
        meeting["id"], [{"organisation": "NL", "choice": "yes", "proxy_holder": "DE"}]
    )
    answer = await client.post("/v1/board/decisions", json=malformed, headers=com)
    assert answer.status_code == 422, answer.text
    assert "NL: proxy_holder is set on an in-person vote" in answer.text
    dry = await client.post(
        "/v1/policy/evaluate",
        json={"action": "board_decision.record", "body": malformed},
        headers=com,
    )
    assert dry.status_code == 422, dry.text
    assert await _decisions(session) == 0
    # votes the law lets be cast but that give no vote are recorded, uncounted, with the reason
    votes = [
        {"organisation": "DE", "choice": "yes"},
        {"organisation": "NO", "choice": "yes"},
        {"organisation": "NL", "choice": "no", "mode": "proxy", "proxy_holder": "DE"},
    ]
    written = await post(client, "/v1/board/decisions", com, _body(meeting["id"], votes))
    stored = await session.get(BoardDecision, written["id"])
    assert stored is not None
    assert [v["organisation"] for v in stored.votes] == ["DE", "NO", "NL"]
    assert (stored.tally["present"], stored.tally["yes"], stored.tally["no"]) == (1, 1, 0)
    assert stored.tally["uncounted"] == [
        {"organisation": "NL", "reason": "proxy vote: the rules of procedure allow none"},
        {"organisation": "NO", "reason": "no voting right (Art. 7(3), 7(4))"},
    ]
    assert written["tally"]["uncounted"] == stored.tally["uncounted"]
