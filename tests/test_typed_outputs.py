"""The typed output models (a deployment's shared tasks, a record's subject data, an activity
report's content) show on the wire exactly the values stored: what the API sent before they
were typed."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.schemas.board_report_content import ActivityReportContent
from app.schemas.processing_record import SubjectData
from tests.factories import SUBJECT_DATA
from tests.scenarios import World

TASKS = [
    {"member_state": "BE", "task": "return", "agreement_reference": "BE-NL 2024/7"},
    {"member_state": "LU", "task": "smuggling_trafficking", "agreement_reference": "LU-1"},
]


async def _stored(session: AsyncSession, sql: str, row_id: str) -> Any:
    return (await session.execute(text(sql), {"id": row_id})).scalar_one()


async def test_shared_tasks_show_as_stored(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    url = f"/v1/deployments/{world.planned_id}"
    changed = await client.patch(
        url, json={"shared_tasks": TASKS}, headers={**world.nl, "If-Match": '"v1"'}
    )
    assert changed.status_code == 200, changed.text
    shown = await client.get(url, headers=world.nl)
    stored = await _stored(session, "SELECT shared_tasks FROM deployment WHERE id = :id", url[16:])
    assert shown.json()["shared_tasks"] == stored == TASKS
    assert changed.json()["shared_tasks"] == TASKS


async def test_subject_data_shows_as_sealed(client: httpx.AsyncClient, world: World) -> None:
    shown = await client.get(f"/v1/processing-records/{world.record_id}", headers=world.ilo.headers)
    assert shown.status_code == 200, shown.text
    data = shown.json()["subject_data"]
    # exactly the sealed payload: the fields sent, no nulls, none added
    assert data == SubjectData.model_validate(SUBJECT_DATA).payload()
    assert None not in data.values()


async def test_report_content_shows_as_stored(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    report_id = world.board.report_id
    shown = await client.get(f"/v1/board/activity-reports/{report_id}", headers=world.nl)
    assert shown.status_code == 200, shown.text
    stored = await _stored(
        session, "SELECT content FROM board_activity_report WHERE id = :id", report_id
    )
    assert shown.json()["content"] == stored
    # not vacuous: a report with figures (host countries listed; their small counts withheld)
    assert stored["deployments"]["by_host_country"]
    assert "total" in stored["deployments"]
    # a report stored before a section existed still reads, with the section null
    older = {k: v for k, v in stored.items() if k not in ("previous", "networks")}
    assert ActivityReportContent.model_validate(older).networks is None
