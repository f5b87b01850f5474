"""The service's day (app/clock.py): every rule takes today from one place, a run pins it so that
it does not change day halfway (`clock.pin`, or ILONET_CALENDAR_DATE for a served process), and
production cannot pin it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app import clock
from app.config import Settings, get_settings
from app.models import AuditEvent, ProcessingRecord, Transfer
from tests.factories import TODAY, Auth, create_record, deployed_ilo, senegal_transfer


@pytest.fixture
def pinned() -> Iterator[date]:
    """The service pinned to three days before the run's day, as a run started then would be."""
    day = TODAY - timedelta(days=3)
    clock.pin(day)
    yield day
    clock.pin(TODAY)


def test_a_process_takes_the_pinned_day_then_the_setting_then_the_clock(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert clock.today() == TODAY  # the suite's pin (tests/conftest.py)
    day = TODAY - timedelta(days=5)
    monkeypatch.setenv("ILONET_CALENDAR_DATE", day.isoformat())
    get_settings.cache_clear()
    try:
        clock.pin(None)
        assert clock.today() == day  # a served process: ILONET_CALENDAR_DATE
        monkeypatch.delenv("ILONET_CALENDAR_DATE")
        get_settings.cache_clear()
        before = datetime.now(UTC).date()
        today = clock.today()
        assert before <= today <= datetime.now(UTC).date()  # nothing pinned: the clock's
    finally:
        clock.pin(TODAY)
        get_settings.cache_clear()


async def test_a_record_and_its_transfer_are_dated_by_the_pinned_day_not_the_clocks(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession, pinned: date
) -> None:
    day = pinned
    assert clock.today() == day
    ilo = await deployed_ilo(client, auth)  # deployed 60 days before the run's day
    record = await create_record(client, ilo)  # began "today": the pinned day
    assert record["began_on"] == day.isoformat()
    row = await session.get(ProcessingRecord, uuid.UUID(record["id"]))
    assert row is not None
    assert row.began_on == day

    # On the clock's day this transfer would fall before the processing began (ILO-10.2) and be
    # recorded after the fact; on the pinned day it is made the day the processing began.
    made = await client.post(
        f"/v1/processing-records/{record['id']}/transfers",
        json=senegal_transfer(transfer_on=day.isoformat()),
        headers=ilo.headers,
    )
    assert made.status_code == 201, made.text
    assert made.json()["transfer_on"] == day.isoformat()
    assert [t.transfer_on for t in (await session.scalars(select(Transfer))).all()] == [day]
    recorded = (
        await session.scalars(select(AuditEvent).where(AuditEvent.action == "transfer.recorded"))
    ).one()
    assert recorded.details["after_the_fact"] is False


def test_production_refuses_a_pinned_day() -> None:
    with pytest.raises(ValidationError, match="the calendar follows the clock"):
        Settings(env="production", calendar_date=TODAY)
