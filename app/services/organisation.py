"""Reading the participants registry."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import near_static
from app.db.visibility import visible
from app.keyset import Window
from app.models import Organisation
from app.policies import Participant
from app.policies.visibility import READ_POLICIES
from app.policies.vocabulary import OrganisationKind
from app.problems import NotFound
from app.security import Principal


async def list_organisations(
    *,
    session: AsyncSession,
    principal: Principal,
    kind: OrganisationKind | None,
    window: Window,
) -> Sequence[Organisation]:
    seen = READ_POLICIES["organisation"](principal.actor())
    query = select(Organisation).where(visible(Organisation, seen))
    if kind is not None:
        query = query.where(Organisation.kind == kind.value)
    query = window.apply(query, Organisation.code)
    return (await session.scalars(query)).all()


async def read_organisation(
    *, session: AsyncSession, principal: Principal, code: str
) -> Organisation:
    """A participant the caller sees (read policy `organisation`: every participant)."""
    seen = READ_POLICIES["organisation"](principal.actor())
    found = await session.scalar(
        select(Organisation).where(Organisation.code == code, visible(Organisation, seen))
    )
    if found is None:
        raise NotFound(f"No organisation with code {code!r}.")
    return found


async def get_organisation(*, session: AsyncSession, code: str) -> Organisation:
    organisation = await session.get(Organisation, code)
    if organisation is None:
        raise NotFound(f"No organisation with code {code!r}.")
    return organisation


async def participants(*, session: AsyncSession) -> Sequence[Organisation]:
    return (await session.scalars(select(Organisation))).all()


async def participant_map(*, session: AsyncSession) -> Mapping[str, Participant]:
    """The participants as the policies see them (third-country and member-state checks).

    Rows only migrations write: cached per engine (app/db/near_static.py), so a decision does
    not read them again. Read-only, so that the policies may key what they derive from them
    (a country's third-country check) to the mapping itself.
    """

    async def load() -> Mapping[str, Participant]:
        rows = (
            await session.execute(
                select(Organisation.code, Organisation.kind, Organisation.bound_by_regulation)
            )
        ).all()
        return MappingProxyType(
            {
                code: Participant(code=code, kind=kind, bound_by_regulation=bound)
                for code, kind, bound in rows
            }
        )

    return await near_static.migration_owned(session, "participants", load)
