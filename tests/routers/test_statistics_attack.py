"""An analyst with a legitimate statistics token tries to compute withheld figures back (ILO-12):
every period of whole months and periods that cut months, the report, its sections, the country
sheets, JSON and CSV. Integer linear programming over everything published — the figures, each
month's margins and identities (answered = confirmed + not confirmed, a country's requests by
answer, transfers by destination, basis and purpose of the same transfers), the inequalities
between measures and between sections, counts non-negative integers — bounds each count that
is small in truth: none is pinned, even knowing that a listed row's count is not 0."""

from __future__ import annotations

import csv
import io
from collections.abc import Hashable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncConnection

from app.services.statistics_readmission import LINES, MEASURES, OUTCOMES
from tests.factories import Auth, create_record, deployed_ilo, made_earlier, senegal_transfer
from tests.routers.test_statistics import COM, deployed_earlier, month_day
from tests.sdc_attack import Attack

MONTHS = (3, 2, 1)  # months ago: three months wholly in the past
COUNTS = [m.name for m in MEASURES if m.unit == "count"] + [
    m.name for m in OUTCOMES if m.name != "confirmed"
]
COUNTRIES = ("SN", "GN")
TRANSFER_KEYS = {
    "by_destination": COUNTRIES,
    "by_basis": ("public_interest",),
    "by_purpose": ("return",),
}
Answer = tuple[str, int, int, dict[str, Any] | None]  # country, months ago, day, follow-up


def _confirmed(after: int, document: bool = False, accepted: bool = False) -> dict[str, Any]:
    return {
        "outcome": "confirmed",
        "answered_after": after,
        "document": document,
        "accepted": accepted,
    }


SEED: list[Answer] = [
    *[("SN", 3, 4, _confirmed(10, document=i < 2, accepted=i == 0)) for i in range(5)],
    ("SN", 3, 5, {"outcome": "not_confirmed", "answered_after": 40}),
    ("SN", 3, 6, None),
    *[("GN", 3, 7, _confirmed(5)) for _ in range(2)],
    *[("SN", 2, 4, _confirmed(20)) for _ in range(6)],
    *[("SN", 1, 4, {"outcome": "not_confirmed", "answered_after": 1}) for _ in range(3)],
    *[("SN", 1, 5, None) for _ in range(2)],
    *[("GN", 1, 6, None) for _ in range(3)],
]


async def _seed(client: httpx.AsyncClient, auth: Auth, connection: AsyncConnection) -> None:
    ilo = await deployed_ilo(client, auth)
    await deployed_earlier(connection, 130)
    record = await create_record(client, ilo)
    await made_earlier(connection, record["id"], 130)
    url = f"/v1/processing-records/{record['id']}/transfers"
    for country, ago, day, answer in SEED:
        sent = month_day(ago, day)
        body = senegal_transfer(transfer_on=sent, destination_country=country)
        made = await client.post(url, json=body, headers=ilo.headers)
        assert made.status_code == 201, made.text
        if answer is None:
            continue
        follow_up: dict[str, Any] = {"outcome": answer["outcome"]}
        follow_up["answered_on"] = month_day(ago, day, answer["answered_after"])
        if answer.get("document"):
            follow_up["travel_document_issued_on"] = month_day(ago, day, answer["answered_after"])
        if answer.get("accepted"):
            follow_up["return_operation_accepted"] = True
        done = await client.post(
            f"{url}/{made.json()['id']}/follow-up", json=follow_up, headers=ilo.headers
        )
        assert done.status_code == 201, done.text


def _periods() -> list[tuple[str, str, list[int]]]:
    """(starts_on, ends_on, the months it covers): every run of the months, and runs asked
    with days that cut months (the answer widens them to whole months)."""
    found = []
    for i, first in enumerate(MONTHS):
        for last in MONTHS[i:]:
            covered = list(MONTHS[i : MONTHS.index(last) + 1])
            found.append((month_day(first, 1), month_day(last - 1, 1, -1), covered))
            found.append((month_day(first, 10), month_day(last, 20), covered))
    return found


def _cell(kind: str, key: str, name: str, month: int) -> Hashable:
    return (kind, key, name, month)


class Analyst:
    """Everything an analyst learned, as constraints."""

    def __init__(self) -> None:
        self.attack = Attack()
        self.figures = 0

    def figure(self, value: Any, cells: list[Hashable]) -> None:
        if value is None:
            return
        self.figures += 1
        name = ("figure", self.figures)
        self.attack.publish(name, int(value))
        self.attack.equal(name, cells)

    def report(self, body: dict[str, Any], months: list[int]) -> None:
        for section in body["sections"]:
            for tab in section["tables"]:
                rows = {row["key"]: row for row in tab["rows"]}
                if section["name"] == "readmission":
                    for country in rows:  # a listed country sent a request in the period
                        self.attack.at_least_one(
                            [_cell("r", country, "requests_sent", m) for m in months]
                        )
                    for country in COUNTRIES:
                        values = rows.get(country, {"values": dict.fromkeys(COUNTS[:7], 0)})
                        for measure in COUNTS[:7]:
                            cells = [_cell("r", country, measure, m) for m in months]
                            self.figure(values["values"][measure], cells)
                elif section["name"] == "transfers":
                    for key in TRANSFER_KEYS[tab["name"]]:
                        if key in rows:
                            cells = [_cell("t", tab["name"], key, m) for m in months]
                            self.attack.at_least_one(cells)
                        value = rows[key]["values"]["count"] if key in rows else 0
                        self.figure(value, [_cell("t", tab["name"], key, m) for m in months])

    def sheet(self, body: dict[str, Any], months: list[int]) -> None:
        country = body["country"]
        for row, ago in zip(body["months"], months, strict=True):
            for measure in COUNTS[:7]:
                self.figure(row["values"][measure], [_cell("r", country, measure, ago)])
        for measure in COUNTS[:7]:
            cells = [_cell("r", country, measure, m) for m in months]
            self.figure(body["totals"]["values"][measure], cells)
        for outcome, value in body["outcomes"]["values"].items():
            self.figure(value, [_cell("r", country, outcome, m) for m in months])

    def identities(self) -> None:
        """What anyone knows of the counts without asking: how they add up."""
        a = self.attack
        for m in MONTHS:
            for country in COUNTRIES:

                def r(name: str, country: str = country, m: int = m) -> Hashable:
                    return _cell("r", country, name, m)

                for line in LINES:
                    a.equal(r(line.total), [r(p) for p in line.parts])
                a.at_most([r("answered_within_30_days")], r("answered_within_60_days"))
                a.at_most([r("answered_within_60_days")], r("answered"))
                a.at_most([r("travel_documents_issued")], r("confirmed"))
                a.at_most([r("return_operations_accepted")], r("confirmed"))
                a.at_most([r("requests_sent")], _cell("t", "by_destination", country, m))
            total = ("transfers", m)
            for tab, keys in TRANSFER_KEYS.items():
                a.equal(total, [_cell("t", tab, k, m) for k in keys])
            a.at_most(
                [_cell("r", c, "requests_sent", m) for c in COUNTRIES],
                _cell("t", "by_purpose", "return", m),
            )


@pytest.fixture
def threshold(app: FastAPI) -> Any:
    def set_to(value: int) -> None:
        app.state.settings = app.state.settings.model_copy(update={"statistics_min_cell": value})

    return set_to


async def _truth(client: httpx.AsyncClient, auth: Auth, threshold: Any) -> dict[Hashable, int]:
    """The counts of each month as they are (a threshold of 1 withholds nothing)."""
    threshold(1)
    truth: dict[Hashable, int] = {}
    for m in MONTHS:
        params = {"starts_on": month_day(m, 1), "ends_on": month_day(m, 2)}
        for country in COUNTRIES:
            sheet = (
                await client.get(
                    f"/v1/statistics/readmission/{country}", params=params, headers=auth(*COM)
                )
            ).json()
            for name, value in {**sheet["totals"]["values"], **sheet["outcomes"]["values"]}.items():
                if name in COUNTS or name == "confirmed":
                    truth[_cell("r", country, name, m)] = int(value)
    threshold(5)
    return truth


async def test_ilo_12_no_withheld_count_is_computed_back_from_everything_published(
    connection: AsyncConnection, client: httpx.AsyncClient, auth: Auth, threshold: Any
) -> None:
    await _seed(client, auth, connection)
    truth = await _truth(client, auth, threshold)
    analyst = Analyst()
    withheld_seen = 0
    for starts_on, ends_on, months in _periods():
        params = {"starts_on": starts_on, "ends_on": ends_on}
        report = await client.get("/v1/statistics", params=params, headers=auth(*COM))
        assert report.status_code == 200, report.text
        analyst.report(report.json(), months)
        withheld_seen += report.json()["suppression"]["suppressed_cells"]
        as_csv = await client.get(
            "/v1/statistics", params={**params, "format": "csv"}, headers=auth(*COM)
        )
        _same_as_csv(report.json(), as_csv.text)
        for section in ("readmission", "transfers"):
            one = await client.get(f"/v1/statistics/{section}", params=params, headers=auth(*COM))
            analyst.report(one.json(), months)
        for country in COUNTRIES:
            sheet = await client.get(
                f"/v1/statistics/readmission/{country}", params=params, headers=auth(*COM)
            )
            analyst.sheet(sheet.json(), months)
    analyst.identities()
    small = {cell: v for cell, v in truth.items() if 0 < v < 5}
    assert len(small) >= 8  # the data has small counts to protect
    assert withheld_seen > 0
    for cell, value in small.items():
        low, high = analyst.attack.bounds(cell)
        # the protection interval: every value from 1 to 4
        assert low <= 1, (cell, value, low, high)
        assert high >= 4, (cell, value, low, high)
    # the attacker is not blind: a published monthly count is pinned
    assert analyst.attack.bounds(_cell("r", "SN", "requests_sent", 2)) == (6, 6)


def _same_as_csv(body: dict[str, Any], text: str) -> None:
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    by = {
        (r["section"], r["table"], r["key"], r["measure"]): r
        for r in csv.DictReader(io.StringIO("\n".join(lines)))
    }
    for section in body["sections"]:
        for tab in section["tables"]:
            for row in tab["rows"]:
                for measure, value in row["values"].items():
                    line = by[(section["name"], tab["name"], row["key"], measure)]
                    assert line["value"] == ("" if value is None else str(value))
                    assert (line["suppressed"] == "true") == (measure in row["withheld"])
