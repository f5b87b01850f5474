"""`ilonet import`'s client side: CSV rows sent to the batch routes over HTTP as a client would
(here the ASGI app over httpx's transport), in chunks, with every row's outcome reported. The
command itself, as installed against a live server, is tests/test_cli_commands.py."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.cli.batch_client import BATCH_MAX, HttpProblem, import_rows, read_rows, succeeded
from app.models import Deployment, Officer
from tests import factories
from tests.factories import Auth

OFFICERS = """authority_id,surname,given_names,expertise,email,external_reference
{a},Jansen,Eva,c_routes;f_document_fraud,eva.jansen@ind.example.nl,IND-1
{a},de Vries,Sem,,,IND-2
{a},Bakker,Lotte,c_routes,,IND-3
"""
HEADER = (
    "officer_external_reference,posting_type,host_country,city,region_countries,topics,tasks,"
    "starts_on,ends_on,external_reference"
)
DEPLOYMENTS = (
    HEADER
    + """
IND-1,member_state_mission,SN,Dakar,GM;ML,c_routes,return,2026-01-01,2027-12-31,DEP-1
IND-2,member_state_mission,FR,Paris,,c_routes,return,2026-01-01,2027-12-31,DEP-2
IND-3,member_state_mission,SN,Thiès,,c_routes,return,2026-01-01,2027-12-31,DEP-3
IND-404,member_state_mission,SN,Dakar,,c_routes,return,2026-01-01,2027-12-31,DEP-4
"""
)


@pytest.fixture
async def importer(app: FastAPI, auth: Auth) -> httpx.AsyncClient:
    headers = auth("NL", ["deploying_authority"], sub="nl-import")
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver", headers=headers
    )


async def test_import_officers_then_deployments_by_external_reference(
    importer: httpx.AsyncClient, auth: Auth, tmp_path: Path, session: AsyncSession
) -> None:
    nl = auth("NL", ["deploying_authority"], sub="nl-import")
    authority = await factories.create_authority(importer, nl)
    officers_csv = tmp_path / "officers.csv"
    officers_csv.write_text(OFFICERS.format(a=authority["id"]))
    items = read_rows("officers", officers_csv)
    assert items[0]["contact"] == {"email": "eva.jansen@ind.example.nl"}
    assert items[0]["expertise"] == ["c_routes", "f_document_fraud"]
    ticks: list[int] = []
    outcomes = await import_rows(
        importer, "officers", items, chunk_size=2, key_prefix="t-officers", progress=ticks.append
    )
    assert ticks == [2, 1]  # two chunks
    assert [(o.row, o.outcome) for o in outcomes] == [
        (1, "created"),
        (2, "created"),
        (3, "created"),
    ]
    assert succeeded(outcomes, dry_run=False)
    stored = (await session.scalars(select(Officer.external_reference))).all()
    assert sorted(r or "" for r in stored) == ["IND-1", "IND-2", "IND-3"]

    deployments_csv = tmp_path / "deployments.csv"
    deployments_csv.write_text(DEPLOYMENTS)
    rows = read_rows("deployments", deployments_csv)
    dry = await import_rows(importer, "deployments", rows, mode="per_item", dry_run=True)
    assert [o.outcome for o in dry] == ["allowed", "denied", "allowed", "failed"]
    assert (await session.scalars(select(Deployment))).all() == []
    done = await import_rows(importer, "deployments", rows, mode="per_item")
    assert [(o.outcome, o.status) for o in done] == [
        ("created", 201),
        ("denied", 403),
        ("created", 201),
        ("failed", 404),
    ]
    assert done[1].detail  # the violated rule and its message
    assert not succeeded(done, dry_run=False)
    planned = (await session.scalars(select(Deployment))).all()
    assert sorted(d.external_reference or "" for d in planned) == ["DEP-1", "DEP-3"]
    assert {d.region_countries == ["GM", "ML"] for d in planned if d.city == "Dakar"} == {True}


async def test_an_answer_without_rows_stops_the_import_with_its_problem(
    app: FastAPI, auth: Auth, tmp_path: Path, session: AsyncSession
) -> None:
    """A 401 (or a 422 naming rows) is not a row outcome: it stops the import, before any
    progress, as one line with the status, title, detail and request id."""
    outsider = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://testserver",
        headers={"Authorization": "Bearer not-a-jwt"},
    )
    ticks: list[int] = []
    with pytest.raises(HttpProblem) as refused:
        await import_rows(outsider, "officers", [{"surname": "X"}], progress=ticks.append)
    assert refused.value.status == 401
    assert ticks == []
    assert refused.value.line().startswith("401 Authentication required: ")
    assert f"(request id {refused.value.request_id})" in refused.value.line()

    importer = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://testserver",
        headers=auth("NL", ["deploying_authority"], sub="nl-import"),
    )
    rows = [{"surname": "Jansen"}, {"given_names": "Eva"}]
    with pytest.raises(HttpProblem) as malformed:
        await import_rows(importer, "officers", rows, chunk_size=1)
    assert malformed.value.status == 422
    assert "row 1 authority_id: Field required" in malformed.value.line()
    assert (await session.scalars(select(Officer))).all() == []


def test_the_client_sends_chunks_the_batch_route_accepts() -> None:
    from app.schemas.batch import BATCH_MAX as ROUTE_MAX

    assert ROUTE_MAX == BATCH_MAX
