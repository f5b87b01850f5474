"""/healthz, /readyz, the offline explorer, and the committed OpenAPI document."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import create_async_engine

from app import main
from app.db.migrate import head_revision
from tests.conftest import FreshDatabase

ROOT = Path(__file__).resolve().parents[2]


async def test_healthz(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_reports_the_head_revision(app: FastAPI, client: httpx.AsyncClient) -> None:
    assert not app.state.answered_ready.is_set()
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "database": "reachable",
        "migration": head_revision(),
    }
    assert app.state.answered_ready.is_set()  # the background work may start


async def test_background_work_waits_for_the_first_ready_answer(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(main, "AFTER_READY_GRACE_SECONDS", 3600.0)
    done: list[str] = []

    async def work() -> None:
        done.append("started")

    task = asyncio.create_task(main._after_ready(app, work))
    for _ in range(10):
        await asyncio.sleep(0)
    assert done == []
    app.state.answered_ready.set()
    await task
    assert done == ["started"]


async def test_background_work_starts_after_the_grace_when_nothing_asks(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(main, "AFTER_READY_GRACE_SECONDS", 0.0)
    done: list[str] = []

    async def work() -> None:
        done.append("started")

    await main._after_ready(app, work)
    assert done == ["started"]
    assert not app.state.answered_ready.is_set()


async def test_readyz_is_503_when_migrations_are_behind(
    app: FastAPI, fresh_db: FreshDatabase
) -> None:
    owner = create_async_engine(
        fresh_db.owner_url.replace("postgresql://", "postgresql+asyncpg://")
    )
    async with owner.begin() as conn:
        from sqlalchemy import text

        await conn.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    await owner.dispose()
    app_engine = create_async_engine(
        fresh_db.app_url.replace("postgresql://", "postgresql+asyncpg://")
    )
    app.state.engine = app_engine
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        response = await c.get("/readyz")
    await app_engine.dispose()
    assert response.status_code == 503
    assert response.json()["type"] == "/problems/service-unavailable"
    assert "0001" in response.json()["detail"]
    assert not app.state.answered_ready.is_set()


async def test_readyz_is_503_when_the_database_is_unreachable(app: FastAPI) -> None:
    app.state.engine = create_async_engine(
        "postgresql+asyncpg://nobody@/nowhere?host=/nonexistent-socket-dir"
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        response = await c.get("/readyz")
    assert response.status_code == 503
    assert response.json()["detail"] == "The database is not reachable."
    assert not app.state.answered_ready.is_set()


async def test_explorer_works_offline(client: httpx.AsyncClient) -> None:
    page = await client.get("/docs")
    assert page.status_code == 200
    html = page.text
    assert not re.search(r"https?://(?!testserver)[^\"' ]+\.(js|css)", html)
    assert "cdn" not in html.lower()
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        served = await client.get(asset)
        assert served.status_code == 200, asset
        assert len(served.content) > 100
    schema = (await client.get("/openapi.json")).json()
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"


def test_committed_openapi_matches_the_app(app: FastAPI) -> None:
    committed = json.loads((ROOT / "openapi" / "openapi.json").read_text())
    live = json.loads(json.dumps(app.openapi(), sort_keys=True))
    assert committed == live, "openapi/openapi.json is stale: run `ilonet openapi`"


def test_operation_ids_are_stable_tag_names(app: FastAPI) -> None:
    ids = [op["operationId"] for path in app.openapi()["paths"].values() for op in path.values()]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)+", i) for i in ids), ids
    assert "organisations-list" in ids


def test_every_error_is_documented_as_problem_json(app: FastAPI) -> None:
    schema = app.openapi()
    for route, path in schema["paths"].items():
        for method, operation in path.items():
            responses = operation["responses"]
            for status, response in responses.items():
                if status.startswith(("4", "5")):
                    assert list(response["content"]) == ["application/problem+json"], (
                        route,
                        method,
                        status,
                    )
            assert "500" in responses
            if route.startswith("/v1/"):
                assert "401" in responses, (route, method)
            if "requestBody" in operation:
                assert {"413", "415", "422"} <= responses.keys(), (route, method)
