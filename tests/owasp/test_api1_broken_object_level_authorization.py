"""OWASP API1 (2023), broken object level authorization: another organisation, with any role or
every integration scope, reaches none of NL's organisation-private objects — processing records
(their subject data, export, transfers, shares) and webhook subscriptions — nor changes any of
NL's objects; each attempt on an existing object is audited with its id."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import AuditEvent
from app.policies.roles import ROLE_TABLE
from app.policies.vocabulary import OrganisationKind, Role, Scope
from app.services.actions import REGISTRY
from tests.factories import PLAINTEXT, Auth
from tests.scenarios import SCENARIOS, World

# Every role France may hold (app/policies/roles.py); a token claiming another is refused before
# any object is looked at (tests/test_foreign_organisations.py).
FR_CALLERS = (
    *(
        (role.value,)
        for role in Role
        if role is not Role.integration
        and OrganisationKind.member_state in ROLE_TABLE[role].holders
    ),
    ("integration",),
)


@pytest.fixture(autouse=True)
def _receivers(public_receiver: None) -> None:
    """Webhook scenarios subscribe cms.example.nl (answered by the fixture, not by DNS)."""


def _fr(auth: Auth, roles: tuple[str, ...]) -> dict[str, str]:
    scopes = [s.value for s in Scope] if roles == ("integration",) else None
    return auth("FR", list(roles), sub=f"fr-{'-'.join(roles)}", scopes=scopes)


async def _denials(session: AsyncSession, resource_id: str) -> int:
    events = await session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "policy.denied", AuditEvent.resource_id == resource_id
        )
    )
    return len(events.all())


async def test_acl_org_private_objects_are_404_to_another_organisation_and_audited(
    client: httpx.AsyncClient, session: AsyncSession, world: World, auth: Auth
) -> None:
    record, hook = world.record_id, world.webhook_id
    paths = {
        f"/v1/processing-records/{record}": record,
        f"/v1/processing-records/{record}/export": record,
        f"/v1/processing-records/{record}/transfers": record,
        f"/v1/processing-records/{record}/shares": record,
        f"/v1/webhooks/{hook}": hook,
    }
    for roles in FR_CALLERS:
        for path, object_id in paths.items():
            before = await _denials(session, object_id)
            response = await client.get(path, headers=_fr(auth, roles))
            where = f"{roles} on {path}: {response.text[:200]}"
            assert response.status_code == 404, where
            assert response.json()["type"] == "/problems/not-found", where
            assert world.ilo.officer_id not in response.text, where
            assert not any(p in response.text for p in PLAINTEXT), where
            assert await _denials(session, object_id) == before + 1, where
    # the lists of FR's callers never hold an NL record
    for roles in FR_CALLERS:
        listed = await client.get("/v1/processing-records", headers=_fr(auth, roles))
        if listed.status_code == 200:
            assert all(i["organisation"] == "FR" for i in listed.json()["items"]), roles


# Writes on an existing object (creations name their organisation in the body: ACL-ORG there
# is in the registry-generated tests).
ON_OBJECTS = sorted(name for name in SCENARIOS if REGISTRY[name].target != "none")


@pytest.mark.parametrize("action", ON_OBJECTS)
async def test_acl_org_no_write_reaches_another_organisations_object(
    client: httpx.AsyncClient, session: AsyncSession, world: World, auth: Auth, action: str
) -> None:
    write = SCENARIOS[action](world)
    for roles in (("deploying_authority",), ("dpo",), ("ilo",), ("integration",)):
        extra = {"If-Match": write.if_match} if write.if_match else {}
        response = await client.request(
            write.method,
            write.path,
            json=write.body or None,
            headers={**_fr(auth, roles), **extra},
        )
        where = f"{roles} on {action}: {response.text[:200]}"
        if response.status_code == 404:
            continue  # an organisation-private object: not even its existence shows
        assert response.status_code == 403, where
        rules = [v["rule"] for v in response.json()["violations"]]
        assert set(rules) & {"ACL-ORG", "ACL-ROLE"}, where
