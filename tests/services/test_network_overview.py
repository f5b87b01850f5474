"""networks_overview: the networks part of the Board's activity report (ILO-8.2(c))."""

from __future__ import annotations

from datetime import date, timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.services.network_overview import networks_overview
from tests.factories import TODAY, Auth, days, deployed_ilo


def _day(n: int) -> date:
    return TODAY + timedelta(days=n)


async def test_overview_lists_countries_facilitator_on_the_end_date_and_meetings_held(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    board = auth("COM", ["sb_secretariat"], sub="sb-secretariat")
    ilo = await deployed_ilo(client, auth, org="EUAA")
    senegal = await client.post(
        "/v1/networks",
        json={"name": "Senegal", "kind": "local", "countries": ["SN"]},
        headers=board,
    )
    maghreb = await client.post(
        "/v1/networks",
        json={"name": "Maghreb", "kind": "regional", "countries": ["MA", "DZ"]},
        headers=board,
    )
    assert senegal.status_code == maghreb.status_code == 201
    network_id = senegal.json()["id"]
    designated = await client.post(
        f"/v1/networks/{network_id}/facilitator",
        json={"officer_id": ilo.officer_id, "on": days(-30)},
        headers=board,
    )
    assert designated.status_code == 201, designated.text
    for held_on in (days(-40), days(-20), days(-1)):
        meeting = await client.post(
            f"/v1/networks/{network_id}/meetings",
            json={"held_on": held_on, "attendees": [ilo.officer_id], "agenda": "Routes."},
            headers=board,
        )
        assert meeting.status_code == 201, meeting.text

    overview = await networks_overview(session, _day(-30), TODAY)
    assert [(o.name, o.kind, o.host_countries) for o in overview] == [
        ("Maghreb", "regional", ("MA", "DZ")),
        ("Senegal", "local", ("SN",)),
    ]
    maghreb_row, senegal_row = overview
    assert (maghreb_row.facilitator_officer_id, maghreb_row.meetings_held) == (None, 0)
    assert str(senegal_row.facilitator_officer_id) == ilo.officer_id
    assert senegal_row.facilitator_basis == "eu_agency"
    assert senegal_row.meetings_held == 2  # the meeting 40 days ago is before the period
    earlier = await networks_overview(session, _day(-90), _day(-35))
    assert [(o.name, o.facilitator_officer_id, o.meetings_held) for o in earlier] == [
        ("Maghreb", None, 0),
        ("Senegal", None, 1),  # designated only from 30 days ago
    ]
