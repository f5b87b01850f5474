"""Deploying authorities: register and read."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.visibility import visible
from app.db.writer import Change, NewRow, Prepared
from app.keyset import Window
from app.models import Authority
from app.policies import AuthorityFacts, Decision
from app.policies.authority import AUTHORITY_CREATE
from app.problems import NotFound
from app.schemas.authority import AuthorityCreate
from app.security import Principal
from app.services import access
from app.services.guarded import Action, Context
from app.services.organisation import get_organisation


async def _prepare_create(
    context: Context, _: object, body: AuthorityCreate
) -> Prepared[AuthorityFacts]:
    await get_organisation(session=context.writer.session, code=body.organisation)
    return Prepared(
        AuthorityFacts(actor=context.principal.actor(), authority_org=body.organisation)
    )


def _build_create(
    _: Context, __: Prepared[AuthorityFacts], body: AuthorityCreate, ___: Decision
) -> NewRow[Authority]:
    """An authority under the caller's organisation (ACL-ROLE, ACL-ORG)."""
    authority = Authority(
        id=uuid.uuid4(),
        organisation=body.organisation,
        name=body.name,
        authority_kind=body.authority_kind.value,
    )
    return NewRow(authority, Change(organisation=body.organisation))


CREATE = Action(
    policy=AUTHORITY_CREATE,
    resource="authority",
    body=AuthorityCreate,
    target="none",
    load=_prepare_create,
    build=_build_create,
    makes="row",
    summary="Register a deploying authority of your organisation",
)


async def get_authority(*, session: AsyncSession, authority_id: uuid.UUID) -> Authority:
    authority = await session.get(Authority, authority_id)
    if authority is None:
        raise NotFound(
            f"No authority {authority_id}.",
            resource_type="authority",
            resource_id=str(authority_id),
        )
    return authority


async def read_authority(
    *, session: AsyncSession, principal: Principal, authority_id: uuid.UUID
) -> Authority:
    """An authority the caller sees (read policy `authority`), or a 404."""
    seen = access.visibility(principal, "authority")
    authority = await session.scalar(
        select(Authority).where(Authority.id == authority_id, visible(Authority, seen))
    )
    if authority is None:
        raise NotFound(
            f"No authority {authority_id}.",
            resource_type="authority",
            resource_id=str(authority_id),
        )
    return authority


async def list_authorities(
    *,
    session: AsyncSession,
    principal: Principal,
    organisation: str | None,
    window: Window,
) -> Sequence[Authority]:
    seen = access.listing(principal, "authority")
    query = select(Authority).where(visible(Authority, seen))
    if organisation is not None:
        query = query.where(Authority.organisation == organisation)
    query = window.apply(query, Authority.id)
    return (await session.scalars(query)).all()
