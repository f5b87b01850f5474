"""A value of a JSON type its schema does not allow, in any field a client sends, is refused
with a 422 problem naming the field, derived from the OpenAPI document itself (a field added
later is held to it too): every JSON request body as a whole, every property of it (reached
through its example, nested ones included), and every parameter. The values are the coverage
phase's own "incorrect type" cases, which the conformance run leaves to this module
(tests/conformance/schemathesis_hooks.py): a body's are refused by its model, and each gets one
of them through a real request to the app (in-process, one transaction); a parameter's are
all sent, each operation's parameters at once.

A number or a boolean where a body property's type is another is refused too, though pydantic's
lax reading would take some of them (a number of seconds as a date, 0 as false, false as 0):
the request models' base (app/schemas/common.py StrictInput) holds them to the document."""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import jsonschema_rs
import pytest
from fastapi import FastAPI
from pydantic import BaseModel, ValidationError

from tests.owasp.test_api9_improper_inventory import _path_value
from tests.shared_app import SharedApp
from tests.test_openapi_bounds import ORGANISATION_OF, UUID, _resolve
from tests.test_openapi_quality import JSON, Operation, body_model, operations

Pointer = tuple[str | int, ...]
# The coverage phase's value of each JSON type.
WRONG: dict[str, Any] = {
    "string": "AAA",
    "integer": 0,
    "number": 0.5,
    "boolean": False,
    "null": None,
    "array": [None, None],
    "object": {},
}
# A body that is not an object: each type's value (the model reads only an object).
NOT_AN_OBJECT = ("AAA", 0, 0.5, False, None, [None, None])
# What the coverage phase sends as a parameter of a type it does not have: its probes of each
# JSON type as they travel (an array as repeated query parameters, or joined with commas).
PROBES: dict[str, tuple[str, ...]] = {
    "integer": ("0", "2"),
    "number": ("0.5",),
    "boolean": ("true", "false"),
    "null": ("null",),
    "string": ("AAA",),
    "array": ("null,null",),
    "object": ("{}",),
}


@pytest.fixture(scope="module")
def application(built_app: SharedApp) -> FastAPI:
    """The session's app (its document is generated once a session), read only."""
    return built_app.app


@pytest.fixture(scope="module")
def document(application: FastAPI) -> dict[str, Any]:
    return application.openapi()


def _branches(document: dict[str, Any], node: dict[str, Any]) -> list[dict[str, Any]]:
    node = _resolve(document, node)
    options = node.get("anyOf") or node.get("oneOf")
    if not options:
        return [node]
    return [b for o in options for b in _branches(document, o)]


def allowed_types(document: dict[str, Any], node: dict[str, Any]) -> set[str] | None:
    """The JSON types a schema allows (None: any type, e.g. a free value)."""
    types: set[str] = set()
    for branch in _branches(document, node):
        kind = branch.get("type")
        if kind is None:
            return None
        types |= set(kind) if isinstance(kind, list) else {kind}
    if "number" in types:
        types.add("integer")
    return types


def wrong_values(document: dict[str, Any], node: dict[str, Any]) -> list[Any]:
    allowed = allowed_types(document, node)
    if allowed is None:
        return []
    return [value for kind, value in WRONG.items() if kind not in allowed]


@pytest.fixture(scope="module")
def routes(application: FastAPI) -> list[Operation]:
    return operations(application)


def json_bodies(routes: list[Operation]) -> Iterator[tuple[str, str, type[BaseModel], Any]]:
    """(method, path, model, example) of every operation that reads a JSON body."""
    for route, method, path, op in routes:
        media = op.get("requestBody", {}).get("content", {}).get(JSON)
        model = body_model(route)
        if media is not None and model is not None:
            yield method, path, model, next(iter(media["examples"].values()))["value"]


Step = tuple[str | int, dict[str, Any]]  # a key or index, and the tags of its object's branch
DEPTH = 8  # the deepest body property of the document is at 6


@dataclass(frozen=True)
class Field:
    """One property of one operation's request body (of any branch of a union), placed in the
    body's example: the objects on the way are made when the example has none, and given the
    tags of the branch (a tagged union's `kind`)."""

    operation: str
    model: type[BaseModel]
    body: dict[str, Any]
    steps: tuple[Step, ...]
    wrong: tuple[Any, ...]

    @property
    def pointer(self) -> Pointer:
        return tuple(key for key, _ in self.steps)

    def points(self, value: Any) -> list[tuple[Pointer, Any]]:
        """What the body holds once the value is placed: the value, and the branches' tags."""
        tags = [
            ((*self.pointer[:depth], name), tag)
            for depth, (_, held) in enumerate(self.steps)
            for name, tag in held.items()
            if (*self.pointer[:depth], name) != self.pointer
        ]
        return [(self.pointer, value), *tags]

    def with_value(self, value: Any) -> dict[str, Any]:
        return self.placed(self.body, value)

    def placed(self, body: dict[str, Any], value: Any) -> dict[str, Any]:
        changed = copy.deepcopy(body)
        target: Any = changed
        for index, (key, tags) in enumerate(self.steps):
            if isinstance(target, dict):
                target.update(tags)
            if index == len(self.steps) - 1:
                break
            shape = list if isinstance(self.steps[index + 1][0], int) else dict
            if isinstance(key, int) and not target:
                target.append(shape())
            if not isinstance(target[key] if isinstance(key, int) else target.get(key), shape):
                target[key] = shape()
            target = target[key]
        if isinstance(target, list) and not target:
            target.append(value)
        else:
            target[self.steps[-1][0]] = value
        return changed


def _tags(document: dict[str, Any], branch: dict[str, Any]) -> dict[str, Any]:
    """The properties a branch holds to one value (a tagged union's tag)."""
    tags = {}
    for name, sub in branch.get("properties", {}).items():
        sub = _resolve(document, sub)
        if "const" in sub:
            tags[name] = sub["const"]
        elif len(sub.get("enum", ())) == 1:
            tags[name] = sub["enum"][0]
    return tags


def _walk(
    document: dict[str, Any], node: dict[str, Any], steps: tuple[Step, ...]
) -> Iterator[tuple[tuple[Step, ...], dict[str, Any]]]:
    """Every property under `node`, of every branch, and array items (through the first)."""
    if len(steps) >= DEPTH:
        return
    for branch in _branches(document, node):
        if branch.get("type") == "object":
            tags = _tags(document, branch)
            for name, sub in branch.get("properties", {}).items():
                yield (*steps, (name, tags)), sub
                yield from _walk(document, sub, (*steps, (name, tags)))
        if branch.get("type") == "array" and "items" in branch:
            yield (*steps, (0, {})), branch["items"]
            yield from _walk(document, branch["items"], (*steps, (0, {})))


def body_fields(routes: list[Operation], document: dict[str, Any]) -> list[Field]:
    fields = []
    for method, path, model, body in json_bodies(routes):
        schema = document["paths"][path][method.lower()]["requestBody"]["content"][JSON]["schema"]
        for steps, node in _walk(document, schema, ()):
            wrong = wrong_values(document, node)
            if wrong:
                fields.append(Field(f"{method} {path}", model, body, steps, tuple(wrong)))
    return fields


def _at(loc: tuple[Any, ...], pointer: Pointer) -> bool:
    """Whether a location names the pointer: its steps in order (a union adds its branches'
    tags between them)."""
    parts = iter(str(p) for p in loc)
    return all(any(str(step) == p for p in parts) for step in pointer)


def _tag(loc: tuple[Any, ...], detail: str, pointer: Pointer) -> bool:
    """Whether an error is a tagged union's refusal of its tag (the field at the pointer): the
    union names the tag's field in its message, at the union's place."""
    return bool(pointer) and _at(loc, pointer[:-1]) and f"'{pointer[-1]}'" in detail


def _refused_at(model: type[BaseModel], body: Any, pointer: Pointer) -> bool:
    try:
        model.model_validate(body)
    except ValidationError as exc:
        return any(
            _at(tuple(e["loc"]), pointer) or _tag(tuple(e["loc"]), e["msg"], pointer)
            for e in exc.errors()
        )
    return False


def test_every_body_field_refuses_every_wrong_type(
    routes: list[Operation], document: dict[str, Any]
) -> None:
    fields = body_fields(routes, document)
    assert len({f.operation for f in fields}) >= 40, "every JSON body is walked"
    assert len(fields) >= 300, "nested properties too"
    wrong = [
        f"{f.operation} /{'/'.join(map(str, f.pointer))}: {value!r} accepted"
        for f in fields
        for value in f.wrong
        if not _refused_at(f.model, f.with_value(value), f.pointer)
    ]
    assert wrong == [], "\n".join(wrong)


def test_every_body_refuses_what_is_not_an_object(
    routes: list[Operation], document: dict[str, Any]
) -> None:
    bodies = list(json_bodies(routes))
    documented = [
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method, op in item.items()
        if JSON in op.get("requestBody", {}).get("content", {})
    ]
    assert sorted((m, p) for m, p, _, _ in bodies) == sorted(documented), "every JSON body"
    accepted = [
        f"{method} {path}: {value!r}"
        for method, path, model, _ in bodies
        for value in NOT_AN_OBJECT
        if not _refused_at(model, value, ())
    ]
    assert accepted == []


Headers = Callable[[dict[str, Any]], dict[str, str]]


@pytest.fixture
def headers_for(auth: Callable[..., dict[str, str]]) -> Headers:
    """For an operation: a token of a role it admits (one a role), and the preconditions it
    may require."""
    tokens: dict[tuple[str, tuple[str, ...]], dict[str, str]] = {}

    def make(op: dict[str, Any]) -> dict[str, str]:
        requires = op.get("x-ilonet-requires", {})
        role = (requires.get("roles") or ["deploying_authority"])[0]
        scopes = tuple(requires.get("scopes") or ())
        if (role, scopes) not in tokens:
            organisation = ORGANISATION_OF.get(role, "NL")
            tokens[role, scopes] = auth(organisation, [role], scopes=list(scopes) or None)
        return {**tokens[role, scopes], "If-Match": '"v1"', "Idempotency-Key": "wrong-types"}

    return make


def _url(path: str, params: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: params.get(m.group(1), UUID), path)


def _problem(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422
    errors: list[dict[str, Any]] = problem["errors"]
    return errors


def _names(errors: list[dict[str, Any]], place: str, pointer: Pointer) -> bool:
    return any(
        e["in"] == place
        and (
            _at(tuple(e["pointer"].split("/")[1:]), pointer)
            or _tag(tuple(e["pointer"].split("/")[1:]), e["detail"], pointer)
        )
        for e in errors
    )


def _holds(body: Any, pointer: Pointer, value: Any) -> bool:
    """Whether the body holds the value (of its type) at the pointer."""
    for key in pointer:
        if isinstance(body, list) and isinstance(key, int):
            if key >= len(body):
                return False
        elif not isinstance(body, dict) or key not in body:
            return False
        body = body[key]
    return bool(body == value and type(body) is type(value))


def batches(fields: list[Field]) -> Iterator[tuple[str, dict[str, Any], list[Field]]]:
    """Bodies with as many wrong fields at once as stay in place together (an operation's
    fields in turn, its wrong types in turn), and the fields each holds."""
    for operation, group in itertools.groupby(fields, key=lambda f: f.operation):
        pending = list(group)
        while pending:
            body, held, left = pending[0].body, list[tuple[Field, Any]](), list[Field]()
            for index, field in enumerate(pending):
                value = field.wrong[index % len(field.wrong)]
                candidate = field.placed(body, value)
                points = [p for f, v in [*held, (field, value)] for p in f.points(v)]
                if all(_holds(candidate, pointer, v) for pointer, v in points):
                    body, held = candidate, [*held, (field, value)]
                else:
                    left.append(field)
            assert held, f"{operation}: {pending[0].pointer} cannot be placed"
            yield operation, body, [f for f, _ in held]
            pending = left


async def test_a_wrong_type_in_any_body_field_is_a_422_naming_it(
    routes: list[Operation],
    document: dict[str, Any],
    client: httpx.AsyncClient,
    headers_for: Headers,
) -> None:
    """Every field, in bodies with many wrong at once: the problem names each."""
    fields, sent = body_fields(routes, document), 0
    for operation, body, held in batches(fields):
        method, path = operation.split()
        op = document["paths"][path][method.lower()]
        response = await client.request(method, _url(path, {}), json=body, headers=headers_for(op))
        errors, sent = _problem(response), sent + 1
        for field in held:
            assert _names(errors, "body", field.pointer), (operation, field.pointer, response.text)
    assert 40 <= sent < len(fields) / 4


async def test_a_body_that_is_not_an_object_is_a_422(
    routes: list[Operation],
    document: dict[str, Any],
    client: httpx.AsyncClient,
    headers_for: Headers,
) -> None:
    """Each operation once, the values that are not an object in turn."""
    for index, (method, path, _, _) in enumerate(json_bodies(routes)):
        op = document["paths"][path][method.lower()]
        value = NOT_AN_OBJECT[index % len(NOT_AN_OBJECT)]
        response = await client.request(method, _url(path, {}), json=value, headers=headers_for(op))
        assert _names(_problem(response), "body", ()), (method, path, value, response.text)


def _readings(text: str | list[str], array: bool) -> list[Any]:
    """What a server may read a parameter's text as: the text, a number, a boolean (0 and 1
    too, as Schemathesis knows servers do; an array
    parameter: its items; another, the last of repeated values)."""
    if isinstance(text, list):
        if array:
            return [[item] for item in _readings(text[-1], False)]
        text = text[-1]
    read: list[Any] = [text]
    if re.fullmatch(r"-?\d+", text):
        read.append(int(text))
    if re.fullmatch(r"-?\d+\.\d+", text):
        read.append(float(text))
    if text in ("true", "false", "1", "0"):
        read.append(text in ("true", "1"))
    return [[r] for r in read] if array else read


def _inline(document: dict[str, Any], node: Any) -> Any:
    """A parameter's schema with its references replaced by what they name."""
    if isinstance(node, dict):
        return {k: _inline(document, v) for k, v in _resolve(document, node).items()}
    if isinstance(node, list):
        return [_inline(document, v) for v in node]
    return node


def refused_probes(document: dict[str, Any], parameter: dict[str, Any]) -> list[str | list[str]]:
    """Of each JSON type, the first probe no reading of which the parameter's schema allows (as
    the coverage phase picks them; an object only in a header, an array in a query repeated)."""
    schema = _inline(document, parameter["schema"])
    valid = jsonschema_rs.validator_for(schema, validate_formats=True).is_valid
    array = parameter["schema"].get("type") == "array"
    refused: list[str | list[str]] = []
    for kind, probes in PROBES.items():
        if kind == "object" and parameter["in"] != "header":
            continue
        for text in probes:
            probe: str | list[str] = text
            if kind == "array" and parameter["in"] == "query":
                probe = text.split(",")
            if not any(valid(reading) for reading in _readings(probe, array)):
                refused.append(probe)
                break
    return refused


def converted(routes: list[Operation]) -> set[tuple[str, str]]:
    """(path, parameter) of the path parameters a route's converter reads (`{id:uuid}`): a value
    it cannot read matches no route, a 404."""
    return {
        (path, name)
        for route, _, path, _ in routes
        for name in re.findall(r"\{(\w+):\w+\}", route.path)
    }


async def test_a_wrong_type_in_any_parameter_is_a_422_naming_it(
    routes: list[Operation],
    document: dict[str, Any],
    client: httpx.AsyncClient,
    headers_for: Headers,
) -> None:
    """Every refused probe of every parameter, an operation's parameters at once (the k-th
    request gives each its k-th probe, the others valid): each parameter given one is named.
    Headers are sent apart (they are read once the path and query are), and so are the path
    parameters a route's converter reads (a value it cannot read matches no route: a 404)."""
    sent, unrouted = 0, converted(routes)
    for path, item in sorted(document["paths"].items()):
        for method, op in item.items():
            media = op.get("requestBody", {}).get("content", {}).get(JSON)
            body = next(iter(media["examples"].values()))["value"] if media else None
            parameters = op.get("parameters", [])
            valid = {p["name"]: _path_value(document, p) for p in parameters if p["in"] == "path"}
            groups: dict[str, list[dict[str, Any]]] = {"routed": [], "converted": [], "header": []}
            for p in parameters:
                routed = p["in"] != "path" or (path, p["name"]) not in unrouted
                group = "header" if p["in"] == "header" else "routed" if routed else "converted"
                groups[group].append(p)
            for group, members in groups.items():
                probes = {p["name"]: refused_probes(document, p) for p in members}
                for k in range(max((len(v) for v in probes.values()), default=0)):
                    named = [p for p in members if k < len(probes[p["name"]])]
                    given = {p["in"]: dict[str, Any]() for p in parameters}
                    for p in named:
                        given[p["in"]][p["name"]] = probes[p["name"]][k]
                    headers = {**headers_for(op), **given.get("header", {})}
                    url = _url(path, {**valid, **given.get("path", {})})
                    response = await client.request(
                        method.upper(),
                        url,
                        params=given.get("query", {}),
                        headers=headers,
                        json=body,
                    )
                    sent += 1
                    where = (method, path, [(p["name"], probes[p["name"]][k]) for p in named])
                    if group == "converted":
                        assert response.status_code == 404, (where, response.text)
                        assert response.json()["type"] == "/problems/not-found", where
                        continue
                    errors = _problem(response)
                    for p in named:
                        assert _names(errors, p["in"], (p["name"],)), (where, response.text)
    assert sent >= 300
