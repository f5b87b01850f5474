"""/v1/board documents (Art. 8(2)): work programmes and the activity report, as JSON and as a
self-contained HTML document, with no personal data in either."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import AuditEvent, BoardActivityReport
from app.schemas import board_report_content
from app.services.board_network_section import NetworkSummary, networks_section
from app.services.board_report_html import render_report
from app.services.deployment_figures import month_end
from tests.board_factories import (
    MEMBER_EMAIL,
    MEMBER_NAME,
    appoint,
    meeting_body,
    post,
    programme_body,
    report_body,
    secretariat,
)
from tests.factories import OFFICER_PERSONAL_DATA, TODAY, Auth, deployed_ilo

PERSONAL = (*OFFICER_PERSONAL_DATA, "Jansen", "Eva", MEMBER_NAME, MEMBER_EMAIL)


async def test_ilo_8_2_the_activity_report_is_json_and_html_without_personal_data(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    ilo = await deployed_ilo(client, auth)
    await deployed_ilo(client, auth, org="FR", host_country="MA")
    com = secretariat(auth)
    await appoint(client, com, "NL", holder_name=MEMBER_NAME, holder_email=MEMBER_EMAIL)
    meeting = await post(client, "/v1/board/meetings", com, meeting_body())
    await post(
        client,
        "/v1/board/decisions",
        com,
        {
            "meeting_id": meeting["id"],
            "title": "Joint training",
            "summary": "S",
            "votes": [{"organisation": "NL", "choice": "yes"}],
        },
    )
    # a period holding more meetings (or decisions, networks) than a report lists is refused
    monkeypatch.setattr(board_report_content, "REPORT_LIST_MAX", 0)
    generate = "/v1/board/activity-reports:generate"
    refused = await client.post(generate, json=report_body(), headers=com)
    assert refused.status_code == 422, refused.text
    (error,) = refused.json()["errors"]
    assert error["pointer"] == "/to"
    assert "the period holds 1 meetings: a report lists at most 0" in error["detail"]
    monkeypatch.setattr(board_report_content, "REPORT_LIST_MAX", 1)
    first = await post(client, "/v1/board/activity-reports:generate", com, report_body())
    again = await post(client, "/v1/board/activity-reports:generate", com, report_body())
    assert (first["version"], again["version"]) == (1, 2)
    assert again["for_european_parliament"] is True
    content = again["content"]
    # two deployments in post at the period's end: small counts, withheld as the statistics
    # withhold them (ILO-12), the rows listed by key without their sizes
    deployments = content["deployments"]
    assert deployments["on"] == report_body()["to"]
    assert deployments["total"] is None
    assert deployments["by_host_country"] == [
        {"country": "MA", "count": None, "name": "Morocco"},
        {"country": "SN", "count": None, "name": "Senegal"},
    ]
    assert deployments["by_organisation"] == [
        {"organisation": "FR", "count": None},
        {"organisation": "NL", "count": None},
    ]
    assert deployments["disclosure"]["threshold"] == 5
    assert len(deployments["per_quarter"]) == 8
    assert {q["count"] for q in deployments["per_quarter"]} <= {None, 0}
    assert deployments["per_quarter"][-1]["on"] == report_body()["to"]
    assert content["meetings"][0]["officers_listed"] is None  # 2 deployed ILOs: withheld
    assert content["decisions"]["not_adopted"] == 1  # one yes of 31 voting seats
    assert content["networks"] == {"count": 0, "without_facilitator": 0, "items": []}
    gaps = {g["country"]: g["status"] for g in content["gaps"]["items"]}
    assert gaps["SN"] == "covered"
    assert gaps["MA"] == "covered"
    assert gaps["EG"] == "uncovered"
    # the coverage does not give the withheld host-country counts away
    covering = {g["country"]: g["deployments"] for g in content["gaps"]["items"]}
    assert (covering["SN"], covering["MA"], covering["EG"]) == (None, None, 0)

    html = await client.get(again["html_url"], headers=auth("EP", ["ep_reader"]))
    assert html.status_code == 200
    assert html.headers["content-type"].startswith("text/html")
    document = html.text
    assert document.startswith("<!DOCTYPE html>")
    assert document.count("<svg") >= 3
    assert "<script" not in document
    assert "<link" not in document
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", document)
    assert "For transmission to the European Parliament" in document
    assert "withheld" in document
    assert ">None<" not in document
    assert "1 ILO in service" not in document
    assert "ILOs in service (number withheld)" in document

    as_json = await client.get(f"/v1/board/activity-reports/{again['id']}", headers=com)
    stored = await session.get(BoardActivityReport, again["id"])
    assert stored is not None
    assert stored.version == 2
    for text in (as_json.text, document, str(stored.content), stored.html):
        assert ilo.officer_id not in text
        for value in PERSONAL:
            assert value not in text, value
    audit = await session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "board_activity_report.generated",
            AuditEvent.resource_id == again["id"],
        )
    )
    assert audit is not None
    assert audit.details["version"] == 2
    listed = (await client.get("/v1/board/activity-reports", headers=com)).json()["items"]
    assert [r["version"] for r in listed] == [1, 2]


def test_ilo_8_2_the_networks_section_shows_networks_and_facilitators_escaped() -> None:
    section = networks_section(
        [
            NetworkSummary(
                name="Dakar <local>",
                scope="local",
                countries=("SN",),
                members=4,
                facilitator_organisation="COM",
                meetings=3,
            ),
            NetworkSummary(name="Maghreb", scope="regional", countries=("MA", "TN"), members=6),
            # a member count withheld with the deployment figures it bounds (ILO-12)
            NetworkSummary(name="Sahel", scope="regional", countries=("NE", "ML"), members=None),
        ]
    )
    assert (section["count"], section["without_facilitator"]) == (3, 2)
    assert section["items"][2]["members"] is None
    content = {
        "title": "Steering Board activity report",
        "period": {"from": "2025-01-01", "to": "2026-12-31"},
        "version": 1,
        "legal_basis": "Art. 8(2)(c)",
        "deployments": {
            "total": 0,
            "by_host_country": [],
            "by_organisation": [],
            "by_posting_type": [],
            "per_quarter": [],
            "joint": {
                "co_deployed": 0,
                "eu_funding_eligible": 0,
                "representing": 0,
                "sharing_tasks": 0,
                "represented_member_states": [],
            },
        },
        "networks": section,
        "meetings": [],
        "decisions": {"adopted": [], "not_adopted": 0},
        "gaps": {
            "on": "2026-12-31",
            "horizon_days": 180,
            "list_version": "v",
            "source": "s",
            "items": [],
        },
    }
    html = render_report(content)
    assert "Dakar &lt;local&gt;" in html
    assert "<local>" not in html
    assert "Maghreb" in html
    assert ">none<" in html
    sahel = html[html.index("Sahel") :]
    assert "withheld" in sahel[: sahel.index("</tr>")]


async def test_ilo_8_2_a_work_programme_is_biennial_and_read_by_the_parliament(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    com = secretariat(auth)
    programme = await post(client, "/v1/board/work-programmes", com, programme_body())
    assert programme["for_european_parliament"] is True
    assert programme["resources"][0]["amount_eur"] == 250000
    ep = auth("EP", ["ep_reader"])
    listed = await client.get("/v1/board/work-programmes", headers=ep)
    assert [p["id"] for p in listed.json()["items"]] == [programme["id"]]
    one_year = await client.post(
        "/v1/board/work-programmes",
        json=programme_body(period_to=programme["period_from"][:4] + "-06-30"),
        headers=com,
    )
    assert [v["rule"] for v in one_year.json()["violations"]] == ["ILO-8.2"]


async def test_ilo_8_2_the_last_representable_dates_are_answered_not_500(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    com = secretariat(auth)
    gaps = await client.get(
        "/v1/board/deployment-gaps?on=9999-12-31&horizon_days=1095", headers=com
    )
    assert gaps.status_code == 200
    report = await post(
        client,
        "/v1/board/activity-reports:generate",
        com,
        {"from": "9998-01-01", "to": "9999-12-31"},
    )
    assert report["content"]["deployments"]["per_quarter"][-1]["quarter"] == "9999-Q4"
    await post(client, "/v1/board/meetings", com, meeting_body(held_on="9999-12-01"))
    status = await client.get("/v1/board/status?on=9999-12-31", headers=com)
    assert status.status_code == 200
    long = await client.post(
        "/v1/board/activity-reports:generate",
        json={"from": "2000-01-01", "to": "2026-12-31"},
        headers=com,
    )
    assert [v["rule"] for v in long.json()["violations"]] == ["ILO-8.2"]


async def test_ilo_12_the_gap_list_is_of_the_month_end_and_protected_with_its_figures(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    """Two reports ending on different days of one month show one day's coverage counts, the
    month's last, decided with that day's deployment figures: nothing to difference."""
    await deployed_ilo(client, auth)
    await deployed_ilo(client, auth, org="FR", host_country="MA")
    com = secretariat(auth)
    month = f"{TODAY.year}-{TODAY.month:02d}"
    contents = [
        (await post(client, "/v1/board/activity-reports:generate", com, body))["content"]
        for body in (
            {"from": f"{TODAY.year - 1}-01-01", "to": f"{month}-03"},
            {"from": f"{TODAY.year - 1}-02-01", "to": f"{month}-20"},
        )
    ]
    first, second = ({g["country"]: g for g in c["gaps"]["items"]} for c in contents)
    assert first == second
    on = {c["gaps"]["on"] for c in contents} | {c["deployments"]["on"] for c in contents}
    assert on == {month_end(TODAY).isoformat()}
    # each covered country's count is withheld as its host-country count is (both small here)
    assert (first["SN"]["deployments"], first["MA"]["deployments"]) == (None, None)
    assert first["SN"]["status"] == "covered"
    assert first["EG"]["deployments"] == 0
