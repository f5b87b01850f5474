"""PUT /v1/organisations/{code}/contacts: an organisation's controller and DPO contacts, kept by
its own DPO or reference administrator (ACL-ROLE, ACL-ORG, If-Match), named by its record of
processing activities (GDPR Art. 30(1)(a)) in JSON, CSV and HTML alike."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import AuditEvent, OrganisationContact
from tests.factories import Auth

PATH = "/v1/organisations/NL/contacts"
CONTACTS = {"controller_contact": "privacy@ind.nl, Postbus 17", "dpo_contact": "fg@ind.nl"}


async def stored(session: AsyncSession) -> tuple[str | None, str | None, int]:
    row = await session.get(OrganisationContact, "NL", populate_existing=True)
    assert row is not None
    return row.controller_contact, row.dpo_contact, row.version


async def test_gdpr_30_1_the_dpo_keeps_its_organisations_contacts_and_the_ropa_names_them(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    dpo = auth("NL", ["dpo"])
    before = await client.get(PATH, headers=auth("FR", ["ilo"]))  # every participant reads
    assert before.status_code == 200
    assert before.headers["etag"] == '"v1"'
    assert (before.json()["controller_contact"], before.json()["dpo_contact"]) == (None, None)

    replaced = await client.put(PATH, json=CONTACTS, headers={**dpo, "If-Match": '"v1"'})
    assert replaced.status_code == 200, replaced.text
    assert replaced.headers["etag"] == '"v2"'
    assert replaced.json()["dpo_contact"] == "fg@ind.nl"
    assert await stored(session) == ("privacy@ind.nl, Postbus 17", "fg@ind.nl", 2)
    event = await session.scalar(
        select(AuditEvent).where(AuditEvent.action == "organisation.contacts_replaced")
    )
    assert event is not None
    assert (event.organisation, event.resource_id, event.outcome) == ("NL", "NL", "allowed")
    assert "fg@ind.nl" not in str(event.details)

    ropa = await client.get("/v1/ropa?organisation=NL", headers=dpo)
    assert (ropa.json()["controller_contact"], ropa.json()["dpo_contact"]) == (
        "privacy@ind.nl, Postbus 17",
        "fg@ind.nl",
    )
    page = await client.get("/v1/ropa?organisation=NL", headers={**dpo, "Accept": "text/html"})
    assert "fg@ind.nl" in page.text
    csv = await client.get("/v1/ropa?organisation=NL", headers={**dpo, "Accept": "text/csv"})
    assert "privacy@ind.nl, Postbus 17" in csv.text


async def test_acl_org_no_other_organisation_and_no_other_role_changes_them(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    cases = {
        ("FR", "dpo"): "ACL-ORG",
        ("COM", "reference_admin"): "ACL-ORG",
        ("NL", "ilo"): "ACL-ROLE",
        ("NL", "deploying_authority"): "ACL-ROLE",
    }
    for (org, role), rule in cases.items():
        response = await client.put(
            PATH, json=CONTACTS, headers={**auth(org, [role]), "If-Match": '"v1"'}
        )
        assert response.status_code == 403, (org, role, response.text)
        assert rule in [v["rule"] for v in response.json()["violations"]], (org, role)
    assert await stored(session) == (None, None, 1)
    denied = (
        await session.scalars(
            select(AuditEvent.organisation).where(
                AuditEvent.action == "policy.denied",
                AuditEvent.resource_type == "organisation_contact",
            )
        )
    ).all()
    assert sorted(denied) == ["COM", "FR", "NL", "NL"]


async def test_a_stale_missing_or_hostile_request_changes_nothing(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    dpo = auth("NL", ["dpo"])
    missing = await client.put(PATH, json=CONTACTS, headers=dpo)
    assert missing.status_code == 428
    stale = await client.put(PATH, json=CONTACTS, headers={**dpo, "If-Match": '"v7"'})
    assert stale.status_code == 412
    for body in (
        {**CONTACTS, "named_person": "Eva Jansen"},
        {"dpo_contact": "x" * 501},
        {"dpo_contact": "fg\u0000@ind.nl"},
        {"dpo_contact": 42},
    ):
        hostile = await client.put(PATH, json=body, headers={**dpo, "If-Match": '"v1"'})
        assert hostile.status_code == 422, (body, hostile.text)
        assert hostile.headers["content-type"].startswith("application/problem+json")
    unknown = await client.put(
        "/v1/organisations/ZZ/contacts", json=CONTACTS, headers={**dpo, "If-Match": '"v1"'}
    )
    assert unknown.status_code == 404
    assert await stored(session) == (None, None, 1)
