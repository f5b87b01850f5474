"""An analyst with the Board's activity reports and the statistics, and an organisation with its
own exact figures besides (`?scope=own`), try to compute a withheld deployment figure back
(ILO-12): several reports and statistics answers of one month-end, integer linear programming
over every published figure of that day — the tables adding up to the total, each priority
country's coverage at least its host-country count, each network's members (officers) the
coverage of its one country and at most the members of a network of more countries, a listed
row or member organisation at least one. Two officers in SN, of NL and of FR: neither the
outside reader nor NL narrows SN's count (or FR's part of it) below the protection interval."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import timedelta
from typing import Any

import httpx

from app.reference.priority_countries import load_priority_countries
from tests.board_factories import meeting_body, post, secretariat
from tests.factories import (
    TODAY,
    Auth,
    create_officer,
    days,
    deployed_ilo,
    plan_deployment,
    transition_deployment,
)
from tests.sdc_attack import Attack

MONTH = f"{TODAY.year}-{TODAY.month:02d}"
LAST_MONTH_END = TODAY.replace(day=1) - timedelta(days=1)
NETWORKS = {"Senegal": ["SN"], "West Africa": ["SN", "GM"], "Morocco": ["MA"]}
PRIORITY = [p.country for p in load_priority_countries().items]


async def _seed(client: httpx.AsyncClient, auth: Auth) -> None:
    """NL and FR have one officer each in SN; DE six in MA; three networks."""
    await deployed_ilo(client, auth, org="NL", host_country="SN")
    await deployed_ilo(client, auth, org="FR", host_country="SN")
    de = await deployed_ilo(client, auth, org="DE", host_country="MA")
    manager = auth("DE", ["deploying_authority"], sub="de-manager")
    for _ in range(5):
        officer = await create_officer(client, manager, authority_id=de.authority_id)
        planned = await plan_deployment(
            client,
            manager,
            officer_id=officer["id"],
            host_country="MA",
            city="Rabat",
            starts_on=days(-60),
            ends_on=days(400),
        )
        await transition_deployment(
            client, manager, deployment_id=planned["id"], to="deployed", on=days(-60)
        )
    # a Board meeting on a month's last day lists that day's deployments: their total
    held_on = LAST_MONTH_END.isoformat()
    await post(client, "/v1/board/meetings", secretariat(auth), meeting_body(held_on=held_on))
    for name, countries in NETWORKS.items():
        kind = "local" if len(countries) == 1 else "regional"
        body = {"name": name, "kind": kind, "countries": countries}
        await post(client, "/v1/networks", secretariat(auth), body)


def _day(name: str) -> Hashable:
    return ("day", name)


class Reader:
    """What one reader learns of the month-end's figures; `own` the part it knows (others'
    parts are the unknowns)."""

    def __init__(self, own: dict[str, int]) -> None:
        self.attack, self.blind, self.own = Attack(), Attack(), own

    def figure(self, name: str, value: int | None) -> None:
        if value is not None:
            self.attack.publish(_day(name), value - self.own.get(name, 0))
            self.blind.publish(_day(name), None)

    def listed(self, name: str, at_least: int = 1) -> None:
        """A listed row (or `at_least` member organisations): the others' part where its own
        says nothing."""
        floor = at_least - self.own.get(name, 0)
        if floor > 0:
            for reader in (self.attack, self.blind):
                reader.at_least_one([_day(name)], floor)

    def rows(self, prefix: str, rows: list[dict[str, Any]], key: str) -> None:
        for row in rows:
            self.figure(f"{prefix}:{row[key]}", row["count"])
            self.listed(f"{prefix}:{row[key]}")

    def report(self, content: dict[str, Any]) -> None:
        d = content["deployments"]
        self.figure("total", d["total"])
        self.rows("host", d["by_host_country"], "country")
        self.rows("org", d["by_organisation"], "organisation")
        self.rows("posting", d["by_posting_type"], "posting_type")
        for item in content["gaps"]["items"]:
            # its count, and the organisations covering it (or a neighbour) listed
            self.figure(f"coverage:{item['country']}", item["deployments"])
            self.listed(f"coverage:{item['country']}", len(item["organisations"]))
            for option in item["options"]:
                if option["country"] in PRIORITY:
                    self.listed(f"coverage:{option['country']}", len(option["organisations"]))
        for network in content["networks"]["items"]:
            name = f"members:{network['name']}"
            self.figure(name, network["members"])
            self.listed(name, len(network["member_organisations"]))

    def statistics(self, body: dict[str, Any]) -> None:
        (section,) = body["sections"]
        for tab in section["tables"]:
            prefix = {"by_host_country": "host", "by_organisation": "org"}.get(tab["name"])
            prefix = prefix or "posting"
            for row in tab["rows"]:
                self.figure(f"{prefix}:{row['key']}", row["values"]["count"])
                self.listed(f"{prefix}:{row['key']}")

    def identities(self, hosts: list[str], orgs: list[str], postings: list[str]) -> None:
        """How the day's counts hang together, for anyone (each officer deployed once)."""
        for reader in (self.attack, self.blind):
            for prefix, keys in (("host", hosts), ("org", orgs), ("posting", postings)):
                reader.equal(_day("total"), [_day(f"{prefix}:{k}") for k in keys])
            for country in PRIORITY:
                cover = _day(f"coverage:{country}")
                reader.at_most([cover], _day("total"))
                if country in hosts:
                    reader.at_most([_day(f"host:{country}")], cover)
            for name, countries in NETWORKS.items():
                members = _day(f"members:{name}")
                reader.at_most([members], _day("total"))
                if len(countries) == 1:
                    reader.equal(members, [_day(f"coverage:{countries[0]}")])
            reader.at_most([_day("members:Senegal")], _day("members:West Africa"))


async def test_ilo_12_no_withheld_figure_of_the_activity_report_is_computed_back(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    await _seed(client, auth)
    com = secretariat(auth)
    reports = [
        (await post(client, "/v1/board/activity-reports:generate", com, body))["content"]
        for body in (
            {"from": f"{TODAY.year - 1}-01-01", "to": f"{MONTH}-01"},
            {"from": f"{TODAY.year - 1}-07-01", "to": TODAY.isoformat()},
        )
    ]
    period = {"starts_on": f"{MONTH}-01", "ends_on": TODAY.isoformat()}
    published = await client.get("/v1/statistics/deployments", params=period, headers=com)
    assert published.status_code == 200, published.text
    own = await client.get(
        "/v1/statistics/deployments",
        params={**period, "scope": "own"},
        headers=auth("NL", ["deploying_authority"]),
    )
    (mine,) = own.json()["sections"]
    nl = {"total": 1, "coverage:SN": 1, "members:Senegal": 1, "members:West Africa": 1}
    for tab in mine["tables"]:
        prefix = {"by_host_country": "host", "by_organisation": "org"}.get(tab["name"], "posting")
        nl |= {f"{prefix}:{row['key']}": row["values"]["count"] for row in tab["rows"]}
    assert nl["host:SN"] == nl["org:NL"] == 1
    truth = {
        "host:SN": 2,
        "org:NL": 1,
        "org:FR": 1,
        "coverage:SN": 2,
        "members:Senegal": 2,
        "members:West Africa": 2,
    }
    networks = {n["name"]: n for n in reports[0]["networks"]["items"]}
    assert networks["Senegal"]["members"] is None  # withheld with SN's coverage
    assert networks["Senegal"]["member_organisations"] == ["FR", "NL"]
    checked = 0
    for knows in ({}, nl):
        reader = Reader(knows)
        for content in reports:
            reader.report(content)
        reader.statistics(published.json())
        postings = [r["posting_type"] for r in reports[0]["deployments"]["by_posting_type"]]
        reader.identities(["SN", "MA"], ["DE", "FR", "NL"], postings)
        for name, value in truth.items():
            rest = value - knows.get(name, 0)
            if not 0 < rest < 5:
                continue
            low, high = reader.attack.bounds(_day(name))
            least = max(1, reader.blind.bounds(_day(name))[0])
            assert low <= least, (knows, name, rest, low, high)
            assert high >= 4, (knows, name, rest, low, high)
            checked += 1
    # the outside reader's six small counts; for NL, FR's part of five (all but NL's own row)
    assert checked == 6 + 5
    # the attacker is not blind: a published figure is pinned
    # everything of the day is withheld here but the uncovered countries' zeros, which bind
    assert reports[0]["deployments"]["total"] is None
    # the meeting's list of 8 deployments is the total of its month-end, withheld there (DE's
    # own 6 leave the others 2), so it is withheld too
    (meeting,) = reports[0]["meetings"]
    assert (meeting["held_on"], meeting["officers_listed"]) == (LAST_MONTH_END.isoformat(), None)
    assert reader.attack.bounds(_day("coverage:TN")) == (0, 0)
