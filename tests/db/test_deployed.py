"""The SQL translation of "deployed on a date" (app/db/deployed.py) agrees with the pure definition
(app/policies/deployed.py) on every status and every position of the dates around the day asked."""

from __future__ import annotations

import itertools
import uuid
from datetime import date, timedelta
from typing import Any

import httpx
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from app.db.deployed import deployed_during_clause, deployed_on_clause
from app.models import Deployment
from app.policies.deployed import deployed_during, deployed_on
from app.policies.vocabulary import DeploymentStatus
from tests import factories
from tests.factories import Auth

DAY = date(2026, 6, 15)
STATUSES = [s.value for s in DeploymentStatus]
# the positions of a date around the day asked: the day before, the day itself, the day after
AROUND = (-1, 0, 1)
OPTIONAL = (None, *AROUND)


def _on(offset: int | None) -> date | None:
    return None if offset is None else DAY + timedelta(days=offset)


def _combinations() -> list[dict[str, Any]]:
    """Every status, planned start, planned end, actual deployment and actual end, combined."""
    return [
        {
            "status": status,
            "starts_on": _on(start),
            "ends_on": _on(end),
            "deployed_on": _on(deployed),
            "ended_on": _on(ended),
        }
        for status, start, end, deployed, ended in itertools.product(
            STATUSES, AROUND, AROUND, OPTIONAL, OPTIONAL
        )
    ]


async def _stored(
    client: httpx.AsyncClient, auth: Auth, connection: AsyncConnection
) -> dict[uuid.UUID, dict[str, Any]]:
    """Set-up only: one deployment row per combination, all of one officer."""
    manager = auth("NL", ["deploying_authority"])
    _, officer = await factories.create_officer_with_authority(client, manager)
    base = factories.deployment_body(officer["id"])
    rows: dict[uuid.UUID, dict[str, Any]] = {}
    for dates in _combinations():
        rows[uuid.uuid4()] = dates
    await connection.execute(
        insert(Deployment),
        [
            {
                **{k: v for k, v in base.items() if k not in {"starts_on", "ends_on"}},
                "officer_id": uuid.UUID(officer["id"]),
                "organisation": "NL",
                "represented_member_states": [],
                "shared_tasks": [],
                "co_deploying_member_states": [],
                "id": row_id,
                **dates,
            }
            for row_id, dates in rows.items()
        ],
    )
    return rows


async def test_sql_and_policy_agree_on_every_status_and_date_position(
    client: httpx.AsyncClient, auth: Auth, connection: AsyncConnection, session: AsyncSession
) -> None:
    rows = await _stored(client, auth, connection)
    assert len(rows) == 4 * 3 * 3 * 4 * 4
    mine = Deployment.id.in_(list(rows))
    found = set(
        await session.scalars(
            select(Deployment.id).where(mine, deployed_on_clause(Deployment, DAY))
        )
    )
    expected = {row_id for row_id, dates in rows.items() if deployed_on(**dates, day=DAY)}
    assert found == expected
    # the set is neither empty nor everything: the comparison can tell the two apart
    assert 0 < len(expected) < len(rows)
    for first, last in [
        (DAY - timedelta(days=2), DAY - timedelta(days=1)),
        (DAY, DAY + timedelta(days=3)),
    ]:
        found = set(
            await session.scalars(
                select(Deployment.id).where(mine, deployed_during_clause(Deployment, first, last))
            )
        )
        expected = {
            row_id
            for row_id, dates in rows.items()
            if deployed_during(**dates, first=first, last=last)
        }
        assert found == expected
        assert 0 < len(expected) < len(rows)


def test_the_definition_on_the_day_it_starts_ends_and_when_never_deployed() -> None:
    """Deployed the day it starts, not the day it ends, never when planned or cancelled."""

    def on(status: str, **dates: date | None) -> bool:
        facts: dict[str, Any] = {
            "starts_on": DAY,
            "ends_on": DAY + timedelta(days=30),
            "deployed_on": DAY,
            "ended_on": None,
            **dates,
        }
        return deployed_on(status=status, day=DAY, **facts)

    assert on("deployed")
    assert not on("deployed", deployed_on=DAY + timedelta(days=1))
    assert on("deployed", starts_on=DAY + timedelta(days=5))  # deployed ahead of the plan
    assert on("ended", starts_on=DAY - timedelta(days=9), ended_on=DAY + timedelta(days=1))
    assert not on("ended", starts_on=DAY - timedelta(days=9), ended_on=DAY)
    assert not on("deployed", starts_on=DAY - timedelta(days=9), ends_on=DAY)
    assert on("ended", ends_on=DAY, ended_on=DAY + timedelta(days=1))  # ended after the plan
    assert not on("planned", deployed_on=None)
    assert not on("cancelled", deployed_on=None)
    assert not on("cancelled")
