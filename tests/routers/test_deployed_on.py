"""One officer on one day gets one answer to "deployed?" from every reader of deployments: the
network's members (ILO-5.1), the transfer's facts (ILO-10.2), the Board's list of deployed ILOs
(ILO-8.2(d)), the ILO contact list (ILO-9.3) and the deployment statistics (ILO-12), all through
app/policies/deployed.py: deployed the day it starts, no longer the day it ends, never when only
planned or cancelled."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from app.services.deployment_figures import deployments_section
from app.services.statistics import Period
from tests.factories import TODAY, Auth, Ilo, create_record, deployed_ilo, senegal_transfer


def day(n: int) -> date:
    return TODAY + timedelta(days=n)


@dataclass(frozen=True)
class State:
    """The deployment row as set up for the case (dates relative to today)."""

    status: str
    starts_on: date
    ends_on: date
    deployed_on: date | None
    ended_on: date | None = None


CASES: dict[str, tuple[State, bool]] = {
    "deployed the day it starts": (State("deployed", day(0), day(400), day(0)), True),
    "deployed ahead of the plan": (State("deployed", day(3), day(400), day(0)), True),
    "deployed from tomorrow": (State("deployed", day(1), day(400), day(1)), False),
    "ends tomorrow": (State("ended", day(-60), day(400), day(-60), day(1)), True),
    "ended today": (State("ended", day(-60), day(400), day(-60), day(0)), False),
    "ended yesterday": (State("ended", day(-60), day(400), day(-60), day(-1)), False),
    "planned to end today": (State("deployed", day(-60), day(0), day(-60)), False),
    "planned": (State("planned", day(-60), day(400), None), False),
    "cancelled": (State("cancelled", day(-60), day(400), None), False),
}


async def _put(connection: AsyncConnection, ilo: Ilo, state: State) -> None:
    """Set-up only: the deployment row in the case's state."""
    await connection.execute(
        text(
            "UPDATE deployment SET status = :status, starts_on = :starts_on, ends_on = :ends_on,"
            " deployed_on = :deployed_on, ended_on = :ended_on WHERE id = :id"
        ),
        {**state.__dict__, "id": ilo.deployment_id},
    )


@pytest.mark.parametrize("case", sorted(CASES))
async def test_one_officer_one_day_one_answer_everywhere(
    client: httpx.AsyncClient,
    auth: Auth,
    connection: AsyncConnection,
    session: AsyncSession,
    case: str,
) -> None:
    state, expected = CASES[case]
    ilo = await deployed_ilo(client, auth)
    record = await create_record(client, ilo)  # while deployed since 60 days
    network = await client.post(
        "/v1/networks",
        json={"name": "ILO network Senegal", "kind": "local", "countries": ["SN"]},
        headers=auth("COM", ["sb_secretariat"]),
    )
    assert network.status_code == 201, network.text
    await _put(connection, ilo, state)
    staff = auth("COM", ["authorised_staff"])
    today = TODAY.isoformat()

    members = await client.get(
        f"/v1/networks/{network.json()['id']}/members?on={today}", headers=staff
    )
    assert members.status_code == 200, members.text
    member = ilo.officer_id in {m["officer_id"] for m in members.json()["members"]}

    dry = await client.post(
        "/v1/policy/evaluate",
        json={
            "action": "transfer.record",
            "target_id": record["id"],
            "body": senegal_transfer(transfer_on=today),
        },
        headers=ilo.headers,
    )
    assert dry.status_code == 200, dry.text
    refused_for = {v["rule"] for v in dry.json()["violations"]}
    assert dry.json()["allowed"] is not bool(refused_for)
    may_transfer = "ILO-10.2" not in refused_for
    assert refused_for <= {"ILO-10.2"}  # nothing else stands in the way

    listed = await client.get(
        f"/v1/board/officer-list?on={today}", headers=auth("FR", ["sb_member"])
    )
    assert listed.status_code == 200, listed.text
    on_board_list = ilo.officer_id in {i["officer_id"] for i in listed.json()["items"]}

    contacts = await client.get("/v1/documents/contact-lists/ilo-contacts", headers=staff)
    assert contacts.status_code == 200, contacts.text
    on_contact_list = ilo.officer_id in {i["officer_id"] for i in contacts.json()["items"]}

    section = await deployments_section(session, Period(TODAY, TODAY), 1)
    [by_organisation] = [t for t in section.tables if t.name == "by_organisation"]
    counted = {r.key: r.values["count"] for r in by_organisation.rows}.get("NL") == 1

    answers = {
        "network member": member,
        "may transfer": may_transfer,
        "on the Board's list": on_board_list,
        "on the contact list": on_contact_list,
        "in the statistics": counted,
    }
    assert answers == dict.fromkeys(answers, expected), case
