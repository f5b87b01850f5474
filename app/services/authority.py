"""Deploying authorities: register and read."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.writer import Change, Writer
from app.models import Authority
from app.policies import AuthorityFacts
from app.problems import NotFound
from app.schemas.authority import AuthorityCreate
from app.services.organisation import get_organisation


async def create_authority(*, writer: Writer, body: AuthorityCreate) -> Authority:
    """Register an authority under the caller's organisation (ACL-ROLE, ACL-ORG)."""
    await get_organisation(session=writer.session, code=body.organisation)
    authority = Authority(
        id=uuid.uuid4(),
        organisation=body.organisation,
        name=body.name,
        authority_kind=body.authority_kind.value,
    )
    created, _ = await writer.create(
        authority,
        action="authority.create",
        facts=AuthorityFacts(actor=writer.principal.actor(), authority_org=body.organisation),
        change=Change(
            event_type="authority.created",
            resource_type="authority",
            organisation=body.organisation,
        ),
    )
    return created


async def get_authority(*, session: AsyncSession, authority_id: uuid.UUID) -> Authority:
    authority = await session.get(Authority, authority_id)
    if authority is None:
        raise NotFound(
            f"No authority {authority_id}.",
            resource_type="authority",
            resource_id=str(authority_id),
        )
    return authority


async def list_authorities(
    *, session: AsyncSession, organisation: str | None, after: str | None, limit: int
) -> Sequence[Authority]:
    query = select(Authority).order_by(Authority.id).limit(limit)
    if organisation is not None:
        query = query.where(Authority.organisation == organisation)
    if after is not None:
        query = query.where(Authority.id > uuid.UUID(after))
    return (await session.scalars(query)).all()
