"""Hostile uploads refused in bounds: every file of the generated corpus (tests/platform/
hostile.py) is a 4xx problem naming the bound that refused it, and nothing is stored; names with
NUL or bidirectional controls are refused, names in any script download; a new version needs
its If-Match."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import AuditEvent, Document, DocumentVersion
from app.platform.extract import DOCX, JSON
from tests.factories import Auth
from tests.platform import hostile

METADATA = {"title": "Sahel risk analysis Q3 2024", "category": "a_analytical_product",
            "audience": "all_ilos"}  # fmt: skip


async def stored(session: AsyncSession) -> tuple[int, int, int]:
    """Documents, versions and upload events: all zero after a refusal."""
    counts = []
    for query in (
        select(func.count()).select_from(Document),
        select(func.count()).select_from(DocumentVersion),
        select(func.count()).where(AuditEvent.action.like("document.%")),
    ):
        counts.append(int(await session.scalar(query) or 0))
    return counts[0], counts[1], counts[2]


async def post_file(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    content: bytes,
    *,
    filename: str = "report.txt",
    media_type: str = "text/plain",
    metadata: str | None = None,
) -> httpx.Response:
    return await client.post(
        "/v1/documents/files",
        files={"file": (filename, content, media_type)},
        data={"metadata": metadata if metadata is not None else json.dumps(METADATA)},
        headers=headers,
    )


@pytest.mark.parametrize("case", hostile.CASES, ids=lambda c: c.name)
async def test_each_hostile_file_is_refused_naming_its_bound_and_nothing_is_stored(
    case: hostile.Case, client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    response = await post_file(
        client,
        auth("NL", ["sb_member"]),
        case.build(),
        filename=case.filename,
        media_type=case.media_type,
    )
    assert response.status_code == case.status, response.text
    problem = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    assert problem["limit"] == case.limit, problem
    assert case.limit in problem["detail"]
    if "max" in problem:
        assert str(problem["max"]) in problem["detail"]
    assert await stored(session) == (0, 0, 0)


async def test_a_clean_generated_docx_is_accepted(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    """The corpus' package writer makes real DOCX files: a clean one passes every bound."""
    response = await post_file(
        client, auth("NL", ["sb_member"]), hostile.docx_clean(), filename="r.docx",
        media_type=DOCX,
    )  # fmt: skip
    assert response.status_code == 201, response.text
    assert await stored(session) == (1, 1, 1)


async def test_a_json_body_nested_100000_deep_is_refused(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    body = b'{"title": "x", "content": ' + hostile.json_deep() + b"}"
    response = await client.post(
        "/v1/documents",
        content=body,
        headers={**auth("NL", ["sb_member"]), "content-type": "application/json"},
    )
    assert response.status_code == 400, response.text
    assert response.json()["type"] == "/problems/malformed-request"
    assert await stored(session) == (0, 0, 0)


async def test_deep_multipart_metadata_is_refused_by_its_depth(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    deep = '{"title": "x", "statistics": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = await post_file(client, auth("NL", ["sb_member"]), b"text", metadata=deep)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["limit"] == "metadata.depth"
    assert problem["max"] == 8
    assert problem["errors"][0]["pointer"] == "/metadata"
    assert await stored(session) == (0, 0, 0)


def raw_multipart(filename: bytes, metadata: dict[str, Any]) -> tuple[bytes, str]:
    """A multipart body written byte for byte: a client library would escape a NUL."""
    boundary = "hostile-boundary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n'.encode()
        + json.dumps(metadata).encode()
        + f'\r\n--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="'.encode()
        + filename
        + f'"\r\nContent-Type: text/plain\r\n\r\nDetections fell.\r\n--{boundary}--\r\n'.encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


NUL_CASES: list[tuple[str, bytes, dict[str, Any], str]] = [
    ("file name", b"rep\x00ort.txt", METADATA, "/metadata/filename"),
    ("title", b"report.txt", {**METADATA, "title": "Q3\x00"}, "/metadata/title"),
    ("metadata file name", b"report.txt", {**METADATA, "filename": "a\x00.txt"},
     "/metadata/filename"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("where", "filename", "metadata", "pointer"), NUL_CASES, ids=[c[0] for c in NUL_CASES]
)
async def test_nul_in_a_multipart_name_or_title_is_a_422_naming_the_field(
    where: str,
    filename: bytes,
    metadata: dict[str, Any],
    pointer: str,
    client: httpx.AsyncClient,
    auth: Auth,
    session: AsyncSession,
) -> None:
    body, content_type = raw_multipart(filename, metadata)
    response = await client.post(
        "/v1/documents/files",
        content=body,
        headers={**auth("NL", ["sb_member"]), "content-type": content_type},
    )
    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert error["pointer"] == pointer
    assert "NUL" in error["detail"]
    assert await stored(session) == (0, 0, 0)


@pytest.mark.parametrize("control", ["\u202e", "\u2066", "\u200f", "\u061c"])
async def test_bidi_controls_are_refused_in_names_and_titles(
    control: str, client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    sb = auth("NL", ["sb_member"])
    as_file = await post_file(client, sb, b"Detections.", filename=f"report{control}txt.exe")
    as_json = await client.post(
        "/v1/documents",
        json={
            **METADATA,
            "title": f"Q3 {control}3Q",
            "media_type": "text/plain",
            "content": "Detections.",
        },
        headers=sb,
    )
    for response, pointer in ((as_file, "/metadata/filename"), (as_json, "/title")):
        assert response.status_code == 422, response.text
        [error] = response.json()["errors"]
        assert error["pointer"] == pointer
        assert f"U+{ord(control):04X}" in error["detail"]
        assert "names.no_bidi_controls" in error["detail"]
    assert await stored(session) == (0, 0, 0)


@pytest.mark.parametrize("name", ["отчёт.txt", "تقرير.txt", "報告 2024.txt", "café; x=1.txt"])
async def test_a_name_in_any_script_uploads_and_downloads(
    name: str, client: httpx.AsyncClient, auth: Auth
) -> None:
    sb = auth("NL", ["sb_member"])
    created = await post_file(client, sb, b"Detections fell by 23%.", filename=name)
    assert created.status_code == 201, created.text
    assert created.json()["versions"][0]["filename"] == name
    download = await client.get(f"/v1/documents/{created.json()['id']}/content", headers=sb)
    assert download.status_code == 200
    assert download.content == b"Detections fell by 23%."
    disposition = download.headers["content-disposition"]
    assert disposition.isascii()
    assert disposition.startswith('attachment; filename="')
    fallback = disposition.split('filename="', 1)[1].split('"', 1)[0]
    assert fallback.endswith(".txt")
    assert all(c.isalnum() or c in "._-" for c in fallback)
    assert f"filename*=UTF-8''{quote(name, safe='')}" in disposition


async def test_an_ascii_name_has_no_extended_parameter(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    sb = auth("NL", ["sb_member"])
    created = await post_file(client, sb, b"Detections.", filename="report-2024.txt")
    download = await client.get(f"/v1/documents/{created.json()['id']}/content", headers=sb)
    assert download.headers["content-disposition"] == 'attachment; filename="report-2024.txt"'


async def test_a_new_version_without_if_match_is_a_428(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    sb = auth("NL", ["sb_member"])
    metadata = json.dumps({**METADATA, "media_type": "text/plain"})
    created = await post_file(
        client, sb, b"Detections.", filename="r.json", media_type=JSON, metadata=metadata
    )
    assert created.status_code == 201, created.text
    response = await client.post(
        f"/v1/documents/{created.json()['id']}/versions",
        json={"media_type": "text/plain", "content": "Revised."},
        headers=sb,
    )
    assert response.status_code == 428, response.text
    assert response.json()["type"] == "/problems/precondition-required"
    assert await stored(session) == (1, 1, 1)
