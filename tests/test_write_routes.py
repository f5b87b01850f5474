"""Every guarded route is mounted from its entry (app/routers/write_routes.py), so a write route
written by hand cannot come back, and what it answers follows from the entry: a creation answers
201 with Location, a change that names its version requires If-Match and answers ETag. Driven
from the action registry and the route table; in process, no database."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel
from starlette.requests import Request

from app.problems import PreconditionRequired
from app.routers.conventions import Idempotent
from app.routers.policy_marks import ACTION
from app.routers.write_routes import WriteRoute, mounted, versioned, write
from app.services import network, network_meeting
from app.services.actions import REGISTRY
from app.services.guarded import Context
from tests.scenarios import SYSTEM_ACTIONS

# Write routes kept by hand, each for a reason docs/DESIGN.md gives: the batch routes perform
# their entry once per item; the multipart upload parses its body from a form.
BY_HAND = {
    "POST /v1/officers:batch",
    "POST /v1/deployments:batch",
    "POST /v1/processing-records:batch",
    "POST /v1/documents/files",
}


def guarded_routes(app: FastAPI) -> dict[str, tuple[str, APIRoute]]:
    """`METHOD path` of every route that names a guarded action → (its action, the route)."""
    found = {}
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        extra = (route.openapi_extra or {}) if isinstance(route, APIRoute) else {}
        if isinstance(route, APIRoute) and ACTION in extra:
            for method in route.methods or ():
                found[f"{method} {context.path}"] = (extra[ACTION], route)
    return found


def test_every_guarded_route_is_mounted_from_its_entry(app: FastAPI) -> None:
    routes = guarded_routes(app)
    assert len(routes) >= 40  # not vacuous: the whole API is here
    hand = {r for r, (_, route) in routes.items() if mounted(route.endpoint) is None}
    assert hand == BY_HAND, "a write route is one write(...) line, not a hand-written route"
    entries = set()
    for key, (action, route) in routes.items():
        made = mounted(route.endpoint)
        if made is None:
            continue
        assert made.entry is REGISTRY[action], key
        assert key == f"{made.method} {made.path}"
        entries.add(action)
    # every action a client asks for has its route, mounted from its entry
    assert entries == set(REGISTRY) - SYSTEM_ACTIONS


def write_routes(app: FastAPI) -> list[tuple[str, WriteRoute]]:
    return sorted(
        (key, made)
        for key, (_, route) in guarded_routes(app).items()
        if (made := mounted(route.endpoint)) is not None
    )


def test_a_creation_answers_location_and_a_versioned_change_requires_if_match(
    app: FastAPI,
) -> None:
    document = app.openapi()
    changeable = versioned(app)
    creations = changes = 0
    for key, made in write_routes(app):
        method, path = key.split(" ", 1)
        operation = document["paths"][path.replace(":path}", "}").replace(":uuid}", "}")]
        operation = operation[method.lower()]
        headers = {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "header"}
        answer = operation["responses"][str(made.status)]
        if made.entry.makes == "row":
            creations += 1
            assert made.status == 201, key
            assert made.location is not None, key
            assert "Location" in answer["headers"], key
        if made.entry.names_version:
            changes += 1
            assert headers["If-Match"]["required"] is True, key
            assert {"412", "428"} <= set(operation["responses"]), key
            if made.status != 204:
                assert made.out in changeable, key
                assert "ETag" in answer["headers"], key
        else:
            assert "If-Match" not in headers, key
        assert ("Idempotency-Key" in headers) == (method == "POST"), key
        # ETag is sent exactly where the document declares it (app/routers/header_docs.py)
        if made.status != 204:
            assert ("ETag" in answer["headers"]) == (made.out in changeable), key
        assert operation["x-ilonet-action"] == made.entry.name
    assert creations >= 20
    assert changes >= 15


class Shown(BaseModel):
    id: uuid.UUID
    version: int


class Row:
    def __init__(self, version: int) -> None:
        self.id = uuid.uuid4()
        self.version = version


class Performed:
    """What the endpoint performed: the context (with the version named) and the target."""

    def __init__(self, row: Row) -> None:
        self.row = row
        self.calls: list[tuple[Context, Any]] = []

    async def __call__(self, context: Context, target: Any, body: Any) -> Row:
        self.calls.append((context, target))
        return self.row


def shown(row: Row) -> Shown:
    return Shown(id=row.id, version=row.version)


class Scratch:
    """A creation and a versioned change of one resource mounted from real entries on an app
    of their own, performing a stand-in for the Writer."""

    def __init__(self) -> None:
        self.created, self.changed = Performed(Row(version=1)), Performed(Row(version=4))
        router = APIRouter(prefix="/v1/networks")
        common: dict[str, Any] = {"render": shown, "doc": "A write."}
        write(router, network_meeting.RECORD, "POST", "/{network_id}/meetings", name="record",
              perform=self.created, **common)  # fmt: skip
        write(router, network.UPDATE, "PATCH", "/{network_id}", name="update",
              perform=self.changed, **common)  # fmt: skip
        self.app = FastAPI()
        self.app.include_router(router)
        self.record, self.update = (r.endpoint for r in router.routes)  # type: ignore[attr-defined]
        self.context = Context(writer=None, settings=None)  # type: ignore[arg-type]

    def request(self, path: str) -> Request:
        scope = {"type": "http", "method": "POST", "path": path, "headers": [], "app": self.app}
        return Request({**scope, "query_string": b""})


async def test_a_mounted_creation_sends_location_and_etag() -> None:
    scratch = Scratch()
    network_id = uuid.uuid4()
    path = f"/v1/networks/{network_id}/meetings"
    # no Idempotency-Key: nothing is stored, so no session is needed
    idempotent = Idempotent(scratch.request(path), None, "c", None, "fingerprint")  # type: ignore[arg-type]
    response = await scratch.record(
        request=scratch.request(path),
        network_id=network_id,
        body=None,
        context=scratch.context,
        idempotent=idempotent,
    )
    assert response.status_code == 201
    assert response.headers["Location"] == f"{path}/{scratch.created.row.id}"
    # the network is changed under If-Match (the other route): its version is shown
    assert response.headers["ETag"] == '"v1"'
    assert scratch.created.calls == [(scratch.context, network_id)]


async def test_a_mounted_versioned_change_needs_if_match_before_anything_is_done() -> None:
    scratch = Scratch()
    network_id = uuid.uuid4()
    arguments = {"request": scratch.request("/"), "network_id": network_id, "body": None}
    with pytest.raises(PreconditionRequired):
        await scratch.update(**arguments, context=scratch.context, if_match=None)
    assert scratch.changed.calls == []

    response = await scratch.update(**arguments, context=scratch.context, if_match='"v3"')
    assert response.status_code == 200
    assert "Location" not in response.headers
    assert response.headers["ETag"] == '"v4"'
    [(seen, target)] = scratch.changed.calls
    assert (seen.if_match, target) == ('"v3"', network_id)
