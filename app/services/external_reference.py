"""External references: the client system's own id for an officer, a deployment or a processing
record, unique within the owning organisation, so that a member-state system reconciles its
rows with ours without storing our ids.

The loader of each creation reports a reference already taken as a 409 conflict (the dry run
shows it beside the Decision); the database's unique constraint per organisation settles two
creations that race (app/db/writer.py turns its violation into the same 409).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Deployment, Officer, ProcessingRecord
from app.problems import Conflict

Referenced = type[Officer] | type[Deployment] | type[ProcessingRecord]


def reference_conflict(resource: str, reference: str | None = None) -> Conflict:
    named = f" {reference!r}" if reference is not None else ""
    return Conflict(
        f"The external_reference{named} is already used by another {resource} of the "
        "organisation; references are unique per organisation."
    )


async def reference_taken(
    session: AsyncSession, model: Referenced, *, organisation: str, reference: str | None
) -> Conflict | None:
    """A 409 when the organisation already has a row of this kind with the reference."""
    if reference is None:
        return None
    existing = await session.scalar(
        select(model.id).where(
            model.organisation == organisation, model.external_reference == reference
        )
    )
    return reference_conflict(model.__tablename__, reference) if existing is not None else None
