"""Every operation of the OpenAPI document, generated over the route table (a route added later
is held to it too): a summary and a description of its own (the endpoint's docstring), typed
request and response models, every problem it can answer as problem+json (from its policy mark
and parameters; a 403 as PolicyDeniedBody), an example of its request body that its model
accepts, and the security requirement with the roles and scopes it needs. A route that answers
a file or an HTML document, or reads a multipart upload, declares that media type and its
schema itself (`responses=`, `openapi_extra`), and is held to its declaration."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.datastructures import DefaultPlaceholder
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel

from app.config import Settings
from app.main import create_app
from app.policies import policy_of
from app.problems import PROBLEM_JSON
from app.routers.operation_docs import REQUIRES, read_requirement
from app.routers.policy_marks import ACTION, READS
from app.schemas.examples import EXAMPLES

Operation = tuple[APIRoute, str, str, dict[str, Any]]
JSON = "application/json"


@pytest.fixture(scope="module")
def application(settings: Settings) -> FastAPI:
    return create_app(settings)


def operations(application: FastAPI) -> list[Operation]:
    document = application.openapi()
    found = []
    for context in iter_route_contexts(application.routes):
        route = context.original_route
        if isinstance(route, APIRoute) and route.include_in_schema:
            for method in sorted(route.methods or ()):
                operation = document["paths"][route.path_format][method.lower()]
                found.append((route, method, route.path_format, operation))
    return found


def body_model(route: APIRoute) -> type[BaseModel] | None:
    if route.body_field is None:
        return None
    annotation = route.body_field.field_info.annotation
    return (
        annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
    )


def declared_response(route: APIRoute, status: str) -> dict[str, Any]:
    """The content a route declares itself for a success that is not JSON (`responses=`)."""
    responses: dict[Any, Any] = route.responses or {}
    entry = responses.get(int(status)) or responses.get(status) or {}
    return dict(entry.get("content", {}))


def declared_request(route: APIRoute) -> dict[str, Any]:
    """The content a route declares itself for a body it reads itself (`openapi_extra`)."""
    return dict((route.openapi_extra or {}).get("requestBody", {}).get("content", {}))


def answers_json(route: APIRoute) -> bool:
    cls = route.response_class
    cls = cls.value if isinstance(cls, DefaultPlaceholder) else cls
    return issubclass(cls, JSONResponse)


def untyped_other_media(content: dict[str, Any], declared: dict[str, Any]) -> bool:
    """A non-JSON body (a file, an HTML document, a multipart upload) is typed when the route
    declares exactly what the document shows, each media type with a schema of its own."""
    return (
        not content
        or content != declared
        or any(not entry.get("schema") for entry in content.values())
    )


def test_the_walk_covers_the_api(application: FastAPI) -> None:
    assert len(operations(application)) >= 45


def test_every_operation_has_a_summary_and_a_description_of_its_own(
    application: FastAPI,
) -> None:
    missing = [
        f"{m} {p}"
        for route, m, p, op in operations(application)
        if not route.summary or not (route.description or "").strip() or not op.get("summary")
    ]
    assert missing == [], "write the endpoint's summary= and docstring"


def test_every_operation_has_typed_request_and_response_models(application: FastAPI) -> None:
    untyped = []
    for route, method, path, op in operations(application):
        successes = {s: r for s, r in op["responses"].items() if s.startswith("2")}
        assert successes, f"{method} {path}"
        for status, response in successes.items():
            if status == "204":
                assert "content" not in response
                continue
            content = response.get("content", {})
            if JSON not in content or not answers_json(route):
                # a file (a JSON file too) or an HTML document: a response class of its own,
                # its media types and schemas declared by the route
                if answers_json(route) or untyped_other_media(
                    content, declared_response(route, status)
                ):
                    untyped.append(f"{method} {path} {status} {sorted(content)}")
                continue
            schema = content[JSON].get("schema", {})
            if not (schema.get("$ref") or schema.get("items", {}).get("$ref")):
                untyped.append(f"{method} {path} {status}")
        if "requestBody" in op:
            content = op["requestBody"]["content"]
            if JSON not in content:
                # a multipart upload the route reads itself: its form declared with the parts
                # it requires
                form: dict[str, Any] = next(iter(content.values()), {})
                schema = form.get("schema", {})
                if (
                    body_model(route) is not None
                    or untyped_other_media(content, declared_request(route))
                    or schema.get("type") != "object"
                    or not schema.get("required")
                    or not set(schema["required"]) <= set(schema.get("properties", {}))
                ):
                    untyped.append(f"{method} {path} request {sorted(content)}")
                continue
            schema = content[JSON]["schema"]
            if "$ref" not in schema or body_model(route) is None:
                untyped.append(f"{method} {path} request")
    assert untyped == []


def test_every_request_body_has_an_example_its_model_accepts(application: FastAPI) -> None:
    bodies = 0
    for route, method, path, op in operations(application):
        if "requestBody" not in op:
            continue
        if JSON not in op["requestBody"]["content"]:
            # a multipart upload: no model to validate an example against (typed above)
            assert declared_request(route), f"{method} {path}"
            continue
        bodies += 1
        media = op["requestBody"]["content"][JSON]
        examples = media.get("examples")
        assert examples, f"{method} {path}: add its body to app/schemas/examples.py"
        model = body_model(route)
        assert model is not None
        assert media["schema"]["$ref"].rsplit("/", 1)[-1] == model.__name__
        for example in examples.values():
            assert example["summary"]
            model.model_validate(example["value"])
    assert bodies >= 15
    # one entry per body model (a model may serve several operations), none left unused
    assert set(EXAMPLES) == {m.__name__ for m in _models(application)}


def _models(application: FastAPI) -> set[type[BaseModel]]:
    return {m for r, _, _, _ in operations(application) if (m := body_model(r)) is not None}


def expected_problems(route: APIRoute, path: str, op: dict[str, Any]) -> set[int]:
    """What the operation can answer besides its success, from what it declares."""
    extra = route.openapi_extra or {}
    headers = {p["name"] for p in op.get("parameters", []) if p["in"] == "header"}
    statuses = {500}
    if path.startswith("/v1/"):
        statuses |= {401, 429, 503}
    if "requestBody" in op:
        statuses |= {400, 413, 415, 422}
    if op.get("parameters"):
        statuses.add(422)
    if "Idempotency-Key" in headers:
        statuses |= {409, 422}
    if "If-Match" in headers:
        statuses |= {412, 428}
    if ACTION in extra:
        statuses.add(403)
        statuses |= {404} if "{" in path else set()
    if READS in extra:
        refuses = read_requirement(extra[READS], listing="{" not in path)[1]
        statuses |= {403} if refuses else set()
        statuses |= {404} if "{" in path else set()
    return statuses


def test_every_operation_documents_every_problem_it_can_answer(application: FastAPI) -> None:
    for route, method, path, op in operations(application):
        documented = {int(s) for s in op["responses"] if s[0] in "45"}
        assert expected_problems(route, path, op) <= documented, f"{method} {path}"
        for status in documented:
            content = op["responses"][str(status)]["content"]
            assert set(content) == {PROBLEM_JSON}, f"{method} {path} {status}"
            # a 403 is a policy denial (its violations and decision id, app/problems.py), a 422
            # a validation problem (its errors)
            body = {403: "PolicyDeniedBody", 422: "ValidationProblemBody"}.get(
                status, "ProblemBody"
            )
            assert content[PROBLEM_JSON]["schema"] == {"$ref": f"#/components/schemas/{body}"}


def test_every_v1_operation_shows_its_security_and_who_may_call_it(
    application: FastAPI,
) -> None:
    document = application.openapi()
    assert document["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    for route, method, path, op in operations(application):
        if not path.startswith("/v1/"):
            continue
        where = f"{method} {path}"
        assert op["security"] == [{"HTTPBearer": []}], where
        extra = route.openapi_extra or {}
        requires = op[REQUIRES]
        if ACTION in extra:
            requirement = policy_of(extra[ACTION]).requirement
            assert set(requires["roles"]) == set(requirement.roles), where
            assert set(requires["officer_roles"]) == set(requirement.officer_roles), where
            assert requires["scopes"] == ([requirement.scope] if requirement.scope else [])
            assert f"action `{extra[ACTION]}`" in op["description"], where
        else:
            assert requires == read_requirement(extra[READS], listing=True)[0], where
            assert f"read policy `{extra[READS]}`" in op["description"], where
        assert "**Requires**" in op["description"], where
        assert requires["roles"] or requires["officer_roles"] or requires["scopes"], where


def test_the_requirement_names_what_the_registry_says(application: FastAPI) -> None:
    by_route = {f"{m} {p}": op for _, m, p, op in operations(application)}
    plan = by_route["POST /v1/deployments"]
    assert plan[REQUIRES] == {
        "roles": ["deploying_authority"],
        "officer_roles": [],
        "scopes": ["deployments:write"],
    }
    assert (
        "role `deploying_authority`, or an integration with scope `deployments:write`"
        in (plan["description"])
    )
    audit = by_route["GET /v1/audit/events"][REQUIRES]
    assert audit["roles"] == ["auditor", "dpo"]
    assert audit["scopes"] == []
    # every participant reads the organisations: nobody is refused, no 403 documented
    organisations = by_route["GET /v1/organisations"]
    assert "integration" in organisations[REQUIRES]["roles"]
    assert "403" not in organisations["responses"]
