"""OWASP API5 (2023), broken function level authorization: every role (and every integration
scope) on every write route does exactly what its action's requirement says — generated from the
action registry and the route table (tests/route_matrix.py)."""

from __future__ import annotations

import httpx
import pytest

from app.policies.visibility import READ_POLICIES
from app.services.actions import REGISTRY
from tests.factories import Auth
from tests.route_matrix import (
    CALLERS,
    TARGET_KIND,
    actor_of,
    headers_of,
    row_shown,
    violated_rules,
)
from tests.scenarios import SCENARIOS, World, Write


@pytest.fixture(autouse=True)
def _receivers(public_receiver: None) -> None:
    """Webhook scenarios subscribe cms.example.nl (answered by the fixture, not by DNS)."""


@pytest.mark.parametrize("action", sorted(SCENARIOS))
async def test_acl_role_write_routes_follow_their_action_requirement(
    client: httpx.AsyncClient, world: World, auth: Auth, action: str
) -> None:
    write: Write = SCENARIOS[action](world)
    policy = REGISTRY[action].policy
    target_kind = TARGET_KIND.get(action)
    for caller in CALLERS:
        actor = actor_of(caller, world)
        extra = {"If-Match": write.if_match} if write.if_match else {}
        response = await client.request(
            write.method,
            write.path,
            json=write.body or None,
            headers={**headers_of(auth, caller, world), **extra},
        )
        where = f"{caller.name} on {action}: {response.text[:300]}"
        if target_kind is not None:
            seen = READ_POLICIES[target_kind](actor)
            officer = world.ilo.officer_id if target_kind == "processing_record" else None
            if seen.refusal is not None:
                outcome = (response.status_code, violated_rules(response))
                assert outcome == (403, ["ACL-ROLE"]), where
                continue
            if not row_shown(target_kind, seen, ("NL", officer)):
                assert response.status_code == 404, where
                continue
        concerned = world.ilo.officer_id if policy.requirement.officer_roles else None
        if policy.requirement.admits(actor, officer_id=concerned):
            refused_by = violated_rules(response) if response.status_code == 403 else []
            assert "ACL-ROLE" not in refused_by, where
            assert response.status_code != 404, where
        else:
            assert response.status_code == 403, where
            assert "ACL-ROLE" in violated_rules(response), where
