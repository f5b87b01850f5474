"""/v1/authorities and /v1/officers: who may register ILOs, and who sees their contact details."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import AuditEvent, Officer, OutboxEvent
from tests import factories
from tests.factories import JSON, Auth

CONTACT = {"phone": "+31 6 9876 5432", "email": "eva.jansen@ind.example.nl"}


@pytest.fixture
def nl(auth: Auth) -> dict[str, str]:
    return auth("NL", ["deploying_authority"], sub="nl-ind")


@pytest.fixture
async def authority(client: httpx.AsyncClient, nl: dict[str, str]) -> JSON:
    return await factories.create_authority(client, nl)


async def _officer(client: httpx.AsyncClient, nl: dict[str, str], authority: JSON) -> JSON:
    return await factories.create_officer(
        client,
        nl,
        authority_id=authority["id"],
        expertise=["c_routes", "f_document_fraud"],
        contact=CONTACT,
    )


async def test_authority_of_another_organisation_is_refused(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    response = await client.post(
        "/v1/authorities",
        json=factories.authority_body("NL"),
        headers=auth("BE", ["deploying_authority"]),
    )
    assert response.status_code == 403
    assert [v["rule"] for v in response.json()["violations"]] == ["ACL-ORG"]
    assert (
        await session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "policy.denied")
        )
    ) == 1


async def test_officer_contact_is_sealed_and_not_in_the_create_response(
    client: httpx.AsyncClient, nl: dict[str, str], authority: JSON, session: AsyncSession
) -> None:
    officer = await _officer(client, nl, authority)
    assert officer["contact"] is None
    assert (officer["organisation"], officer["surname"]) == ("NL", "Jansen")
    stored = await session.get(Officer, officer["id"])
    assert stored is not None
    assert stored.contact_ciphertext is not None
    assert b"9876" not in stored.contact_ciphertext
    assert b"eva.jansen" not in stored.contact_ciphertext
    audit = (
        await session.scalars(select(AuditEvent).where(AuditEvent.action == "officer.created"))
    ).one()
    assert "9876" not in str(audit.details)
    assert "eva.jansen" not in str(audit.details)
    feed = (await session.scalars(select(OutboxEvent))).all()
    assert [(e.type, e.resource_id) for e in feed][-1] == ("officer.created", officer["id"])


@pytest.mark.parametrize(
    ("org", "roles", "sees"),
    [
        ("NL", ["deploying_authority"], True),
        ("FR", ["ilo"], True),
        ("COM", ["sb_chair"], True),
        ("DE", ["authorised_staff"], True),
        ("FR", ["deploying_authority"], False),
        ("EP", ["ep_reader"], False),
        ("NL", ["dpo"], False),
    ],
    ids=["own-authority", "ilo", "board-chair", "authorised-staff", "other-authority", "ep", "dpo"],
)
async def test_ilo_9_3_contact_details_only_for_entitled_roles(
    client: httpx.AsyncClient,
    nl: dict[str, str],
    authority: JSON,
    auth: Auth,
    session: AsyncSession,
    org: str,
    roles: list[str],
    sees: bool,
) -> None:
    officer = await _officer(client, nl, authority)
    response = await client.get(f"/v1/officers/{officer['id']}", headers=auth(org, roles))
    assert response.status_code == 200
    body = response.json()
    reads = (
        await session.scalars(select(AuditEvent).where(AuditEvent.action == "officer.contact_read"))
    ).all()
    if sees:
        assert body["contact"] == CONTACT
        assert response.headers["cache-control"] == "no-store"
        assert len(reads) == 1
        assert reads[0].organisation == org
        assert reads[0].legal_basis == "ILO-9.3"
    else:
        assert body["contact"] is None
        assert reads == []
    listed = await client.get("/v1/officers", headers=auth(org, roles))
    assert all(o["contact"] is None for o in listed.json()["items"])


async def test_update_needs_if_match_and_own_organisation(
    client: httpx.AsyncClient,
    nl: dict[str, str],
    authority: JSON,
    auth: Auth,
    session: AsyncSession,
) -> None:
    officer = await _officer(client, nl, authority)
    url = f"/v1/officers/{officer['id']}"
    assert (await client.patch(url, json={"surname": "de Vries"}, headers=nl)).status_code == 428
    foreign = await client.patch(
        url,
        json={"surname": "Dupont"},
        headers={**auth("FR", ["deploying_authority"]), "If-Match": '"v1"'},
    )
    assert foreign.status_code == 403
    assert {v["rule"] for v in foreign.json()["violations"]} == {"ACL-ORG"}
    updated = await client.patch(
        url, json={"surname": "de Vries", "contact": None}, headers={**nl, "If-Match": '"v1"'}
    )
    assert updated.status_code == 200, updated.text
    assert (updated.json()["surname"], updated.headers["etag"]) == ("de Vries", '"v2"')
    stored = await session.get(Officer, officer["id"])
    assert stored is not None
    assert stored.contact_ciphertext is None
    again = await client.get(url, headers=nl)
    assert again.json()["contact"] is None


async def test_officer_needs_a_known_authority(
    client: httpx.AsyncClient, nl: dict[str, str]
) -> None:
    response = await client.post(
        "/v1/officers",
        json={
            "authority_id": "00000000-0000-4000-8000-000000000001",
            "surname": "X",
            "given_names": "Y",
        },
        headers=nl,
    )
    assert response.status_code == 404
    assert response.json()["type"] == "/problems/not-found"


async def test_validation_lists_each_bad_field(
    client: httpx.AsyncClient, nl: dict[str, str], authority: JSON
) -> None:
    response = await client.post(
        "/v1/officers",
        json={
            "authority_id": authority["id"],
            "surname": "",
            "given_names": "Eva",
            "expertise": ["z_unknown"],
            "contact": {"phone": "call me", "email": "nope"},
            "shoe_size": 42,
        },
        headers=nl,
    )
    assert response.status_code == 422
    pointers = {e["pointer"] for e in response.json()["errors"]}
    assert {
        "/surname",
        "/expertise/0",
        "/contact/phone",
        "/contact/email",
        "/shoe_size",
    } <= pointers


async def test_malformed_json_is_400(client: httpx.AsyncClient, nl: dict[str, str]) -> None:
    response = await client.post(
        "/v1/officers", content=b'{"surname": ', headers={**nl, "content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["type"] == "/problems/malformed-request"
