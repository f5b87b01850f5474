"""The Writer: the only code that adds, changes or deletes rows.

Every write is decided first (policies.evaluate), and lands together with its audit event and
change-feed event in the request's transaction. A denial raises PolicyDenied before anything is
written; the request's session then rolls back and records the denied attempt.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import Delete, Insert, Update

from app.db.audit import new_event
from app.db.guard import WRITER_OPTION, authorise
from app.models import OutboxEvent
from app.models.base import Base
from app.policies import Decision, TraceEntry, evaluate
from app.problems import PolicyDenied
from app.security import Principal

M = TypeVar("M", bound=Base)
ACCESSES = "ilonet.accesses"


@dataclass(frozen=True, slots=True)
class Change:
    """What an allowed write tells the audit log and the change feed (no personal data)."""

    event_type: str  # dotted, past tense: "deployment.planned"
    resource_type: str
    organisation: str  # whose resource it is
    visibility: str = "network"  # or "organisation": only that organisation's readers see it
    purpose: str | None = None
    legal_basis: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)
    feed: bool = True


Access = tuple[Decision | None, Change, str]


def combine(before: Decision, after: Decision) -> Decision:
    """An update must be allowed both for the state it changes and for the state it makes."""
    seen: set[tuple[str, str]] = set()
    violations = []
    for v in (*before.violations, *after.violations):
        if (v.rule, v.message) not in seen:
            seen.add((v.rule, v.message))
            violations.append(v)
    trace = (
        *(TraceEntry(t.rule, t.result, f"before: {t.note}".strip()) for t in before.trace),
        *(TraceEntry(t.rule, t.result, f"after: {t.note}".strip()) for t in after.trace),
    )
    return Decision(
        allowed=before.allowed and after.allowed,
        decision_id=after.decision_id,
        policy_version=after.policy_version,
        violations=tuple(violations),
        basis=after.basis if before.allowed and after.allowed else None,
        obligations=after.obligations if before.allowed and after.allowed else (),
        trace=trace,
    )


class Writer:
    """The unit of work's write side, bound to one request's session and caller."""

    def __init__(
        self,
        session: AsyncSession,
        principal: Principal,
        *,
        request_id: str | None,
        reference_digest: str = "",
    ) -> None:
        self.session = session
        self.principal = principal
        self.request_id = request_id
        self.reference_digest = reference_digest

    # --- deciding ----------------------------------------------------------------------------

    def decide(self, action: str, facts: object, *, resource_type: str) -> Decision:
        decision = evaluate(action, facts, reference_digest=self.reference_digest)
        self.enforce(decision, action=action, resource_type=resource_type)
        return decision

    def decide_update(
        self, action: str, before: object, after: object, *, resource_type: str
    ) -> Decision:
        decision = combine(
            evaluate(action, before, reference_digest=self.reference_digest),
            evaluate(action, after, reference_digest=self.reference_digest),
        )
        self.enforce(decision, action=action, resource_type=resource_type)
        return decision

    @staticmethod
    def enforce(
        decision: Decision, *, action: str, resource_type: str, resource_id: str | None = None
    ) -> None:
        if not decision.allowed:
            raise PolicyDenied(
                decision, resource_type=resource_type, action=action, resource_id=resource_id
            )

    # --- writing -----------------------------------------------------------------------------

    async def create(
        self,
        instance: M,
        *,
        action: str,
        facts: object,
        change: Change,
        related: Sequence[Base] = (),
    ) -> tuple[M, Decision]:
        """Decide, insert (with rows that belong to it, e.g. history), and record."""
        decision = self.decide(action, facts, resource_type=change.resource_type)
        return await self.insert(
            instance, decision=decision, change=change, related=related
        ), decision

    async def insert(
        self, instance: M, *, decision: Decision, change: Change, related: Sequence[Base] = ()
    ) -> M:
        """Insert after a decision already taken."""
        self._require_allowed(decision)
        self.session.add(authorise(self.session, instance))
        await self.session.flush()
        for row in related:
            self.session.add(authorise(self.session, row))
        await self._record(decision, change, _identity(instance))
        return instance

    async def update(
        self,
        instance: M,
        changes: Mapping[str, Any],
        *,
        action: str,
        before: object,
        after: object,
        change: Change,
        related: Sequence[Base] = (),
    ) -> tuple[M, Decision]:
        """Decide the states before and after, apply the changes, and record."""
        decision = self.decide_update(action, before, after, resource_type=change.resource_type)
        updated = await self.apply(
            instance, changes, decision=decision, change=change, related=related
        )
        return updated, decision

    async def apply(
        self,
        instance: M,
        changes: Mapping[str, Any],
        *,
        decision: Decision,
        change: Change,
        related: Sequence[Base] = (),
    ) -> M:
        self._require_allowed(decision)
        for name, value in changes.items():
            setattr(instance, name, value)
        authorise(self.session, instance)
        for row in related:
            self.session.add(authorise(self.session, row))
        await self.session.flush()
        await self._record(decision, change, _identity(instance))
        return instance

    async def delete(self, instance: Base, *, decision: Decision, change: Change) -> None:
        self._require_allowed(decision)
        resource_id = _identity(instance)
        await self.session.delete(authorise(self.session, instance))
        await self.session.flush()
        await self._record(decision, change, resource_id)

    async def execute(
        self,
        statement: Insert | Update | Delete,
        *,
        decision: Decision,
        change: Change,
        resource_id: str,
    ) -> int:
        """A bulk statement after a decision; returns the number of rows it touched."""
        self._require_allowed(decision)
        result = await self.session.execute(statement.execution_options(**{WRITER_OPTION: True}))
        await self._record(decision, change, resource_id)
        return int(getattr(result, "rowcount", 0) or 0)

    async def record_access(
        self, *, decision: Decision | None, change: Change, resource_id: str
    ) -> None:
        """An audit event for an access that changes no row (a read or export of personal data).

        The access is also remembered on the session: if the request is then denied, its work
        is rolled back, but the reads already made stay on record (`reinstate_accesses`).
        """
        self.session.info.setdefault(ACCESSES, []).append((decision, change, resource_id))
        await self._record(decision, change, resource_id)

    # --- internals ---------------------------------------------------------------------------

    @staticmethod
    def _require_allowed(decision: Decision) -> None:
        if not decision.allowed:
            raise RuntimeError("the Writer only applies allowed decisions")

    async def _record(self, decision: Decision | None, change: Change, resource_id: str) -> None:
        audit = new_event(
            actor=self.principal.audit_actor(),
            organisation=self.principal.org,
            action=change.event_type,
            outcome="allowed",
            resource_type=change.resource_type,
            resource_id=resource_id,
            request_id=self.request_id,
            decision_id=decision.decision_id if decision else None,
            policy_version=decision.policy_version if decision else None,
            rules=sorted({t.rule for t in decision.trace if t.result == "pass"})
            if decision
            else [],
            purpose=change.purpose,
            legal_basis=change.legal_basis,
            details={"subject_organisation": change.organisation, **change.details},
        )
        self.session.add(authorise(self.session, audit))
        if change.feed:
            outbox = OutboxEvent(
                type=change.event_type,
                resource_type=change.resource_type,
                resource_id=resource_id,
                organisation=change.organisation,
                visibility=change.visibility,
            )
            self.session.add(authorise(self.session, outbox))
        await self.session.flush()


def take_accesses(session: AsyncSession) -> list[Access]:
    """The personal-data accesses this session recorded (and forget them)."""
    accesses: list[Access] = session.info.pop(ACCESSES, [])
    return accesses


async def reinstate_accesses(
    session: AsyncSession, principal: Principal, request_id: str | None, accesses: list[Access]
) -> None:
    """Record again, after a rollback, the reads a denied request had already made."""
    writer = Writer(session, principal, request_id=request_id)
    for decision, change, resource_id in accesses:
        await writer._record(decision, change, resource_id)


def _identity(instance: Base) -> str:
    key = inspect(instance).identity
    if not key:
        raise RuntimeError("instance has no identity after flush")
    return "/".join(str(k) for k in key)
