"""`ilonet import`'s client side: CSV rows sent to the batch routes over HTTP as a client would
(here the ASGI app over httpx's transport), in chunks, with every row's outcome reported. The
command itself, as installed against a live server, is tests/test_cli_commands.py."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.cli.batch_client import BATCH_MAX, HttpProblem, import_rows, read_rows, succeeded
from app.cli.root import run
from app.models import Deployment, Officer, ProcessingRecord, Transfer
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


async def test_ilo_10_2_gdpr_5_2_import_cases_from_jsonl_reports_a_refused_transfer(
    app: FastAPI, auth: Auth, tmp_path: Path, session: AsyncSession
) -> None:
    """`ilonet import cases`: one case a JSONL line, loaded with its past transfers; the row of a
    case whose transfer was refused is created, and says which transfer was reported why."""
    ilo = await factories.deployed_ilo(
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver"),
        auth,
    )
    lawful = factories.senegal_transfer(transfer_on=factories.days(-30))
    unlawful = factories.senegal_transfer(basis="adequacy", transfer_on=factories.days(-25))
    case = {
        "record": factories.record_body(
            ilo.officer_id, began_on=factories.days(-40), external_reference="CASE-1"
        ),
        "transfers": [
            {
                "transfer": lawful,
                "follow_up": {"outcome": "confirmed", "answered_on": factories.days(-20)},
            },
            {"transfer": unlawful},
        ],
    }
    cases = tmp_path / "cases.jsonl"
    cases.write_text(json.dumps(case) + "\n\n", encoding="utf-8")
    items = read_rows("cases", cases)
    assert items == [case]
    client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver", headers=ilo.headers
    )
    dry = await import_rows(client, "cases", items, dry_run=True)
    assert [(o.outcome, o.id) for o in dry] == [("allowed", None)]
    assert (await session.scalars(select(ProcessingRecord))).all() == []
    (done,) = await import_rows(client, "cases", items, key_prefix="t-cases")
    assert (done.row, done.outcome, done.status, done.external_reference) == (
        1,
        "created",
        201,
        "CASE-1",
    )
    assert done.transfers is not None
    assert [(t["outcome"], t["follow_up"]) for t in done.transfers] == [
        ("created", "created"),
        ("reported", None),
    ]
    assert done.detail.startswith("transfer 2 reported: ")
    assert "GDPR-45" in done.detail
    assert succeeded([done], dry_run=False)
    assert done.as_dict()["transfers"] == done.transfers
    (record,) = (await session.scalars(select(ProcessingRecord))).all()
    assert str(record.id) == done.id
    (stored,) = (await session.scalars(select(Transfer))).all()
    assert stored.id == uuid.UUID(done.transfers[0]["id"])


def test_cases_are_read_from_jsonl_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    as_csv = tmp_path / "cases.csv"
    as_csv.write_text("record,transfers\n{},[]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="JSONL"):
        read_rows("cases", as_csv)
    not_objects = tmp_path / "cases.jsonl"
    not_objects.write_text('{"record": {}}\n[1, 2]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="line 2 is not a JSON object"):
        read_rows("cases", not_objects)
    code = run(["import", "cases", str(as_csv), "--token", "t", "--url", "http://127.0.0.1:9"])
    assert code == 2
    assert capsys.readouterr().err == (
        f"ilonet import cases: {as_csv}: cases nest transfers and answers: give a JSONL file "
        "(.jsonl)\n"
    )
    officers = tmp_path / "officers.jsonl"
    officers.write_text('{"surname": "Jansen", "expertise": ["c_routes"]}\n', encoding="utf-8")
    assert read_rows("officers", officers) == [{"surname": "Jansen", "expertise": ["c_routes"]}]
