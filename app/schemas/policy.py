"""The dry run of a guarded write, and the Decision as clients see it."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field

from app.policies.declared import Action
from app.schemas.common import StrictInput


class EvaluateIn(StrictInput):
    action: Action = Field(description="The guarded action the real write would perform.")
    target_id: str | None = Field(
        default=None,
        max_length=200,
        description="The resource the action acts on (required for actions on an existing one).",
    )
    if_match: str | None = Field(
        default=None,
        max_length=200,
        description="The If-Match the real write would send: a stale one is reported in conflicts.",
    )
    body: dict[str, Any] = Field(
        default_factory=dict, max_length=64, description="The body the real write would send."
    )


class ConflictOut(BaseModel):
    """What would stop the write without being law: 409 state conflict, 412 stale If-Match."""

    status: int
    type: str
    detail: str


class ViolationOut(BaseModel):
    """A rule the action breaks, once per rule; `message` joins its `reasons`."""

    rule: str
    article: str
    message: str
    reasons: list[str] = []


class BasisOut(BaseModel):
    ground: str
    rule: str
    reference: str


class ObligationOut(BaseModel):
    kind: str
    detail: str
    due_on: date | None = None


class TraceEntryOut(BaseModel):
    rule: str
    result: Literal["pass", "fail", "not_applicable"]
    note: str = ""


class DecisionOut(BaseModel):
    allowed: bool
    decision_id: str
    policy_version: str
    violations: list[ViolationOut]
    basis: BasisOut | None
    obligations: list[ObligationOut]
    trace: list[TraceEntryOut]


class DryRunOut(DecisionOut):
    """The Decision the write would get, and what else would stop it (empty: nothing)."""

    conflicts: list[ConflictOut]
