"""Set-up for the tests, through the public API: an authority, an officer of it, a deployment of
the officer, a deployed ILO with a processing record, and the bodies of transfers.

Each create_* helper POSTs as the caller whose headers it is given, fails the test with the
response body when the API refuses, and returns the created resource's JSON. Keyword overrides
replace fields of the default body, so a test states only what it is about. Dates of the
personal-data set-up are relative to today, as the rules are.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncConnection

from app.models import Authority, Officer

Auth = Callable[..., dict[str, str]]
JSON = dict[str, Any]

# The day the run takes as today (UTC), taken once; every server the tests start is pinned to
# it (conftest.py, tests/drills/harness.py), so that a run crossing midnight agrees with itself.
TODAY = datetime.now(UTC).date()
OFFICER_CONTACT: JSON = {"phone": "+31 6 1234 5678", "email": "eva@example.nl"}
# Strings of the officer's personal data that must never show up in audit, feed or replay rows.
OFFICER_PERSONAL_DATA = ("+31 6 1234 5678", "eva@example.nl")
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


def days(n: int) -> str:
    """The ISO date `n` days from today."""
    return (TODAY + timedelta(days=n)).isoformat()


# --- request bodies ----------------------------------------------------------------------------


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


# --- writes through the API --------------------------------------------------------------------


async def _post(
    client: httpx.AsyncClient,
    path: str,
    headers: dict[str, str],
    body: JSON,
    *,
    status: int = 201,
) -> JSON:
    response = await client.post(path, json=body, headers=headers)
    assert response.status_code == status, f"POST {path}: {response.status_code} {response.text}"
    answer: JSON = response.json()
    return answer


async def create_authority(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    *,
    organisation: str = "NL",
    **overrides: Any,
) -> JSON:
    """POST /v1/authorities (the caller needs deploying_authority of `organisation`)."""
    return await _post(
        client, "/v1/authorities", headers, authority_body(organisation, **overrides)
    )


async def create_officer(
    client: httpx.AsyncClient, headers: dict[str, str], *, authority_id: str, **overrides: Any
) -> JSON:
    """POST /v1/officers under `authority_id` (with contact details unless overridden)."""
    return await _post(client, "/v1/officers", headers, officer_body(authority_id, **overrides))


async def plan_deployment(
    client: httpx.AsyncClient, headers: dict[str, str], *, officer_id: str, **overrides: Any
) -> JSON:
    """POST /v1/deployments for `officer_id` (planned, Dakar, 2026-01-01 to 2027-12-31)."""
    return await _post(client, "/v1/deployments", headers, deployment_body(officer_id, **overrides))


async def transition_deployment(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    *,
    deployment_id: str,
    to: str,
    on: str,
    version: int = 1,
) -> JSON:
    """POST /v1/deployments/{id}/transitions with If-Match of `version`."""
    return await _post(
        client,
        f"/v1/deployments/{deployment_id}/transitions",
        {**headers, "If-Match": f'"v{version}"'},
        {"to": to, "on": on},
        status=200,
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


# --- an ILO at work ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Ilo:
    org: str
    authority_id: str
    officer_id: str
    deployment_id: str
    headers: dict[str, str]


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
    authority = await create_authority(
        client,
        manager,
        organisation=org,
        name=f"{org} {authority_kind}",
        authority_kind=authority_kind,
    )
    officer = await create_officer(client, manager, authority_id=authority["id"])
    deployment = await plan_deployment(
        client,
        manager,
        officer_id=officer["id"],
        host_country=host_country,
        city="Capital",
        tasks=list(tasks),
        starts_on=days(-60),
        ends_on=days(400),
    )
    if deployed:
        await transition_deployment(
            client, manager, deployment_id=deployment["id"], to="deployed", on=days(-60)
        )
    return Ilo(
        org=org,
        authority_id=authority["id"],
        officer_id=officer["id"],
        deployment_id=deployment["id"],
        headers=auth(org, ["ilo"], officer_id=officer["id"], sub=f"ilo-{officer['id'][:8]}"),
    )


async def create_record(client: httpx.AsyncClient, ilo: Ilo, **overrides: Any) -> JSON:
    """POST /v1/processing-records as `ilo` (a return identification unless overridden)."""
    return await _post(
        client, "/v1/processing-records", ilo.headers, record_body(ilo.officer_id, **overrides)
    )


# --- the database behind the API ---------------------------------------------------------------


@asynccontextmanager
async def connected(url: str) -> AsyncIterator[asyncpg.Connection]:
    """An asyncpg connection of its own to `url`, closed on the way out."""
    connection = await asyncpg.connect(url)
    try:
        yield connection
    finally:
        await connection.close()


async def made_earlier(connection: AsyncConnection, record_id: str, days_ago: int) -> None:
    """Set-up only: the record was made `days_ago` days ago, so that its transfers and their
    answers can be dated in the past within its life (ILO-10.2)."""
    await connection.execute(
        text(
            "UPDATE processing_record SET created_at = created_at - make_interval(days => :d), "
            "began_on = began_on - :d WHERE id = :id"
        ),
        {"d": days_ago, "id": uuid.UUID(record_id)},
    )


async def insert_officer(connection: AsyncConnection, organisation: str = "NL") -> str:
    """An officer of `organisation` (with its authority) written in Core on the given
    connection, for tests that must not add feed events: an ILO token names a real officer of
    its own organisation (ACL-CLAIM)."""
    authority_id = uuid.uuid4()
    officer_id = uuid.uuid4()
    await connection.execute(
        insert(Authority).values(
            id=authority_id, organisation=organisation, name="IND", authority_kind="immigration"
        )
    )
    await connection.execute(
        insert(Officer).values(
            id=officer_id,
            organisation=organisation,
            authority_id=authority_id,
            surname="Jansen",
            given_names="Eva",
            expertise=[],
        )
    )
    return str(officer_id)
