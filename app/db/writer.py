"""The Writer: the only code that adds, changes or deletes rows.

`perform(entry, context, target, body)` runs a guarded action from its entry
(app/services/guarded.py): the entry loads the facts (`Prepared`), the Writer decides (policies),
refuses a denial (PolicyDenied) or a state conflict before anything is written, has the entry
build the row or the change from the Decision, and lands it with its audit and change-feed events
in the request's transaction. `dry_run` is the same up to the Decision. A Decision is taken here
and used once, for the action and the row it was taken on: there is no way to write with a
decision from elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Generic, Protocol, TypeVar, cast

from sqlalchemy import Table, inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app import metrics
from app.db import write_set
from app.db.audit import event_values
from app.db.guard import authorise
from app.models import AuditEvent, OutboxEvent
from app.models.base import Base
from app.policies import ActionPolicy, Decision, TraceEntry, evaluate
from app.policies.engine import merge_violations
from app.problems import Conflict, PolicyDenied, Problem
from app.security import Principal

M = TypeVar("M", bound=Base)
F = TypeVar("F")
ACCESSES = "ilonet.accesses"
_AUDIT_EVENT = cast(Table, AuditEvent.__table__)
_OUTBOX_EVENT = cast(Table, OutboxEvent.__table__)


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """What an allowed write tells the audit log and the change feed (no personal data).

    An action's write may leave `event_type` (its action's only event) and `resource_type` (its
    action's resource) to the Writer."""

    organisation: str  # whose resource it is
    event_type: str = ""  # dotted, past tense: "deployment.planned"
    resource_type: str = ""
    visibility: str = "network"  # or "organisation": only that organisation's readers see it
    purpose: str | None = None
    legal_basis: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)
    feed: bool = True


Access = tuple[Decision | None, Change, str]


class Guarded(Protocol):
    """What the Writer needs of an action's entry (app/services/guarded.py `Action`)."""

    @property
    def name(self) -> str: ...

    @property
    def resource(self) -> str: ...

    @property
    def events(self) -> Collection[str]: ...

    @property
    def policy(self) -> ActionPolicy: ...


class Performable(Guarded, Protocol):
    """An entry the Writer can run end to end: load, decide, build, write, then its consequence."""

    @property
    def load(self) -> Callable[[Any, Any, Any], Awaitable[Any]]: ...

    @property
    def build(self) -> Callable[[Any, Any, Any, Decision], NewRow[Any] | RowUpdate[Any]]: ...

    @property
    def then(self) -> Callable[[Any, Any, Any, Any], Awaitable[None]] | None: ...

    @property
    def makes(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Prepared(Generic[F]):
    """An action's facts as a service loaded them, and what stops it without being law.

    `facts` is the state the write makes; for an update `before` is the state it changes (both
    must be allowed). `conflicts` (409 state conflicts, 412 stale If-Match) stop an allowed
    write and are reported beside the Decision by the dry run.
    """

    facts: F
    before: F | None = None
    conflicts: tuple[Problem, ...] = ()
    resource_id: str | None = None
    reference_digest: str = ""

    @property
    def prepared(self) -> Prepared[F]:
        """Itself: a loader may return the facts alone or with the rows it loaded."""
        return self


@dataclass(frozen=True, slots=True)
class NewRow(Generic[M]):
    """What a creation writes: the row, rows that belong to it (e.g. history), and its events.

    `requires` names a row the facts assumed instead of reading it (`Writer.assuming`): the
    write happens only if it exists with those values, checked in the write's own statement."""

    row: M
    change: Change
    related: Sequence[Base] = ()
    requires: write_set.Requires | None = None


@dataclass(frozen=True, slots=True)
class RowUpdate(Generic[M]):
    """What an entry's update writes: the row it changes (as loaded), its new values, rows that
    belong to it, and its events."""

    row: M
    values: Mapping[str, Any]
    change: Change
    related: Sequence[Base] = ()


def combine(before: Decision, after: Decision) -> Decision:
    """An update must be allowed both for the state it changes and for the state it makes."""
    violations = merge_violations((*before.violations, *after.violations))
    trace = (
        *(TraceEntry(t.rule, t.result, f"before: {t.note}".strip()) for t in before.trace),
        *(TraceEntry(t.rule, t.result, f"after: {t.note}".strip()) for t in after.trace),
    )
    return Decision(
        allowed=before.allowed and after.allowed,
        action=after.action,
        decision_id=after.decision_id,
        policy_version=after.policy_version,
        violations=violations,
        basis=after.basis if before.allowed and after.allowed else None,
        obligations=after.obligations if before.allowed and after.allowed else (),
        trace=trace,
        result=after.result if before.allowed and after.allowed else None,
    )


async def _inspected(entry: Performable, context: Any, body: Any) -> Any:
    """The context the entry loads with: its inspection of the body done first, when it has
    one (an entry's optional `inspect`, run by app/services/guarded.py `Context.inspect`)."""
    if getattr(entry, "inspect", None) is None:
        return context
    return await context.inspect(entry, body)


class Writer:
    """The unit of work's write side, bound to one request's session and caller."""

    def __init__(self, session: AsyncSession, principal: Principal, *, request_id: str | None):
        self.session = session
        self.principal = principal
        self.request_id = request_id
        # the Decision of the last write allowed here (a batch reports it per item)
        self.last_decision: Decision | None = None
        # True while `perform` loads an action's facts: a loader may then assume what the
        # write's own statement checks (NewRow.requires) instead of reading it first.
        self.assuming = False

    def judge(self, action: Guarded, prepared: Prepared[Any]) -> Decision:
        """The Decision on the prepared facts, nothing written (the dry run's answer)."""
        digest = prepared.reference_digest
        after = evaluate(action.name, prepared.facts, reference_digest=digest)
        if prepared.before is None:
            return after
        return combine(evaluate(action.name, prepared.before, reference_digest=digest), after)

    async def dry_run(
        self, entry: Performable, context: Any, target: Any, body: Any
    ) -> tuple[Decision, tuple[Problem, ...]]:
        """What `perform` would decide, and the conflicts that would stop it; nothing written."""
        context = await _inspected(entry, context, body)
        prepared: Prepared[Any] = (await entry.load(context, target, body)).prepared
        return self.judge(entry, prepared), prepared.conflicts

    async def perform(
        self, entry: Performable, context: Any, target: Any, body: Any, *, assume: bool = True
    ) -> Any:
        """Run a guarded action: load its facts, decide, build from the Decision, write, then
        its consequence (itself a guarded write). The row written is returned.

        A loader may assume a fact the write checks in its own statement (`assuming`); when
        the statement finds it untrue nothing was written, and the action runs again on facts
        read from the rows (so its answer is the one a careful load gives: 404, a denial).

        An entry that inspects its body (an upload's scan) has it inspected first, before the
        request's transaction begins (app/services/guarded.py `Context.inspect`)."""
        context = await _inspected(entry, context, body)
        self.assuming = assume
        try:
            loaded = await entry.load(context, target, body)
        finally:
            self.assuming = False
        decision = self._authorise(entry, loaded.prepared)
        made = entry.build(context, loaded, body, decision)
        if isinstance(made, NewRow) != (entry.makes == "row"):
            raise TypeError(f"{entry.name} declares that it makes a {entry.makes}")
        if isinstance(made, NewRow):
            try:
                row: Any = await self._insert(entry, decision, made)
            except write_set.Unmet:
                if not assume:
                    raise
                return await self.perform(entry, context, target, body, assume=False)
        else:
            row = await self._apply(entry, decision, made.row, made)
        if entry.then is not None:
            await entry.then(context, loaded, body, row)
        return row

    async def _insert(self, action: Guarded, decision: Decision, new: NewRow[M]) -> M:
        new = replace(new, change=self._complete(action, new.change))
        # Pending authorised work first; an unmarked instance in the session fails here.
        await self._flush_pending()
        resource_id = _identity_before_insert(new.row) if write_set.plain(new.row) else None
        if resource_id is not None:
            # Row, related rows, audit and outbox events: one statement (app/db/write_set.py).
            related = self._related(new.related)
            events = self._events(decision, new.change, resource_id, action=action.name)
            try:
                await write_set.write(
                    self.session, [*related, *events], created=new.row, requires=new.requires
                )
            except IntegrityError as exc:
                raise _unique_conflict(exc) from exc
            return new.row
        if new.requires is not None:
            raise RuntimeError("a conditional write needs a plain row (app/db/write_set.py)")
        self.session.add(authorise(self.session, new.row))
        try:
            await self.session.flush()
        except IntegrityError as exc:
            raise _unique_conflict(exc) from exc
        related = self._related(new.related)
        resource_id = _identity(new.row)
        events = self._events(decision, new.change, resource_id, action=action.name)
        await write_set.write(self.session, [*related, *events])
        return new.row

    async def _apply(
        self, action: Guarded, decision: Decision, row: M, changed: RowUpdate[Any]
    ) -> M:
        """The row's `version` and `updated_at` are kept here, for every update alike."""
        change = self._complete(action, changed.change)
        for name, value in changed.values.items():
            setattr(row, name, value)
        if hasattr(row, "version"):
            row.version = row.version + 1
        if hasattr(row, "updated_at"):
            row.updated_at = datetime.now(UTC)
        authorise(self.session, row)
        await self.session.flush()
        related = self._related(changed.related)
        events = self._events(decision, change, _identity(row), action=action.name)
        await write_set.write(self.session, [*related, *events])
        return row

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

    def _authorise(self, action: Guarded, prepared: Prepared[Any]) -> Decision:
        decision = self.judge(action, prepared)
        if not decision.allowed:
            metrics.decision(action.name, "denied")
            raise PolicyDenied(
                decision,
                resource_type=action.resource,
                action=action.name,
                resource_id=prepared.resource_id,
            )
        if prepared.conflicts:
            metrics.decision(action.name, "conflict")
            raise prepared.conflicts[0]
        self.last_decision = decision
        metrics.decision(action.name, "allowed")
        return decision

    @staticmethod
    def _complete(action: Guarded, change: Change) -> Change:
        """The change with its action's event and resource filled in, and checked: an action
        emits only the events it declares, on the feed only if its declaration says so."""
        event_type = change.event_type
        if not event_type:
            if len(action.events) != 1:
                raise RuntimeError(f"{action.name} emits several events: name the one emitted")
            (event_type,) = action.events
        if event_type not in action.events:
            raise RuntimeError(f"{action.name} does not emit {event_type}")
        return replace(
            change,
            event_type=event_type,
            resource_type=change.resource_type or action.resource,
            feed=change.feed and action.policy.feed,
        )

    def _related(self, rows: Sequence[Base]) -> list[tuple[Table, dict[str, Any]]]:
        """Related rows as plain inserts; any other kind goes through the unit of work."""
        plain = [write_set.values(row) for row in rows if write_set.plain(row)]
        for row in rows:
            if not write_set.plain(row):
                self.session.add(authorise(self.session, row))
        return plain

    async def _flush_pending(self) -> None:
        """Flush what the session holds unflushed; a session with nothing pending (the common
        case before a creation) is not handed to the unit of work for nothing."""
        session = self.session.sync_session
        if session.new or session.deleted or session.identity_map.check_modified():
            await self.session.flush()

    async def _record(
        self, decision: Decision | None, change: Change, resource_id: str, action: str = ""
    ) -> None:
        await self.session.flush()
        await write_set.write(self.session, self._events(decision, change, resource_id, action))

    def _events(
        self, decision: Decision | None, change: Change, resource_id: str, action: str = ""
    ) -> list[tuple[Table, dict[str, Any]]]:
        """The audit event (and change-feed event) of a write or access, as plain inserts."""
        details: dict[str, Any] = {"subject_organisation": change.organisation, **change.details}
        if action:
            details["authorised_action"] = action
        audit = event_values(
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
            details=details,
        )
        # Plain column values: no ORM instance is built only to be read back (app/db/write_set.py).
        events = [(_AUDIT_EVENT, audit)]
        if change.feed:
            outbox = {
                "type": change.event_type,
                "resource_type": change.resource_type,
                "resource_id": resource_id,
                "organisation": change.organisation,
                "visibility": change.visibility,
            }
            events.append((_OUTBOX_EVENT, outbox))
        return events


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


_REFERENCE_CONSTRAINT = re.compile(r"uq_([a-z_]+)_organisation_external_reference")


def _unique_conflict(exc: IntegrityError) -> Exception:
    """A creation that lost a race for an external reference (unique per organisation) is the
    409 its loader would have reported; any other integrity error stays what it is."""
    found = _REFERENCE_CONSTRAINT.search(str(exc.orig))
    if found is None:
        return exc
    return Conflict(
        f"The external_reference is already used by another {found.group(1)} of the "
        "organisation; references are unique per organisation."
    )


# A mapper's primary key as (attribute, the column's Python default if callable), read once.
_PrimaryKey = tuple[tuple[str, Any], ...]
_PRIMARY_KEYS: dict[Any, _PrimaryKey] = {}


def _primary_key(mapper: Any) -> _PrimaryKey:
    found = _PRIMARY_KEYS.get(mapper)
    if found is None:
        found = _PRIMARY_KEYS[mapper] = tuple(
            (
                mapper.get_property_by_column(column).key,
                column.default.arg
                if column.default is not None and column.default.is_callable
                else None,
            )
            for column in mapper.primary_key
        )
    return found


def _identity_before_insert(instance: Base) -> str | None:
    """The identity a plain row will have: its primary key as given, or its Python default
    (None when the database makes it)."""
    parts = []
    for key, default in _primary_key(inspect(instance).mapper):
        value = getattr(instance, key)
        if value is None and default is not None:
            value = default(None)
            setattr(instance, key, value)
        if value is None:
            return None
        parts.append(str(value))
    return "/".join(parts)


def _identity(instance: Base) -> str:
    key = inspect(instance).identity
    if not key:
        raise RuntimeError("instance has no identity after flush")
    return "/".join(str(k) for k in key)
