"""/v1/statistics: aggregated readmission, deployment and transfer figures (ILO-12, Visa Code
Art. 25a) as JSON and CSV, small cells withheld and said to be; the per-country sheet as JSON
and self-contained HTML; for the Commission and integrations with statistics:read only."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from app.config import Settings
from app.pages import PAGE_CSP
from app.schemas.common import COUNTRIES_MAX
from app.schemas.statistics import ORGANISATIONS_NAMED, STATISTICS_ROWS_MAX
from app.services.statistics import OTHER_ORGANISATIONS, destinations
from tests.board_factories import secretariat
from tests.factories import (
    TODAY,
    Auth,
    create_record,
    days,
    deployed_ilo,
    made_earlier,
    senegal_transfer,
)

COM = ("COM", ["auditor"])


def month_day(months_ago: int, day: int, plus: int = 0) -> str:
    """Day `day` of the month `months_ago` months before this one, `plus` days later: dates
    that fall in known calendar months whatever today is."""
    year, month = divmod(TODAY.year * 12 + TODAY.month - 1 - months_ago, 12)
    return (date(year, month + 1, day) + timedelta(days=plus)).isoformat()


async def deployed_earlier(connection: AsyncConnection, days_ago: int) -> None:
    """Set-up only: every deployment began `days_ago` days earlier than it did, so that
    requests can be dated in months that lie wholly in the past."""
    await connection.execute(
        text(
            "UPDATE deployment SET starts_on = starts_on - CAST(:d AS integer), "
            "deployed_on = deployed_on - CAST(:d AS integer)"
        ),
        {"d": days_ago},
    )


START = month_day(2, 1)  # the period asked for: from two months ago to today
END = (date.fromisoformat(month_day(-1, 1)) - timedelta(days=1)).isoformat()  # this month's end


@pytest.fixture
def threshold(app: FastAPI) -> Any:
    def set_to(value: int) -> None:
        app.state.settings = app.state.settings.model_copy(update={"statistics_min_cell": value})

    return set_to


async def _seed(client: httpx.AsyncClient, auth: Auth, connection: AsyncConnection) -> None:
    """Two months ago, two requests to SN (confirmed in 20 days with a travel document, not
    confirmed in 35); last month one to SN (awaiting) and one to GN (confirmed the next day)."""
    ilo = await deployed_ilo(client, auth)
    await deployed_earlier(connection, 100)
    record = await create_record(client, ilo)
    await made_earlier(connection, record["id"], 100)
    url = f"/v1/processing-records/{record['id']}/transfers"
    answers: list[tuple[dict[str, Any], dict[str, Any] | None]] = [
        (
            {"transfer_on": month_day(2, 3)},
            {
                "outcome": "confirmed",
                "answered_on": month_day(2, 3, 20),
                "travel_document_issued_on": month_day(2, 3, 30),
                "return_operation_accepted": True,
            },
        ),
        (
            {"transfer_on": month_day(2, 3)},
            {"outcome": "not_confirmed", "answered_on": month_day(2, 3, 35)},
        ),
        ({"transfer_on": month_day(1, 3)}, None),
        (
            {"transfer_on": month_day(1, 3), "destination_country": "GN"},
            {"outcome": "confirmed", "answered_on": month_day(1, 3, 1)},
        ),
    ]
    for overrides, answer in answers:
        made = await client.post(url, json=senegal_transfer(**overrides), headers=ilo.headers)
        assert made.status_code == 201, made.text
        if answer is not None:
            followed = await client.post(
                f"{url}/{made.json()['id']}/follow-up", json=answer, headers=ilo.headers
            )
            assert followed.status_code == 201, followed.text


def _table(body: dict[str, Any], section: str, name: str) -> dict[str, dict[str, Any]]:
    found = next(s for s in body["sections"] if s["name"] == section)
    tab = next(t for t in found["tables"] if t["name"] == name)
    return {row["key"]: row for row in tab["rows"]}


def test_the_threshold_is_five_by_default() -> None:
    assert Settings().statistics_min_cell == 5


async def test_statistics_figures_per_country_deployments_and_transfers(
    connection: AsyncConnection, client: httpx.AsyncClient, auth: Auth, threshold: Any
) -> None:
    await _seed(client, auth, connection)
    threshold(1)
    response = await client.get("/v1/statistics", params={"starts_on": START}, headers=auth(*COM))
    assert response.status_code == 200, response.text
    body = response.json()
    # the period asked for, widened to whole calendar months (ILO-12)
    assert (body["starts_on"], body["ends_on"]) == (START, END)
    assert [s["name"] for s in body["sections"]] == ["readmission", "deployments", "transfers"]
    sn = _table(body, "readmission", "by_country")["SN"]
    assert sn["values"] == {
        "requests_sent": 3,
        "answered": 2,
        "answered_within_30_days": 1,
        "answered_within_60_days": 2,
        "median_response_days": 27.5,
        "confirmed": 1,
        "positive_rate": 0.5,
        "travel_documents_issued": 1,
        "return_operations_accepted": 1,
    }
    assert sn["suppressed"] == []
    assert _table(body, "deployments", "by_host_country")["SN"]["values"] == {"count": 1}
    assert _table(body, "deployments", "by_organisation")["NL"]["values"] == {"count": 1}
    assert _table(body, "transfers", "by_destination")["GN"]["values"] == {"count": 1}
    assert _table(body, "transfers", "by_basis")["public_interest"]["values"] == {"count": 4}
    assert _table(body, "transfers", "by_purpose")["return"]["values"] == {"count": 4}
    assert body["suppression"]["threshold"] == 1
    assert body["suppression"]["suppressed_cells"] == 0


async def test_statistics_small_cells_are_withheld_and_the_suppression_stated(
    connection: AsyncConnection, client: httpx.AsyncClient, auth: Auth, threshold: Any
) -> None:
    await _seed(client, auth, connection)
    threshold(2)
    response = await client.get(
        "/v1/statistics/readmission", params={"starts_on": START}, headers=auth(*COM)
    )
    assert response.status_code == 200, response.text
    body = response.json()
    rows = _table(body, "readmission", "by_country")
    sn, gn = rows["SN"], rows["GN"]
    # Two months ago SN had one confirmed and one not confirmed answer: both withheld, and
    # `answered` too (two parts of 1 under it would be pinned by anyone who knows neither is
    # 0), and the rate and median with it. Last month SN had one request: the period's
    # requests_sent is withheld with that month, else it would give that month's away as the
    # period minus the months shown.
    assert sn["values"]["answered_within_60_days"] == 2
    assert sn["values"]["answered"] is None
    assert sn["values"]["requests_sent"] is None
    assert sn["values"]["confirmed"] is None
    assert sn["values"]["positive_rate"] is None
    assert sorted(sn["suppressed"]) == [
        "answered",
        "answered_within_30_days",
        "confirmed",
        "median_response_days",
        "positive_rate",
        "requests_sent",
        "return_operations_accepted",
        "travel_documents_issued",
    ]
    assert sn["withheld"]["requests_sent"] == {"rule": "ILO-12", "reason": "period"}
    assert sn["withheld"]["positive_rate"] == {"rule": "ILO-12r", "reason": "base"}
    assert gn["values"]["requests_sent"] is None
    assert gn["values"]["median_response_days"] is None
    assert gn["withheld"]["median_response_days"] == {"rule": "ILO-12r", "reason": "base"}
    assert gn["values"]["travel_documents_issued"] == 0  # zero is no one: shown
    suppression = body["suppression"]
    assert suppression["threshold"] == 2
    assert suppression["suppressed_cells"] == len(sn["suppressed"]) + len(gn["suppressed"])
    assert suppression["rules"] == ["ILO-12", "ILO-12r"]
    assert "Counts from 1 to 1 are withheld" in suppression["note"]


async def test_statistics_as_csv_one_line_per_cell(
    connection: AsyncConnection, client: httpx.AsyncClient, auth: Auth, threshold: Any
) -> None:
    await _seed(client, auth, connection)
    threshold(2)
    headers = {**auth(*COM), "Accept": "text/csv"}
    response = await client.get("/v1/statistics", params={"starts_on": START}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    lines = [line for line in response.text.splitlines() if not line.startswith("#")]
    table = list(csv.DictReader(io.StringIO("\n".join(lines))))
    by = {(r["section"], r["table"], r["key"], r["measure"]): r for r in table}
    assert by[("readmission", "by_country", "SN", "answered_within_60_days")]["value"] == "2"
    withheld = by[("readmission", "by_country", "GN", "requests_sent")]
    assert (withheld["value"], withheld["suppressed"]) == ("", "true")
    assert (withheld["rule"], withheld["reason"]) == ("ILO-12", "period")
    rate = by[("readmission", "by_country", "SN", "positive_rate")]
    assert (rate["value"], rate["rule"], rate["reason"]) == ("", "ILO-12r", "base")
    # the same verdicts as the JSON's: every answer is built by the same decision
    as_json = await client.get("/v1/statistics", params={"starts_on": START}, headers=auth(*COM))
    for section in as_json.json()["sections"]:
        for tab in section["tables"]:
            for row in tab["rows"]:
                for measure, value in row["values"].items():
                    line = by[(section["name"], tab["name"], row["key"], measure)]
                    assert line["value"] == ("" if value is None else str(value))
                    assert (line["suppressed"] == "true") == (measure in row["withheld"])
    assert response.text.startswith(f"# ILONet statistics {START} to {END}")
    same = await client.get(
        "/v1/statistics", params={"starts_on": START, "format": "csv"}, headers=auth(*COM)
    )
    assert same.text.splitlines()[2:] == response.text.splitlines()[2:]


async def test_acl_role_statistics_for_the_commission_and_statistics_read_only(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    refused = await client.get("/v1/statistics", headers=auth("NL", ["dpo"]))
    assert refused.status_code == 403
    assert [v["rule"] for v in refused.json()["violations"]] == ["ACL-ROLE"]
    reader = auth("NL", ["integration"], sub="nl-stats", scopes=["statistics:read"])
    assert (await client.get("/v1/statistics", headers=reader)).status_code == 200
    desk = auth("COM", ["authorised_staff"])
    assert (await client.get("/v1/statistics/readmission/SN", headers=desk)).status_code == 200
    com_cms = auth("COM", ["integration"], sub="com-cms", scopes=["events:read"])
    assert (await client.get("/v1/statistics", headers=com_cms)).status_code == 403


async def test_statistics_period_is_validated(client: httpx.AsyncClient, auth: Auth) -> None:
    response = await client.get(
        "/v1/statistics", params={"starts_on": days(1), "ends_on": days(0)}, headers=auth(*COM)
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/starts_on"


async def test_readmission_sheet_json_month_by_month(
    connection: AsyncConnection, client: httpx.AsyncClient, auth: Auth, threshold: Any
) -> None:
    await _seed(client, auth, connection)
    threshold(1)
    response = await client.get(
        "/v1/statistics/readmission/SN", params={"starts_on": START}, headers=auth(*COM)
    )
    assert response.status_code == 200, response.text
    sheet = response.json()
    assert sheet["country"] == "SN"
    assert sheet["totals"]["values"]["requests_sent"] == 3
    assert sheet["outcomes"]["values"] == {
        "confirmed": 1,
        "not_confirmed": 1,
        "no_answer": 0,
        "awaiting": 1,
    }
    months = [m["key"] for m in sheet["months"]]
    assert months == sorted(months)
    assert months[0] == START[:7]
    assert months[-1] == days(0)[:7]
    assert sum(m["values"]["requests_sent"] for m in sheet["months"]) == 3
    assert [m["name"] for m in sheet["measures"]][:2] == ["requests_sent", "answered"]


async def test_readmission_sheet_html_is_self_contained(
    connection: AsyncConnection, client: httpx.AsyncClient, auth: Auth, threshold: Any
) -> None:
    await _seed(client, auth, connection)
    threshold(2)
    headers = {**auth(*COM), "Accept": "text/html,application/xhtml+xml"}
    response = await client.get(
        "/v1/statistics/readmission/SN", params={"starts_on": START}, headers=headers
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-security-policy"] == PAGE_CSP
    page = response.text
    assert page.count("<svg") == 5  # five monthly charts, each with its data table
    assert page.count('<details class="data">') == 5
    assert "<title>Readmission cooperation with Senegal — " in page
    assert '<td class="num withheld">withheld</td>' in page  # as the reader sees it
    assert "&lt;2" not in page  # never as a small count: a rate or a complement is not one
    # nothing is loaded from anywhere: no src/href, no URL
    assert re.search(r"\b(src|href)=", page) is None
    assert re.findall(r"https?://", page) == []
    assert "Quorvathine" not in page
    same = await client.get(
        "/v1/statistics/readmission/SN",
        params={"starts_on": START, "format": "html"},
        headers=auth(*COM),
    )
    assert same.headers["content-type"].startswith("text/html")


async def test_readmission_sheet_as_csv_and_formats_a_route_does_not_offer(
    connection: AsyncConnection, client: httpx.AsyncClient, auth: Auth, threshold: Any
) -> None:
    await _seed(client, auth, connection)
    threshold(1)
    response = await client.get(
        "/v1/statistics/readmission/SN",
        params={"starts_on": START, "format": "csv"},
        headers=auth(*COM),
    )
    assert response.status_code == 200, response.text
    lines = [line for line in response.text.splitlines() if not line.startswith("#")]
    rows = list(csv.DictReader(io.StringIO("\n".join(lines))))
    total = {r["measure"]: r["value"] for r in rows if r["month"] == "total"}
    assert (total["requests_sent"], total["median_response_days"]) == ("3", "27.5")
    html_report = await client.get("/v1/statistics", params={"format": "html"}, headers=auth(*COM))
    assert html_report.status_code == 422
    assert html_report.json()["errors"][0]["pointer"] == "/format"


async def test_a_readmission_sheet_is_of_a_third_country_only(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    for code in ("FR", "NO", "ZZ"):  # a Member State, a Schengen-associated state, no country
        response = await client.get(f"/v1/statistics/readmission/{code}", headers=auth(*COM))
        assert response.status_code == 404, (code, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert "not a third country" in response.json()["detail"]
    senegal = await client.get("/v1/statistics/readmission/SN", headers=auth(*COM))
    assert senegal.status_code == 200


async def test_ilo_12_deployments_are_one_days_figures_in_every_answer(
    connection: AsyncConnection, client: httpx.AsyncClient, auth: Auth, threshold: Any
) -> None:
    """Deployments are a stock on the period's last day: nested periods ending in the same month
    and the activity report ending then show the same figures, so no two answers can be
    differenced into the deployments of a part of a period (ILO-12)."""
    await _seed(client, auth, connection)
    threshold(1)
    seen = []
    for starts_on in (START, month_day(1, 1), month_day(0, 1)):  # three months, two, one
        params = {"starts_on": starts_on, "ends_on": END}
        answer = await client.get("/v1/statistics/deployments", params=params, headers=auth(*COM))
        assert answer.status_code == 200, answer.text
        seen.append(answer.json()["sections"][0]["tables"])
    assert seen[0] == seen[1] == seen[2]
    assert _table({"sections": [{"name": "d", "tables": seen[0]}]}, "d", "by_host_country") == {
        "SN": {"key": "SN", "values": {"count": 1}, "suppressed": [], "withheld": {}}
    }
    report = await client.post(
        "/v1/board/activity-reports:generate",
        json={"from": START, "to": END},
        headers=secretariat(auth),
    )
    assert report.status_code == 201, report.text
    deployments = report.json()["content"]["deployments"]
    assert (deployments["on"], deployments["total"]) == (END, 1)
    assert deployments["by_host_country"] == [{"country": "SN", "count": 1, "name": "Senegal"}]
    # at the default threshold the same day's single deployment is withheld in both
    threshold(5)
    params = {"starts_on": month_day(0, 1), "ends_on": END}
    answer = await client.get("/v1/statistics/deployments", params=params, headers=auth(*COM))
    [host] = answer.json()["sections"][0]["tables"][0]["rows"]
    assert host["values"] == {"count": None}
    assert host["withheld"] == {"count": {"rule": "ILO-12", "reason": "count"}}


def test_international_organisations_past_the_named_ones_share_one_row() -> None:
    named = [f"Organisation {n:04d}" for n in range(ORGANISATIONS_NAMED)]
    key = destinations([*reversed(named), "Zeta Agency", None, "Aardvark Agency", named[0]])
    assert key("Aardvark Agency") == "Aardvark Agency"  # by name, first of all
    assert key(named[-2]) == named[-2]
    assert key(named[-1]) == OTHER_ORGANISATIONS  # pushed out by "Aardvark Agency"
    assert key("Zeta Agency") == OTHER_ORGANISATIONS
    # every country, every named organisation and the others' row fit the table's rows
    assert COUNTRIES_MAX + ORGANISATIONS_NAMED + 1 == STATISTICS_ROWS_MAX
