"""Set-up through the public API: an authority, an officer of it, a deployment of the officer.

Each helper POSTs as the caller whose headers it is given, fails the test with the response body
when the API refuses, and returns the created resource's JSON. Keyword overrides replace fields
of the default body, so a test states only what it is about.
"""

from __future__ import annotations

from typing import Any

import httpx

JSON = dict[str, Any]

OFFICER_CONTACT: JSON = {"phone": "+31 6 1234 5678", "email": "eva@example.nl"}
# Strings of the officer's personal data that must never show up in audit, feed or replay rows.
OFFICER_PERSONAL_DATA = ("+31 6 1234 5678", "eva@example.nl")


def authority_body(organisation: str = "NL", **overrides: Any) -> JSON:
    return {
        "organisation": organisation,
        "name": "IND",
        "authority_kind": "immigration",
        **overrides,
    }


def officer_body(authority_id: str, **overrides: Any) -> JSON:
    return {
        "authority_id": authority_id,
        "surname": "Jansen",
        "given_names": "Eva",
        "expertise": ["c_routes"],
        "contact": dict(OFFICER_CONTACT),
        **overrides,
    }


def deployment_body(officer_id: str, **overrides: Any) -> JSON:
    return {
        "officer_id": officer_id,
        "posting_type": "member_state_mission",
        "host_country": "SN",
        "city": "Dakar",
        "region_countries": ["GM"],
        "topics": ["c_routes"],
        "tasks": ["return"],
        "starts_on": "2026-01-01",
        "ends_on": "2027-12-31",
        **overrides,
    }


async def _created(
    client: httpx.AsyncClient, path: str, headers: dict[str, str], body: JSON
) -> JSON:
    response = await client.post(path, json=body, headers=headers)
    assert response.status_code == 201, f"POST {path}: {response.status_code} {response.text}"
    created: JSON = response.json()
    return created


async def create_authority(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    *,
    organisation: str = "NL",
    **overrides: Any,
) -> JSON:
    """POST /v1/authorities (the caller needs deploying_authority of `organisation`)."""
    return await _created(
        client, "/v1/authorities", headers, authority_body(organisation, **overrides)
    )


async def create_officer(
    client: httpx.AsyncClient, headers: dict[str, str], *, authority_id: str, **overrides: Any
) -> JSON:
    """POST /v1/officers under `authority_id` (with contact details unless overridden)."""
    return await _created(client, "/v1/officers", headers, officer_body(authority_id, **overrides))


async def plan_deployment(
    client: httpx.AsyncClient, headers: dict[str, str], *, officer_id: str, **overrides: Any
) -> JSON:
    """POST /v1/deployments for `officer_id` (planned, Dakar, 2026-01-01 to 2027-12-31)."""
    return await _created(
        client, "/v1/deployments", headers, deployment_body(officer_id, **overrides)
    )


async def create_officer_with_authority(
    client: httpx.AsyncClient, headers: dict[str, str], *, organisation: str = "NL"
) -> tuple[JSON, JSON]:
    """An authority of `organisation` and an officer under it: (authority, officer)."""
    authority = await create_authority(client, headers, organisation=organisation)
    officer = await create_officer(client, headers, authority_id=authority["id"])
    return authority, officer


async def create_deployment_chain(
    client: httpx.AsyncClient, headers: dict[str, str], *, organisation: str = "NL"
) -> tuple[JSON, JSON, JSON]:
    """Authority, officer and a planned deployment of `organisation`: three writes."""
    authority, officer = await create_officer_with_authority(
        client, headers, organisation=organisation
    )
    deployment = await plan_deployment(client, headers, officer_id=officer["id"])
    return authority, officer, deployment
