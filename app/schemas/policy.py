"""The dry run of a guarded write, and the Decision as clients see it."""

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import Field

from app.bounds import LIST_MAX, Label, Message, Messages, RuleId, first_items
from app.deferred_models import DeferredModel
from app.policies.declared import Action
from app.policies.rules import CATALOGUE
from app.policies.vocabulary import DecisionOutcome
from app.schemas.board import TallyOut
from app.schemas.common import ColumnId, Count, StrictInput


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


class ConflictOut(DeferredModel):
    """What would stop the write without being law: 409 state conflict, 412 stale If-Match."""

    status: int = Field(ge=400, le=599)
    type: Label
    detail: Message


class ViolationOut(DeferredModel):
    """A rule the action breaks, once per rule; `message` joins its `reasons`."""

    rule: RuleId
    article: Label
    message: Message
    reasons: Messages = []


class BasisOut(DeferredModel):
    ground: Label
    rule: RuleId
    reference: Message


class ObligationOut(DeferredModel):
    kind: Label
    detail: Message
    due_on: date | None = None


class TraceEntryOut(DeferredModel):
    rule: RuleId
    result: Literal["pass", "fail", "not_applicable"]
    note: Message = ""


class RulesAppliedOut(DeferredModel):
    """The rules of procedure in force on the meeting's date that the tally applied (ILO-8.1)."""

    adopted_on: date
    quorum: Count
    proxy_allowed: bool
    max_proxies_per_member: Count


class BoardTallyResultOut(DeferredModel):
    """ILO-7.8: the outcome of a Board decision derived from its votes; the write stores this
    outcome and tally as they are."""

    kind: Literal["board_decision.tally"]
    rule: RuleId
    outcome: DecisionOutcome
    tally: TallyOut
    rules_of_procedure: RulesAppliedOut | None = Field(
        description="null: no rules of procedure in force on the meeting's date (no quorum, "
        "no proxy)."
    )


class DecisionOut(DeferredModel):
    allowed: bool
    decision_id: ColumnId
    policy_version: ColumnId
    violations: list[ViolationOut] = Field(max_length=len(CATALOGUE))  # one per rule
    basis: BasisOut | None
    obligations: Annotated[list[ObligationOut], first_items(LIST_MAX), Field(max_length=LIST_MAX)]
    trace: Annotated[list[TraceEntryOut], first_items(LIST_MAX), Field(max_length=LIST_MAX)]
    result: BoardTallyResultOut | None = Field(
        default=None,
        description="What the rules derived for the write to store as is, by `kind` (an "
        "allowed Decision only; null: nothing derived).",
    )


class DryRunOut(DecisionOut):
    """The Decision the write would get, and what else would stop it (empty: nothing)."""

    conflicts: list[ConflictOut] = Field(max_length=LIST_MAX)
