"""The callers and requests of the route-by-role matrix: every /v1 route, and who asks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts

from app.policies import Actor
from app.policies.roles import ROLE_TABLE
from app.policies.visibility import Visibility
from app.policies.vocabulary import OrganisationKind, Role, Scope
from tests.factories import Auth
from tests.scenarios import DOCUMENT, SCENARIOS, World


@dataclass(frozen=True)
class Caller:
    name: str
    org: str
    roles: tuple[str, ...]
    scopes: tuple[str, ...] = ()
    own_officer: bool = False  # an ILO token acting as the world's officer


def _home(role: Role) -> str:
    """NL, or the organisation that holds the role when NL may not (app/policies/roles.py)."""
    holders = ROLE_TABLE[role].holders
    if OrganisationKind.member_state in holders:
        return "NL"
    return "COM" if OrganisationKind.commission in holders else "EP"


CALLERS = (
    *(Caller(r.value, _home(r), (r.value,)) for r in Role if r not in (Role.ilo, Role.integration)),
    Caller("ilo", "NL", ("ilo",), own_officer=True),
    Caller("ilo-other", "NL", ("ilo",)),
    Caller("integration", "NL", ("integration",)),
    *(Caller(f"integration:{s.value}", "NL", ("integration",), (s.value,)) for s in Scope),
    Caller("fr-dpo", "FR", ("dpo",)),
    Caller("fr-deploying-authority", "FR", ("deploying_authority",)),
)


def routes(application: FastAPI) -> Iterator[tuple[str, str, APIRoute]]:
    for context in iter_route_contexts(application.routes):
        route = context.original_route
        if isinstance(route, APIRoute) and (context.path or "").startswith("/v1"):
            for method in sorted(context.methods or ()):
                yield method, context.path or "", route


# Read routes: the request, and the row it shows (organisation, officer) when it shows one.
Read = Callable[[World], tuple[str, tuple[str, str | None] | None]]
READ_REQUESTS: dict[str, Read] = {
    "GET /v1/organisations": lambda w: ("/v1/organisations", None),
    "GET /v1/organisations/{code}": lambda w: ("/v1/organisations/NL", ("NL", None)),
    "GET /v1/organisations/{code}/contacts": lambda w: (
        "/v1/organisations/NL/contacts",
        ("NL", None),
    ),
    "GET /v1/authorities": lambda w: ("/v1/authorities", None),
    "GET /v1/authorities/{authority_id}": lambda w: (
        f"/v1/authorities/{w.ilo.authority_id}",
        ("NL", None),
    ),
    "GET /v1/officers": lambda w: ("/v1/officers", None),
    "GET /v1/officers/{officer_id}": lambda w: (f"/v1/officers/{w.ilo.officer_id}", ("NL", None)),
    "GET /v1/deployments": lambda w: ("/v1/deployments", None),
    "GET /v1/deployments/{deployment_id}": lambda w: (
        f"/v1/deployments/{w.planned_id}",
        ("NL", None),
    ),
    "GET /v1/deployments/{deployment_id}/history": lambda w: (
        f"/v1/deployments/{w.planned_id}/history",
        ("NL", None),
    ),
    "GET /v1/processing-records": lambda w: ("/v1/processing-records", None),
    "GET /v1/processing-records/{record_id}": lambda w: (
        f"/v1/processing-records/{w.record_id}",
        ("NL", w.ilo.officer_id),
    ),
    "GET /v1/processing-records/{record_id}/export": lambda w: (
        f"/v1/processing-records/{w.record_id}/export",
        ("NL", w.ilo.officer_id),
    ),
    "GET /v1/processing-records/{record_id}/logs": lambda w: (
        f"/v1/processing-records/{w.record_id}/logs",
        ("NL", w.ilo.officer_id),
    ),
    "GET /v1/processing-records/{record_id}/transfers": lambda w: (
        f"/v1/processing-records/{w.record_id}/transfers",
        ("NL", w.ilo.officer_id),
    ),
    "GET /v1/processing-records/{record_id}/shares": lambda w: (
        f"/v1/processing-records/{w.record_id}/shares",
        ("NL", w.ilo.officer_id),
    ),
    "GET /v1/reference/adequacy-decisions": lambda w: ("/v1/reference/adequacy-decisions", None),
    "GET /v1/reference/adequacy-decisions/{decision_id:path}": lambda w: (
        f"/v1/reference/adequacy-decisions/{w.adequacy['id']}",
        ("COM", None),
    ),
    "GET /v1/reference/transfer-instruments": lambda w: (
        "/v1/reference/transfer-instruments",
        None,
    ),
    "GET /v1/reference/transfer-instruments/{instrument_id:path}": lambda w: (
        f"/v1/reference/transfer-instruments/{w.instrument['id']}",
        ("COM", None),
    ),
    "GET /v1/audit/events": lambda w: ("/v1/audit/events?log_use=self_monitoring", None),
    "GET /v1/audit/verify": lambda w: ("/v1/audit/verify", None),
    "GET /v1/audit/log-key": lambda w: ("/v1/audit/log-key", None),
    "GET /v1/audit/checkpoints": lambda w: ("/v1/audit/checkpoints", None),
    "GET /v1/audit/checkpoints/latest": lambda w: ("/v1/audit/checkpoints/latest?sign=true", None),
    "GET /v1/audit/consistency": lambda w: ("/v1/audit/consistency?first=0&second=0", None),
    "GET /v1/audit/bundle": lambda w: ("/v1/audit/bundle", None),
    "GET /v1/audit/entries": lambda w: ("/v1/audit/entries?start=0&end=0", None),
    "GET /v1/events": lambda w: ("/v1/events", None),
    "GET /v1/webhooks": lambda w: ("/v1/webhooks", None),
    "GET /v1/networks": lambda w: ("/v1/networks", None),
    "GET /v1/networks/{network_id}": lambda w: (f"/v1/networks/{w.network_id}", ("NL", None)),
    "GET /v1/networks/{network_id}/members": lambda w: (
        f"/v1/networks/{w.network_id}/members",
        ("NL", None),
    ),
    "GET /v1/networks/{network_id}/facilitator": lambda w: (
        f"/v1/networks/{w.network_id}/facilitator",
        ("NL", None),
    ),
    "GET /v1/networks/{network_id}/meetings": lambda w: (
        f"/v1/networks/{w.network_id}/meetings",
        None,
    ),
    "GET /v1/networks/{network_id}/meetings/{meeting_id}": lambda w: (
        f"/v1/networks/{w.network_id}/meetings/{w.meeting_id}",
        ("NL", None),
    ),
    "GET /v1/networks/{network_id}/ad-hoc-actions": lambda w: (
        f"/v1/networks/{w.network_id}/ad-hoc-actions",
        None,
    ),
    "GET /v1/board/members": lambda w: ("/v1/board/members", None),
    "GET /v1/board/members/{seat_id}": lambda w: (
        f"/v1/board/members/{w.board.seat_id}",
        ("NL", None),
    ),
    "GET /v1/board/status": lambda w: ("/v1/board/status", None),
    "GET /v1/board/rules-of-procedure": lambda w: ("/v1/board/rules-of-procedure", None),
    "GET /v1/board/meetings": lambda w: ("/v1/board/meetings", None),
    "GET /v1/board/meetings/{meeting_id}": lambda w: (
        f"/v1/board/meetings/{w.board.meeting_id}",
        ("COM", None),
    ),
    "GET /v1/board/officer-list": lambda w: ("/v1/board/officer-list", None),
    "GET /v1/board/decisions": lambda w: ("/v1/board/decisions", None),
    "GET /v1/board/decisions/{decision_id}": lambda w: (
        f"/v1/board/decisions/{w.board.decision_id}",
        ("COM", None),
    ),
    "GET /v1/board/work-programmes": lambda w: ("/v1/board/work-programmes", None),
    "GET /v1/board/work-programmes/{programme_id}": lambda w: (
        f"/v1/board/work-programmes/{w.board.programme_id}",
        ("COM", None),
    ),
    "GET /v1/board/deployment-gaps": lambda w: ("/v1/board/deployment-gaps", None),
    "GET /v1/board/activity-reports": lambda w: ("/v1/board/activity-reports", None),
    "GET /v1/board/activity-reports/{report_id}": lambda w: (
        f"/v1/board/activity-reports/{w.board.report_id}",
        ("COM", None),
    ),
    "GET /v1/board/activity-reports/{report_id}/html": lambda w: (
        f"/v1/board/activity-reports/{w.board.report_id}/html",
        ("COM", None),
    ),
    "GET /v1/processing-records/{record_id}/transfers/{transfer_id}/follow-up": lambda w: (
        f"/v1/processing-records/{w.record_id}/transfers/{w.followed_transfer_id}/follow-up",
        ("NL", w.ilo.officer_id),
    ),
    "GET /v1/statistics": lambda w: ("/v1/statistics", None),
    "GET /v1/statistics/{section}": lambda w: ("/v1/statistics/readmission", None),
    "GET /v1/statistics/readmission/{country}": lambda w: ("/v1/statistics/readmission/SN", None),
    "GET /v1/processing-records/{record_id}/notifications": lambda w: (
        f"/v1/processing-records/{w.restricted_id}/notifications",
        ("NL", w.ilo.officer_id),
    ),
    "GET /v1/ropa": lambda w: ("/v1/ropa?organisation=NL", ("NL", None)),
    "GET /v1/reference/impacts": lambda w: ("/v1/reference/impacts", None),
    "GET /v1/reference/institutional-contacts": lambda w: (
        "/v1/reference/institutional-contacts",
        None,
    ),
    "GET /v1/reference/institutional-contacts/{entry_id}": lambda w: (
        "/v1/reference/institutional-contacts/FRONTEX",
        None,
    ),
    "GET /v1/documents": lambda w: ("/v1/documents", None),
    "GET /v1/documents/search": lambda w: ("/v1/documents/search?q=sahel", None),
    "GET /v1/documents/contact-lists/ilo-contacts": lambda w: (
        "/v1/documents/contact-lists/ilo-contacts",
        None,
    ),
    "GET /v1/documents/{document_id:uuid}": lambda w: (
        f"/v1/documents/{w.document_id}",
        ("NL", None),
    ),
    "GET /v1/documents/{document_id}/content": lambda w: (
        f"/v1/documents/{w.document_id}/content",
        ("NL", None),
    ),
    "GET /v1/documents/{document_id}/versions/{number}/content": lambda w: (
        f"/v1/documents/{w.document_id}/versions/1/content",
        ("NL", None),
    ),
    "GET /v1/webhooks/{webhook_id:uuid}": lambda w: (f"/v1/webhooks/{w.webhook_id}", ("NL", None)),
    "GET /v1/webhooks/{webhook_id}/deliveries": lambda w: (
        f"/v1/webhooks/{w.webhook_id}/deliveries",
        ("NL", None),
    ),
    "GET /v1/documents/contact-lists/board-members": lambda w: (
        "/v1/documents/contact-lists/board-members",
        None,
    ),
}
# The write routes' requests are the registry scenarios; the row each acts on (for its 404).
TARGET_KIND = {
    "processing_record.erase": "processing_record",
    "transfer.record": "processing_record",
    "share.record": "processing_record",
    "webhook.delete": "webhook",
    "transfer_follow_up.record": "processing_record",
    "transfer_follow_up.update": "processing_record",
    "processing_record.rectify": "processing_record",
    "processing_record.restrict": "processing_record",
    "processing_record.lift_restriction": "processing_record",
    "recipient_notification.complete": "processing_record",
    "document.add_version": "document",
    "webhook.rotate_secret": "webhook",
    "webhook.enable": "webhook",
    "webhook.redeliver": "webhook",
}
DRY_RUN = "POST /v1/policy/evaluate"
# Read-only evaluations by POST (a body too rich for a query): marked reads(...), like the dry run.
EVALUATIONS = {DRY_RUN, "POST /v1/reference/impact"}


def marked(application: FastAPI) -> dict[str, dict[str, Any]]:
    return {f"{m} {p}": dict(route.openapi_extra or {}) for m, p, route in routes(application)}


def row_shown(kind: str, seen: Visibility, row: tuple[str, str | None]) -> bool:
    """Does the caller see the world's row (organisation, officer) of this kind? Documents by
    their audience (the world's document is the Board's, tests/scenarios.py DOCUMENT)."""
    if kind == "document" and seen.documents is not None:
        return seen.documents.shows(
            organisation=row[0], audience=DOCUMENT["audience"], category=DOCUMENT["category"]
        )
    return seen.rows.holds(organisation=row[0], officer_id=row[1])


def actor_of(caller: Caller, world: World) -> Actor:
    return Actor(
        sub=caller.name,
        org=caller.org,
        roles=frozenset(caller.roles),
        officer_id=world.ilo.officer_id if caller.own_officer else None,
        scopes=frozenset(caller.scopes),
    )


def headers_of(auth: Auth, caller: Caller, world: World) -> dict[str, str]:
    return auth(
        caller.org,
        list(caller.roles),
        sub=f"matrix-{caller.name}",
        officer_id=world.ilo.officer_id if caller.own_officer else None,
        scopes=list(caller.scopes) or None,
    )


def violated_rules(response: httpx.Response) -> list[str]:
    return [v["rule"] for v in response.json().get("violations", [])]


# Batch routes (x-ilonet-batch): each performs its action once per item; the matrix plays one
# item, the single route's request body, and holds the item's Decision to the requirement.
BATCH_ITEMS: dict[str, Callable[[World], dict[str, Any]]] = {
    "POST /v1/officers:batch": lambda w: SCENARIOS["officer.create"](w).body,
    "POST /v1/deployments:batch": lambda w: SCENARIOS["deployment.plan"](w).body,
    "POST /v1/processing-records:batch": lambda w: {
        "record": SCENARIOS["processing_record.create"](w).body
    },
}
