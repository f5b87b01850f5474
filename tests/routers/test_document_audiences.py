"""ILO-9.3, ILO-9.4: the audiences of platform documents on every read path — list, get,
search, download and the change feed — for a European Parliament reader, an ILO outside the
audience and authorised staff; and the ILO contact list (Art. 9(2)(d))."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.models import AuditEvent
from tests import board_factories, factories
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
    sb = auth("NL", ["sb_member"])
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
            client,
            ilo.headers,
            title="network note",
            audience="network",
            network_id=str(uuid.uuid4()),
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
        "ilo_outside": auth("FR", ["ilo"]),
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
    assert {h["id"] for h in found.json()["items"]} == expected
    assert all("<b>Sahel</b>" in h["highlight"] for h in found.json()["items"])
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
    sb = auth("NL", ["sb_member"])
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
    """ILO-8.1: the Board's rules of procedure in force say what the Parliament sees, read at
    the time of the upload's check and of every read."""
    sb = auth("NL", ["sb_member"])
    ep = auth("EP", ["ep_reader"])
    body = {
        "title": "Analysis for EP",
        "category": "a_analytical_product",
        "audience": "european_parliament",
        "media_type": "text/plain",
        "content": "Sahel 2024.",
    }
    denied = await client.post("/v1/documents", json=body, headers=sb)
    assert denied.status_code == 403
    assert denied.json()["violations"][0]["rule"] == "ILO-9.4"
    await board_factories.post(
        client,
        "/v1/board/rules-of-procedure",
        board_factories.secretariat(auth),
        board_factories.rules_body(ep_visible_categories=["a_analytical_product"]),
    )
    document_id = await _upload(client, sb, title="analysis for EP", audience="european_parliament")
    assert (await client.get(f"/v1/documents/{document_id}", headers=ep)).status_code == 200
    listed = await client.get("/v1/documents", headers=ep)
    assert document_id in {d["id"] for d in listed.json()["items"]}
    # New rules that no longer open the category close it again, for documents already stored.
    await board_factories.post(
        client,
        "/v1/board/rules-of-procedure",
        board_factories.secretariat(auth),
        board_factories.rules_body(ep_visible_categories=[], document_reference="SB/2026/02"),
    )
    assert (await client.get(f"/v1/documents/{document_id}", headers=ep)).status_code == 404


async def test_ilo_8_1_rules_adopted_with_a_later_date_do_not_yet_decide_what_ep_reads(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    """The rules of procedure in force today (adopted on or before it) open a category to the
    Parliament; newer rules adopted with a date still to come, though recorded last, neither
    close it nor open theirs before that date."""
    sb = auth("NL", ["sb_member"])
    ep = auth("EP", ["ep_reader"])
    com = board_factories.secretariat(auth)
    rules = board_factories.rules_body
    path = "/v1/board/rules-of-procedure"
    await board_factories.post(
        client, path, com, rules(ep_visible_categories=["a_analytical_product"])
    )
    await board_factories.post(
        client,
        path,
        com,
        rules(
            adopted_on=factories.days(5),
            ep_visible_categories=["e_board_document"],
            document_reference="SB/2026/02",
        ),
    )
    # the upload's check and every read use the rules in force today
    analysis = await _upload(client, sb, title="analysis for EP", audience="european_parliament")
    board_document = {
        "title": "Board paper for EP",
        "category": "e_board_document",
        "audience": "european_parliament",
        "media_type": "text/plain",
        "content": "Board paper 2027.",
    }
    not_yet = await client.post("/v1/documents", json=board_document, headers=sb)
    assert not_yet.status_code == 403, not_yet.text
    assert not_yet.json()["violations"][0]["rule"] == "ILO-9.4"
    assert (await client.get(f"/v1/documents/{analysis}", headers=ep)).status_code == 200
    listed = await client.get("/v1/documents", headers=ep)
    assert [d["id"] for d in listed.json()["items"]] == [analysis]


async def test_ilo_5_1_network_documents_for_the_members_on_the_read_date(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    """A network's documents are for its members today (ILO-5.1 as the networks derive it): an
    ILO deployed in one of its countries sees them on every read path, one outside does not,
    and the membership ends with the deployment; a deploying authority sees them while one of
    its officers is a member."""
    member = await factories.deployed_ilo(client, auth)  # NL, deployed in SN
    outside = await factories.deployed_ilo(client, auth, org="FR", host_country="GM")
    network = await board_factories.post(
        client,
        "/v1/networks",
        auth("COM", ["sb_secretariat"], sub="sb-secretariat"),
        {"name": "ILO network Senegal", "kind": "local", "countries": ["SN"]},
    )
    uploader = auth("DE", ["sb_member"])
    document_id = await _upload(
        client, uploader, title="network note", audience="network", network_id=network["id"]
    )

    async def sees(headers: dict[str, str]) -> bool:
        listed = await client.get("/v1/documents", headers=headers)
        found = await client.get("/v1/documents/search", params={"q": "sahel"}, headers=headers)
        one = await client.get(f"/v1/documents/{document_id}", headers=headers)
        download = await client.get(f"/v1/documents/{document_id}/content", headers=headers)
        answers = {
            document_id in {d["id"] for d in listed.json()["items"]},
            document_id in {h["id"] for h in found.json()["items"]},
            one.status_code == 200,
            download.status_code == 200,
        }
        assert len(answers) == 1, (listed.text, found.text, one.status_code, download.status_code)
        if one.status_code != 200:
            assert one.status_code == download.status_code == 404
        return answers.pop()

    assert await sees(member.headers)
    assert await sees(auth("NL", ["deploying_authority"]))
    assert not await sees(outside.headers)
    assert not await sees(auth("FR", ["deploying_authority"]))
    assert not await sees(auth("NL", ["ilo"]))  # an ILO token naming no officer
    assert not await sees(auth("EP", ["ep_reader"]))
    await factories.transition_deployment(
        client,
        auth("NL", ["deploying_authority"], sub="nl-manager"),
        deployment_id=member.deployment_id,
        to="ended",
        on=factories.days(0),
        version=2,
    )
    assert not await sees(member.headers)
    assert not await sees(auth("NL", ["deploying_authority"]))
    assert await sees(auth("COM", ["authorised_staff"]))
    assert await sees(uploader)  # its own upload


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


async def test_ilo_9_3_board_member_list_for_ilos_board_and_staff_only_and_audited(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    """Art. 9(2)(c): generated from the Board's seats in force; the audit event counts them."""
    secretariat = board_factories.secretariat(auth)
    seat = await board_factories.appoint(
        client,
        secretariat,
        "NL",
        holder_name=board_factories.MEMBER_NAME,
        holder_email=board_factories.MEMBER_EMAIL,
    )
    ended = await board_factories.appoint(client, secretariat, "DE", starts_on=factories.days(-90))
    response = await client.post(
        f"/v1/board/members/{ended['id']}/end",
        json={"ended_on": factories.days(-1)},
        headers={**secretariat, "If-Match": '"v1"'},
    )
    assert response.status_code == 200, response.text
    path = "/v1/documents/contact-lists/board-members"
    listing = await client.get(path, headers=auth("DE", ["sb_member"]))
    assert listing.status_code == 200, listing.text
    assert listing.headers["cache-control"] == "no-store"
    body = listing.json()
    assert body["as_of"] == factories.TODAY.isoformat()
    assert body["items"] == [
        {
            "seat_id": seat["id"],
            "role": "member",
            "organisation": "NL",
            "observer_body": None,
            "chair": False,
            "holder_name": board_factories.MEMBER_NAME,
            "email": board_factories.MEMBER_EMAIL,
            "telephone": None,
            "since": factories.days(-30),
        }
    ]
    for allowed in (auth("COM", ["authorised_staff"]), auth("FR", ["ilo"])):
        assert (await client.get(path, headers=allowed)).status_code == 200
    for refused in (auth("EP", ["ep_reader"]), auth("NL", ["deploying_authority"])):
        response = await client.get(path, headers=refused)
        assert response.status_code == 403
        assert response.json()["violations"][0]["rule"] == "ACL-ROLE"
    reads = (
        await session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "board_member_list.read")
            .order_by(AuditEvent.id)
        )
    ).all()
    assert len(reads) == 3
    assert reads[0].legal_basis == "ILO-9.3"
    assert reads[0].details["seats"] == 1
    assert board_factories.MEMBER_NAME not in str(reads[0].details)
    assert board_factories.MEMBER_EMAIL not in str(reads[0].details)
