"""/v1/documents: uploads checked before they are stored (ILO-9.3 scanner, ILO-9.1, ILO-3.4,
ILO-9.4), versions, downloads, search, audiences on every read path, and the ILO contact list."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import undefer

from app.db import write_set
from app.models import AuditEvent, Document, DocumentVersion
from app.platform.extract import DOCX
from tests import factories
from tests.factories import Auth
from tests.platform.files import make_docx, make_pdf

CLEAN = (
    "# Sahel risk analysis Q3 2024\n\nDetections fell by 23% (4 512 against 5 861) after the "
    "meeting of 14 October 2024; see COM(2020) 609 and Regulation 2019/1240.\n"
)


def upload(**overrides: Any) -> dict[str, Any]:
    return {
        "title": "Sahel risk analysis Q3 2024",
        "category": "a_analytical_product",
        "audience": "all_ilos",
        "media_type": "text/markdown",
        "content": CLEAN,
        **overrides,
    }


def b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


async def count(session: AsyncSession, model: type[Any]) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_ilo_9_3_clean_upload_is_stored_with_its_sha256_and_audited(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    sb = auth("NL", ["sb_member"])
    response = await client.post("/v1/documents", json=upload(), headers=sb)
    assert response.status_code == 201, response.text
    body = response.json()
    digest = hashlib.sha256(CLEAN.encode()).hexdigest()
    assert body["current_version"] == 1
    assert body["versions"][0]["sha256"] == digest
    assert body["versions"][0]["media_type"] == "text/markdown"
    stored = await session.scalar(select(DocumentVersion))
    assert stored is not None
    assert stored.sha256 == digest
    assert stored.decision_id
    audit = (
        await session.scalars(select(AuditEvent).where(AuditEvent.resource_id == body["id"]))
    ).one()
    assert audit.action == "document.uploaded"
    assert "ILO-9.3" in audit.rules
    assert "ILO-9.1" in audit.rules
    download = await client.get(f"/v1/documents/{body['id']}/content", headers=sb)
    assert download.status_code == 200
    assert download.content == CLEAN.encode()
    assert download.headers["content-type"].startswith("text/markdown")


async def test_ilo_9_3_upload_with_personal_data_is_refused_with_locations_not_values(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    pdf = make_pdf(
        [
            ["Risk analysis 2024", "Detections: 4 512"],
            ["Annex", "Contact jan.devries@minbuza.nl", "Passport no. NK4581203"],
        ]
    )
    response = await client.post(
        "/v1/documents",
        json=upload(media_type="application/pdf", content=b64(pdf), content_encoding="base64"),
        headers=auth("NL", ["sb_member"]),
    )
    assert response.status_code == 403, response.text
    problem = response.json()
    assert problem["type"] == "/problems/policy-denied"
    messages = [v["message"] for v in problem["violations"] if v["rule"] == "ILO-9.3"]
    assert any("e-mail address at page 2, line 2" in m for m in messages)
    assert any("passport" in m and "page 2, line 3" in m for m in messages)
    assert "minbuza" not in response.text
    assert "NK4581203" not in response.text
    assert await count(session, Document) == 0
    assert await count(session, DocumentVersion) == 0
    denial = (
        await session.scalars(select(AuditEvent).where(AuditEvent.action == "policy.denied"))
    ).one()
    assert "ILO-9.3" in denial.rules
    assert "minbuza" not in json.dumps(denial.details)


async def test_ilo_9_3_the_two_lists_are_never_uploaded(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    response = await client.post(
        "/v1/documents",
        json=upload(category="d_ilo_contact_list"),
        headers=auth("NL", ["sb_member"]),
    )
    assert response.status_code == 403
    assert response.json()["violations"][0]["rule"] == "ILO-9.3"


async def test_ilo_9_1_law_enforcement_markings_are_refused(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    marked = "HANDLING CODE: H3\n" + CLEAN
    response = await client.post(
        "/v1/documents", json=upload(content=marked), headers=auth("NL", ["sb_member"])
    )
    assert response.status_code == 403
    violation = response.json()["violations"][0]
    assert violation["rule"] == "ILO-9.1"
    assert "law-enforcement channel" in violation["message"]
    assert "line 1" in violation["message"]
    assert await count(session, Document) == 0


def report(cells: list[dict[str, Any]]) -> dict[str, Any]:
    return upload(
        category="ilo_information_report",
        information_topics=["b_migration_flows"],
        host_country="SN",
        period_from="2024-01-01",
        period_to="2024-06-30",
        statistics=[{"name": "arrivals by age band", "cells": cells}],
    )


async def test_ilo_3_4_small_statistics_cell_is_refused_naming_the_cell(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    ilo = await factories.deployed_ilo(client, auth)
    cells = [
        {"labels": {"age_band": "0-13", "gender": "F"}, "count": 41},
        {"labels": {"age_band": "14-17", "unaccompanied": "yes"}, "count": 3},
        {"labels": {"age_band": "18-34", "gender": "X"}, "count": 0},
    ]
    denied = await client.post("/v1/documents", json=report(cells), headers=ilo.headers)
    assert denied.status_code == 403, denied.text
    [violation] = denied.json()["violations"]
    assert violation["rule"] == "ILO-3.4"
    assert "/statistics/0/cells/1" in violation["message"]
    assert "age_band=14-17" in violation["message"]
    cells[1]["count"] = 7
    allowed = await client.post("/v1/documents", json=report(cells), headers=ilo.headers)
    assert allowed.status_code == 201, allowed.text
    stored = await session.scalar(select(DocumentVersion))
    assert stored is not None
    assert stored.statistics is not None
    assert stored.statistics[0]["cells"][1]["count"] == 7


async def test_ilo_9_4_parliament_audience_only_for_ep_visible_categories(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    sb = auth("NL", ["sb_member"])
    denied = await client.post(
        "/v1/documents", json=upload(audience="european_parliament"), headers=sb
    )
    assert denied.status_code == 403
    assert denied.json()["violations"][0]["rule"] == "ILO-9.4"
    allowed = await client.post(
        "/v1/documents",
        json=upload(audience="european_parliament", category="b_programme_or_report"),
        headers=sb,
    )
    assert allowed.status_code == 201, allowed.text


async def test_multipart_docx_upload_and_versions_never_overwrite(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    sb = auth("NL", ["sb_member"])
    first = make_docx(["Activity report 2024", "172 liaison officers in 61 countries."])
    metadata = {"title": "Activity report 2024", "category": "b_programme_or_report",
                "audience": "steering_board"}  # fmt: skip
    created = await client.post(
        "/v1/documents/files",
        files={"file": ("report.docx", first, DOCX)},
        data={"metadata": json.dumps(metadata)},
        headers=sb,
    )
    assert created.status_code == 201, created.text
    document_id = created.json()["id"]
    second = await client.post(
        f"/v1/documents/{document_id}/versions",
        json={"media_type": "text/plain", "content": "Revised: 173 liaison officers."},
        headers={**sb, "If-Match": '"v1"'},
    )
    assert second.status_code == 201, second.text
    versions = second.json()["versions"]
    assert [v["number"] for v in versions] == [1, 2]
    assert versions[0]["sha256"] == hashlib.sha256(first).hexdigest()
    old = await client.get(f"/v1/documents/{document_id}/versions/1/content", headers=sb)
    assert old.content == first
    assert old.headers["content-type"] == DOCX
    current = await client.get(f"/v1/documents/{document_id}/content", headers=sb)
    assert current.content == b"Revised: 173 liaison officers."
    assert await count(session, DocumentVersion) == 2
    stale = await client.post(
        f"/v1/documents/{document_id}/versions",
        json={"media_type": "text/plain", "content": "x"},
        headers={**sb, "If-Match": '"v1"'},
    )
    assert stale.status_code == 412
    other_org = await client.post(
        f"/v1/documents/{document_id}/versions",
        json={"media_type": "text/plain", "content": "x"},
        headers={**auth("FR", ["sb_member"]), "If-Match": '"v2"'},
    )
    assert other_org.status_code == 403
    assert other_org.json()["violations"][0]["rule"] == "ACL-ORG"


async def test_unsupported_and_unreadable_files_are_refused(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    sb = auth("NL", ["sb_member"])
    png = await client.post(
        "/v1/documents",
        json=upload(media_type="image/png", content=b64(b"\x89PNG"), content_encoding="base64"),
        headers=sb,
    )
    assert png.status_code == 415
    scanned = make_pdf([["x"]], text_layer=False)
    unreadable = await client.post(
        "/v1/documents",
        json=upload(media_type="application/pdf", content=b64(scanned), content_encoding="base64"),
        headers=sb,
    )
    assert unreadable.status_code == 422
    assert "cannot be checked" in unreadable.text
    assert await count(session, Document) == 0


async def test_uploads_have_their_own_size_limit(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    big = CLEAN + ("Detections by month: 4 512, 5 861 and 3 052.\n" * 3000)  # ~140 kB
    assert len(big) > 65_536  # the JSON body limit of the test settings
    response = await client.post(
        "/v1/documents", json=upload(content=big), headers=auth("NL", ["sb_member"])
    )
    assert response.status_code == 201, response.text[:300]
    too_big_elsewhere = await client.post(
        "/v1/webhooks",
        content=b"{" + b" " * 70_000 + b"}",
        headers={
            **auth("NL", ["integration"], scopes=["webhooks:write"]),
            "content-type": "application/json",
        },
    )
    assert too_big_elsewhere.status_code == 413


async def test_search_pages_best_first_with_ties_broken_by_id(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    """The search's keyset is (rank descending, id): equal ranks (the same text twice) and
    different ones page through one item at a time, each hit once, in the order of the whole."""
    sb = auth("NL", ["sb_member"])
    titles = ["Sahel risk analysis Q3 2024", "Sahel risk analysis Q3 2024", "Sahel Sahel routes"]
    for title in titles:
        made = await client.post("/v1/documents", json=upload(title=title), headers=sb)
        assert made.status_code == 201, made.text
    whole = await client.get("/v1/documents/search", params={"q": "sahel"}, headers=sb)
    assert whole.status_code == 200, whole.text
    everything = whole.json()
    assert everything["next_cursor"] is None
    assert len(everything["items"]) == 3
    ranks = [h["rank"] for h in everything["items"]]
    assert ranks == sorted(ranks, reverse=True)
    walked: list[str] = []
    params: dict[str, str] = {"q": "sahel", "limit": "1"}
    for _ in range(4):
        page = await client.get("/v1/documents/search", params=params, headers=sb)
        assert page.status_code == 200, page.text
        walked += [h["id"] for h in page.json()["items"]]
        if page.json()["next_cursor"] is None:
            break
        assert page.headers["Link"].endswith('>; rel="next"')
        params = {**params, "cursor": page.json()["next_cursor"]}
    assert walked == [h["id"] for h in everything["items"]]


async def test_a_large_upload_is_stored_as_sent_and_found_by_search_once_answered(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    """A file and a text past the size the write set stages by COPY instead of binding
    (app/db/write_set.py LARGE): the stored bytes and text are those sent, byte for byte (text
    beyond ASCII included), and search finds the document as soon as its upload is answered;
    a new version as large the same, its older one kept."""
    sb = auth("NL", ["sb_member"])
    paragraph = (
        "Grenzübergänge: the joint operation's café briefing at Zaragoza, 14 October 2024. "
        "Detections fell by 23% after the meeting; see Regulation 2019/1240.\n"
    )
    first = "Kestrelwatch overview.\n" + paragraph * (write_set.LARGE // len(paragraph) + 9)
    content = first.encode()
    assert len(first) > write_set.LARGE
    assert len(content) > len(first)  # characters beyond ASCII
    metadata = {"title": "Crossing points 2024", "category": "a_analytical_product",
                "audience": "all_ilos"}  # fmt: skip
    created = await client.post(
        "/v1/documents/files",
        files={"file": ("crossings.txt", content, "text/plain")},
        data={"metadata": json.dumps(metadata)},
        headers=sb,
    )
    assert created.status_code == 201, created.text[:500]
    document_id = created.json()["id"]
    found = await client.get("/v1/documents/search", params={"q": "kestrelwatch"}, headers=sb)
    assert found.status_code == 200, found.text
    assert [hit["id"] for hit in found.json()["items"]] == [document_id]
    assert "<b>Kestrelwatch</b>" in found.json()["items"][0]["highlight"]
    download = await client.get(f"/v1/documents/{document_id}/content", headers=sb)
    assert download.content == content
    stored = await session.scalar(select(DocumentVersion).options(undefer(DocumentVersion.text)))
    assert stored is not None
    assert (stored.size_bytes, stored.sha256) == (len(content), hashlib.sha256(content).hexdigest())
    assert stored.text == first.rstrip("\n")  # the text as extracted: its final newline dropped

    second = first.replace("Kestrelwatch", "Ospreyline") + "Zweite Fassung.\n"
    answered = await client.post(
        f"/v1/documents/{document_id}/versions",
        json={"media_type": "text/plain", "content": second},
        headers={**sb, "If-Match": '"v1"'},
    )
    assert answered.status_code == 201, answered.text[:500]
    assert [v["number"] for v in answered.json()["versions"]] == [1, 2]
    now = await client.get("/v1/documents/search", params={"q": "ospreyline"}, headers=sb)
    assert [hit["id"] for hit in now.json()["items"]] == [document_id]
    before = await client.get("/v1/documents/search", params={"q": "kestrelwatch"}, headers=sb)
    assert before.json()["items"] == []  # search reads the current version
    old = await client.get(f"/v1/documents/{document_id}/versions/1/content", headers=sb)
    current = await client.get(f"/v1/documents/{document_id}/content", headers=sb)
    assert (old.content, current.content) == (content, second.encode())
    audit = (
        await session.scalars(
            select(AuditEvent.action).where(AuditEvent.resource_id == document_id)
        )
    ).all()
    assert sorted(audit) == ["document.uploaded", "document.version_added"]
