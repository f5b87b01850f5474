"""What the OpenAPI document says of itself: its servers, its contact, a description per tag
(one per router tag; tests/test_openapi_metadata.py holds every operation's tag to one). The
project states no licence, so the document names none."""

from __future__ import annotations

from typing import Any

SERVERS: list[dict[str, Any]] = [
    # First, so the explorer (/docs) and clients reading the served document call the server
    # that served it, whatever its host and port (OpenAPI 3.1: relative to the document's URL).
    # Each says its environment and its audience (x-internal: the document is written for the
    # integrators of the member states, the agencies and the Commission, not kept internal).
    {
        "url": "/",
        "description": "The server this document is served from (local, staging or production)",
        "x-internal": False,
    },
    {
        "url": "http://127.0.0.1:8000",
        "description": "A local `ilonet serve` (the default)",
        "x-internal": False,
    },
    {
        "url": "https://ilonet.example.eu",
        "description": "The production deployment's own origin (its `ILONET_PUBLIC_URL`); a "
        "placeholder",
        "x-internal": False,
    },
]
CONTACT: dict[str, str] = {
    "name": "ILONet operators of this deployment",
    "url": "https://ilonet.example.eu",
}
TAGS: list[dict[str, str]] = [
    {"name": "health", "description": "Liveness and readiness probes; no token needed."},
    {"name": "organisations", "description": "The participants registry and its contacts."},
    {"name": "authorities", "description": "The deploying authorities of each organisation."},
    {"name": "officers", "description": "Immigration liaison officers."},
    {
        "name": "deployments",
        "description": "Art. 4 notifications of deployments, and their state machine.",
    },
    {
        "name": "batch",
        "description": "Bulk onboarding: officers and deployments, up to 500 a request, each "
        "item decided and written as the single route would.",
    },
    {
        "name": "policy",
        "description": "Pre-check a write: the policy's decision and reasons, nothing stored.",
    },
    {
        "name": "processing-records",
        "description": "Art. 10 processing records, their transfers and shares, and the data "
        "subject's rights (rectification, restriction, erasure, export).",
    },
    {
        "name": "readmission",
        "description": "The follow-up a third country's authority gives to an identification "
        "request (Visa Code Art. 25a).",
    },
    {
        "name": "reference-data",
        "description": "Adequacy decisions and transfer instruments that transfers are decided "
        "against, and the impact of a change to them.",
    },
    {"name": "audit", "description": "The audit trail and the proof of its integrity."},
    {"name": "events", "description": "The change feed for integrations (ids and types only)."},
    {"name": "webhooks", "description": "Signed webhook subscriptions and their deliveries."},
    {
        "name": "networks",
        "description": "Art. 5 cooperation networks: members, facilitator, meetings, and the "
        "ad-hoc actions the Steering Board assigns them.",
    },
    {
        "name": "board",
        "description": "The Steering Board (Art. 7, 8): members, rules of procedure, meetings, "
        "decisions, work programmes and activity reports.",
    },
    {
        "name": "statistics",
        "description": "Aggregated, non-personal figures (Art. 12 report, readmission "
        "cooperation), as JSON, CSV or HTML.",
    },
    {
        "name": "ropa",
        "description": "The record of processing activities (GDPR Art. 30) for the DPO.",
    },
    {
        "name": "documents",
        "description": "The information-exchange platform (Art. 9): documents, their versions, "
        "search and contact lists.",
    },
]
