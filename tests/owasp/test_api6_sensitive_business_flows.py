"""OWASP API6 (2023), unrestricted access to sensitive business flows: the Art. 49 derogation is
for occasional transfers (recital 25) — a burst of them to one recipient is flagged for review,
in the dry run and in the transfer's audit event, while an instrument-based flow is not."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import AuditEvent
from app.policies.transfer_obligations import DEROGATION_BURST
from tests.factories import Auth, create_record, deployed_ilo, senegal_transfer

FLAG = "review_systematic_derogation"


async def test_gdpr_49_1d_a_burst_of_derogations_to_one_recipient_is_flagged(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    ilo = await deployed_ilo(client, auth)
    kinds: list[list[str]] = []
    for _ in range(DEROGATION_BURST):
        record = await create_record(client, ilo)
        url = f"/v1/processing-records/{record['id']}/transfers"
        dry = await client.post(
            "/v1/policy/evaluate",
            json={
                "action": "transfer.record",
                "target_id": record["id"],
                "body": senegal_transfer(),
            },
            headers=ilo.headers,
        )
        assert dry.json()["allowed"], dry.text
        kinds.append([o["kind"] for o in dry.json()["obligations"]])
        done = await client.post(url, json=senegal_transfer(), headers=ilo.headers)
        assert done.status_code == 201, done.text
        assert done.json()["basis"]["rule"] == "GDPR-49.1d"
    # the first ones are occasional; the one that makes the burst is flagged (not refused)
    assert [FLAG in k for k in kinds] == [False] * (DEROGATION_BURST - 1) + [True]
    recorded = (
        await session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "transfer.recorded")
            .order_by(AuditEvent.id)
        )
    ).all()
    assert [e.details["flags"] for e in recorded] == [[]] * (DEROGATION_BURST - 1) + [[FLAG]]
    # another recipient is a flow of its own
    other = await create_record(client, ilo)
    moved = senegal_transfer(
        recipient={"name": "Ministère de l'Intérieur", "type": "public_authority"}
    )
    response = await client.post(
        f"/v1/processing-records/{other['id']}/transfers", json=moved, headers=ilo.headers
    )
    assert response.status_code == 201, response.text
    last = (
        await session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "transfer.recorded")
            .order_by(AuditEvent.id.desc())
            .limit(1)
        )
    ).one()
    assert last.details["flags"] == []
