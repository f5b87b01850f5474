"""Generated from the action registry: for every guarded action, the dry run says exactly what
the real write then does, and a denied write stores nothing but its audit event.

Each action has one scenario here; a registered action without one fails the suite.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import AuditEvent
from app.services.actions import REGISTRY
from tests import factories
from tests.factories import TODAY, Auth
from tests.scenarios import SCENARIOS, SYSTEM_ACTIONS, TABLES, World, Write


@pytest.fixture(autouse=True)
def _receivers(public_receiver: None) -> None:
    """Webhook scenarios subscribe cms.example.nl (answered by the fixture, not by DNS)."""


def test_every_registered_action_has_a_scenario() -> None:
    assert set(SCENARIOS) | SYSTEM_ACTIONS == set(REGISTRY)
    assert {n for n, a in REGISTRY.items() if a.policy.requirement.system} == SYSTEM_ACTIONS


# Per table: its name, its row count and a digest of every row (a fixed table list).
_DIGEST = "md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"
_DIGESTS = " UNION ALL ".join(
    f"SELECT '{table}', count(*), {_DIGEST} FROM {table} t"  # noqa: S608
    for table in TABLES
)


async def _snapshot(session: AsyncSession) -> dict[str, tuple[int, str]]:
    """Per table: the row count and a digest of every row, so any insert or change shows (one
    query for every table)."""
    rows = (await session.execute(text(_DIGESTS))).all()
    state = {str(table): (int(count), str(digest)) for table, count, digest in rows}
    assert set(state) == set(TABLES)
    return state


async def _denials(session: AsyncSession) -> list[AuditEvent]:
    return list(
        (
            await session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == "policy.denied")
                .order_by(AuditEvent.id)
            )
        ).all()
    )


async def _dry_run(
    client: httpx.AsyncClient, action: str, write: Write, headers: dict[str, str]
) -> dict[str, Any]:
    body: dict[str, Any] = {"action": action, "body": write.body}
    if write.target is not None:
        body["target_id"] = write.target
    if write.if_match is not None:
        body["if_match"] = write.if_match
    response = await client.post("/v1/policy/evaluate", json=body, headers=headers)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def _write(
    client: httpx.AsyncClient, write: Write, headers: dict[str, str]
) -> httpx.Response:
    extra = {"If-Match": write.if_match} if write.if_match else {}
    return await client.request(
        write.method, write.path, json=write.body or None, headers={**headers, **extra}
    )


def _same(dry: dict[str, Any], response: httpx.Response) -> None:
    """The dry run's answer is the write's outcome."""
    if not dry["allowed"]:
        assert response.status_code == 403, response.text
        problem = response.json()
        assert problem["type"] == "/problems/policy-denied"
        assert [v["rule"] for v in problem["violations"]] == [v["rule"] for v in dry["violations"]]
        assert [v["message"] for v in problem["violations"]] == [
            v["message"] for v in dry["violations"]
        ]
    elif dry["conflicts"]:
        assert response.status_code == dry["conflicts"][0]["status"], response.text
        assert response.json()["type"] == dry["conflicts"][0]["type"]
    else:
        assert response.status_code in (200, 201, 204), response.text


async def _check(
    client: httpx.AsyncClient, session: AsyncSession, action: str, write: Write, who: dict[str, str]
) -> dict[str, Any]:
    dry = await _dry_run(client, action, write, who)
    before = await _snapshot(session)
    denials = len(await _denials(session))
    response = await _write(client, write, who)
    _same(dry, response)
    if not dry["allowed"]:
        assert await _snapshot(session) == before
        denial = (await _denials(session))[denials:]
        assert len(denial) == 1
        assert denial[0].details["attempted"] == action
        assert denial[0].decision_id == response.json()["decision_id"]
    return dry


@pytest.mark.parametrize("action", sorted(SCENARIOS))
async def test_dry_run_equals_the_write_for_the_entitled_caller(
    client: httpx.AsyncClient, session: AsyncSession, world: World, auth: Auth, action: str
) -> None:
    write = SCENARIOS[action](world)
    who = write.headers or auth("COM", ["reference_admin"])
    dry = await _check(client, session, action, write, who)
    assert dry["allowed"], dry
    assert dry["conflicts"] == []


@pytest.mark.parametrize("action", sorted(SCENARIOS))
async def test_dry_run_equals_the_write_for_a_caller_without_the_role_and_nothing_is_stored(
    client: httpx.AsyncClient, session: AsyncSession, world: World, auth: Auth, action: str
) -> None:
    write = SCENARIOS[action](world)
    # An auditor of the organisation sees what it audits but may change none of it.
    dry = await _check(client, session, action, write, auth("NL", ["auditor"]))
    assert not dry["allowed"]
    assert "ACL-ROLE" in [v["rule"] for v in dry["violations"]]


@pytest.mark.parametrize("action", sorted(SYSTEM_ACTIONS))
async def test_acl_role_system_actions_are_refused_to_every_token(
    client: httpx.AsyncClient, world: World, auth: Auth, action: str
) -> None:
    target = world.record_id if action.startswith("processing_record") else world.ilo.officer_id
    # those who may see the target (the record's ILO and DPO), yet may not ask for the action
    for who in (world.ilo.headers, auth("NL", ["dpo"])):
        dry = await _dry_run(client, action, Write("POST", "", {}, {}, target=target), who)
        assert not dry["allowed"]
        assert [v["rule"] for v in dry["violations"]][:1] == ["ACL-ROLE"]


# --- the disagreements the registry removed ------------------------------------------------


async def test_state_conflicts_are_reported_beside_an_allowed_decision(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    nl = world.nl
    # planned → ended is no transition: allowed by law, a 409 on the write
    ended = Write(
        "POST",
        f"/v1/deployments/{world.planned_id}/transitions",
        {"to": "ended", "on": TODAY.isoformat()},
        nl,
        target=world.planned_id,
        if_match='"v1"',
    )
    dry = await _check(client, session, "deployment.transition", ended, nl)
    assert (dry["allowed"], [c["status"] for c in dry["conflicts"]]) == (True, [409])
    # a stale If-Match is a 412 beside the decision
    stale = Write(
        "PATCH",
        f"/v1/deployments/{world.planned_id}",
        {"city": "Thiès"},
        nl,
        target=world.planned_id,
        if_match='"v9"',
    )
    dry = await _check(client, session, "deployment.amend", stale, nl)
    assert [(c["status"], c["type"]) for c in dry["conflicts"]] == [
        (412, "/problems/precondition-failed")
    ]
    # amending an ended deployment
    await factories.transition_deployment(
        client,
        nl,
        deployment_id=world.ilo.deployment_id,
        to="ended",
        on=TODAY.isoformat(),
        version=2,
    )
    amend = Write(
        "PATCH",
        f"/v1/deployments/{world.ilo.deployment_id}",
        {"city": "Thiès"},
        nl,
        target=world.ilo.deployment_id,
        if_match='"v3"',
    )
    dry = await _check(client, session, "deployment.amend", amend, nl)
    assert dry["allowed"]
    assert [c["detail"] for c in dry["conflicts"]] == [
        "A ended deployment can no longer be amended."
    ]


async def test_sharing_an_erased_record_is_a_conflict_in_both(
    client: httpx.AsyncClient, session: AsyncSession, world: World
) -> None:
    erased = await client.post(
        f"/v1/processing-records/{world.record_id}/erasure", headers=world.ilo.headers
    )
    assert erased.status_code == 200, erased.text
    share = SCENARIOS["share.record"](world)
    dry = await _check(client, session, "share.record", share, world.ilo.headers)
    assert dry["allowed"]
    assert [c["status"] for c in dry["conflicts"]] == [409]
    assert "was erased on" in dry["conflicts"][0]["detail"]


async def test_acl_claim_a_non_controller_organisation_is_refused_before_any_decision(
    client: httpx.AsyncClient, session: AsyncSession, auth: Auth
) -> None:
    """The European Parliament deploys no ILOs (ILO-10.2 says so in the decision, tests/policies):
    a token claiming that it does is refused when it is verified (ACL-CLAIM), for the dry run
    and the write alike, and the refusal is on record."""
    ep = auth("EP", ["deploying_authority"], sub="ep-deployer")
    before = await _snapshot(session)
    dry = await client.post(
        "/v1/policy/evaluate",
        json={"action": "authority.create", "body": factories.authority_body("EP")},
        headers=ep,
    )
    write = await client.post("/v1/authorities", json=factories.authority_body("EP"), headers=ep)
    for response in (dry, write):
        assert response.status_code == 401, response.text
        assert response.json()["type"] == "/problems/unauthenticated"
        assert "role deploying_authority is held by" in response.json()["detail"]
        assert "not by EP (european_parliament)" in response.json()["detail"]
    assert await _snapshot(session) == before
    refusals = [e for e in await _denials(session) if e.actor["sub"] == "ep-deployer"]
    assert [(e.rules, e.details["status"], e.organisation) for e in refusals] == [
        (["ACL-CLAIM"], 401, "EP"),
        (["ACL-CLAIM"], 401, "EP"),
    ]
