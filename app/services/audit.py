"""Reading and verifying the audit trail (auditors; a DPO sees its own organisation)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import audit
from app.db.visibility import visible
from app.keyset import Window
from app.models import AuditEvent
from app.policies import deny
from app.policies.rules import ACL_ORG
from app.problems import PolicyDenied
from app.schemas.event import AuditVerification
from app.security import Principal
from app.services import access


async def list_events(
    *,
    session: AsyncSession,
    principal: Principal,
    organisation: str | None,
    action: str | None,
    resource_type: str | None,
    resource_id: str | None,
    window: Window,
) -> Sequence[AuditEvent]:
    """The Commission's auditor reads every event, another auditor or a DPO its own
    organisation's (read policy `audit_event`); asking for another organisation's is a 403
    ACL-ORG."""
    seen = access.listing(principal, "audit_event")
    own = seen.rows.organisation
    if own is not None and organisation not in (None, own):
        raise PolicyDenied(
            deny(
                ACL_ORG,
                f"an auditor or DPO of {own} reads only its own organisation's audit events",
                action="audit.read",
            ),
            resource_type="audit_event",
            action="audit.read",
        )
    query = select(AuditEvent).where(visible(AuditEvent, seen))
    if organisation is not None:
        query = query.where(AuditEvent.organisation == organisation)
    if action is not None:
        query = query.where(AuditEvent.action == action)
    if resource_type is not None:
        query = query.where(AuditEvent.resource_type == resource_type)
    if resource_id is not None:
        query = query.where(AuditEvent.resource_id == resource_id)
    query = window.apply(query, AuditEvent.id)
    return (await session.scalars(query)).all()


async def verify(*, session: AsyncSession, principal: Principal) -> AuditVerification:
    """Seal what is pending, then walk the whole chain (read policy `audit_proof`: auditors)."""
    access.visibility(principal, "audit_proof")
    await audit.seal_pending(session)
    return AuditVerification(**(await audit.verify(session)).as_dict())
