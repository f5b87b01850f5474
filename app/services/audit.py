"""Reading and verifying the audit trail (auditors; a DPO sees its own organisation)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import audit
from app.models import AuditEvent
from app.policies import deny
from app.problems import PolicyDenied
from app.schemas.event import AuditVerification
from app.security import Principal


def audit_scope(principal: Principal, organisation: str | None) -> str | None:
    """The organisation whose events the caller may read (None: all), or a 403 (ACL-ROLE/ORG)."""
    if "auditor" in principal.roles:
        return organisation
    if "dpo" in principal.roles:
        if organisation not in (None, principal.org):
            raise PolicyDenied(
                deny("ACL-ORG", f"a DPO of {principal.org} reads only its own audit events"),
                resource_type="audit_event",
                action="audit.read",
            )
        return principal.org
    raise PolicyDenied(
        deny("ACL-ROLE", "reading the audit trail needs role auditor or dpo"),
        resource_type="audit_event",
        action="audit.read",
    )


async def list_events(
    *,
    session: AsyncSession,
    principal: Principal,
    organisation: str | None,
    action: str | None,
    resource_type: str | None,
    resource_id: str | None,
    after: int | None,
    limit: int,
) -> Sequence[AuditEvent]:
    scope = audit_scope(principal, organisation)
    query = select(AuditEvent).order_by(AuditEvent.id).limit(limit)
    if scope is not None:
        query = query.where(AuditEvent.organisation == scope)
    if action is not None:
        query = query.where(AuditEvent.action == action)
    if resource_type is not None:
        query = query.where(AuditEvent.resource_type == resource_type)
    if resource_id is not None:
        query = query.where(AuditEvent.resource_id == resource_id)
    if after is not None:
        query = query.where(AuditEvent.id > after)
    return (await session.scalars(query)).all()


async def verify(*, session: AsyncSession, principal: Principal) -> AuditVerification:
    """Seal what is pending, then walk the whole chain (auditor only)."""
    if "auditor" not in principal.roles:
        raise PolicyDenied(
            deny("ACL-ROLE", "verifying the audit chain needs role auditor"),
            resource_type="audit_event",
            action="audit.verify",
        )
    await audit.seal_pending(session)
    return AuditVerification(**(await audit.verify(session)).as_dict())
