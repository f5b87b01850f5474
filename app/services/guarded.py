"""What every guarded action declares for the service layer: how its facts are loaded for a
request, what it acts on, and the events it emits. Its requirement and rules are the pure
declaration in app/policies (same name); app/services/actions.py collects every action."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any, Literal, Protocol

from pydantic import BaseModel

from app.config import Settings
from app.db.writer import Prepared, Writer
from app.keyring import Keyring
from app.policies import ActionPolicy, policy_of
from app.problems import PreconditionFailed, ValidationFailed
from app.schemas.common import StrictInput
from app.security import Principal

Target = Literal["none", "uuid", "id"]


class NoBody(StrictInput):
    """The body of an action that takes none (e.g. an erasure)."""


@dataclass(frozen=True, slots=True)
class Context:
    """What loading an action's facts may use. `lock` is set by the real write: rows it will
    change are locked so that the decision and the If-Match check hold until commit."""

    writer: Writer
    settings: Settings
    keyring: Keyring | None = None
    if_match: str | None = None
    lock: bool = False

    @property
    def principal(self) -> Principal:
        return self.writer.principal

    @property
    def keys(self) -> Keyring:
        if self.keyring is None:
            raise RuntimeError("this context carries no keys")
        return self.keyring

    def expecting(self, if_match: str | None) -> Context:
        """The same context for a request that names the version it changes."""
        return replace(self, if_match=if_match)


class Loaded(Protocol):
    """What an action's loader returns: its Prepared facts (with the rows it loaded, or not)."""

    @property
    def prepared(self) -> Prepared[Any]: ...


# (context, target, body) → the facts: the write and the dry run both call it.
Loader = Callable[[Context, Any, Any], Awaitable[Loaded]]


@dataclass(frozen=True, slots=True, kw_only=True)
class Action:
    """One guarded action as a request meets it."""

    name: str
    resource: str
    events: frozenset[str]
    body: type[BaseModel]
    target: Target
    load: Loader
    summary: str

    @property
    def policy(self) -> ActionPolicy:
        return policy_of(self.name)

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
