"""One request per guarded action, on a world of set-up resources: the registry-generated tests
(tests/routers/test_registry_parity.py) and the route-by-role matrix (tests/test_route_policies.py)
play them."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from tests import factories
from tests.board_factories import (
    BoardWorld,
    board_world,
    meeting_body,
    programme_body,
    report_body,
    rules_body,
    seat_body,
)
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
    "network",
    "network_facilitator",
    "network_meeting",
    "ad_hoc_action",
    "board_seat",
    "board_rules_of_procedure",
    "board_meeting",
    "board_decision",
    "board_decision_forwarding",
    "board_work_programme",
    "board_activity_report",
    "transfer_follow_up",
    "recipient_notification",
    "reference_impact",
    "document",
    "document_version",
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
    board: BoardWorld
    # a record of the ILO, transferred and then restricted (version 2): one open notification
    restricted_id: str
    notification_id: str
    failing_webhook_id: str
    delivery_id: str
    network_id: str = ""
    ad_hoc_action_id: str = ""
    # A transfer with no follow-up yet, and one with a follow-up (version 1).
    transfer_id: str = ""
    followed_transfer_id: str = ""
    document_id: str = ""
    board_member: dict[str, str] = field(default_factory=dict)


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


# A platform document for the Board (JSON content, so that its download is JSON too).
DOCUMENT = {
    "title": "Sahel flows 2024",
    "category": "e_board_document",
    "audience": "steering_board",
    "media_type": "application/json",
    "content": '{"report": "Sahel flows 2024", "detections": 4512}',
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
    "network.create": lambda w: Write(
        "POST", "/v1/networks", {"name": "Gambia", "kind": "local", "countries": ["GM"]}, w.nl
    ),
    "network.update": lambda w: Write(
        "PATCH",
        f"/v1/networks/{w.network_id}",
        {"name": "ILO network Dakar"},
        w.nl,
        target=w.network_id,
        if_match='"v1"',
    ),
    "network.designate_facilitator": lambda w: Write(
        "POST",
        f"/v1/networks/{w.network_id}/facilitator",
        {
            "officer_id": w.ilo.officer_id,
            "on": TODAY.isoformat(),
            "agreement_reference": "Minutes of the network meeting",
            "agreed_by": [w.ilo.officer_id],
        },
        w.nl,
        target=w.network_id,
    ),
    "network_meeting.record": lambda w: Write(
        "POST",
        f"/v1/networks/{w.network_id}/meetings",
        {
            "held_on": TODAY.isoformat(),
            "attendees": [w.ilo.officer_id],
            "agenda": "Joint training plan.",
            "topics": ["joint_training"],
        },
        w.ilo.headers,
        target=w.network_id,
    ),
    "ad_hoc_action.assign": lambda w: Write(
        "POST",
        f"/v1/networks/{w.network_id}/ad-hoc-actions",
        {"title": "Survey", "description": "Document fraud.", "decided_on": TODAY.isoformat()},
        w.board.secretariat,
        target=w.network_id,
    ),
    "ad_hoc_action.update": lambda w: Write(
        "PATCH",
        f"/v1/networks/{w.network_id}/ad-hoc-actions/{w.ad_hoc_action_id}",
        {"status": "in_progress"},
        w.board.secretariat,
        target=w.ad_hoc_action_id,
        if_match='"v1"',
    ),
    "board_member.appoint": lambda w: Write(
        "POST", "/v1/board/members", seat_body("DE"), w.board.secretariat
    ),
    "board_member.end": lambda w: Write(
        "POST",
        f"/v1/board/members/{w.board.seat_id}/end",
        {"ended_on": TODAY.isoformat()},
        w.board.secretariat,
        target=w.board.seat_id,
        if_match='"v1"',
    ),
    "board_rules.adopt": lambda w: Write(
        "POST", "/v1/board/rules-of-procedure", rules_body(quorum=20), w.board.secretariat
    ),
    "board_meeting.record": lambda w: Write(
        "POST", "/v1/board/meetings", meeting_body(location="Warsaw"), w.board.secretariat
    ),
    "board_decision.record": lambda w: Write(
        "POST",
        "/v1/board/decisions",
        {
            "meeting_id": w.board.meeting_id,
            "title": "Risk analysis",
            "summary": "A common risk analysis for the Sahel.",
            "votes": [{"organisation": "NL", "choice": "no"}],
        },
        w.board.secretariat,
    ),
    "board_decision.forward": lambda w: Write(
        "POST",
        f"/v1/board/decisions/{w.board.decision_id}/forwardings",
        {"organisation": "NL", "forwarded_on": TODAY.isoformat()},
        w.nl,
        target=w.board.decision_id,
    ),
    "board_work_programme.adopt": lambda w: Write(
        "POST", "/v1/board/work-programmes", programme_body(title="Next"), w.board.secretariat
    ),
    "board_activity_report.generate": lambda w: Write(
        "POST", "/v1/board/activity-reports:generate", report_body(), w.board.secretariat
    ),
    "transfer_follow_up.record": lambda w: Write(
        "POST",
        f"/v1/processing-records/{w.record_id}/transfers/{w.transfer_id}/follow-up",
        {"outcome": "confirmed", "answered_on": TODAY.isoformat()},
        w.ilo.headers,
        target=w.transfer_id,
    ),
    "transfer_follow_up.update": lambda w: Write(
        "PUT",
        f"/v1/processing-records/{w.record_id}/transfers/{w.followed_transfer_id}/follow-up",
        {"outcome": "confirmed", "answered_on": TODAY.isoformat()},
        w.ilo.headers,
        target=w.followed_transfer_id,
        if_match='"v1"',
    ),
    "processing_record.rectify": lambda w: Write(
        "PATCH",
        f"/v1/processing-records/{w.record_id}",
        {"subject_data": {"surname": "Diallo"}},
        w.ilo.headers,
        target=w.record_id,
        if_match='"v1"',
    ),
    "processing_record.restrict": lambda w: Write(
        "POST",
        f"/v1/processing-records/{w.record_id}/restriction",
        {"ground": "a"},
        w.ilo.headers,
        target=w.record_id,
    ),
    "processing_record.lift_restriction": lambda w: Write(
        "POST",
        f"/v1/processing-records/{w.restricted_id}/restriction/lifting",
        {"subject_informed_on": TODAY.isoformat()},
        w.ilo.headers,
        target=w.restricted_id,
        if_match='"v2"',
    ),
    "recipient_notification.complete": lambda w: Write(
        "POST",
        f"/v1/processing-records/{w.restricted_id}/notifications/{w.notification_id}/completion",
        {},
        w.ilo.headers,
        target=w.notification_id,
    ),
    "document.upload": lambda w: Write("POST", "/v1/documents", DOCUMENT, w.board_member),
    "document.add_version": lambda w: Write(
        "POST",
        f"/v1/documents/{w.document_id}/versions",
        {"media_type": "text/plain", "content": "Revised Sahel figures: 4 530 detections."},
        w.board_member,
        target=w.document_id,
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
SYSTEM_ACTIONS = {"processing_record.expire", "officer.contact_erase", "reference_impact.record"}


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
    reader = auth("NL", ["dpo"])
    instruments = (await client.get(INSTRUMENTS, headers=reader)).json()["items"]
    instrument = next(i for i in instruments if i["version"] == 1)
    parties = set(instrument["parties"])
    editor = "COM" if parties & {"EU", "COM"} else sorted(parties)[0]
    adequacy = (await client.get(ADEQUACY, headers=reader)).json()["items"][0]
    transfers = f"/v1/processing-records/{record['id']}/transfers"
    made = [
        await client.post(transfers, json=senegal_transfer(), headers=ilo.headers) for _ in (1, 2)
    ]
    assert all(m.status_code == 201 for m in made), made[0].text
    followed = await client.post(
        f"{transfers}/{made[1].json()['id']}/follow-up",
        json={"outcome": "no_answer"},
        headers=ilo.headers,
    )
    assert followed.status_code == 201, followed.text
    restricted = await create_record(client, ilo)
    path = f"/v1/processing-records/{restricted['id']}"
    sent = await client.post(f"{path}/transfers", json=senegal_transfer(), headers=ilo.headers)
    assert sent.status_code == 201, sent.text
    held = await client.post(f"{path}/restriction", json={"ground": "a"}, headers=ilo.headers)
    assert held.status_code == 200, held.text
    tasks = (await client.get(f"{path}/notifications", headers=ilo.headers)).json()
    board_member = auth("NL", ["sb_member"], sub="nl-board")
    document = await client.post("/v1/documents", json=DOCUMENT, headers=board_member)
    assert document.status_code == 201, document.text
    failing = await client.post(
        "/v1/webhooks", json={"url": "https://cms.example.nl/ilonet/failing"}, headers=integration
    )
    assert failing.status_code == 201, failing.text
    await mark_failing(session, failing.json()["id"])
    delivery_id = await failed_delivery(session, hook.json()["id"])
    await session.commit()
    built = World(
        nl=nl,
        ilo=ilo,
        planned_id=planned["id"],
        record_id=record["id"],
        webhook_id=hook.json()["id"],
        integration=integration,
        instrument=instrument,
        instrument_editor=auth(editor, ["reference_admin"]),
        adequacy=adequacy,
        board=await board_world(client, auth),
        transfer_id=made[0].json()["id"],
        followed_transfer_id=made[1].json()["id"],
        restricted_id=restricted["id"],
        notification_id=tasks[0]["id"],
        document_id=document.json()["id"],
        board_member=board_member,
        failing_webhook_id=failing.json()["id"],
        delivery_id=delivery_id,
    )
    await _networks(client, auth, built)
    return built


async def _networks(client: httpx.AsyncClient, auth: Auth, world: World) -> None:
    """A local network of the world's host country (registered by NL) with an ad-hoc action."""
    network = await client.post(
        "/v1/networks",
        json={"name": "ILO network Senegal", "kind": "local", "countries": ["SN"]},
        headers=world.nl,
    )
    assert network.status_code == 201, network.text
    world.network_id = network.json()["id"]
    action = await client.post(
        f"/v1/networks/{world.network_id}/ad-hoc-actions",
        json={"title": "Survey", "description": "Routes.", "decided_on": TODAY.isoformat()},
        headers=world.board.secretariat,
    )
    assert action.status_code == 201, action.text
    world.ad_hoc_action_id = action.json()["id"]
