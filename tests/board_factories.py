"""Set-up of the Steering Board through the public API: the secretariat's headers, seats, rules
of procedure, a meeting, a decision, a work programme and an activity report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from tests.factories import TODAY, Auth, days

JSON = dict[str, Any]
# The Board's member holding NL's seat: a name and contact that must never reach the report.
MEMBER_NAME = "Wilhelmina Quaxbergen"
MEMBER_EMAIL = "w.quaxbergen@example.nl"


def secretariat(auth: Auth) -> dict[str, str]:
    return auth("COM", ["sb_secretariat"], sub="com-secretariat")


def seat_body(organisation: str | None, role: str = "member", **overrides: Any) -> JSON:
    return {
        "role": role,
        "organisation": organisation,
        "holder_name": f"Holder {organisation or 'observer'} {role}",
        "starts_on": days(-30),
        **overrides,
    }


async def post(
    client: httpx.AsyncClient, path: str, headers: dict[str, str], body: JSON, status: int = 201
) -> JSON:
    response = await client.post(path, json=body, headers=headers)
    assert response.status_code == status, f"POST {path}: {response.status_code} {response.text}"
    answer: JSON = response.json()
    return answer


async def appoint(
    client: httpx.AsyncClient, headers: dict[str, str], organisation: str | None, **kw: Any
) -> JSON:
    return await post(client, "/v1/board/members", headers, seat_body(organisation, **kw))


def rules_body(**overrides: Any) -> JSON:
    return {
        "adopted_on": days(-20),
        "quorum": 16,
        "proxy_allowed": False,
        "max_proxies_per_member": 0,
        "ep_visible_categories": ["b_programme_or_report"],
        "document_reference": "SB/2026/01",
        **overrides,
    }


def meeting_body(**overrides: Any) -> JSON:
    return {"held_on": TODAY.isoformat(), "location": "Brussels", "agenda": ["Gaps"], **overrides}


def programme_body(**overrides: Any) -> JSON:
    return {
        "period_from": f"{TODAY.year}-01-01",
        "period_to": f"{TODAY.year + 1}-12-31",
        "title": "Work programme",
        "adopted_on": days(-10),
        "priorities": ["Atlantic route"],
        "resources": [{"item": "Joint training", "amount_eur": 250000}],
        **overrides,
    }


def report_body() -> JSON:
    return {"from": f"{TODAY.year - 1}-01-01", "to": f"{TODAY.year}-12-31"}


@dataclass
class BoardWorld:
    secretariat: dict[str, str]
    seat_id: str
    meeting_id: str
    decision_id: str
    programme_id: str
    report_id: str


async def board_world(client: httpx.AsyncClient, auth: Auth) -> BoardWorld:
    """NL's member seat, rules of procedure, a meeting with one decision, a work programme and
    an activity report: the rows every Board route shows."""
    com = secretariat(auth)
    seat = await appoint(client, com, "NL", holder_name=MEMBER_NAME, holder_email=MEMBER_EMAIL)
    await post(client, "/v1/board/rules-of-procedure", com, rules_body())
    meeting = await post(client, "/v1/board/meetings", com, meeting_body())
    decision = await post(
        client,
        "/v1/board/decisions",
        com,
        {
            "meeting_id": meeting["id"],
            "title": "Joint training",
            "summary": "Endorsed.",
            "votes": [{"organisation": "NL", "choice": "yes"}],
        },
    )
    programme = await post(client, "/v1/board/work-programmes", com, programme_body())
    report = await post(client, "/v1/board/activity-reports:generate", com, report_body())
    return BoardWorld(
        secretariat=com,
        seat_id=seat["id"],
        meeting_id=meeting["id"],
        decision_id=decision["id"],
        programme_id=programme["id"],
        report_id=report["id"],
    )
