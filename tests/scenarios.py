"""One request per guarded action, on a world of set-up resources: the registry-generated tests
(tests/routers/test_registry_parity.py) and the route-by-role matrix (tests/test_route_policies.py)
play them. The world itself is tests/world.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests import factories
from tests.board_factories import (
    meeting_body,
    programme_body,
    report_body,
    rules_body,
    seat_body,
)
from tests.factories import TODAY, senegal_transfer

# The world's names stay importable from here, as the scenarios' vocabulary.
from tests.world import ADEQUACY as ADEQUACY
from tests.world import DOCUMENT as DOCUMENT
from tests.world import INSTRUMENTS as INSTRUMENTS
from tests.world import World as World

INSTITUTIONAL_CONTACTS = "/v1/reference/institutional-contacts"
# An entry kept by the Commission (FRONTEX is one of the seeded entries, version 1).
INSTITUTIONAL_CONTACT = {
    "organisation": "COM",
    "name": "European Border and Coast Guard Agency",
    "emails": ["frontex@frontex.europa.eu"],
    "phones": ["+48 22 205 95 00"],
    "source_url": "https://www.frontex.europa.eu/about-frontex/contact/",
}
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
    "audit_cosignature",
    "adequacy_decision",
    "transfer_instrument",
    "institutional_contact",
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
    "organisation_contact",
)


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
    "institutional_contact.create": lambda w: Write(
        "POST", INSTITUTIONAL_CONTACTS, {**INSTITUTIONAL_CONTACT, "id": "test-contact-1"}, {}
    ),
    "institutional_contact.replace": lambda w: Write(
        "PUT",
        f"{INSTITUTIONAL_CONTACTS}/FRONTEX",
        {**INSTITUTIONAL_CONTACT, "name": "Frontex"},
        {},
        target="FRONTEX",
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
    "network_meeting.cancel": lambda w: Write(
        "POST",
        f"/v1/networks/{w.network_id}/meetings/{w.meeting_id}/cancellation",
        {"reason": "The host authority is closed that day."},
        w.ilo.headers,
        target=w.meeting_id,
        if_match='"v1"',
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
SCENARIOS |= {
    "audit_checkpoint.cosign": lambda w: Write(
        "POST", "/v1/audit/cosignatures", {"note": w.cosigned_note}, w.witness
    ),
}
SCENARIOS |= {
    "organisation.contacts_replace": lambda w: Write(
        "PUT",
        "/v1/organisations/NL/contacts",
        {"controller_contact": "privacy@ind.nl", "dpo_contact": "fg@ind.nl"},
        w.dpo,
        target="NL",
        if_match='"v1"',
    ),
}
# Actions of ILONet itself (the retention sweep): no route, and no token may ask for them.
SYSTEM_ACTIONS = {"processing_record.expire", "officer.contact_erase", "reference_impact.record"}
