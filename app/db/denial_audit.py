"""404s for resources that do not exist, audited in aggregate.

A denied attempt on a resource that exists — a 403, or a 404 because the caller may not see an
existing record — is an audit event of its own (`app/db/audit.py::record_denial`). A 404 for a
resource that does not exist touched nothing: it is counted in process per client, method and
route, and every `ILONET_DENIAL_AGGREGATE_SECONDS` each count becomes one `policy.denied` event
with `details.count`. A scanner therefore grows the audit log by at most one event per client
and route per interval, not one per request. The counts of the last interval are lost if the
process dies without shutting down.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from app.db.audit import new_event, record_denial
from app.db.guard import authorise
from app.models import (
    AdequacyDecisionEntry,
    Authority,
    Deployment,
    Officer,
    ProcessingRecord,
    TransferInstrumentEntry,
    WebhookSubscription,
)
from app.problems import NotFound, PolicyDenied
from app.security import Principal

_BY_UUID: dict[str, Any] = {
    "authority": Authority,
    "officer": Officer,
    "deployment": Deployment,
    "processing_record": ProcessingRecord,
    "webhook": WebhookSubscription,
}
_BY_TEXT: dict[str, Any] = {
    "adequacy_decision": AdequacyDecisionEntry,
    "transfer_instrument": TransferInstrumentEntry,
}


async def names_existing_resource(session: AsyncSession, denied: NotFound) -> bool:
    """Whether the 404 concerns a resource that exists (or one this module cannot look up,
    which counts as existing: when in doubt the attempt is audited on its own)."""
    if denied.resource_id is None:
        return False  # nothing named: e.g. an unknown organisation code (the list is public)
    kind = denied.resource_type
    if kind in _BY_UUID:
        try:
            key: object = uuid.UUID(denied.resource_id)
        except ValueError:
            return False
        model = _BY_UUID[kind]
    elif kind in _BY_TEXT:
        model = _BY_TEXT[kind]
        key = denied.resource_id
        if len(denied.resource_id) > model.id.type.length:
            return False
    else:
        return True
    found = await session.scalar(select(model.id).where(model.id == key))
    return found is not None


Key = tuple[str, str, str, str, str, str]  # iss, sub, org, method, route, resource type


@dataclass
class _Count:
    count: int
    first: datetime
    last: datetime
    roles: tuple[str, ...]


class NotFoundTally:
    """In-process counts of 404s for missing resources; `clock` is injectable."""

    def __init__(self, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.clock = clock
        self._counts: dict[Key, _Count] = {}

    def add(self, principal: Principal, method: str, route: str, resource_type: str) -> None:
        now = self.clock()
        key = (principal.iss, principal.sub, principal.org, method, route, resource_type)
        entry = self._counts.get(key)
        if entry is None:
            self._counts[key] = _Count(1, now, now, tuple(sorted(principal.roles)))
        else:
            entry.count += 1
            entry.last = now

    def drain(self) -> dict[Key, _Count]:
        counts, self._counts = self._counts, {}
        return counts

    def __len__(self) -> int:
        return len(self._counts)


async def audit_refusal(
    session: AsyncSession, request: Request, principal: Principal, denied: PolicyDenied | NotFound
) -> None:
    """Put a refused attempt on record: its own `policy.denied` event when it concerns a
    resource that exists (a 403, or a 404 for a row the caller may not see), a count towards
    the aggregate when nothing exists there. The request's unit of work and the batch routes'
    items both call it."""
    if isinstance(denied, NotFound) and not await names_existing_resource(session, denied):
        route = request.scope.get("route")
        request.app.state.not_found_tally.add(
            principal,
            request.method,
            getattr(route, "path", request.url.path),
            denied.resource_type,
        )
        return
    await record_denial(session, request, principal, denied)


async def flush(session: AsyncSession, tally: NotFoundTally) -> int:
    """Write one aggregate `policy.denied` event per counted key and commit; returns how many."""
    counts = tally.drain()
    for (iss, sub, org, method, route, resource_type), entry in counts.items():
        event = new_event(
            actor={"iss": iss, "sub": sub, "org": org, "roles": list(entry.roles)},
            organisation=org,
            action="policy.denied",
            outcome="denied",
            resource_type=resource_type or "request",
            resource_id=None,
            request_id=None,
            details={
                "status": 404,
                "method": method,
                "route": route,
                "aggregate": True,
                "count": entry.count,
                "first_at": entry.first.isoformat(timespec="seconds"),
                "last_at": entry.last.isoformat(timespec="seconds"),
            },
        )
        session.add(authorise(session, event))
    if counts:
        await session.commit()
    return len(counts)
