"""The document's own metadata (app/openapi_info.py), and the 422 body as declared and as sent."""

from __future__ import annotations

import re
from typing import Any

import httpx
from fastapi import FastAPI

from app.problem_bodies import ValidationErrorItem
from tests.factories import Auth


def test_the_document_names_its_servers_contact_and_a_description_per_tag(app: FastAPI) -> None:
    document = app.openapi()
    assert [s["url"] for s in document["servers"]] == [
        "/",
        "http://127.0.0.1:8000",
        "https://ilonet.example.eu",
    ]
    assert "deployment" in document["servers"][2]["description"]
    assert document["info"]["contact"]["name"]
    assert "license" not in document["info"]  # the project states none
    described = {t["name"]: t["description"] for t in document["tags"]}
    used = {
        tag
        for item in document["paths"].values()
        for operation in item.values()
        for tag in operation["tags"]
    }
    assert used == set(described)
    assert all(len(d) > 20 for d in described.values())


def test_health_probes_need_no_token_and_every_v1_operation_does(app: FastAPI) -> None:
    for path, item in app.openapi()["paths"].items():
        for operation in item.values():
            if path.startswith("/v1/"):
                assert operation["security"] == [{"HTTPBearer": []}], path
            else:
                assert operation["security"] == [], path


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


async def test_a_422_is_sent_as_its_declared_validation_problem(
    client: httpx.AsyncClient, app: FastAPI, auth: Auth
) -> None:
    document = app.openapi()
    declared = document["paths"]["/v1/officers"]["post"]["responses"]["422"]
    schema = _resolve(document, declared["content"]["application/problem+json"]["schema"])
    item = _resolve(document, schema["properties"]["errors"]["items"])
    assert set(item["properties"]) == {"pointer", "in", "detail"} == set(item["required"])
    response = await client.post(
        "/v1/officers", json={"surname": 7}, headers=auth("NL", ["deploying_authority"])
    )
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["type"] == "/problems/validation-error"
    assert set(body) <= set(schema["properties"])
    assert set(schema["required"]) <= set(body)
    assert body["errors"], body
    for error in body["errors"]:
        assert set(error) == set(item["properties"])
        assert re.fullmatch(item["properties"]["in"]["pattern"], error["in"])
        ValidationErrorItem.model_validate(error)
    where = {(e["pointer"], e["in"]) for e in body["errors"]}
    assert ("/surname", "body") in where


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [r for child in node.values() for r in _refs(child)]
    if isinstance(node, list):
        return [r for child in node for r in _refs(child)]
    return []


def test_every_reference_of_the_document_resolves(app: FastAPI) -> None:
    document = app.openapi()
    refs = set(_refs(document))
    assert "#/components/schemas/SubjectData" in refs  # the typed subject data
    assert "#/components/headers/ETag" in refs
    for ref in refs:
        node: Any = document
        for part in ref.removeprefix("#/").split("/"):
            node = node[part]
        assert isinstance(node, dict), ref


async def test_a_422_raised_by_a_service_has_the_declared_error_items(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    """Not only FastAPI's validation: a proof asked beyond the tree's size too."""
    response = await client.get(
        "/v1/audit/consistency?first=0&second=4611686018427387904", headers=auth("NL", ["auditor"])
    )
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert [ValidationErrorItem.model_validate(e).model_dump(by_alias=True) for e in errors] == [
        {"pointer": "/second", "in": "query", "detail": "needs first <= second <= the tree's size"}
    ]
