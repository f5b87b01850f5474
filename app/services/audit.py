"""Reading and verifying the audit trail (auditors; a DPO sees its own organisation)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import audit
from app.db.visibility import visible
from app.db.writer import Change, Writer
from app.keyset import Window
from app.models import AuditEvent
from app.policies import deny
from app.policies.record_logs import READ_ACTION, decide_log_read
from app.policies.rules import ACL_ORG
from app.problems import PolicyDenied
from app.schemas.event import AuditVerification
from app.security import Principal
from app.services import access


async def list_events(
    *,
    writer: Writer,
    log_use: str | None,
    organisation: str | None,
    action: str | None,
    resource_type: str | None,
    resource_id: str | None,
    window: Window,
) -> Sequence[AuditEvent]:
    """The Commission's auditor reads every event, another auditor or a DPO its own
    organisation's (read policy `audit_event`); asking for another organisation's is a 403
    ACL-ORG. The read names its use (LED-25.2: a 403 otherwise) and is itself logged
    (`audit.consulted`, with the use and the filters), as the subject's record of it when it
    reads one resource's events."""
    principal, session = writer.principal, writer.session
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
    decision = decide_log_read(log_use)
    if not decision.allowed:
        raise PolicyDenied(decision, resource_type="audit_event", action=READ_ACTION)
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
    rows = (await session.scalars(query)).all()
    scope = organisation or own or principal.org
    await writer.record_access(
        decision=decision,
        change=Change(
            event_type="audit.consulted",
            resource_type="audit_event",
            organisation=scope,
            visibility="organisation",
            # the filters by name only (a client's text is not logged), and the resource whose
            # log was read when it is named by its id
            details={
                "log_use": log_use,
                "filters": [
                    name
                    for name, value in (
                        ("organisation", organisation),
                        ("action", action),
                        ("resource_type", resource_type),
                        ("resource_id", resource_id),
                    )
                    if value is not None
                ],
                **_resource(resource_id),
            },
            feed=False,
        ),
        resource_id=scope,
    )
    return rows


def _resource(resource_id: str | None) -> dict[str, str]:
    """The resource whose events were read, when named by a UUID (an id, never a person)."""
    try:
        return {"resource_id": str(uuid.UUID(resource_id))} if resource_id else {}
    except ValueError:
        return {}


async def verify(*, session: AsyncSession, principal: Principal) -> AuditVerification:
    """Seal what is pending, then walk the whole chain (read policy `audit_proof`: auditors)."""
    access.visibility(principal, "audit_proof")
    await audit.seal_pending(session)
    return AuditVerification(**(await audit.verify(session)).as_dict())
