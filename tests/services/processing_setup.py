"""Set-up for the personal-data tests, through the public API: a deployed ILO, a processing
record, and the bodies of transfers; dates are relative to today, as the rules are."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import httpx

Auth = Callable[..., dict[str, str]]
JSON = dict[str, Any]

TODAY = date.today()
# Distinctive values: a test that finds them anywhere outside the sealed payload has found a leak.
SUBJECT_DATA: JSON = {
    "surname": "Quorvathine",
    "given_names": "Zelmiraxo",
    "date_of_birth": "1991-04-12",
    "place_of_birth": "Kaolack",
    "sex": "M",
    "nationality": "SN",
    "travel_document": {
        "type": "passport",
        "number": "A9Q7Z5X3W1",
        "issuing_country": "SN",
        "expires_on": "2029-03-01",
    },
}
PLAINTEXT = ("Quorvathine", "Zelmiraxo", "A9Q7Z5X3W1")


@dataclass(frozen=True)
class Ilo:
    org: str
    authority_id: str
    officer_id: str
    deployment_id: str
    headers: dict[str, str]


def days(n: int) -> str:
    return (TODAY + timedelta(days=n)).isoformat()


async def _post(client: httpx.AsyncClient, path: str, body: JSON, headers: dict[str, str]) -> JSON:
    response = await client.post(path, json=body, headers=headers)
    assert response.status_code in (200, 201), f"POST {path}: {response.text}"
    created: JSON = response.json()
    return created


async def deployed_ilo(
    client: httpx.AsyncClient,
    auth: Auth,
    *,
    org: str = "NL",
    authority_kind: str = "immigration",
    host_country: str = "SN",
    tasks: tuple[str, ...] = ("return",),
    deployed: bool = True,
) -> Ilo:
    """An authority, an officer of it, and the officer's deployment (deployed 60 days ago)."""
    manager = auth(org, ["deploying_authority"], sub=f"{org.lower()}-manager")
    authority = await _post(
        client,
        "/v1/authorities",
        {"organisation": org, "name": f"{org} {authority_kind}", "authority_kind": authority_kind},
        manager,
    )
    officer = await _post(
        client,
        "/v1/officers",
        {
            "authority_id": authority["id"],
            "surname": "Jansen",
            "given_names": "Eva",
            "contact": {"phone": "+31 6 1234 5678", "email": "eva@example.nl"},
        },
        manager,
    )
    deployment = await _post(
        client,
        "/v1/deployments",
        {
            "officer_id": officer["id"],
            "posting_type": "member_state_mission",
            "host_country": host_country,
            "city": "Capital",
            "tasks": list(tasks),
            "starts_on": days(-60),
            "ends_on": days(400),
        },
        manager,
    )
    if deployed:
        await _post(
            client,
            f"/v1/deployments/{deployment['id']}/transitions",
            {"to": "deployed", "on": days(-60)},
            {**manager, "If-Match": '"v1"'},
        )
    return Ilo(
        org=org,
        authority_id=authority["id"],
        officer_id=officer["id"],
        deployment_id=deployment["id"],
        headers=auth(org, ["ilo"], officer_id=officer["id"], sub=f"ilo-{officer['id'][:8]}"),
    )


def record_body(officer_id: str, **overrides: Any) -> JSON:
    """An identification for return (Art. 10(3)(a)) under a return decision."""
    return {
        "officer_id": officer_id,
        "purpose": "return",
        "data_categories": ["a_return_identity"],
        "data_subject_category": "returnee",
        "subject_data": dict(SUBJECT_DATA),
        "protection_status": "return_decision",
        "necessity_justification": "Nationality must be confirmed for the return decision.",
        "retain_until": days(180),
        **overrides,
    }


async def create_record(client: httpx.AsyncClient, ilo: Ilo, **overrides: Any) -> JSON:
    return await _post(
        client, "/v1/processing-records", record_body(ilo.officer_id, **overrides), ilo.headers
    )


def senegal_transfer(**overrides: Any) -> JSON:
    """A return identification request to the Senegalese border police (GDPR 49(1)(d))."""
    return {
        "recipient": {
            "name": "Direction de la Police de l'Air et des Frontières",
            "type": "public_authority",
            "is_law_enforcement": False,
        },
        "destination_country": "SN",
        "basis": "public_interest",
        "fields_disclosed": ["surname", "given_names", "date_of_birth", "nationality"],
        "justification": "Identification and nationality confirmation for return under a "
        "return decision",
        "transfer_on": TODAY.isoformat(),
        **overrides,
    }
