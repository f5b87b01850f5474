"""One request per guarded action, on a world of set-up resources: the registry-generated tests
(tests/routers/test_registry_parity.py) and the route-by-role matrix (tests/test_route_policies.py)
play them."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from tests import factories
from tests.factories import TODAY, Auth, Ilo, create_record, deployed_ilo, senegal_transfer

ADEQUACY = "/v1/reference/adequacy-decisions"
INSTRUMENTS = "/v1/reference/transfer-instruments"
JUSTIFICATION = "The receiving authority must confirm the identity for the return."
# Every table an action writes: a denied attempt must leave each exactly as it was.
TABLES = (
    "authority",
    "officer",
    "deployment",
    "deployment_history",
    "processing_record",
    "transfer",
    "share",
    "webhook_subscription",
    "adequacy_decision",
    "transfer_instrument",
    "webhook_delivery",
)


@dataclass
class World:
    nl: dict[str, str]
    ilo: Ilo
    planned_id: str
    record_id: str
    webhook_id: str
    integration: dict[str, str]
    instrument: dict[str, Any]
    instrument_editor: dict[str, str]
    adequacy: dict[str, Any]
    failing_webhook_id: str
    delivery_id: str


@dataclass(frozen=True)
class Write:
    method: str
    path: str
    body: dict[str, Any]
    headers: dict[str, str]
    target: str | None = None
    if_match: str | None = None


Scenario = Callable[[World], Write]


def _fields(entry: dict[str, Any]) -> dict[str, Any]:
    return {
        k: v for k, v in entry.items() if k not in {"id", "version", "updated_by", "updated_at"}
    }


SCENARIOS: dict[str, Scenario] = {
    "authority.create": lambda w: Write(
        "POST", "/v1/authorities", factories.authority_body(name="KMar"), w.nl
    ),
    "officer.create": lambda w: Write(
        "POST", "/v1/officers", factories.officer_body(w.ilo.authority_id), w.nl
    ),
    "officer.update": lambda w: Write(
        "PATCH",
        f"/v1/officers/{w.ilo.officer_id}",
        {"surname": "Visser"},
        w.nl,
        target=w.ilo.officer_id,
        if_match='"v1"',
    ),
    "deployment.plan": lambda w: Write(
        "POST", "/v1/deployments", factories.deployment_body(w.ilo.officer_id), w.nl
    ),
    "deployment.amend": lambda w: Write(
        "PATCH",
        f"/v1/deployments/{w.planned_id}",
        {"city": "Thiès"},
        w.nl,
        target=w.planned_id,
        if_match='"v1"',
    ),
    "deployment.transition": lambda w: Write(
        "POST",
        f"/v1/deployments/{w.planned_id}/transitions",
        {"to": "cancelled", "on": TODAY.isoformat()},
        w.nl,
        target=w.planned_id,
        if_match='"v1"',
    ),
    "processing_record.create": lambda w: Write(
        "POST", "/v1/processing-records", factories.record_body(w.ilo.officer_id), w.ilo.headers
    ),
    "processing_record.erase": lambda w: Write(
        "POST",
        f"/v1/processing-records/{w.record_id}/erasure",
        {},
        w.ilo.headers,
        target=w.record_id,
    ),
    "transfer.record": lambda w: Write(
        "POST",
        f"/v1/processing-records/{w.record_id}/transfers",
        senegal_transfer(),
        w.ilo.headers,
        target=w.record_id,
    ),
    "share.record": lambda w: Write(
        "POST",
        f"/v1/processing-records/{w.record_id}/shares",
        {
            "recipient_kind": "member_state_authority",
            "recipient_org": "FR",
            "recipient_authority": "Direction centrale de la police aux frontières",
            "fields_disclosed": ["surname", "nationality"],
            "justification": JUSTIFICATION,
        },
        w.ilo.headers,
        target=w.record_id,
    ),
    "adequacy_decision.create": lambda w: Write(
        "POST",
        ADEQUACY,
        {**_fields(w.adequacy), "id": "2026/999", "country": "CV", "name": "Cabo Verde"},
        {},
    ),
    "adequacy_decision.replace": lambda w: Write(
        "PUT",
        f"{ADEQUACY}/{w.adequacy['id']}",
        {**_fields(w.adequacy), "scope_note": "Changed."},
        {},
        target=w.adequacy["id"],
        if_match='"v1"',
    ),
    "transfer_instrument.create": lambda w: Write(
        "POST",
        INSTRUMENTS,
        {**_fields(w.instrument), "id": "test-instrument-1"},
        w.instrument_editor,
    ),
    "transfer_instrument.replace": lambda w: Write(
        "PUT",
        f"{INSTRUMENTS}/{w.instrument['id']}",
        {**_fields(w.instrument), "reference": "Changed reference."},
        w.instrument_editor,
        target=w.instrument["id"],
        if_match='"v1"',
    ),
    "webhook.create": lambda w: Write(
        "POST", "/v1/webhooks", {"url": "https://cms.example.nl/ilonet/hooks"}, w.integration
    ),
    "webhook.delete": lambda w: Write(
        "DELETE",
        f"/v1/webhooks/{w.webhook_id}",
        {},
        w.integration,
        target=w.webhook_id,
        if_match='"v1"',
    ),
}
SCENARIOS |= {
    "webhook.rotate_secret": lambda w: Write(
        "POST",
        f"/v1/webhooks/{w.webhook_id}:rotate-secret",
        {"overlap_seconds": 3600},
        w.integration,
        target=w.webhook_id,
        if_match='"v1"',
    ),
    "webhook.enable": lambda w: Write(
        "POST",
        f"/v1/webhooks/{w.failing_webhook_id}:enable",
        {},
        w.integration,
        target=w.failing_webhook_id,
        if_match='"v1"',
    ),
    "webhook.redeliver": lambda w: Write(
        "POST",
        f"/v1/webhooks/{w.webhook_id}/deliveries/{w.delivery_id}:redeliver",
        {},
        w.integration,
        target=w.delivery_id,
    ),
}
# Actions of ILONet itself (the retention sweep): no route, and no token may ask for them.
SYSTEM_ACTIONS = {"processing_record.expire", "officer.contact_erase"}


async def failed_delivery(session: AsyncSession, webhook_id: str) -> str:
    """A delivery of the subscription that failed after its last retry (as the sender leaves
    it), of the latest feed event."""
    delivery_id = uuid.uuid4()
    await session.execute(
        text(
            "INSERT INTO webhook_delivery (id, subscription_id, outbox_event_id, event_type,"
            " attempts, next_attempt_at, status, last_attempt_at, last_status_code, last_error)"
            " SELECT :id, :subscription, id, type, 8, now(), 'failed', now(), 500, 'HTTP 500'"
            " FROM outbox_event ORDER BY id DESC LIMIT 1"
        ),
        {"id": delivery_id, "subscription": uuid.UUID(webhook_id)},
    )
    return str(delivery_id)


async def mark_failing(session: AsyncSession, webhook_id: str) -> None:
    await session.execute(
        text("UPDATE webhook_subscription SET failing_since = now() WHERE id = :id"),
        {"id": uuid.UUID(webhook_id)},
    )


@pytest.fixture
async def world(client: httpx.AsyncClient, auth: Auth, session: AsyncSession) -> World:
    nl = auth("NL", ["deploying_authority"])
    ilo = await deployed_ilo(client, auth)
    planned = await factories.plan_deployment(
        client, nl, officer_id=ilo.officer_id, city="Saint-Louis"
    )
    record = await create_record(client, ilo)
    integration = auth("NL", ["integration"], sub="nl-cms", scopes=["webhooks:write"])
    hook = await client.post(
        "/v1/webhooks", json={"url": "https://cms.example.nl/ilonet/other"}, headers=integration
    )
    assert hook.status_code == 201, hook.text
    reader = auth("NL", ["auditor"])
    instruments = (await client.get(INSTRUMENTS, headers=reader)).json()["items"]
    instrument = next(i for i in instruments if i["version"] == 1)
    parties = set(instrument["parties"])
    editor = "COM" if parties & {"EU", "COM"} else sorted(parties)[0]
    adequacy = (await client.get(ADEQUACY, headers=reader)).json()["items"][0]
    failing = await client.post(
        "/v1/webhooks", json={"url": "https://cms.example.nl/ilonet/failing"}, headers=integration
    )
    assert failing.status_code == 201, failing.text
    await mark_failing(session, failing.json()["id"])
    delivery_id = await failed_delivery(session, hook.json()["id"])
    await session.commit()
    return World(
        nl=nl,
        ilo=ilo,
        planned_id=planned["id"],
        record_id=record["id"],
        webhook_id=hook.json()["id"],
        integration=integration,
        instrument=instrument,
        instrument_editor=auth(editor, ["reference_admin"]),
        adequacy=adequacy,
        failing_webhook_id=failing.json()["id"],
        delivery_id=delivery_id,
    )
