"""ILO-3.4 on the content (Art. 3(4), recital 8): the count columns of an information report's
file tables are held to the same small-cell threshold as its structured statistics; other
categories' files are not reports of counts. Bodies, stored rows and audit events."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import AuditEvent, Document, DocumentVersion
from tests import factories
from tests.factories import Auth

TABLE = "period,nationality,persons\n2024-Q1,AF,41\n2024-Q1,ER,2\n2024-Q2,AF,0\n"


def report(**overrides: Any) -> dict[str, Any]:
    return {
        "title": "Sahel arrivals H1 2024",
        "category": "ilo_information_report",
        "audience": "all_ilos",
        "information_topics": ["b_migration_flows"],
        "host_country": "SN",
        "period_from": "2024-01-01",
        "period_to": "2024-06-30",
        "media_type": "text/csv",
        "content": TABLE,
        **overrides,
    }


async def count(session: AsyncSession, model: type[Any]) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_ilo_3_4_a_small_count_in_a_reports_csv_is_refused(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    ilo = await factories.deployed_ilo(client, auth)
    denied = await client.post("/v1/documents", json=report(), headers=ilo.headers)
    assert denied.status_code == 403, denied.text
    [violation] = denied.json()["violations"]
    assert violation["rule"] == "ILO-3.4"
    assert violation["reasons"] == [
        "statistics cell of the file at row 3, column 3 (persons) counts 2, below 5: a cell that "
        "small can single out a person; merge it or report it as fewer than 5"
    ]
    assert await count(session, Document) == 0
    assert await count(session, DocumentVersion) == 0
    denial = (
        await session.scalars(select(AuditEvent).where(AuditEvent.action == "policy.denied"))
    ).one()
    assert denial.rules == ["ILO-3.4"]
    # the dry run agrees
    dry = await client.post(
        "/v1/policy/evaluate",
        json={"action": "document.upload", "body": report()},
        headers=ilo.headers,
    )
    assert dry.json()["allowed"] is False
    merged = TABLE.replace("2024-Q1,ER,2\n", "")
    allowed = await client.post("/v1/documents", json=report(content=merged), headers=ilo.headers)
    assert allowed.status_code == 201, allowed.text
    assert await count(session, DocumentVersion) == 1


async def test_ilo_3_4_declared_json_count_columns_and_a_new_version(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    ilo = await factories.deployed_ilo(client, auth)
    rows = {"rows": [{"nationality": "AF", "eritreans": 12}, {"nationality": "SO", "eritreans": 3}]}
    content = base64.b64encode(json.dumps(rows).encode()).decode()
    body = report(media_type="application/json", content=content, content_encoding="base64")
    undeclared = await client.post("/v1/documents", json=body, headers=ilo.headers)
    assert undeclared.status_code == 201, undeclared.text  # "eritreans" names no count
    document_id = undeclared.json()["id"]
    again = await client.post(
        f"/v1/documents/{document_id}/versions",
        json={
            "media_type": "application/json",
            "content": content,
            "content_encoding": "base64",
            "count_columns": ["Eritreans"],
        },
        headers={**ilo.headers, "If-Match": '"v1"'},
    )
    assert again.status_code == 403, again.text
    [violation] = again.json()["violations"]
    assert violation["rule"] == "ILO-3.4"
    assert "JSON pointer /rows/1/eritreans (eritreans) counts 3" in violation["message"]
    assert await count(session, DocumentVersion) == 1


async def test_ilo_3_4_other_categories_and_adversaries(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    """An analytical product's table is no report of counts; hostile count_columns are 422s."""
    sb = auth("NL", ["sb_member"])
    plain = {
        "title": "Sahel analysis",
        "category": "a_analytical_product",
        "audience": "all_ilos",
        "media_type": "text/csv",
        "content": TABLE,
    }
    stored = await client.post("/v1/documents", json=plain, headers=sb)
    assert stored.status_code == 201, stored.text
    ilo = await factories.deployed_ilo(client, auth)
    for columns in (["x" * 101], [""], ["persons"] * 101, "persons"):
        hostile = await client.post(
            "/v1/documents", json=report(count_columns=columns), headers=ilo.headers
        )
        assert hostile.status_code == 422, (columns, hostile.text)
    assert await count(session, DocumentVersion) == 1
