"""The dry run of a guarded write, and the Decision as clients see it."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field

from app.policies.declared import Action
from app.policies.vocabulary import DecisionOutcome
from app.schemas.board import TallyOut
from app.schemas.common import ColumnId, StrictInput


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


class RulesAppliedOut(BaseModel):
    """The rules of procedure in force on the meeting's date that the tally applied (ILO-8.1)."""

    adopted_on: date
    quorum: int
    proxy_allowed: bool
    max_proxies_per_member: int


class BoardTallyResultOut(BaseModel):
    """ILO-7.8: the outcome of a Board decision derived from its votes; the write stores this
    outcome and tally as they are."""

    kind: Literal["board_decision.tally"]
    rule: str
    outcome: DecisionOutcome
    tally: TallyOut
    rules_of_procedure: RulesAppliedOut | None = Field(
        description="null: no rules of procedure in force on the meeting's date (no quorum, "
        "no proxy)."
    )


class DecisionOut(BaseModel):
    allowed: bool
    decision_id: ColumnId
    policy_version: ColumnId
    violations: list[ViolationOut]
    basis: BasisOut | None
    obligations: list[ObligationOut]
    trace: list[TraceEntryOut]
    result: BoardTallyResultOut | None = Field(
        default=None,
        description="What the rules derived for the write to store as is, by `kind` (an "
        "allowed Decision only; null: nothing derived).",
    )


class DryRunOut(DecisionOut):
    """The Decision the write would get, and what else would stop it (empty: nothing)."""

    conflicts: list[ConflictOut]
