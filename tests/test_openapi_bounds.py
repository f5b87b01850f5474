"""The bounds the OpenAPI document states are the ones the server enforces, derived from the
document itself (a bound added later is held to it too): every request-body property and every
parameter with a `maxLength`, `maximum` or `maxItems` is sent once just past it (422, the problem
naming its pointer) and once at it (accepted). Bodies start from their example
(app/schemas/examples.py) and are validated by their model in-process; a sample of each route
family, and every distinct parameter, go through real HTTP requests. Nothing a client sends is
left unbounded (scripts/openapi_bounds.py counts it)."""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import BaseModel, ValidationError

from app.config import Settings
from app.main import create_app
from app.routers.openapi_bounds import Walk, integer_format
from tests.test_openapi_quality import JSON, body_model, operations

BOUND_KEYS = ("maxLength", "maximum", "maxItems")
UUID = "00000000-0000-4000-8000-000000000000"
# The organisation a role is held in (the Commission's and the Parliament's roles; else NL).
ORGANISATION_OF = {
    "sb_chair": "COM",
    "sb_secretariat": "COM",
    "reference_admin": "COM",
    "authorised_staff": "COM",
    "ep_reader": "EP",
}
# pydantic's words for a value past a maxLength, maximum or maxItems
BOUND_REFUSAL = re.compile(r"at most \d+|less than or equal to \d+")
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


@pytest.fixture(scope="module")
def application(settings: Settings) -> FastAPI:
    return create_app(settings)


@pytest.fixture(scope="module")
def document(application: FastAPI) -> dict[str, Any]:
    return application.openapi()


@dataclass(frozen=True)
class Case:
    """One bounded field of one request body: where it is, its bound, and the body at it and
    past it (None when no value at the bound could be built)."""

    operation: str
    model: type[BaseModel]
    pointer: tuple[str | int, ...]
    kind: str
    at: dict[str, Any] | None
    past: dict[str, Any]


def _resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = document["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _branches(document: dict[str, Any], node: dict[str, Any]) -> list[dict[str, Any]]:
    node = _resolve(document, node)
    options = node.get("anyOf") or node.get("oneOf")
    if not options:
        return [node]
    return [b for o in options for b in _branches(document, o) if b.get("type") != "null"]


def _fits(document: dict[str, Any], node: dict[str, Any], value: Any) -> bool:
    """Whether `value` is of the shape of branch `node` (its type, its properties, its tag)."""
    kind = node.get("type")
    if isinstance(value, dict):
        properties = node.get("properties", {})
        if kind != "object" or not set(value) <= set(properties):
            return False
        for name, sub in properties.items():
            sub = _resolve(document, sub)
            if name in value and ("const" in sub or "enum" in sub):
                allowed = [sub["const"]] if "const" in sub else sub["enum"]
                if value[name] not in allowed:
                    return False
        return True
    if isinstance(value, list):
        return kind == "array"
    if isinstance(value, bool):
        return kind == "boolean"
    if isinstance(value, int):
        return kind in ("integer", "number")
    if isinstance(value, str):
        return kind == "string"
    return True


def _text(node: dict[str, Any], length: int, seed: Any) -> str | None:
    """A string of exactly `length` characters that matches the node's pattern, if one of a few
    plain candidates does (the example's own value stretched, or one character repeated)."""
    pattern = node.get("pattern")
    candidates = []
    if isinstance(seed, str) and seed:
        # stretched with a character input keeps (trailing whitespace is stripped on input)
        fill = "a" if seed[-1].isspace() else seed[-1]
        candidates.append((seed + fill * length)[:length])
    for head in ("", "A", "+", "https://"):
        for fill in ("a", "A", "0", "1"):
            candidates.append((head + fill * length)[:length])
    for text in candidates:
        if len(text) == length and (pattern is None or re.search(pattern, text)):
            return text
    return None


def _leaf_value(document: dict[str, Any], node: dict[str, Any], seed: Any) -> Any:
    """A valid value of a leaf schema (used to fill an array up to its bound)."""
    if "enum" in node:
        return node["enum"][0]
    if node.get("type") == "string":
        if seed is not None:
            return seed
        return _text(node, node.get("minLength", 1), None)
    if node.get("type") == "integer":
        return node.get("minimum", 0)
    return seed


def _items(
    document: dict[str, Any], node: dict[str, Any], count: int, seed: list[Any], distinct: bool
) -> Any:
    """`count` valid items of an array (distinct ones if asked), or None. Past the bound they
    need not be distinct: the length is checked before the repeats."""
    item = _branches(document, node.get("items", {}))[0]
    if "enum" in item:
        pool = list(item["enum"])
        if len(pool) >= count:
            return pool[:count]
        return None if distinct else (pool * count)[:count]
    base = seed[0] if seed else _leaf_value(document, item, None)
    if base is None:
        return None
    if not distinct:
        return [copy.deepcopy(base) for _ in range(count)]
    if isinstance(base, str) and base:
        # the example's item with its last (up to three) characters varied, as the pattern allows
        pattern, tail = item.get("pattern"), min(3, len(base))
        alphabet = "0123456789abcdef" if item.get("format") == "uuid" else ALPHABET
        values = (base[:-tail] + "".join(c) for c in itertools.product(alphabet, repeat=tail))
        fitting = (v for v in values if pattern is None or re.search(pattern, v))
        found = list(itertools.islice(fitting, count))
        return found if len(found) == count else None
    return None


def _bounded(
    document: dict[str, Any], node: dict[str, Any], seed: Any
) -> Iterator[tuple[str, Any, Any]]:
    """(kind, value at the bound or None, value past it) for each bound the node declares."""
    if "maxLength" in node and node.get("type") == "string":
        limit = node["maxLength"]
        past = _text(node, limit + 1, seed) or "a" * (limit + 1)
        yield "maxLength", _text(node, limit, seed), past
    if "maximum" in node and node.get("type") == "integer":
        yield "maximum", node["maximum"], node["maximum"] + 1
    if "maxItems" in node and node.get("type") == "array":
        limit = node["maxItems"]
        seed_list = seed if isinstance(seed, list) else []
        past = _items(document, node, limit + 1, seed_list, distinct=False)
        if past is not None:
            at = _items(document, node, limit, seed_list, distinct=bool(node.get("uniqueItems")))
            yield "maxItems", at, past


def _set(body: dict[str, Any], pointer: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(body)
    target: Any = changed
    for part in pointer[:-1]:
        target = target[part]
    target[pointer[-1]] = value
    return changed


def _walk(
    document: dict[str, Any],
    node: dict[str, Any],
    value: Any,
    pointer: tuple[str | int, ...],
) -> Iterator[tuple[tuple[str | int, ...], str, Any, Any]]:
    """Every bounded field under `node`, reached through the example's `value` (a property
    the example leaves out is visited when it is a leaf or an array: it can stand alone)."""
    fitting = [b for b in _branches(document, node) if value is None or _fits(document, b, value)]
    kept = {k: node[k] for k in ("uniqueItems",) if k in node}
    for branch in [{**kept, **b} for b in fitting[:1]]:
        if pointer:
            for kind, at, past in _bounded(document, branch, value):
                yield pointer, kind, at, past
        if branch.get("type") == "object" and isinstance(value, dict):
            for name, sub in branch.get("properties", {}).items():
                if name in value:
                    yield from _walk(document, sub, value[name], (*pointer, name))
                elif _branches(document, sub)[0].get("type") in ("string", "integer", "array"):
                    yield from _walk(document, sub, None, (*pointer, name))
        if branch.get("type") == "array" and isinstance(value, list) and value:
            yield from _walk(document, branch.get("items", {}), value[0], (*pointer, 0))


def body_cases(application: FastAPI, document: dict[str, Any]) -> list[Case]:
    cases = []
    for route, method, path, op in operations(application):
        media = op.get("requestBody", {}).get("content", {}).get(JSON)
        model = body_model(route)
        if media is None or model is None:
            continue
        for example in media.get("examples", {}).values():
            body = example["value"]
            for pointer, kind, at, past in _walk(document, media["schema"], body, ()):
                cases.append(
                    Case(
                        operation=f"{method} {path}",
                        model=model,
                        pointer=pointer,
                        kind=kind,
                        at=None if at is None else _set(body, pointer, at),
                        past=_set(body, pointer, past),
                    )
                )
    return cases


def _refusals(model: type[BaseModel], body: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The locations of what `model` refuses in `body`, each with its message last."""
    try:
        model.model_validate(body)
    except ValidationError as exc:
        return [(*e["loc"], e["msg"]) for e in exc.errors()]
    return []


def _names(loc: tuple[Any, ...], pointer: tuple[str | int, ...]) -> bool:
    """Whether a pydantic error (its location, its message last) is the bound's refusal at the
    pointer (union branches add their own tags to the location)."""
    return _at(loc, pointer) and bool(BOUND_REFUSAL.search(str(loc[-1])))


def _at(loc: tuple[Any, ...], pointer: tuple[str | int, ...]) -> bool:
    """Whether a pydantic error (its location, its message last) is at the pointer."""
    parts = iter(str(p) for p in loc[:-1])
    return all(any(str(step) == p for p in parts) for step in pointer)


def test_every_request_body_bound_is_enforced_at_it_and_past_it(
    application: FastAPI, document: dict[str, Any]
) -> None:
    cases = body_cases(application, document)
    assert len(cases) >= 150, "the walk reaches the bounded fields of every example"
    operations_reached = {c.operation for c in cases}
    assert len(operations_reached) >= 30
    wrong = []
    for case in cases:
        where = f"{case.operation} /{'/'.join(map(str, case.pointer))} {case.kind}"
        refused = _refusals(case.model, case.past)
        if not any(_names(loc, case.pointer) for loc in refused):
            wrong.append(f"{where}: past the bound, not refused for it {refused[:3]}")
        if case.at is not None:
            # a rule across fields may refuse a body a left-out field is added to; the bound
            # never refuses it
            refused_at = [loc for loc in _refusals(case.model, case.at) if _at(loc, case.pointer)]
            if refused_at:
                wrong.append(f"{where}: at the bound, refused {refused_at[:3]}")
    assert wrong == [], "\n".join(wrong)
    # every bound is checked at the bound too
    unbuilt = [f"{c.operation} /{'/'.join(map(str, c.pointer))}" for c in cases if c.at is None]
    assert unbuilt == []


def test_nothing_a_client_sends_is_unbounded(document: dict[str, Any]) -> None:
    found = Walk(document).run()
    assert sorted(found["request"]) == []


def test_an_integer_states_the_format_its_range_fits(document: dict[str, Any]) -> None:
    assert integer_format({"minimum": 1, "maximum": 200}) == "int32"
    assert integer_format({"minimum": 0, "maximum": 2**62}) == "int64"
    assert integer_format({"minimum": 0, "maximum": 2**64}) is None
    assert integer_format({"minimum": 0}) is None
    limit = document["paths"]["/v1/officers"]["get"]["parameters"]
    assert {"name": "limit"}.items() <= next(p for p in limit if p["name"] == "limit").items()
    schema = next(p for p in limit if p["name"] == "limit")["schema"]
    assert (schema["minimum"], schema["maximum"], schema["format"]) == (1, 200, "int32")


def test_the_measuring_script_counts_what_is_unbounded() -> None:
    document = {
        "paths": {
            "/x": {
                "post": {
                    "parameters": [
                        {"in": "query", "name": "q", "schema": {"type": "string"}},
                        {"in": "query", "name": "n", "schema": {"type": "integer", "maximum": 9}},
                        {"in": "query", "name": "p", "schema": {"type": "string", "pattern": ".*"}},
                    ],
                    "requestBody": {
                        "content": {JSON: {"schema": {"$ref": "#/components/schemas/In"}}}
                    },
                    "responses": {"200": {"content": {JSON: {"schema": {"type": "array"}}}}},
                }
            }
        },
        "components": {
            "schemas": {
                "In": {
                    "type": "object",
                    "properties": {
                        "a": {"type": "string", "maxLength": 5},
                        "b": {"type": "integer", "maximum": 2**63 - 1, "format": "int64"},
                        "c": {"type": "string", "enum": ["x"]},
                    },
                }
            }
        },
    }
    found = Walk(document).run()
    assert sorted(found["request"]) == [
        "integer\tIn.b",
        "integer\tPOST /x query:n",
        "string\tPOST /x query:p",
        "string\tPOST /x query:q",
    ]
    assert sorted(found["response"]) == ["array\tPOST /x 200"]


# --- through HTTP -------------------------------------------------------------------------------


def _headers(auth: Callable[..., dict[str, str]], op: dict[str, Any]) -> dict[str, str]:
    requires = op.get("x-ilonet-requires", {})
    role = (requires.get("roles") or ["deploying_authority"])[0]
    return auth(ORGANISATION_OF.get(role, "NL"), [role], scopes=requires.get("scopes") or None)


def _url(path: str, params: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: params.get(m.group(1), UUID), path)


def _problem_names(response: httpx.Response, pointer: str) -> bool:
    """Whether the response is a 422 whose problem names the pointer for its bound (another
    refusal of a value at the bound, such as a cursor that is not one, is not the bound's)."""
    if response.status_code != 422:
        return False
    return any(
        e.get("pointer") == pointer and BOUND_REFUSAL.search(e.get("detail", ""))
        for e in response.json().get("errors", [])
    )


async def test_a_body_past_its_bound_is_a_422_naming_it_for_every_route_family(
    application: FastAPI,
    document: dict[str, Any],
    client: httpx.AsyncClient,
    auth: Callable[..., dict[str, str]],
    public_receiver: None,
) -> None:
    by_family: dict[str, Case] = {}
    for case in body_cases(application, document):
        family = case.operation.split()[1].split("/")[2]
        if case.at is not None and case.kind == "maxLength":
            by_family.setdefault(family, case)
    assert len(by_family) >= 8
    for family, case in sorted(by_family.items()):
        method, path = case.operation.split()
        op = document["paths"][path][method.lower()]
        pointer = "/" + "/".join(map(str, case.pointer))
        url, headers = _url(path, {}), {**_headers(auth, op), "If-Match": '"v1"'}
        past = await client.request(method, url, json=case.past, headers=headers)
        assert _problem_names(past, pointer), (family, case.operation, pointer, past.text)
        at = await client.request(method, url, json=case.at, headers=headers)
        assert not _problem_names(at, pointer), (family, case.operation, pointer, at.text)


def _parameter_cases(document: dict[str, Any]) -> dict[tuple[str, str, str], tuple[str, str, Any]]:
    """One operation for each distinct bounded parameter (its place, name and schema)."""
    found: dict[tuple[str, str, str], tuple[str, str, Any]] = {}
    for path, item in document["paths"].items():
        for method, op in item.items():
            for parameter in op.get("parameters", []):
                schema = parameter.get("schema", {})
                branch = (schema.get("anyOf") or [schema])[0]
                if not any(k in branch for k in BOUND_KEYS):
                    continue
                key = (parameter["in"], parameter["name"], repr(sorted(branch.items())))
                found.setdefault(key, (method.upper(), path, parameter))
    return found


async def test_every_bounded_parameter_is_a_422_past_its_bound(
    document: dict[str, Any], client: httpx.AsyncClient, auth: Callable[..., dict[str, str]]
) -> None:
    cases = _parameter_cases(document)
    assert len(cases) >= 15
    for method, path, parameter in cases.values():
        schema = parameter["schema"]
        branch = (schema.get("anyOf") or [schema])[0]
        op = document["paths"][path][method.lower()]
        name, place = parameter["name"], parameter["in"]
        values = [(kind, at, past) for kind, at, past in _bounded(document, branch, None)]
        assert values, (method, path, name)
        for kind, at, past in values:
            for value, refused in ((past, True), (at, False)):
                if value is None:
                    continue
                headers = {**_headers(auth, op), "If-Match": '"v1"'}
                query, path_params = {}, {}
                if place == "header":
                    headers[name] = str(value)
                elif place == "query":
                    query[name] = str(value)
                else:
                    path_params[name] = str(value)
                url = _url(path, path_params)
                body = None
                media = op.get("requestBody", {}).get("content", {}).get(JSON)
                if media and media.get("examples"):
                    body = next(iter(media["examples"].values()))["value"]
                response = await client.request(
                    method, url, params=query, headers=headers, json=body
                )
                where = (method, path, place, name, kind, value)
                assert _problem_names(response, f"/{name}") is refused, (where, response.text)
