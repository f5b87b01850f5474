"""/v1/statistics: aggregated readmission, deployment and transfer figures (ILO-12, Visa Code
Art. 25a) as JSON and CSV, small cells withheld and said to be; the per-country sheet as JSON
and self-contained HTML; for the Commission and integrations with statistics:read only."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncConnection

from app.config import Settings
from app.routers.statistics_html import SHEET_CSP
from tests.factories import Auth, create_record, days, deployed_ilo, made_earlier, senegal_transfer

COM = ("COM", ["auditor"])


@pytest.fixture
def threshold(app: FastAPI) -> Any:
    def set_to(value: int) -> None:
        app.state.settings = app.state.settings.model_copy(update={"statistics_min_cell": value})

    return set_to


async def _seed(client: httpx.AsyncClient, auth: Auth, connection: AsyncConnection) -> None:
    """Three requests to SN (confirmed in 20 days with a travel document, not confirmed in 35,
    one awaiting) and one to GN (confirmed the next day)."""
    ilo = await deployed_ilo(client, auth)
    record = await create_record(client, ilo)
    await made_earlier(connection, record["id"], 60)
    url = f"/v1/processing-records/{record['id']}/transfers"
    answers: list[tuple[dict[str, Any], dict[str, Any] | None]] = [
        (
            {"transfer_on": days(-40)},
            {
                "outcome": "confirmed",
                "answered_on": days(-20),
                "travel_document_issued_on": days(-10),
                "return_operation_accepted": True,
            },
        ),
        ({"transfer_on": days(-40)}, {"outcome": "not_confirmed", "answered_on": days(-5)}),
        ({"transfer_on": days(-30)}, None),
        (
            {"transfer_on": days(-30), "destination_country": "GN"},
            {"outcome": "confirmed", "answered_on": days(-29)},
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
    response = await client.get(
        "/v1/statistics", params={"starts_on": days(-60)}, headers=auth(*COM)
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["starts_on"], body["ends_on"]) == (days(-60), days(0))
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
        "/v1/statistics/readmission", params={"starts_on": days(-60)}, headers=auth(*COM)
    )
    assert response.status_code == 200, response.text
    body = response.json()
    rows = _table(body, "readmission", "by_country")
    sn, gn = rows["SN"], rows["GN"]
    assert sn["values"]["requests_sent"] == 3
    assert sn["values"]["answered"] == 2
    assert sn["values"]["median_response_days"] == 27.5
    # one confirmed answer: the count, and the rate taken over it, are withheld
    assert sn["values"]["confirmed"] is None
    assert sn["values"]["positive_rate"] is None
    assert sorted(sn["suppressed"]) == [
        "answered_within_30_days",
        "confirmed",
        "positive_rate",
        "return_operations_accepted",
        "travel_documents_issued",
    ]
    assert gn["values"]["requests_sent"] is None
    assert gn["values"]["median_response_days"] is None
    assert "requests_sent" in gn["suppressed"]
    suppression = body["suppression"]
    assert suppression["threshold"] == 2
    assert suppression["suppressed_cells"] == len(sn["suppressed"]) + len(gn["suppressed"])
    assert "Counts from 1 to 1 are withheld" in suppression["note"]


async def test_statistics_as_csv_one_line_per_cell(
    connection: AsyncConnection, client: httpx.AsyncClient, auth: Auth, threshold: Any
) -> None:
    await _seed(client, auth, connection)
    threshold(2)
    headers = {**auth(*COM), "Accept": "text/csv"}
    response = await client.get("/v1/statistics", params={"starts_on": days(-60)}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    lines = [line for line in response.text.splitlines() if not line.startswith("#")]
    table = list(csv.DictReader(io.StringIO("\n".join(lines))))
    by = {(r["section"], r["table"], r["key"], r["measure"]): r for r in table}
    assert by[("readmission", "by_country", "SN", "requests_sent")]["value"] == "3"
    withheld = by[("readmission", "by_country", "GN", "requests_sent")]
    assert (withheld["value"], withheld["suppressed"]) == ("", "true")
    assert by[("transfers", "by_destination", "SN", "count")]["value"] == "3"
    assert response.text.startswith(f"# ILONet statistics {days(-60)} to {days(0)}")
    same = await client.get(
        "/v1/statistics", params={"starts_on": days(-60), "format": "csv"}, headers=auth(*COM)
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
        "/v1/statistics/readmission/SN", params={"starts_on": days(-60)}, headers=auth(*COM)
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
    assert months[0] == days(-60)[:7]
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
        "/v1/statistics/readmission/SN", params={"starts_on": days(-60)}, headers=headers
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-security-policy"] == SHEET_CSP
    page = response.text
    assert page.count("<svg") == 5  # the answers bar and four monthly charts
    assert "Third country SN" in page
    assert "&lt;2" in page  # a withheld cell, as the reader sees it
    # nothing is loaded from anywhere: no src/href, no URL but the SVG namespace
    assert re.search(r"\b(src|href)=", page) is None
    assert set(re.findall(r"https?://[^\"' ]+", page)) == {"http://www.w3.org/2000/svg"}
    assert "Quorvathine" not in page
    same = await client.get(
        "/v1/statistics/readmission/SN",
        params={"starts_on": days(-60), "format": "html"},
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
        params={"starts_on": days(-60), "format": "csv"},
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
