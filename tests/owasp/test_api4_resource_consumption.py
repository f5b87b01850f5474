"""OWASP API4:2023 Unrestricted resource consumption (size): every array and string of a request
is bounded, set-like arrays take each item once, a body over ILONET_MAX_BODY_BYTES is a 413, a
list page has a byte budget, and input PostgreSQL cannot store (NUL, unpaired surrogates) or
cannot parse (deep nesting) is a 4xx — never a 500 — with nothing stored."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.config import Settings
from app.main import create_app
from app.models import (
    AuditEvent,
    Authority,
    Deployment,
    OutboxEvent,
    Share,
    Transfer,
    TransferInstrumentEntry,
)
from tests.factories import (
    Auth,
    create_officer_with_authority,
    create_record,
    deployed_ilo,
    deployment_body,
    senegal_transfer,
)

JSON_TYPE = {"content-type": "application/json"}


async def count(session: AsyncSession, model: type[Any]) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def stored(session: AsyncSession) -> dict[str, int]:
    models = (Authority, Deployment, Share, Transfer, TransferInstrumentEntry, OutboxEvent)
    return {m.__name__: await count(session, m) for m in models}


def assert_validation(response: httpx.Response, pointer: str, *words: str) -> None:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["type"] == "/problems/validation-error"
    errors = [e for e in body["errors"] if e["pointer"] == pointer]
    assert errors, body["errors"]
    for word in words:
        assert word in errors[0]["detail"], errors[0]


# --- bounded arrays and strings ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        # the 0.9 MB body of the review: one task 90,000 times (here as many as fit the limit)
        ("tasks", ["return"] * 5000, ("at most 4",)),
        ("tasks", ["return", "return"], ("listed twice",)),
        ("topics", ["c_routes", "b_migration_flows", "c_routes"], ("'c_routes' is listed twice",)),
        ("region_countries", [f"{a}{b}" for a in "ABC" for b in "ABCDEFGHIJKLMNOPQRSTU"], ("60",)),
        ("region_countries", ["GM", "GM"], ("listed twice",)),
        ("represented_member_states", ["BE"] * 33, ("32",)),
        ("co_deploying_member_states", ["BE", "BE"], ("listed twice",)),
        (
            "shared_tasks",
            [{"member_state": "BE", "task": "return", "agreement_reference": "A"}] * 65,
            ("64",),
        ),
        ("city", "D" * 201, ("200",)),
        ("representation_agreement_reference", "R" * 301, ("300",)),
    ],
)
async def test_oversized_or_repeated_deployment_arrays_are_refused_and_store_nothing(
    client: httpx.AsyncClient,
    auth: Auth,
    session: AsyncSession,
    field: str,
    value: Any,
    words: tuple[str, ...],
) -> None:
    nl = auth("NL", ["deploying_authority"])
    _, officer = await create_officer_with_authority(client, nl)
    before = await stored(session)
    body = deployment_body(officer["id"], **{field: value})
    planned = await client.post("/v1/deployments", json=body, headers=nl)
    assert_validation(planned, f"/{field}", *words)
    assert await stored(session) == before
    # the amendment has the same bounds as the notification
    _, officer_b = await create_officer_with_authority(client, nl)
    deployment = (
        await client.post("/v1/deployments", json=deployment_body(officer_b["id"]), headers=nl)
    ).json()
    amended = await client.patch(
        f"/v1/deployments/{deployment['id']}",
        json={field: value},
        headers={**nl, "If-Match": '"v1"'},
    )
    assert_validation(amended, f"/{field}", *words)
    row = await session.get(Deployment, deployment["id"])
    assert row is not None
    assert row.version == 1
    assert getattr(row, field) == deployment[field]


async def test_a_share_names_a_network_and_fields_of_stored_length(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    """share.recipient_network and fields_disclosed are String(64) columns: longer is a 422,
    not a database error."""
    ilo = await deployed_ilo(client, auth)
    record = await create_record(client, ilo)
    url = f"/v1/processing-records/{record['id']}/shares"
    before = await stored(session)
    network = await client.post(
        url,
        json={
            "recipient_kind": "network",
            "recipient_network": "N" * 65,
            "fields_disclosed": ["surname"],
            "justification": "Needed by the local network for the same return case.",
        },
        headers=ilo.headers,
    )
    assert_validation(network, "/recipient_network", "64")
    field = await client.post(
        url,
        json={
            "recipient_kind": "member_state_authority",
            "recipient_org": "FR",
            "recipient_authority": "DCPAF",
            "fields_disclosed": ["surname", "s" * 65],
            "justification": "Needed by the receiving authority for the same return case.",
        },
        headers=ilo.headers,
    )
    assert_validation(field, "/fields_disclosed/1", "64")
    twice = await client.post(
        f"/v1/processing-records/{record['id']}/transfers",
        json=senegal_transfer(fields_disclosed=["surname", "surname"]),
        headers=ilo.headers,
    )
    assert_validation(twice, "/fields_disclosed", "'surname' is listed twice")
    assert await stored(session) == before


async def test_an_instrument_title_fits_its_column(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    """transfer_instrument.title is String(500); the schema said 2000 and a longer title was a
    500 from the database."""
    instrument = {
        "id": "EU-SN-2026",
        "kind": "binding_instrument",
        "title": "T" * 501,
        "parties": ["EU"],
        "destination_country": "SN",
        "recipient_authorities": ["*"],
        "purposes": ["return"],
        "regimes": ["gdpr"],
        "valid_from": "2026-01-01",
        "reference": "OJ L 1/2026",
        "source_url": "https://eur-lex.europa.eu/eli/agree_internation/2026/1/oj",
    }
    com = auth("COM", ["reference_admin"])
    before = await stored(session)
    long_title = await client.post(
        "/v1/reference/transfer-instruments", json=instrument, headers=com
    )
    assert_validation(long_title, "/title", "500")
    repeated = await client.post(
        "/v1/reference/transfer-instruments",
        json={**instrument, "title": "T", "purposes": ["return", "return"]},
        headers=com,
    )
    assert_validation(repeated, "/purposes", "listed twice")
    assert await stored(session) == before
    created = await client.post(
        "/v1/reference/transfer-instruments", json={**instrument, "title": "T" * 500}, headers=com
    )
    assert created.status_code == 201, created.text


# --- the body limit and the parser ---------------------------------------------------------------


async def test_a_body_over_the_limit_is_413_with_or_without_a_length(
    client: httpx.AsyncClient, auth: Auth, settings: Settings, session: AsyncSession
) -> None:
    nl = auth("NL", ["deploying_authority"])
    name = "N" * settings.max_body_bytes
    body = json.dumps({"organisation": "NL", "name": name, "authority_kind": "police"}).encode()
    declared = await client.post("/v1/authorities", content=body, headers={**nl, **JSON_TYPE})

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: the server counts
        for start in range(0, len(body), 4096):
            yield body[start : start + 4096]

    streamed = await client.post("/v1/authorities", content=chunks(), headers={**nl, **JSON_TYPE})
    assert "content-length" not in streamed.request.headers
    for response in (declared, streamed):
        assert response.status_code == 413, response.text
        assert response.json()["type"] == "/problems/payload-too-large"
        assert str(settings.max_body_bytes) in response.json()["detail"]
    assert await count(session, Authority) == 0


@pytest.mark.parametrize("depth", [2_000, 30_000])
async def test_deeply_nested_json_is_a_client_error(
    client: httpx.AsyncClient, auth: Auth, depth: int
) -> None:
    body = b'{"action": "authority.create", "body": {"x": ' + b"[" * depth + b"]" * depth + b"}}"
    response = await client.post(
        "/v1/policy/evaluate", content=body, headers={**auth("NL"), **JSON_TYPE}
    )
    assert 400 <= response.status_code < 500, response.text
    assert response.json()["type"] in ("/problems/malformed-request", "/problems/validation-error")


# --- NUL and unpaired surrogates -----------------------------------------------------------------


async def test_nul_in_a_body_string_is_refused_with_its_pointer_and_stores_nothing(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    nl = auth("NL", ["deploying_authority"])
    _, officer = await create_officer_with_authority(client, nl)
    before = await stored(session)
    body = deployment_body(
        officer["id"],
        shared_tasks=[{"member_state": "BE", "task": "return", "agreement_reference": "A\u0000"}],
    )
    response = await client.post("/v1/deployments", json=body, headers=nl)
    assert_validation(response, "/shared_tasks/0/agreement_reference", "NUL")
    # in a member name, and in a free-form body (the dry run's), too
    for content, pointer in (
        (b'{"organisation": "NL", "name": "IND", "authority_kind": "police", "a\\u0000": 1}', "/a"),
        (b'{"action": "authority.create", "body": {"name": "x\\u0000"}}', "/body/name"),
    ):
        path = "/v1/authorities" if b"organisation" in content else "/v1/policy/evaluate"
        refused = await client.post(path, content=content, headers={**nl, **JSON_TYPE})
        assert_validation(refused, pointer, "NUL")
    assert await stored(session) == before
    assert await count(session, AuditEvent) == 2  # the authority and the officer of the set-up


async def test_an_escaped_backslash_before_u0000_is_ordinary_text(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    content = b'{"organisation": "NL", "name": "C:\\\\u0000", "authority_kind": "police"}'
    response = await client.post(
        "/v1/authorities", content=content, headers={**auth(), **JSON_TYPE}
    )
    assert response.status_code == 201, response.text
    assert response.json()["name"] == "C:\\u0000"
    assert (await session.scalars(select(Authority.name))).all() == ["C:\\u0000"]


async def test_unpaired_surrogates_and_zero_bytes_are_refused(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    nl = {**auth("NL"), **JSON_TYPE}
    lone = b'{"action": "authority.create", "body": {"name": "x\\udc00"}}'
    response = await client.post("/v1/policy/evaluate", content=lone, headers=nl)
    assert_validation(response, "/body/name", "surrogate")
    pair = '{"organisation": "NL", "name": "\\ud83d\\ude00", "authority_kind": "police"}'
    kept = await client.post("/v1/authorities", content=pair.encode(), headers=nl)
    assert kept.status_code == 201, kept.text
    assert kept.json()["name"] == "\U0001f600"
    utf16 = '{"organisation": "NL", "name": "\\u0000", "authority_kind": "police"}'.encode("utf-16")
    refused = await client.post("/v1/authorities", content=utf16, headers=nl)
    assert refused.status_code == 400, refused.text
    assert refused.json()["type"] == "/problems/malformed-request"
    assert await count(session, Authority) == 1


async def test_nul_in_a_query_path_or_header_is_a_client_error(
    client: httpx.AsyncClient, auth: Auth, session: AsyncSession
) -> None:
    nl = auth("NL", ["deploying_authority"])
    query = await client.get("/v1/deployments?organisation=N%00L", headers=nl)
    assert_validation(query, "/organisation", "NUL")
    assert query.json()["errors"][0]["in"] == "query"
    for path in (
        "/v1/reference/adequacy-decisions/2021%001772",
        "/v1/reference/transfer-instruments/%00",
        "/v1/organisations/N%00L",
    ):
        response = await client.get(path, headers=nl)
        assert response.status_code == 404, (path, response.text)
        assert response.json()["type"] == "/problems/not-found"
    header = await client.post(
        "/v1/authorities",
        json={"organisation": "NL", "name": "IND", "authority_kind": "police"},
        headers={**nl, "Idempotency-Key": "key\x00"},
    )
    assert_validation(header, "/idempotency-key", "NUL")
    assert await count(session, Authority) == 0


# --- the page budget -----------------------------------------------------------------------------


@pytest.fixture
async def budget_client(
    settings: Settings, app_engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> AsyncIterator[httpx.AsyncClient]:
    """The app with a page budget of 2 KiB (the default is 1 MiB)."""
    application: FastAPI = create_app(settings.model_copy(update={"page_max_bytes": 2048}))
    application.state.engine = app_engine
    application.state.sessionmaker = sessionmaker
    transport = httpx.ASGITransport(app=application)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


async def test_a_page_ends_before_its_byte_budget_and_the_next_goes_on(
    budget_client: httpx.AsyncClient, client: httpx.AsyncClient, auth: Auth
) -> None:
    headers = auth("NL")
    everything = (await client.get("/v1/organisations?limit=200", headers=headers)).json()
    assert everything["next_cursor"] is None
    assert len(json.dumps(everything["items"])) > 3 * 2048

    seen: list[str] = []
    url: str | None = "/v1/organisations?limit=200"
    pages = 0
    while url is not None:
        response = await budget_client.get(url, headers=headers)
        assert response.status_code == 200, response.text
        page = response.json()
        assert len(json.dumps(page["items"], separators=(",", ":")).encode()) <= 2048
        seen += [o["code"] for o in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        url = f"/v1/organisations?limit=200&cursor={cursor}" if cursor else None
    assert pages >= 3
    assert seen == [o["code"] for o in everything["items"]]
