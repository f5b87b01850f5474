"""OWASP API3:2023 Broken object property level authorization: a body may set only the fields
its schema names. Server-owned properties (ids, the controller organisation, status, version,
decision ids, derived regime, authorship, erasure) sent on any create or update route are a 422
naming the property, and nothing is stored. Responses carry no property the caller may not see:
contact details, subject data, the webhook secret after its creation."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import (
    AdequacyDecisionEntry,
    AuditEvent,
    Authority,
    Deployment,
    DeploymentHistory,
    Officer,
    OutboxEvent,
    ProcessingRecord,
    Share,
    Transfer,
    TransferInstrumentEntry,
    WebhookSubscription,
)
from tests.factories import (
    SUBJECT_DATA,
    TODAY,
    Auth,
    Ilo,
    authority_body,
    create_record,
    deployed_ilo,
    deployment_body,
    officer_body,
    record_body,
    senegal_transfer,
)

MODELS = (
    AdequacyDecisionEntry,
    AuditEvent,
    Authority,
    Deployment,
    DeploymentHistory,
    Officer,
    OutboxEvent,
    ProcessingRecord,
    Share,
    Transfer,
    TransferInstrumentEntry,
    WebhookSubscription,
)
HOOK = "https://cms.example.nl/ilonet/hooks"


async def snapshot(session: AsyncSession) -> dict[str, int]:
    counts: dict[str, int] = {}
    for model in MODELS:
        counts[model.__name__] = int(
            await session.scalar(select(func.count()).select_from(model)) or 0
        )
    return counts


@pytest.fixture
async def ilo(client: httpx.AsyncClient, auth: Auth) -> Ilo:
    return await deployed_ilo(client, auth)


async def test_server_owned_properties_are_refused_on_every_write_route(
    client: httpx.AsyncClient, auth: Auth, ilo: Ilo, session: AsyncSession
) -> None:
    manager = auth(ilo.org, ["deploying_authority"], sub=f"{ilo.org.lower()}-manager")
    record = await create_record(client, ilo)
    records = f"/v1/processing-records/{record['id']}"
    com = auth("COM", ["reference_admin"])
    share = {
        "recipient_kind": "member_state_authority",
        "recipient_org": "FR",
        "recipient_authority": "DCPAF",
        "fields_disclosed": ["surname"],
        "justification": "The receiving authority handles the same return case.",
    }
    adequacy = (await client.get("/v1/reference/adequacy-decisions/2021/1772", headers=com)).json()
    adequacy_fields = {
        k: v for k, v in adequacy.items() if k not in ("id", "version", "updated_by", "updated_at")
    }
    integration = auth("NL", ["integration"], sub="nl-cms", scopes=["webhooks:write"])
    if_match = {"If-Match": '"v1"'}
    # (method, path, headers, a valid body, properties the client may not set)
    routes: list[tuple[str, str, dict[str, str], dict[str, Any], tuple[str, ...]]] = [
        ("POST", "/v1/authorities", manager, authority_body(), ("id", "created_at")),
        (
            "POST",
            "/v1/officers",
            manager,
            officer_body(ilo.authority_id),
            ("id", "organisation", "version", "contact_erased_at", "created_at"),
        ),
        (
            "PATCH",
            f"/v1/officers/{ilo.officer_id}",
            {**manager, **if_match},
            {"surname": "Visser"},
            ("organisation", "authority_id", "version", "contact_erased_at", "id"),
        ),
        (
            "POST",
            "/v1/deployments",
            manager,
            deployment_body(ilo.officer_id, starts_on="2030-01-01", ends_on="2031-01-01"),
            ("id", "organisation", "status", "version", "eu_funding_eligible", "deployed_on"),
        ),
        (
            "PATCH",
            f"/v1/deployments/{ilo.deployment_id}",
            {**manager, "If-Match": '"v2"'},
            {"city": "Thiès"},
            ("status", "version", "officer_id", "organisation", "ended_on"),
        ),
        (
            "POST",
            f"/v1/deployments/{ilo.deployment_id}/transitions",
            {**manager, "If-Match": '"v2"'},
            {"to": "ended", "on": TODAY.isoformat()},
            ("version", "status", "decision_id"),
        ),
        (
            "POST",
            "/v1/processing-records",
            ilo.headers,
            record_body(ilo.officer_id),
            (
                "id",
                "organisation",
                "authority_id",
                "regime",
                "special_category",
                "decision_id",
                "policy_version",
                "created_by",
                "erased_at",
                "version",
            ),
        ),
        (
            "POST",
            f"{records}/shares",
            ilo.headers,
            share,
            ("organisation", "processing_record_id", "decision_id", "recorded_by"),
        ),
        (
            "POST",
            f"{records}/transfers",
            ilo.headers,
            senegal_transfer(),
            ("organisation", "requested_basis", "decision_id", "policy_version", "recorded_by"),
        ),
        (
            "POST",
            "/v1/webhooks",
            integration,
            {"url": HOOK},
            ("id", "secret", "active", "organisation_reader", "created_by", "version"),
        ),
        (
            "POST",
            "/v1/reference/adequacy-decisions",
            com,
            {**adequacy_fields, "id": "2026/998"},
            ("version", "updated_by", "updated_at"),
        ),
        (
            "PUT",
            "/v1/reference/adequacy-decisions/2021/1772",
            {**com, **if_match},
            adequacy_fields,
            ("id", "version", "updated_by"),
        ),
        (
            "POST",
            "/v1/policy/evaluate",
            manager,
            {"action": "authority.create", "body": authority_body()},
            ("decision_id", "allowed"),
        ),
    ]
    before = await snapshot(session)
    versions = {
        "officer": (await session.get(Officer, ilo.officer_id)),
        "deployment": (await session.get(Deployment, ilo.deployment_id)),
    }
    stamp = {name: row.version for name, row in versions.items() if row is not None}
    for method, path, headers, body, forbidden in routes:
        for name in forbidden:
            response = await client.request(method, path, json={**body, name: "x"}, headers=headers)
            assert response.status_code == 422, (method, path, name, response.text)
            errors = response.json()["errors"]
            assert {
                "pointer": f"/{name}",
                "in": "body",
                "detail": "Extra inputs are not permitted",
            } in errors, (path, errors)
    assert await snapshot(session) == before
    for name, row in versions.items():
        assert row is not None
        await session.refresh(row)
        assert row.version == stamp[name]


async def test_nested_objects_refuse_unknown_properties_too(
    client: httpx.AsyncClient, auth: Auth, ilo: Ilo, session: AsyncSession
) -> None:
    record = await create_record(client, ilo)
    before = await snapshot(session)
    transfer = senegal_transfer(
        recipient={"name": "DPAF", "type": "public_authority", "organisation": "SN"}
    )
    response = await client.post(
        f"/v1/processing-records/{record['id']}/transfers", json=transfer, headers=ilo.headers
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/recipient/organisation"
    contact = officer_body(ilo.authority_id, contact={"email": "a@b.nl", "erased": False})
    manager = auth(ilo.org, ["deploying_authority"], sub="nl-manager")
    officer = await client.post("/v1/officers", json=contact, headers=manager)
    assert officer.status_code == 422
    assert officer.json()["errors"][0]["pointer"] == "/contact/erased"
    assert await snapshot(session) == before


async def test_responses_carry_only_what_the_caller_may_see(
    client: httpx.AsyncClient, auth: Auth, ilo: Ilo, public_receiver: None
) -> None:
    # contact details: never in lists, not for another organisation
    listed = await client.get("/v1/officers", headers=auth("FR", ["deploying_authority"]))
    assert listed.status_code == 200
    assert listed.json()["items"]
    assert all(o["contact"] is None for o in listed.json()["items"])
    other = await client.get(
        f"/v1/officers/{ilo.officer_id}", headers=auth("FR", ["deploying_authority"])
    )
    assert other.status_code == 200
    assert other.json()["contact"] is None
    # subject data: not in the creation's answer, not in lists, not for a metadata reader
    record = await create_record(client, ilo)
    assert record["subject_data"] is None
    assert record["protection_status"] is None
    for headers in (ilo.headers, auth(ilo.org, ["dpo"])):
        page = await client.get("/v1/processing-records", headers=headers)
        assert page.status_code == 200, page.text
        assert all(r["subject_data"] is None for r in page.json()["items"])
        assert SUBJECT_DATA["surname"] not in page.text
    dpo = await client.get(f"/v1/processing-records/{record['id']}", headers=auth("NL", ["dpo"]))
    assert dpo.json()["subject_data"] is None
    assert SUBJECT_DATA["surname"] not in dpo.text
    # the webhook secret: once, in the creation's answer
    integration = auth("NL", ["integration"], sub="nl-cms", scopes=["webhooks:write"])
    created = await client.post("/v1/webhooks", json={"url": HOOK}, headers=integration)
    assert created.status_code == 201, created.text
    secret = created.json()["secret"]
    assert secret.startswith("whsec_")
    shown = await client.get(f"/v1/webhooks/{created.json()['id']}", headers=integration)
    listed_hooks = await client.get("/v1/webhooks", headers=integration)
    for response in (shown, listed_hooks):
        assert response.status_code == 200
        assert "secret" not in response.text
        assert secret not in response.text
