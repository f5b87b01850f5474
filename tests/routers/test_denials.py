"""Every write route: a denied actor gets the problem, no row changes, and the denial is audited."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import AuditEvent, Authority, Deployment, DeploymentHistory, Officer
from tests import factories
from tests.factories import Auth


@dataclass
class Owned:
    """NL's authority, officer and planned deployment, made in the test's own transaction."""

    authority_id: str
    officer_id: str
    deployment_id: str


@pytest.fixture
async def owned(client: httpx.AsyncClient, auth: Auth) -> Owned:
    nl = auth("NL", ["deploying_authority"])
    authority = await factories.create_authority(client, nl)
    officer = await factories.create_officer(
        client, nl, authority_id=authority["id"], surname="Smit", given_names="Anna"
    )
    deployment = await factories.plan_deployment(
        client,
        nl,
        officer_id=officer["id"],
        posting_type="union_delegation",
        host_country="NE",
        city="Niamey",
        starts_on="2026-01-05",
        ends_on="2027-01-05",
    )
    return Owned(authority["id"], officer["id"], deployment["id"])


Request = Callable[[Owned], tuple[str, str, dict[str, Any], dict[str, str]]]

WRITES: dict[str, Request] = {
    "authority.create": lambda w: (
        "POST",
        "/v1/authorities",
        {"organisation": "NL", "name": "Other", "authority_kind": "police"},
        {},
    ),
    "officer.create": lambda w: (
        "POST",
        "/v1/officers",
        {"authority_id": w.authority_id, "surname": "X", "given_names": "Y"},
        {},
    ),
    "officer.update": lambda w: (
        "PATCH",
        f"/v1/officers/{w.officer_id}",
        {"surname": "Changed"},
        {"If-Match": '"v1"'},
    ),
    "deployment.plan": lambda w: (
        "POST",
        "/v1/deployments",
        {
            "officer_id": w.officer_id,
            "posting_type": "union_delegation",
            "host_country": "NE",
            "city": "Agadez",
            "tasks": ["return"],
            "starts_on": "2026-01-05",
            "ends_on": "2027-01-05",
        },
        {},
    ),
    "deployment.amend": lambda w: (
        "PATCH",
        f"/v1/deployments/{w.deployment_id}",
        {"city": "Agadez"},
        {"If-Match": '"v1"'},
    ),
    "deployment.transition": lambda w: (
        "POST",
        f"/v1/deployments/{w.deployment_id}/transitions",
        {"to": "deployed", "on": "2026-01-05"},
        {"If-Match": '"v1"'},
    ),
}


async def _snapshot(session: AsyncSession) -> tuple[int, ...]:
    counts = []
    for model in (Authority, Officer, Deployment, DeploymentHistory):
        counts.append(int(await session.scalar(select(func.count()).select_from(model)) or 0))
    officer_versions = await session.scalar(select(func.sum(Officer.version)))
    deployment_versions = await session.scalar(select(func.sum(Deployment.version)))
    return (*counts, int(officer_versions or 0), int(deployment_versions or 0))


@pytest.mark.parametrize("action", list(WRITES))
@pytest.mark.parametrize(
    ("org", "roles", "rule"),
    [("FR", ["deploying_authority"], "ACL-ORG"), ("NL", ["auditor"], "ACL-ROLE")],
    ids=["other-organisation", "wrong-role"],
)
async def test_denied_write_changes_nothing_and_is_audited(
    client: httpx.AsyncClient,
    auth: Auth,
    session: AsyncSession,
    owned: Owned,
    action: str,
    org: str,
    roles: list[str],
    rule: str,
) -> None:
    before = await _snapshot(session)
    method, url, body, headers = WRITES[action](owned)
    response = await client.request(method, url, json=body, headers={**auth(org, roles), **headers})
    assert response.status_code == 403, response.text
    problem = response.json()
    assert problem["type"] == "/problems/policy-denied"
    assert rule in {v["rule"] for v in problem["violations"]}
    assert problem["decision_id"]
    assert await _snapshot(session) == before
    denial = (
        await session.scalars(select(AuditEvent).where(AuditEvent.action == "policy.denied"))
    ).one()
    assert (denial.outcome, denial.organisation) == ("denied", org)
    assert rule in denial.rules
    assert denial.decision_id == problem["decision_id"]
    assert denial.details["attempted"] == action
    assert denial.request_id == response.headers["x-request-id"]
