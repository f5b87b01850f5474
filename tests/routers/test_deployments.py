"""/v1/deployments: Art. 4 notifications through the guarded write path (ILO-2.2, 4.1, 6.x)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.db import denial_audit
from app.models import AuditEvent, Deployment, DeploymentHistory, OutboxEvent
from tests import factories
from tests.factories import JSON, Auth


@pytest.fixture
def nl(auth: Auth) -> dict[str, str]:
    return auth("NL", ["deploying_authority"], sub="nl-ind")


@pytest.fixture
async def officer(client: httpx.AsyncClient, nl: dict[str, str]) -> JSON:
    authority = await factories.create_authority(client, nl)
    return await factories.create_officer(client, nl, authority_id=authority["id"], contact=None)


# The notification these tests vary: a two-year posting from February, two region countries.
NOTIFICATION: JSON = {
    "region_countries": ["GM", "ML"],
    "topics": ["b_migration_flows", "c_routes"],
    "starts_on": "2026-02-01",
    "ends_on": "2028-01-31",
}


def notification(officer_id: str, **overrides: Any) -> JSON:
    return factories.deployment_body(officer_id, **{**NOTIFICATION, **overrides})


async def _count(session: AsyncSession, model: type[Any], *where: Any) -> int:
    return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def test_plan_is_stored_with_history_audit_and_feed_event(
    client: httpx.AsyncClient, nl: dict[str, str], officer: JSON, session: AsyncSession
) -> None:
    response = await client.post("/v1/deployments", json=notification(officer["id"]), headers=nl)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "planned"
    assert body["organisation"] == "NL"
    assert body["host_country"] == "SN"
    assert body["eu_funding_eligible"] is False
    assert response.headers["etag"] == '"v1"'
    assert response.headers["location"] == f"/v1/deployments/{body['id']}"

    stored = await session.get(Deployment, body["id"])
    assert stored is not None
    assert (stored.status, stored.city, stored.tasks) == ("planned", "Dakar", ["return"])
    history = (await session.scalars(select(DeploymentHistory))).all()
    assert [(h.event, h.status) for h in history] == [("planned", "planned")]
    audit = (
        await session.scalars(select(AuditEvent).where(AuditEvent.resource_id == body["id"]))
    ).one()
    assert (audit.action, audit.outcome, audit.organisation) == (
        "deployment.planned",
        "allowed",
        "NL",
    )
    assert {"ILO-2.2", "ILO-4.1", "ACL-ORG", "ACL-ROLE"} <= set(audit.rules)
    assert audit.decision_id == history[0].decision_id
    feed = (
        await session.scalars(select(OutboxEvent).where(OutboxEvent.resource_id == body["id"]))
    ).one()
    assert (feed.type, feed.visibility) == ("deployment.planned", "network")


async def test_ilo_2_2_ilo_4_1_ends_on_is_required_and_its_422_names_the_rules(
    client: httpx.AsyncClient, nl: dict[str, str], officer: JSON, session: AsyncSession
) -> None:
    """A field the policy always requires is required in the schema; its absence is a 422
    that names the rules, and nothing is decided or stored."""
    body = notification(officer["id"])
    for missing in ({k: v for k, v in body.items() if k != "ends_on"}, {**body, "ends_on": None}):
        response = await client.post("/v1/deployments", json=missing, headers=nl)
        assert response.status_code == 422, response.text
        (error,) = response.json()["errors"]
        assert error["pointer"] == "/ends_on"
        if "ends_on" not in missing:
            assert error["detail"] == (
                "Field required: the policy always requires it (ILO-2.2, ILO-4.1)"
            )
    schema = (await client.get("/openapi.json")).json()["components"]["schemas"]
    assert "ends_on" in schema["DeploymentCreate"]["required"]
    assert schema["DeploymentCreate"]["properties"]["ends_on"]["x-ilonet-rules"] == [
        "ILO-2.2",
        "ILO-4.1",
    ]
    assert await _count(session, Deployment) == 0


@pytest.mark.parametrize(
    ("overrides", "rule", "fragment"),
    [
        ({"host_country": "FR"}, "ILO-2.2", "FR"),
        ({"host_country": "DK"}, "ILO-2.2", "DK"),
        ({"host_country": "NO"}, "ILO-2.2", "NO"),
        ({"ends_on": "2026-01-01"}, "ILO-2.2", "ends_on"),
        ({"topics": [], "tasks": []}, "ILO-4.1", "job description"),
        (
            {"represented_member_states": ["NL"], "representation_agreement_reference": "A-1"},
            "ILO-6.1",
            "NL",
        ),
        ({"represented_member_states": ["BE"]}, "ILO-6.1", "agreement"),
        (
            {"shared_tasks": [{"member_state": "BE", "task": "return", "agreement_reference": ""}]},
            None,
            "",
        ),
        ({"co_deploying_member_states": ["US"]}, "ILO-6.3", "US"),
    ],
    ids=[
        "ilo_2_2_member_state_host",
        "ilo_2_2_denmark_is_not_a_third_country",
        "ilo_2_2_schengen_associated_host",
        "ilo_2_2_end_before_start",
        "ilo_4_1_no_job_description",
        "ilo_6_1_represents_itself",
        "ilo_6_1_no_agreement",
        "ilo_6_2_blank_agreement_is_a_validation_error",
        "ilo_6_3_co_deployer_not_a_member_state",
    ],
)
async def test_rule_violations_are_403_with_rule_ids_and_nothing_stored(
    client: httpx.AsyncClient,
    nl: dict[str, str],
    officer: JSON,
    session: AsyncSession,
    overrides: JSON,
    rule: str | None,
    fragment: str,
) -> None:
    response = await client.post(
        "/v1/deployments", json=notification(officer["id"], **overrides), headers=nl
    )
    if rule is None:
        assert response.status_code == 422
        assert response.json()["errors"][0]["pointer"] == "/shared_tasks/0/agreement_reference"
        return
    assert response.status_code == 403, response.text
    problem = response.json()
    assert problem["type"] == "/problems/policy-denied"
    assert rule in [v["rule"] for v in problem["violations"]]
    violation = next(v for v in problem["violations"] if v["rule"] == rule)
    assert fragment in violation["message"]
    assert violation["article"].startswith("Regulation (EU) 2019/1240, Art.")
    assert await _count(session, Deployment) == 0
    denial = (
        await session.scalars(select(AuditEvent).where(AuditEvent.action == "policy.denied"))
    ).one()
    assert denial.outcome == "denied"
    assert rule in denial.rules
    assert denial.decision_id == problem["decision_id"]
    assert denial.details["attempted"] == "deployment.plan"


async def test_ilo_6_3_joint_deployment_is_eligible_for_union_support(
    client: httpx.AsyncClient, nl: dict[str, str], officer: JSON
) -> None:
    joint = await client.post(
        "/v1/deployments",
        json=notification(officer["id"], co_deploying_member_states=["BE"]),
        headers=nl,
    )
    assert joint.status_code == 201, joint.text
    assert joint.json()["eu_funding_eligible"] is True
    represented = await client.post(
        "/v1/deployments",
        json=notification(
            officer["id"],
            represented_member_states=["BE", "LU"],
            representation_agreement_reference="Benelux arrangement 2025/7",
        ),
        headers=nl,
    )
    assert represented.status_code == 201, represented.text
    assert represented.json()["eu_funding_eligible"] is False


async def test_acl_org_another_organisation_cannot_notify(
    client: httpx.AsyncClient, officer: JSON, auth: Auth, session: AsyncSession
) -> None:
    response = await client.post(
        "/v1/deployments",
        json=notification(officer["id"]),
        headers=auth("FR", ["deploying_authority"]),
    )
    assert response.status_code == 403
    assert [v["rule"] for v in response.json()["violations"]] == ["ACL-ORG"]
    assert await _count(session, Deployment) == 0
    denial = (
        await session.scalars(select(AuditEvent).where(AuditEvent.action == "policy.denied"))
    ).one()
    assert (denial.organisation, denial.rules) == ("FR", ["ACL-ORG"])


async def test_acl_role_an_ilo_cannot_notify(
    client: httpx.AsyncClient, officer: JSON, auth: Auth, session: AsyncSession
) -> None:
    response = await client.post(
        "/v1/deployments",
        json=notification(officer["id"]),
        headers=auth("NL", ["ilo"], officer_id=officer["id"]),
    )
    assert response.status_code == 403
    assert [v["rule"] for v in response.json()["violations"]] == ["ACL-ROLE"]
    assert await _count(session, Deployment) == 0
    assert await _count(session, AuditEvent, AuditEvent.action == "policy.denied") == 1


async def test_integration_with_scope_may_notify(
    client: httpx.AsyncClient, officer: JSON, auth: Auth
) -> None:
    without = await client.post(
        "/v1/deployments",
        json=notification(officer["id"]),
        headers=auth("NL", ["integration"], scopes=["deployments:read"]),
    )
    assert without.status_code == 403
    assert [v["rule"] for v in without.json()["violations"]] == ["ACL-ROLE"]
    with_scope = await client.post(
        "/v1/deployments",
        json=notification(officer["id"]),
        headers=auth("NL", ["integration"], scopes=["deployments:write"]),
    )
    assert with_scope.status_code == 201


async def test_unknown_officer_is_404_and_audited_in_aggregate(
    app: FastAPI,
    client: httpx.AsyncClient,
    nl: dict[str, str],
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """No such officer: nothing exists to attempt, so the 404 is counted (app/db/denial_audit)."""
    missing = "00000000-0000-4000-8000-000000000000"
    response = await client.post("/v1/deployments", json=notification(missing), headers=nl)
    assert response.status_code == 404
    denials = select(AuditEvent).where(AuditEvent.action == "policy.denied")
    assert (await session.scalars(denials)).all() == []
    async with sessionmaker() as flushing:
        assert await denial_audit.flush(flushing, app.state.not_found_tally) == 1
    denial = (await session.scalars(denials)).one()
    assert (denial.resource_type, denial.resource_id) == ("officer", None)
    assert denial.details["status"] == 404
    assert (denial.details["route"], denial.details["count"]) == ("/v1/deployments", 1)


async def _plan(client: httpx.AsyncClient, headers: dict[str, str], officer_id: str) -> JSON:
    return await factories.plan_deployment(client, headers, officer_id=officer_id, **NOTIFICATION)


async def test_state_machine_and_history(
    client: httpx.AsyncClient, nl: dict[str, str], officer: JSON, session: AsyncSession
) -> None:
    planned = await _plan(client, nl, officer["id"])
    url = f"/v1/deployments/{planned['id']}/transitions"
    deployed = await client.post(
        url, json={"to": "deployed", "on": "2026-02-01"}, headers={**nl, "If-Match": '"v1"'}
    )
    assert deployed.status_code == 200, deployed.text
    assert (deployed.json()["status"], deployed.json()["deployed_on"]) == ("deployed", "2026-02-01")
    assert deployed.headers["etag"] == '"v2"'

    illegal = await client.post(
        url, json={"to": "cancelled", "on": "2026-03-01"}, headers={**nl, "If-Match": '"v2"'}
    )
    assert illegal.status_code == 409
    assert illegal.json()["type"] == "/problems/conflict"

    ended = await client.post(
        url, json={"to": "ended", "on": "2027-06-30"}, headers={**nl, "If-Match": '"v2"'}
    )
    assert ended.status_code == 200
    again = await client.post(
        url, json={"to": "deployed", "on": "2027-07-01"}, headers={**nl, "If-Match": '"v3"'}
    )
    assert again.status_code == 409

    history = await client.get(f"/v1/deployments/{planned['id']}/history", headers=nl)
    assert [(h["event"], h["status"], h["version"]) for h in history.json()["items"]] == [
        ("planned", "planned", 1),
        ("deployed", "deployed", 2),
        ("ended", "ended", 3),
    ]
    events = (
        await session.scalars(
            select(OutboxEvent.type)
            .where(OutboxEvent.resource_id == planned["id"])
            .order_by(OutboxEvent.id)
        )
    ).all()
    assert list(events) == ["deployment.planned", "deployment.deployed", "deployment.ended"]


async def test_transition_needs_if_match(
    client: httpx.AsyncClient, nl: dict[str, str], officer: JSON
) -> None:
    planned = await _plan(client, nl, officer["id"])
    url = f"/v1/deployments/{planned['id']}/transitions"
    missing = await client.post(url, json={"to": "deployed", "on": "2026-02-01"}, headers=nl)
    assert missing.status_code == 428
    stale = await client.post(
        url, json={"to": "deployed", "on": "2026-02-01"}, headers={**nl, "If-Match": '"v7"'}
    )
    assert stale.status_code == 412


async def test_amendment_is_decided_before_and_after(
    client: httpx.AsyncClient,
    nl: dict[str, str],
    officer: JSON,
    session: AsyncSession,
    auth: Auth,
) -> None:
    planned = await _plan(client, nl, officer["id"])
    url = f"/v1/deployments/{planned['id']}"
    moved = await client.patch(url, json={"host_country": "ES"}, headers={**nl, "If-Match": '"v1"'})
    assert moved.status_code == 403
    assert [v["rule"] for v in moved.json()["violations"]] == ["ILO-2.2"]
    assert (await session.get(Deployment, planned["id"])).host_country == "SN"  # type: ignore[union-attr]

    amended = await client.patch(
        url, json={"city": "Saint-Louis", "host_country": "SN"}, headers={**nl, "If-Match": '"v1"'}
    )
    assert amended.status_code == 200, amended.text
    assert (amended.json()["city"], amended.json()["version"]) == ("Saint-Louis", 2)
    assert amended.headers["etag"] == '"v2"'
    audit = (
        await session.scalars(select(AuditEvent).where(AuditEvent.action == "deployment.amended"))
    ).one()
    assert audit.details["fields"] == ["city", "host_country"]

    foreign = await client.patch(
        url,
        json={"city": "Thiès"},
        headers={**auth("FR", ["deploying_authority"]), "If-Match": '"v2"'},
    )
    assert foreign.status_code == 403
    assert [v["rule"] for v in foreign.json()["violations"]] == ["ACL-ORG"]
    assert (await session.get(Deployment, planned["id"])).city == "Saint-Louis"  # type: ignore[union-attr]


async def test_list_filters_and_visibility(
    client: httpx.AsyncClient, nl: dict[str, str], officer: JSON, auth: Auth
) -> None:
    await _plan(client, nl, officer["id"])
    await _plan(client, nl, officer["id"])
    other = await client.post(
        "/v1/deployments",
        json=notification(officer["id"], host_country="MA", city="Rabat"),
        headers=nl,
    )
    assert other.status_code == 201
    reader = auth("EP", ["ep_reader"])
    page = await client.get("/v1/deployments?host_country=SN&limit=1", headers=reader)
    assert page.status_code == 200
    body = page.json()
    assert len(body["items"]) == 1
    assert body["next_cursor"]
    second = await client.get(
        f"/v1/deployments?host_country=SN&limit=1&cursor={body['next_cursor']}", headers=reader
    )
    assert [d["host_country"] for d in second.json()["items"]] == ["SN"]
    assert second.json()["next_cursor"] is None
    assert second.json()["items"][0]["id"] != body["items"][0]["id"]
    integration = await client.get(
        "/v1/deployments", headers=auth("NL", ["integration"], scopes=["officers:read"])
    )
    assert integration.status_code == 403
    assert integration.json()["violations"][0]["rule"] == "ACL-ROLE"


async def test_an_amendment_that_sets_a_required_field_to_null_is_a_422(
    client: httpx.AsyncClient, nl: dict[str, str], officer: JSON, session: AsyncSession
) -> None:
    planned = await factories.plan_deployment(client, nl, officer_id=officer["id"])
    response = await client.patch(
        f"/v1/deployments/{planned['id']}",
        json={"co_deploying_member_states": None},
        headers={**nl, "If-Match": '"v1"'},
    )
    assert response.status_code == 422, response.text
    assert "may be left out, not set to null" in response.text
    stored = await session.get(Deployment, planned["id"])
    assert stored is not None
    assert stored.version == 1
