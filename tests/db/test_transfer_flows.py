"""The flow counts (transfer_flow) are kept by the transfer action as transfers are recorded:
one row per facts and day, counted in the transaction that records the transfer, equal at every
step to the transfers grouped afresh (app/db/transfer_flows.py FILL); a refused transfer counts
nothing, an erasure leaves the counts (the transfers' metadata stay), and an impact analysis
reads them."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.transfer_flows import COLUMNS, FACTS
from app.models import Transfer, TransferFlow
from tests.factories import TODAY, Auth, create_record, days, deployed_ilo, senegal_transfer

DGSN = {"name": "Direction Générale de la Sûreté Nationale", "type": "public_authority"}


async def stored(session: AsyncSession) -> list[tuple[Any, ...]]:
    rows = await session.execute(select(TransferFlow).order_by(TransferFlow.key))
    return [
        (f.organisation, f.recipient_name, f.destination_country, f.transfer_on, f.transfers)
        for f in rows.scalars()
    ]


async def regrouped(session: AsyncSession) -> list[tuple[Any, ...]]:
    """The transfers grouped afresh, as the migration fills the table."""
    query = (
        f"SELECT {FACTS}, count(*) FROM transfer t JOIN processing_record r "  # noqa: S608
        "ON r.id = t.processing_record_id GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 "
        "ORDER BY 1, 2"
    )
    return [tuple(r) for r in (await session.execute(text(query))).all()]


async def counted(session: AsyncSession) -> list[tuple[Any, ...]]:
    query = f"SELECT {COLUMNS} FROM transfer_flow ORDER BY 1, 2"  # noqa: S608 - constants
    return [tuple(r) for r in (await session.execute(text(query))).all()]


async def test_each_recorded_transfer_is_counted_in_its_flow_of_the_day(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    nl = await deployed_ilo(client, auth)
    record = await create_record(client, nl, began_on=days(-10))
    path = f"/v1/processing-records/{record['id']}/transfers"
    for body in (
        senegal_transfer(),
        senegal_transfer(),  # the same facts, the same day: the same flow, counted twice
        senegal_transfer(transfer_on=days(-3)),  # another day
        senegal_transfer(recipient={**DGSN, "is_law_enforcement": False}),  # other facts
    ):
        sent = await client.post(path, json=body, headers=nl.headers)
        assert sent.status_code == 201, sent.text
    police = senegal_transfer()["recipient"]["name"]
    three_days_ago = TODAY.fromordinal(TODAY.toordinal() - 3)
    assert sorted(await stored(session)) == sorted(
        [
            ("NL", police, "SN", TODAY, 2),
            ("NL", police, "SN", three_days_ago, 1),
            ("NL", DGSN["name"], "SN", TODAY, 1),
        ]
    )
    assert await counted(session) == await regrouped(session)
    (flow,) = (
        await session.scalars(
            select(TransferFlow).where(
                TransferFlow.transfers == 2, TransferFlow.transfer_on == TODAY
            )
        )
    ).all()
    assert (flow.regime, flow.purpose, flow.requested_basis) == (
        "gdpr",
        "return",
        "public_interest",
    )
    assert (flow.recipient_type, flow.recipient_is_law_enforcement) == ("public_authority", False)
    assert (flow.destination_organisation, flow.details) == (None, "{}")

    # a refused transfer (adequacy named for Senegal, which has none) counts nothing
    refused = await client.post(path, json=senegal_transfer(basis="adequacy"), headers=nl.headers)
    assert refused.status_code == 403, refused.text
    assert len(await stored(session)) == 3

    # the record erased: its transfers' metadata stay, and so do their counts
    erased = await client.post(f"/v1/processing-records/{record['id']}/erasure", headers=nl.headers)
    assert erased.status_code == 200, erased.text
    assert len((await session.scalars(select(Transfer.id))).all()) == 4
    assert await counted(session) == await regrouped(session)
    assert sum(row[4] for row in await stored(session)) == 4

    # and the analysis reads them: ending nothing in Senegal, but judged over the counts
    body = {"change": {"kind": "adequacy_ended", "adequacy_decision_id": "2021/1772",
                       "on": days(30)}}  # fmt: skip
    impact = await client.post("/v1/reference/impact", json=body, headers=auth("NL", ["dpo"]))
    assert impact.status_code == 200, impact.text
    assert (impact.json()["transfers_evaluated"], impact.json()["affected_flows"]) == (0, 0)
