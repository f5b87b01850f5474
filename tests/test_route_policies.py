"""Every /v1 route answers to a policy, and does what that policy says for every role.

Generated from the route table, the action registry and the read policies: each route states its
policy (`x-ilonet-action` or `x-ilonet-reads`); for each caller below, the expected outcome is
computed from the pure policy (the action's requirement, the kind's visibility) and compared
with what the route answers. A route without a policy, or one that forgets to apply it, fails.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts

from app.policies import Actor
from app.policies.visibility import READ_POLICIES
from app.policies.vocabulary import Role, Scope
from app.routers.policy_marks import ACTION, READS
from app.services.actions import REGISTRY
from tests.factories import Auth
from tests.scenarios import SCENARIOS, SYSTEM_ACTIONS, World, Write, world

__all__ = ["world"]


@dataclass(frozen=True)
class Caller:
    name: str
    org: str
    roles: tuple[str, ...]
    scopes: tuple[str, ...] = ()
    own_officer: bool = False  # an ILO token acting as the world's officer


CALLERS = (
    *(Caller(r.value, "NL", (r.value,)) for r in Role if r not in (Role.ilo, Role.integration)),
    Caller("ilo", "NL", ("ilo",), own_officer=True),
    Caller("ilo-other", "NL", ("ilo",)),
    Caller("integration", "NL", ("integration",)),
    *(Caller(f"integration:{s.value}", "NL", ("integration",), (s.value,)) for s in Scope),
    Caller("fr-dpo", "FR", ("dpo",)),
    Caller("fr-deploying-authority", "FR", ("deploying_authority",)),
)


def routes(application: FastAPI) -> Iterator[tuple[str, str, APIRoute]]:
    for context in iter_route_contexts(application.routes):
        route = context.original_route
        if isinstance(route, APIRoute) and (context.path or "").startswith("/v1"):
            for method in sorted(context.methods or ()):
                yield method, context.path or "", route


# Read routes: the request, and the row it shows (organisation, officer) when it shows one.
Read = Callable[[World], tuple[str, tuple[str, str | None] | None]]
READ_REQUESTS: dict[str, Read] = {
    "GET /v1/organisations": lambda w: ("/v1/organisations", None),
    "GET /v1/organisations/{code}": lambda w: ("/v1/organisations/NL", ("NL", None)),
    "GET /v1/authorities": lambda w: ("/v1/authorities", None),
    "GET /v1/authorities/{authority_id}": lambda w: (
        f"/v1/authorities/{w.ilo.authority_id}",
        ("NL", None),
    ),
    "GET /v1/officers": lambda w: ("/v1/officers", None),
    "GET /v1/officers/{officer_id}": lambda w: (f"/v1/officers/{w.ilo.officer_id}", ("NL", None)),
    "GET /v1/deployments": lambda w: ("/v1/deployments", None),
    "GET /v1/deployments/{deployment_id}": lambda w: (
        f"/v1/deployments/{w.planned_id}",
        ("NL", None),
    ),
    "GET /v1/deployments/{deployment_id}/history": lambda w: (
        f"/v1/deployments/{w.planned_id}/history",
        ("NL", None),
    ),
    "GET /v1/processing-records": lambda w: ("/v1/processing-records", None),
    "GET /v1/processing-records/{record_id}": lambda w: (
        f"/v1/processing-records/{w.record_id}",
        ("NL", w.ilo.officer_id),
    ),
    "GET /v1/processing-records/{record_id}/export": lambda w: (
        f"/v1/processing-records/{w.record_id}/export",
        ("NL", w.ilo.officer_id),
    ),
    "GET /v1/processing-records/{record_id}/transfers": lambda w: (
        f"/v1/processing-records/{w.record_id}/transfers",
        ("NL", w.ilo.officer_id),
    ),
    "GET /v1/processing-records/{record_id}/shares": lambda w: (
        f"/v1/processing-records/{w.record_id}/shares",
        ("NL", w.ilo.officer_id),
    ),
    "GET /v1/reference/adequacy-decisions": lambda w: ("/v1/reference/adequacy-decisions", None),
    "GET /v1/reference/adequacy-decisions/{decision_id:path}": lambda w: (
        f"/v1/reference/adequacy-decisions/{w.adequacy['id']}",
        ("COM", None),
    ),
    "GET /v1/reference/transfer-instruments": lambda w: (
        "/v1/reference/transfer-instruments",
        None,
    ),
    "GET /v1/reference/transfer-instruments/{instrument_id:path}": lambda w: (
        f"/v1/reference/transfer-instruments/{w.instrument['id']}",
        ("COM", None),
    ),
    "GET /v1/audit/events": lambda w: ("/v1/audit/events", None),
    "GET /v1/audit/verify": lambda w: ("/v1/audit/verify", None),
    "GET /v1/events": lambda w: ("/v1/events", None),
    "GET /v1/webhooks": lambda w: ("/v1/webhooks", None),
    "GET /v1/webhooks/{webhook_id}": lambda w: (f"/v1/webhooks/{w.webhook_id}", ("NL", None)),
}
# The write routes' requests are the registry scenarios; the row each acts on (for its 404).
TARGET_KIND = {
    "processing_record.erase": "processing_record",
    "transfer.record": "processing_record",
    "share.record": "processing_record",
    "webhook.delete": "webhook",
}
DRY_RUN = "POST /v1/policy/evaluate"


def marked(application: FastAPI) -> dict[str, dict[str, Any]]:
    return {f"{m} {p}": dict(route.openapi_extra or {}) for m, p, route in routes(application)}


def test_every_route_states_one_policy_that_exists(app: FastAPI) -> None:
    marks = marked(app)
    assert len(marks) >= 40  # not vacuous: the whole API is here
    unmarked = sorted(r for r, extra in marks.items() if (ACTION in extra) == (READS in extra))
    assert unmarked == [], "every /v1 route names exactly one policy"
    actions = {extra[ACTION] for extra in marks.values() if ACTION in extra}
    assert actions <= set(REGISTRY)
    assert actions == set(REGISTRY) - SYSTEM_ACTIONS  # every client action has its route
    assert {extra[READS] for extra in marks.values() if READS in extra} <= set(READ_POLICIES)
    writes = {r for r, extra in marks.items() if ACTION in extra}
    assert {r for r in marks if r.split()[0] != "GET"} - writes == {DRY_RUN}
    # the OpenAPI document shows each operation's policy to client developers
    document = app.openapi()
    for route, extra in marks.items():
        method, path = route.split(" ", 1)
        operation = document["paths"][path.replace(":path", "")][method.lower()]
        assert {k: operation[k] for k in extra} == extra


def test_every_route_has_a_matrix_request(app: FastAPI) -> None:
    marks = marked(app)
    reads = {r for r, extra in marks.items() if READS in extra} - {DRY_RUN}
    assert reads == set(READ_REQUESTS)
    assert {extra[ACTION] for extra in marks.values() if ACTION in extra} <= set(SCENARIOS)


def _actor(caller: Caller, world: World) -> Actor:
    return Actor(
        sub=caller.name,
        org=caller.org,
        roles=frozenset(caller.roles),
        officer_id=world.ilo.officer_id if caller.own_officer else None,
        scopes=frozenset(caller.scopes),
    )


def _headers(auth: Auth, caller: Caller, world: World) -> dict[str, str]:
    return auth(
        caller.org,
        list(caller.roles),
        sub=f"matrix-{caller.name}",
        officer_id=world.ilo.officer_id if caller.own_officer else None,
        scopes=list(caller.scopes) or None,
    )


def _rules(response: httpx.Response) -> list[str]:
    return [v["rule"] for v in response.json().get("violations", [])]


@pytest.fixture(autouse=True)
def _receivers(public_receiver: None) -> None:
    """Webhook scenarios subscribe cms.example.nl (answered by the fixture, not by DNS)."""


@pytest.mark.parametrize("route", sorted(READ_REQUESTS))
async def test_acl_role_read_routes_follow_their_read_policy(
    client: httpx.AsyncClient, app: FastAPI, world: World, auth: Auth, route: str
) -> None:
    kind = marked(app)[route][READS]
    path, row = READ_REQUESTS[route](world)
    listing = row is None
    for caller in CALLERS:
        seen = READ_POLICIES[kind](_actor(caller, world))
        response = await client.get(path, headers=_headers(auth, caller, world))
        where = f"{caller.name} on {route}: {response.text[:300]}"
        if seen.refusal is not None or (listing and seen.rows.none):
            assert response.status_code == 403, where
            assert _rules(response) == ["ACL-ROLE"], where
            continue
        if row is not None and not seen.rows.holds(organisation=row[0], officer_id=row[1]):
            assert response.status_code == 404, where
            continue
        exported = row is not None and route.endswith("/export")
        if exported and not seen.shows("export", organisation="NL", officer_id=row and row[1]):
            assert response.status_code == 403, where
            continue
        assert response.status_code == 200, where
        body = response.json()
        if route == "GET /v1/officers/{officer_id}":
            assert (body["contact"] is not None) == seen.shows("contact", organisation="NL"), where
        if route == "GET /v1/processing-records/{record_id}":
            shown = seen.shows("subject_data", organisation="NL", officer_id=world.ilo.officer_id)
            assert (body["subject_data"] is not None) == shown, where
        if listing and kind == "processing_record":
            assert all(item["organisation"] == caller.org for item in body["items"]), where


@pytest.mark.parametrize("action", sorted(SCENARIOS))
async def test_acl_role_write_routes_follow_their_action_requirement(
    client: httpx.AsyncClient, world: World, auth: Auth, action: str
) -> None:
    write: Write = SCENARIOS[action](world)
    policy = REGISTRY[action].policy
    target_kind = TARGET_KIND.get(action)
    for caller in CALLERS:
        actor = _actor(caller, world)
        extra = {"If-Match": write.if_match} if write.if_match else {}
        response = await client.request(
            write.method,
            write.path,
            json=write.body or None,
            headers={**_headers(auth, caller, world), **extra},
        )
        where = f"{caller.name} on {action}: {response.text[:300]}"
        if target_kind is not None:
            seen = READ_POLICIES[target_kind](actor)
            officer = world.ilo.officer_id if target_kind == "processing_record" else None
            if seen.refusal is not None:
                assert (response.status_code, _rules(response)) == (403, ["ACL-ROLE"]), where
                continue
            if not seen.rows.holds(organisation="NL", officer_id=officer):
                assert response.status_code == 404, where
                continue
        concerned = world.ilo.officer_id if policy.requirement.officer_roles else None
        if policy.requirement.admits(actor, officer_id=concerned):
            refused_by = _rules(response) if response.status_code == 403 else []
            assert "ACL-ROLE" not in refused_by, where
            assert response.status_code != 404, where
        else:
            assert response.status_code == 403, where
            assert "ACL-ROLE" in _rules(response), where
