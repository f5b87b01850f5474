"""ILO-9.3, ILO-9.4: the audiences of platform documents on every read path — list, get,
search, download and the change feed — for a European Parliament reader, an ILO outside the
audience and authorised staff; and the ILO contact list (Art. 9(2)(d))."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.models import AuditEvent
from tests import factories
from tests.factories import Auth


@dataclass
class Library:
    ids: dict[str, str]


async def _upload(client: httpx.AsyncClient, headers: dict[str, str], **fields: str) -> str:
    body = {
        "media_type": "text/plain",
        "content": f"Sahel flows {fields['title']}: 4 512 detections in 2024.",
        "category": "a_analytical_product",
        **fields,
    }
    response = await client.post("/v1/documents", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


@pytest.fixture
async def library(client: httpx.AsyncClient, auth: Auth) -> Library:
    sb = auth("NL", ["sb_chair"])
    ilo = await factories.deployed_ilo(client, auth)
    ids = {
        "all_ilos": await _upload(client, sb, title="network wide", audience="all_ilos"),
        "board": await _upload(client, sb, title="board only", audience="steering_board"),
        "parliament": await _upload(
            client,
            sb,
            title="work programme",
            audience="european_parliament",
            category="b_programme_or_report",
        ),
        "network": await _upload(
            client, ilo.headers, title="network note", audience="network", network_id="sahel"
        ),
    }
    return Library(ids)


EXPECTED = {
    "ep_reader": {"parliament"},
    "ilo_outside": {"all_ilos", "parliament"},
    "authorised_staff": {"all_ilos", "board", "parliament", "network"},
    "board_member": {"all_ilos", "board", "parliament"},
}


def _caller(auth: Auth, name: str) -> dict[str, str]:
    return {
        "ep_reader": auth("EP", ["ep_reader"]),
        "ilo_outside": auth("FR", ["ilo"], officer_id="00000000-0000-4000-8000-000000000001"),
        "authorised_staff": auth("COM", ["authorised_staff"]),
        "board_member": auth("DE", ["sb_member"]),
    }[name]


@pytest.mark.parametrize("caller", sorted(EXPECTED))
async def test_ilo_9_4_audiences_on_list_get_search_and_download(
    client: httpx.AsyncClient, auth: Auth, library: Library, caller: str
) -> None:
    headers = _caller(auth, caller)
    expected = {library.ids[k] for k in EXPECTED[caller]}
    listed = await client.get("/v1/documents", headers=headers)
    assert listed.status_code == 200, listed.text
    assert {d["id"] for d in listed.json()["items"]} == expected
    found = await client.get("/v1/documents/search", params={"q": "sahel"}, headers=headers)
    assert found.status_code == 200, found.text
    assert {h["id"] for h in found.json()} == expected
    assert all("<b>Sahel</b>" in h["highlight"] for h in found.json())
    for name, document_id in library.ids.items():
        seen = document_id in expected
        one = await client.get(f"/v1/documents/{document_id}", headers=headers)
        assert one.status_code == (200 if seen else 404), (name, one.text)
        download = await client.get(f"/v1/documents/{document_id}/content", headers=headers)
        assert download.status_code == (200 if seen else 404), name
        version = await client.get(
            f"/v1/documents/{document_id}/versions/1/content", headers=headers
        )
        assert version.status_code == (200 if seen else 404), name
        if seen:
            assert download.content.startswith(b"Sahel flows")


async def test_ilo_9_3_feed_shows_document_events_only_to_their_audience(
    committed_client: tuple[httpx.AsyncClient, AsyncEngine], auth: Auth
) -> None:
    client, _ = committed_client
    sb = auth("NL", ["sb_chair"])
    board = await _upload(client, sb, title="board only", audience="steering_board")
    parliament = await _upload(
        client,
        sb,
        title="work programme",
        audience="european_parliament",
        category="b_programme_or_report",
    )

    async def documents(headers: dict[str, str]) -> set[str]:
        feed = await client.get("/v1/events", headers=headers)
        assert feed.status_code == 200, feed.text
        items = feed.json()["items"]
        return {e["resource_id"] for e in items if e["resource_type"] == "document"}

    assert await documents(_caller(auth, "ep_reader")) == {parliament}
    assert await documents(_caller(auth, "ilo_outside")) == {parliament}
    assert await documents(_caller(auth, "authorised_staff")) == {board, parliament}


async def test_ilo_9_4_ep_reader_sees_a_category_the_board_makes_ep_visible(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    from app.policies.document import ep_visible_categories, set_ep_visible_categories

    sb = auth("NL", ["sb_chair"])
    denied = await client.post(
        "/v1/documents",
        json={
            "title": "Analysis",
            "category": "a_analytical_product",
            "audience": "european_parliament",
            "media_type": "text/plain",
            "content": "Sahel 2024.",
        },
        headers=sb,
    )
    assert denied.status_code == 403
    set_ep_visible_categories(["a_analytical_product"])
    try:
        assert "a_analytical_product" in ep_visible_categories()
        document_id = await _upload(
            client, sb, title="analysis for EP", audience="european_parliament"
        )
        seen = await client.get(f"/v1/documents/{document_id}", headers=auth("EP", ["ep_reader"]))
        assert seen.status_code == 200
    finally:
        set_ep_visible_categories([])


async def test_ilo_9_3_ilo_contact_list_for_ilos_board_and_staff_only_and_audited(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    ilo = await factories.deployed_ilo(client, auth)
    path = "/v1/documents/contact-lists/ilo-contacts"
    listing = await client.get(path, headers=auth("COM", ["authorised_staff"]))
    assert listing.status_code == 200, listing.text
    assert listing.headers["cache-control"] == "no-store"
    [line] = [i for i in listing.json()["items"] if i["officer_id"] == ilo.officer_id]
    assert line["place_of_deployment"] == "Capital"
    assert line["host_country"] == "SN"
    assert line["email"] == factories.OFFICER_CONTACT["email"]
    for refused in (auth("EP", ["ep_reader"]), auth("NL", ["deploying_authority"])):
        response = await client.get(path, headers=refused)
        assert response.status_code == 403
        assert response.json()["violations"][0]["rule"] == "ACL-ROLE"
    assert (await client.get(path, headers=ilo.headers)).status_code == 200
    reads = (
        await session.scalars(
            select(AuditEvent).where(AuditEvent.action == "ilo_contact_list.read")
        )
    ).all()
    assert len(reads) == 2
    assert reads[0].legal_basis == "ILO-9.3"
    assert factories.OFFICER_CONTACT["email"] not in str(reads[0].details)
