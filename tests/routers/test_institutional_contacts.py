"""/v1/reference/institutional-contacts: the functional addresses, switchboards and accounts the
platform's scanner does not take for personal data — loaded by the migration with their source,
read by everyone, kept by the reference_admin of the keeping participant (ACL-ROLE, ACL-ORG,
If-Match), audited; and uploads follow the data through the real route (ILO-9.3)."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import AuditEvent, Document, InstitutionalContact
from tests.factories import Auth

PATH = "/v1/reference/institutional-contacts"
# The liaison office's mailbox is shaped as a person's (an initial and a name) and its number is
# not called a switchboard here: only their registration tells them from a person's.
LETTER = (
    "# Return cooperation with Morocco, Q3 2024\n\n"
    "Readmission requests rose by 12 % (412 against 368).\n"
    "Questions: l.maroc@ind.nl or info@ind.nl, or call +212 537 219 600.\n"
)
RABAT = {
    "id": "NL-IND-RABAT",
    "organisation": "NL",
    "name": "IND liaison office, Rabat",
    "emails": ["l.maroc@ind.nl"],
    "phones": ["+212 537 21 96 00"],
    "ibans": ["NL91 ABNA 0417 1643 00"],
    "source_url": "https://ind.nl/en/contact",
}


def upload(content: str) -> dict[str, Any]:
    return {
        "title": "Return cooperation with Morocco, Q3 2024",
        "category": "a_analytical_product",
        "audience": "all_ilos",
        "media_type": "text/markdown",
        "content": content,
    }


def _ilo_9_3(response: httpx.Response) -> list[str]:
    return [v["message"] for v in response.json()["violations"] if v["rule"] == "ILO-9.3"]


async def _entries(session: AsyncSession) -> int:
    query = select(func.count()).select_from(InstitutionalContact)
    return int(await session.scalar(query) or 0)


async def test_the_migration_loaded_the_contacts_with_their_source(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    reader = auth("FR", ["ilo"])
    listed = await client.get(PATH, headers=reader)
    assert listed.status_code == 200, listed.text
    entries = {e["id"]: e for e in listed.json()["items"]}
    assert {"FRONTEX", "EUAA", "EUROPOL", "COM-SWITCHBOARD"} <= set(entries)
    assert all(e["example"] and e["source_url"].startswith("https://") for e in entries.values())
    frontex = await client.get(f"{PATH}/FRONTEX", headers=reader)
    assert frontex.headers["etag"] == '"v1"'
    assert frontex.json()["organisation"] == "COM"
    assert frontex.json()["phones"] == ["+48 22 205 95 00"]
    assert (await client.get(f"{PATH}/NOWHERE", headers=reader)).status_code == 404


async def test_ilo_9_3_an_api_edit_makes_a_refused_document_pass(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    author = auth("NL", ["sb_member"])
    refused = await client.post("/v1/documents", json=upload(LETTER), headers=author)
    assert refused.status_code == 403, refused.text
    [message] = _ilo_9_3(refused)
    assert message.startswith("an e-mail address at line 4: ")
    assert "; a telephone number at line 4: " in message

    admin = auth("NL", ["reference_admin"], sub="nl-reference")
    created = await client.post(PATH, json=RABAT, headers=admin)
    assert created.status_code == 201, created.text
    assert created.headers["location"] == f"{PATH}/NL-IND-RABAT"
    assert created.json()["version"] == 1
    event = await session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "reference.updated",
            AuditEvent.resource_type == "institutional_contact",
        )
    )
    assert event is not None
    assert (event.organisation, event.resource_id, event.outcome) == (
        "NL",
        "NL-IND-RABAT",
        "allowed",
    )
    assert "l.maroc" not in str(event.details)
    assert "537" not in str(event.details)

    passed = await client.post("/v1/documents", json=upload(LETTER), headers=author)
    assert passed.status_code == 201, passed.text

    # A person's address at the same domain stays personal data.
    person = LETTER.replace("info@ind.nl", "jan.jansen@ind.nl")
    again = await client.post("/v1/documents", json=upload(person), headers=author)
    assert again.status_code == 403, again.text
    [message] = _ilo_9_3(again)
    assert message.startswith("an e-mail address at line 4: ")
    assert "telephone" not in message
    assert "jansen" not in again.text
    stored = await session.scalar(select(func.count()).select_from(Document))
    assert stored == 1


async def test_acl_org_and_acl_role_no_other_participant_and_no_other_role_keeps_them(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    before = await _entries(session)
    cases = {
        ("FR", "reference_admin"): "ACL-ORG",
        ("COM", "reference_admin"): "ACL-ORG",
        ("NL", "dpo"): "ACL-ROLE",
        ("NL", "sb_member"): "ACL-ROLE",
    }
    for (org, role), rule in cases.items():
        denied = await client.post(PATH, json=RABAT, headers=auth(org, [role]))
        assert denied.status_code == 403, (org, role, denied.text)
        assert rule in [v["rule"] for v in denied.json()["violations"]], (org, role)
    assert await _entries(session) == before

    admin = auth("NL", ["reference_admin"])
    assert (await client.post(PATH, json=RABAT, headers=admin)).status_code == 201
    fields = {k: v for k, v in RABAT.items() if k != "id"}
    url = f"{PATH}/NL-IND-RABAT"
    # Neither taken over by another participant nor given away by its keeper.
    foreign = await client.put(
        url, json=fields, headers={**auth("FR", ["reference_admin"]), "If-Match": '"v1"'}
    )
    assert foreign.status_code == 403, foreign.text
    assert "ACL-ORG" in [v["rule"] for v in foreign.json()["violations"]]
    away = await client.put(
        url, json={**fields, "organisation": "FR"}, headers={**admin, "If-Match": '"v1"'}
    )
    assert away.status_code == 403, away.text
    assert "ACL-ORG" in [v["rule"] for v in away.json()["violations"]]

    changed = await client.put(
        url, json={**fields, "ibans": []}, headers={**admin, "If-Match": '"v1"'}
    )
    assert changed.status_code == 200, changed.text
    assert changed.headers["etag"] == '"v2"'
    row = await session.get(InstitutionalContact, "NL-IND-RABAT", populate_existing=True)
    assert row is not None
    assert (row.organisation, row.ibans, row.version) == ("NL", [], 2)
    stale = await client.put(url, json=fields, headers={**admin, "If-Match": '"v1"'})
    assert stale.status_code == 412, stale.text


async def test_contacts_that_are_none_are_a_422(client: httpx.AsyncClient, auth: Auth) -> None:
    admin = auth("NL", ["reference_admin"])
    for field, value in (
        ("ibans", ["NL91 ABNA 0417 1643 01"]),
        ("phones", ["0537 219 600"]),
        ("emails", ["lo.maroc"]),
    ):
        response = await client.post(PATH, json={**RABAT, field: value}, headers=admin)
        assert response.status_code == 422, (field, response.text)
        assert response.json()["errors"][0]["pointer"].startswith(f"/{field}")
