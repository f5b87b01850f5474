"""The entry of a guarded action: its declaration in app/policies (name, requirement, rules,
events) by reference, and what the service layer adds — its body, what it acts on, how its facts
are loaded and what the write makes of the Decision. `Writer.perform(entry, context, target,
body)` is the only way to run it: the route, the dry run, the batch routes and the in-process
commands all call it, so the dry run and the write cannot disagree. Entries register themselves
(`ENTRIES`); app/services/actions.py imports every module that declares one."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any, Literal, Protocol

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.db.writer import NewRow, Prepared, RowUpdate, Writer
from app.keyring import Keyring
from app.policies import ActionPolicy, Decision
from app.problems import PreconditionFailed, ValidationFailed
from app.schemas.common import StrictInput
from app.security import Principal

Target = Literal["none", "uuid", "id"]
# What an action's build answers: a row it adds (`NewRow`) or a change of one (`RowUpdate`).
Makes = Literal["row", "change"]


class NoBody(StrictInput):
    """The body of an action that takes none (e.g. an erasure)."""


@dataclass(frozen=True, slots=True)
class Context:
    """What loading an action's facts may use. `lock` is set by the real write: rows it will
    change are locked so that the decision and the If-Match check hold until commit.

    `inspected` is what the action's inspection made of its body (an upload's scanned file),
    set by `inspect` before the request's transaction begins; `begin` is what the request
    does first once that inspection is done (an Idempotency-Key's lock and replay check, which
    begin the transaction: app/routers/conventions.py)."""

    writer: Writer
    settings: Settings
    keyring: Keyring | None = None
    if_match: str | None = None
    lock: bool = False
    inspected: Any = None
    begin: Callable[[], Awaitable[None]] | None = None

    @property
    def principal(self) -> Principal:
        return self.writer.principal

    @property
    def keys(self) -> Keyring:
        if self.keyring is None:
            raise RuntimeError("this context carries no keys")
        return self.keyring

    async def perform(self, entry: Action, target: Any, body: Any) -> Any:
        """Run `entry` on `target` with `body` (app/db/writer.py `Writer.perform`)."""
        return await self.writer.perform(entry, self, target, body)

    def expecting(self, if_match: str | None) -> Context:
        """The same context for a request that names the version it changes."""
        return replace(self, if_match=if_match)

    async def inspect(self, entry: Action, body: Any) -> Context:
        """The context `entry` loads its facts with: its inspection of `body` done first (the
        Writer calls this before the loader, for the write and the dry run alike).

        An inspection may take seconds of a worker's CPU (an upload's extraction and scan), so
        it runs while the request holds no transaction and no pooled connection: a slow scan
        then keeps no connection from other requests and meets no idle-in-transaction limit.
        Whatever reference data it needs it reads through `short_read`. Both are checked
        here rather than trusted to each route."""
        if entry.inspect is None or self.inspected is not None:
            return self
        session = self.writer.session
        if session.in_transaction():
            raise RuntimeError(f"{entry.name} inspects its body before the transaction begins")
        inspected = await entry.inspect(self, body)
        if session.in_transaction():
            raise RuntimeError(f"{entry.name}'s inspection read through the request's session")
        if self.begin is not None:
            await self.begin()
        return replace(self, inspected=inspected, begin=None)

    def short_read(self) -> AsyncSession:
        """A session of its own for a short read of reference data (no personal data) outside
        the request's transaction: its connection goes back to the pool when it closes."""
        return AsyncSession(bind=self.writer.session.bind, expire_on_commit=False, autoflush=False)


class Loaded(Protocol):
    """What an action's loader returns: its Prepared facts (with the rows it loaded, or not)."""

    @property
    def prepared(self) -> Prepared[Any]: ...


# (context, target, body) → the facts (and the rows loaded): the write and the dry run call it.
Loader = Callable[[Context, Any, Any], Awaitable[Loaded]]
# (context, body) → what the loader finds as `context.inspected`: work on the body alone that
# needs no row of the request (an upload's scan), run before the request's transaction.
Inspector = Callable[[Context, Any], Awaitable[Any]]
# (context, what the loader returned, body, the Decision) → the row to insert or the change.
Builder = Callable[[Context, Any, Any, Decision], NewRow[Any] | RowUpdate[Any]]
# What an allowed write entails beyond its own row, after it (e.g. ILO-5.3's vacated facilitation).
Consequence = Callable[[Context, Any, Any, Any], Awaitable[None]]

_ENTRIES: dict[str, Action] = {}
ENTRIES: Mapping[str, Action] = MappingProxyType(_ENTRIES)


@dataclass(frozen=True, slots=True, kw_only=True)
class Action:
    """One guarded action as a request meets it; declaring it registers it."""

    policy: ActionPolicy
    resource: str
    body: type[BaseModel]
    target: Target
    load: Loader
    build: Builder
    makes: Makes
    summary: str
    then: Consequence | None = None
    # The caller names the version it changes (its ETag, as If-Match): a change only.
    names_version: bool = False
    # Run on the body before the request's transaction begins (`Context.inspect`).
    inspect: Inspector | None = None

    def __post_init__(self) -> None:
        if self.names_version and self.makes != "change":
            raise ValueError(f"action {self.policy.name!r} names a version but adds a row")
        if self.policy.name in _ENTRIES:
            raise ValueError(f"action {self.policy.name!r} has an entry already")
        _ENTRIES[self.policy.name] = self

    @property
    def name(self) -> str:
        return self.policy.name

    @property
    def events(self) -> tuple[str, ...]:
        return self.policy.events

    def parse_target(self, target: str | None) -> uuid.UUID | str | None:
        if self.target == "none":
            return None
        if target is None:
            raise ValidationFailed(
                [{"pointer": "/target_id", "in": "body", "detail": f"{self.name} needs target_id"}]
            )
        if self.target == "id":
            return target
        try:
            return uuid.UUID(target)
        except ValueError:
            raise ValidationFailed(
                [{"pointer": "/target_id", "in": "body", "detail": "target_id is not a UUID"}]
            ) from None


def stale(if_match: str | None, version: int) -> PreconditionFailed | None:
    """412 when If-Match names another version (RFC 9110: strong comparison, `*` matches)."""
    if if_match is None:
        return None
    tags = {t.strip() for t in if_match.split(",")}
    if "*" in tags or f'"v{version}"' in tags:
        return None
    return PreconditionFailed(
        f'The resource changed: its ETag is "v{version}"; fetch it and try again.'
    )
