"""/v1/statistics?scope=own: an organisation's own identification requests, transfers and
deployments, exact and unsuppressed, for its DPO, deploying authority and statistics
integration only; never another organisation's rows, whoever asks (ACL-ROLE)."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from app.policies import Actor
from app.policies.visibility import own_statistics
from tests.factories import Auth, create_record, deployed_ilo, made_earlier, senegal_transfer
from tests.route_matrix import CALLERS
from tests.routers.test_statistics import COM, END, START, _seed, _table, month_day

OWN = {"starts_on": START, "scope": "own"}


async def _seed_fr(client: httpx.AsyncClient, auth: Auth, connection: AsyncConnection) -> None:
    """FR: one officer in post in GN, two identification requests to SN last month (one
    confirmed), one to GN."""
    ilo = await deployed_ilo(client, auth, org="FR", host_country="GN")
    await connection.execute(
        text(
            "UPDATE deployment SET starts_on = starts_on - 100, deployed_on = deployed_on - 100 "
            "WHERE organisation = 'FR'"
        )
    )
    record = await create_record(client, ilo)
    await made_earlier(connection, record["id"], 100)
    url = f"/v1/processing-records/{record['id']}/transfers"
    for country, answer in (("SN", True), ("SN", False), ("GN", False)):
        body = senegal_transfer(transfer_on=month_day(1, 5), destination_country=country)
        made = await client.post(url, json=body, headers=ilo.headers)
        assert made.status_code == 201, made.text
        if answer:
            follow_up = {"outcome": "confirmed", "answered_on": month_day(1, 5, 2)}
            done = await client.post(
                f"{url}/{made.json()['id']}/follow-up", json=follow_up, headers=ilo.headers
            )
            assert done.status_code == 201, done.text


async def _stored(connection: AsyncConnection, organisation: str) -> dict[str, Any]:
    """The organisation's rows as stored: requests per destination, deployments per host."""
    sent = await connection.execute(
        text(
            "SELECT destination_country, count(*) FROM transfer WHERE organisation = :o "
            "AND transfer_on >= CAST(:s AS date) GROUP BY destination_country"
        ),
        {"o": organisation, "s": date.fromisoformat(START)},
    )
    hosts = await connection.execute(
        text(
            "SELECT host_country, count(*) FROM deployment WHERE organisation = :o "
            "AND deployed_on IS NOT NULL AND ends_on >= :e GROUP BY host_country"
        ),
        {"o": organisation, "e": date.fromisoformat(END)},
    )
    return {"sent": dict(sent.all()), "hosts": dict(hosts.all())}


async def test_own_figures_are_the_organisations_stored_rows_exactly(
    connection: AsyncConnection, client: httpx.AsyncClient, auth: Auth
) -> None:
    await _seed(client, auth, connection)
    await _seed_fr(client, auth, connection)
    for org, role in (("NL", "dpo"), ("FR", "deploying_authority")):
        response = await client.get("/v1/statistics", params=OWN, headers=auth(org, [role]))
        assert response.status_code == 200, response.text
        body = response.json()
        stored = await _stored(connection, org)
        assert body["organisation"] == org
        assert body["suppression"]["threshold"] == 1
        assert body["suppression"]["suppressed_cells"] == 0
        readmission = _table(body, "readmission", "by_country")
        assert {k: r["values"]["requests_sent"] for k, r in readmission.items()} == stored["sent"]
        destinations = _table(body, "transfers", "by_destination")
        assert {k: r["values"]["count"] for k, r in destinations.items()} == stored["sent"]
        hosts = _table(body, "deployments", "by_host_country")
        assert {k: r["values"]["count"] for k, r in hosts.items()} == stored["hosts"]
        assert set(_table(body, "deployments", "by_organisation")) == {org}
    # FR's small figures, exact to FR: two requests to SN, one answered and confirmed
    fr = await client.get("/v1/statistics/readmission", params=OWN, headers=auth("FR", ["dpo"]))
    sn = _table(fr.json(), "readmission", "by_country")["SN"]
    assert sn["values"]["requests_sent"] == 2
    assert (sn["values"]["confirmed"], sn["values"]["positive_rate"]) == (1, 1.0)
    assert sn["suppressed"] == []
    # the published figures stay controlled: the same small SN count is withheld there
    published = await client.get("/v1/statistics", params={"starts_on": START}, headers=auth(*COM))
    assert published.json()["organisation"] is None
    assert (
        "requests_sent" in _table(published.json(), "readmission", "by_country")["SN"]["suppressed"]
    )


async def test_acl_role_own_figures_follow_their_read_policy_for_every_caller(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    for caller in CALLERS:
        actor = Actor(
            sub=caller.name,
            org=caller.org,
            roles=frozenset(caller.roles),
            scopes=frozenset(caller.scopes),
        )
        headers = auth(
            caller.org,
            list(caller.roles),
            sub=f"own-{caller.name}",
            scopes=list(caller.scopes) or None,
        )
        response = await client.get("/v1/statistics/deployments", params=OWN, headers=headers)
        where = f"{caller.name}: {response.text[:200]}"
        if own_statistics(actor).refusal is not None:
            assert response.status_code == 403, where
            assert [v["rule"] for v in response.json()["violations"]] == ["ACL-ROLE"], where
        else:
            assert response.status_code == 200, where
            assert response.json()["organisation"] == caller.org, where
    # not vacuous: both answers occur, and a reader of the published figures is no reader of
    # an organisation's own, nor the other way round
    nl_dpo = auth("NL", ["dpo"])
    assert (await client.get("/v1/statistics", params=OWN, headers=nl_dpo)).status_code == 200
    assert (await client.get("/v1/statistics", headers=nl_dpo)).status_code == 403
    desk = auth("COM", ["authorised_staff"])
    assert (await client.get("/v1/statistics", params=OWN, headers=desk)).status_code == 403


async def test_another_organisations_token_never_gets_its_figures(
    connection: AsyncConnection, client: httpx.AsyncClient, auth: Auth
) -> None:
    await _seed(client, auth, connection)  # NL's rows only
    for role in ("dpo", "deploying_authority"):
        body = (await client.get("/v1/statistics", params=OWN, headers=auth("FR", [role]))).json()
        assert body["organisation"] == "FR"
        assert all(t["rows"] == [] for s in body["sections"] for t in s["tables"]), body
    # no parameter names another organisation: the answer is the token's own
    other = await client.get(
        "/v1/statistics",
        params={**OWN, "organisation": "NL"},
        headers=auth("FR", ["integration"], sub="fr-stats", scopes=["statistics:read"]),
    )
    assert other.status_code == 200, other.text
    assert other.json()["organisation"] == "FR"
    assert all(t["rows"] == [] for s in other.json()["sections"] for t in s["tables"])
    as_csv = await client.get(
        "/v1/statistics", params={**OWN, "format": "csv"}, headers=auth("FR", ["dpo"])
    )
    assert as_csv.status_code == 200, as_csv.text
    assert "FR's own rows only, exact" in as_csv.text
    assert len([ln for ln in as_csv.text.splitlines() if not ln.startswith("#")]) == 1  # header
