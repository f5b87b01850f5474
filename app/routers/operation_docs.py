"""The OpenAPI document made complete from what each route declares, so that a route added later
gets it too: its policy mark (app/routers/policy_marks.py) says which problems it can answer
(a guarded action a 403 and, on an existing resource, a 404; a read a 403 when its read policy
can refuse), who may call it (`x-ilonet-requires`, from the action's Requirement or the read
policy, and a line of its description), and its request body gets its example
(app/schemas/examples.py). tests/test_openapi_quality.py holds every operation to it."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts

from app.policies import Actor, policy_of
from app.policies.roles import COMMISSION
from app.policies.visibility import READ_POLICIES
from app.policies.vocabulary import Role, Scope
from app.problems import PROBLEM_JSON, problem_responses, problem_schema
from app.routers.policy_marks import ACTION, READS
from app.schemas.examples import EXAMPLES

REQUIRES = "x-ilonet-requires"
BEARER = "HTTPBearer"
_PROBE_OFFICER = "00000000-0000-4000-8000-000000000000"


def _probes(org: str = "NL") -> list[tuple[str, Actor]]:
    """One caller per role, and an integration per scope (and one with none), of `org`."""
    people = [
        (
            f"role:{role}",
            Actor(
                sub="probe",
                org=org,
                roles=frozenset({role}),
                officer_id=_PROBE_OFFICER if role == Role.ilo else None,
            ),
        )
        for role in Role
        if role != Role.integration
    ]
    machines = [
        (
            f"scope:{scope}",
            Actor(
                sub="probe",
                org=org,
                roles=frozenset({Role.integration}),
                scopes=frozenset({scope}),
            ),
        )
        for scope in Scope
    ]
    bare = Actor(sub="probe", org=org, roles=frozenset({Role.integration}))
    return [*people, *machines, ("role:integration", bare)]


def read_requirement(kind: str, *, listing: bool) -> tuple[dict[str, Any], bool]:
    """Who may read `kind` (roles, integration scopes: those who see some of its rows) and
    whether anyone gets a 403: a caller refused the kind, and on a list one who sees no row
    (app/services/access.py; a single row not seen is a 404)."""
    policy = READ_POLICIES[kind]
    admitted: list[str] = []
    refused = False
    for name, actor in _probes():
        seen = policy(actor)
        if seen.refusal is None and not seen.rows.none:
            admitted.append(name)
        elif seen.refusal is not None or listing:
            refused = True
    if not admitted:  # a kind only the Commission's callers read (the whole audit log)
        commission = _probes(COMMISSION)
        admitted = [
            n for n, a in commission if (s := policy(a)).refusal is None and not s.rows.none
        ]
    roles = sorted(n.split(":", 1)[1] for n in admitted if n.startswith("role:"))
    scopes = sorted(n.split(":", 1)[1] for n in admitted if n.startswith("scope:"))
    if "integration" in roles:
        scopes = []  # any integration client, whatever its scopes
    return {"roles": roles, "officer_roles": [], "scopes": scopes}, refused


def action_requirement(action: str) -> dict[str, Any]:
    requirement = policy_of(action).requirement
    return {
        "roles": sorted(requirement.roles),
        "officer_roles": sorted(requirement.officer_roles),
        "scopes": [requirement.scope] if requirement.scope else [],
    }


def describe(requires: dict[str, Any]) -> str:
    wanted = [f"role `{r}`" for r in requires["roles"]]
    wanted += [f"role `{r}` for its own officer" for r in requires["officer_roles"]]
    wanted += [f"an integration with scope `{s}`" for s in requires["scopes"]]
    return ", or ".join(wanted) if wanted else "nobody"


def _operations(app: FastAPI, schema: dict[str, Any]) -> list[tuple[APIRoute, str, dict[str, Any]]]:
    found = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if not isinstance(route, APIRoute) or not route.include_in_schema:
            continue
        path = route.path_format
        for method in sorted(route.methods or ()):
            operation = schema.get("paths", {}).get(path, {}).get(method.lower())
            if operation is not None:
                found.append((route, path, operation))
    return found


def _add_problems(operation: dict[str, Any], statuses: set[int]) -> None:
    responses = operation.setdefault("responses", {})
    for status, entry in problem_responses(*sorted(statuses)).items():
        if str(status) not in responses:
            responses[str(status)] = {
                "description": entry["description"],
                "content": {PROBLEM_JSON: {"schema": problem_schema(status)}},
            }


def annotate(app: FastAPI, schema: dict[str, Any]) -> None:
    """Complete every operation of `schema` from its route's declarations (in place)."""
    for route, path, operation in _operations(app, schema):
        extra = route.openapi_extra or {}
        statuses: set[int] = set()
        on_resource = "{" in path
        requires: dict[str, Any] | None = None
        if ACTION in extra:
            requires = action_requirement(extra[ACTION])
            statuses |= {403} | ({404} if on_resource else set())
            line = f"**Requires** (action `{extra[ACTION]}`): {describe(requires)}."
        elif READS in extra:
            requires, refuses = read_requirement(extra[READS], listing=not on_resource)
            statuses |= ({403} if refuses else set()) | ({404} if on_resource else set())
            line = f"**Requires** (read policy `{extra[READS]}`): {describe(requires)}."
        if path.startswith("/v1/"):
            statuses.add(503)  # the database cannot be reached
            operation.setdefault("security", [{BEARER: []}])
        _add_problems(operation, statuses)
        if requires is not None:
            operation[REQUIRES] = requires
            description = operation.get("description", "").rstrip()
            operation["description"] = f"{description}\n\n{line}".strip()
        body = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if body is not None:
            name = str(body.get("schema", {}).get("$ref", "")).rsplit("/", 1)[-1]
            if name in EXAMPLES:
                summary, value = EXAMPLES[name]
                body["examples"] = {"example": {"summary": summary, "value": value}}
