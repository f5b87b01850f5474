"""Every /v1 route answers to a policy, and does what that policy says for every role.

Generated from the route table, the action registry and the read policies: each route states its
policy (`x-ilonet-action` or `x-ilonet-reads`); for each caller below, the expected outcome is
computed from the pure policy (the action's requirement, the kind's visibility) and compared
with what the route answers. A route without a policy, or one that forgets to apply it, fails.
"""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi import FastAPI

from app.policies.visibility import READ_POLICIES
from app.routers.policy_marks import ACTION, BATCH, READS
from app.services.actions import REGISTRY
from tests.factories import Auth
from tests.route_matrix import (
    BATCH_ITEMS,
    CALLERS,
    EVALUATIONS,
    READ_REQUESTS,
    actor_of,
    headers_of,
    marked,
    row_shown,
    violated_rules,
)
from tests.scenarios import SCENARIOS, SYSTEM_ACTIONS, World


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
    assert {r for r in marks if r.split()[0] != "GET"} - writes == EVALUATIONS
    # the OpenAPI document shows each operation's policy to client developers
    document = app.openapi()
    for route, extra in marks.items():
        method, path = route.split(" ", 1)
        operation = document["paths"][re.sub(r":\w+\}", "}", path)][method.lower()]
        assert {k: operation[k] for k in extra} == extra


def test_every_route_has_a_matrix_request(app: FastAPI) -> None:
    marks = marked(app)
    reads = {r for r, extra in marks.items() if READS in extra} - EVALUATIONS
    assert reads == set(READ_REQUESTS)
    assert {extra[ACTION] for extra in marks.values() if ACTION in extra} <= set(SCENARIOS)


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
        seen = READ_POLICIES[kind](actor_of(caller, world))
        response = await client.get(path, headers=headers_of(auth, caller, world))
        where = f"{caller.name} on {route}: {response.text[:300]}"
        if seen.refusal is not None or (listing and seen.rows.none):
            assert response.status_code == 403, where
            assert violated_rules(response) == ["ACL-ROLE"], where
            continue
        if row is not None and not row_shown(kind, seen, row):
            assert response.status_code == 404, where
            continue
        exported = row is not None and route.endswith("/export")
        if exported and not seen.shows("export", organisation="NL", officer_id=row and row[1]):
            assert response.status_code == 403, where
            continue
        assert response.status_code == 200, where
        if not response.headers["content-type"].startswith("application/json"):
            continue  # a document (the activity report's HTML): nothing field-level to check
        body = response.json()
        if route == "GET /v1/officers/{officer_id}":
            assert (body["contact"] is not None) == seen.shows("contact", organisation="NL"), where
        if route == "GET /v1/processing-records/{record_id}":
            shown = seen.shows("subject_data", organisation="NL", officer_id=world.ilo.officer_id)
            assert (body["subject_data"] is not None) == shown, where
        if listing and kind == "processing_record":
            assert all(item["organisation"] == caller.org for item in body["items"]), where


def test_every_batch_route_has_a_matrix_request(app: FastAPI) -> None:
    marks = marked(app)
    batches = {r for r, extra in marks.items() if extra.get(BATCH)}
    assert batches == set(BATCH_ITEMS)
    assert all(marks[r][ACTION] in SCENARIOS for r in batches)


@pytest.mark.parametrize("route", sorted(BATCH_ITEMS))
async def test_acl_role_batch_routes_decide_each_item_by_their_action_requirement(
    client: httpx.AsyncClient, app: FastAPI, world: World, auth: Auth, route: str
) -> None:
    action = marked(app)[route][ACTION]
    requirement = REGISTRY[action].policy.requirement
    path = route.split(" ", 1)[1]
    item = BATCH_ITEMS[route](world)
    for caller in CALLERS:
        response = await client.post(
            f"{path}?mode=per_item",
            json={"items": [item]},
            headers=headers_of(auth, caller, world),
        )
        where = f"{caller.name} on {route}: {response.text[:300]}"
        assert response.status_code == 200, where
        (outcome,) = response.json()["items"]
        decision = outcome["decision"] or {"violations": []}
        rules = [v["rule"] for v in decision["violations"]]
        concerned = world.ilo.officer_id if requirement.officer_roles else None
        if requirement.admits(actor_of(caller, world), officer_id=concerned):
            assert "ACL-ROLE" not in rules, where
            assert outcome["status"] != 404, where
        else:
            assert (outcome["outcome"], outcome["status"]) == ("denied", 403), where
            assert "ACL-ROLE" in rules, where
