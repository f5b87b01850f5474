"""A verified token's claims held against the data they name (ACL-CLAIM), and a refusal's audit.

The signature proves who issued a token, not that its claims are true of the network: the role
table (app/policies/roles.py) says which organisations may hold each role, and an `officer_id`
must name an officer of the token's own organisation. Both facts come from rows that do not
change under a token's life — participants are written by migrations only, an officer never
changes organisation — so a caller may remember a positive answer for as long as it likes.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.db import near_static
from app.db.audit import new_event
from app.db.guard import authorise
from app.models import Officer, Organisation
from app.policies.roles import Holder, check_claims
from app.policies.rules import ACL_CLAIM


async def _holders(session: AsyncSession) -> dict[str, Holder]:
    async def load() -> dict[str, Holder]:
        rows = await session.execute(
            select(
                Organisation.code,
                Organisation.kind,
                Organisation.board_seats,
                Organisation.alternate_seats,
            )
        )
        return {
            code: Holder(code=code, kind=kind, board_seats=seats, alternate_seats=alternates)
            for code, kind, seats, alternates in rows.all()
        }

    return await near_static.migration_owned(session, "role_holders", load)


async def _officer_organisation(session: AsyncSession, officer_id: str) -> str | None:
    try:
        key = uuid.UUID(officer_id)
    except ValueError:
        return None
    found: str | None = await session.scalar(select(Officer.organisation).where(Officer.id == key))
    return found


class ClaimBinding:
    """The database's answers to app/claims.py's `ClaimCheck` (wired by app/main.py)."""

    async def untrue(
        self,
        maker: async_sessionmaker[AsyncSession],
        *,
        org: str,
        roles: frozenset[str],
        officer_id: str | None,
    ) -> list[str]:
        """What is untrue of the claims (ACL-CLAIM); empty when they are true."""
        async with maker() as session:
            holder = (await _holders(session)).get(org)
            officer_org = (
                None if officer_id is None else await _officer_organisation(session, officer_id)
            )
        result = check_claims(holder, org, roles, officer_id=officer_id, officer_org=officer_org)
        return [v.message for v in result.violations]

    async def record_refusal(
        self,
        maker: async_sessionmaker[AsyncSession],
        *,
        actor: dict[str, Any],
        org: str,
        problems: list[str],
        request_id: str | None,
        method: str,
        route: str,
    ) -> None:
        """The audit event of a token refused for untrue claims, in a commit of its own: the
        request fails, the refusal stays on record."""
        event = new_event(
            actor=actor,
            organisation=org,
            action="policy.denied",
            outcome="denied",
            resource_type="request",
            resource_id=None,
            request_id=request_id,
            rules=[ACL_CLAIM.id],
            details={"status": 401, "method": method, "route": route, "claims": problems},
        )
        async with maker() as session:
            session.add(authorise(session, event))
            await session.commit()
