"""The dry run of a guarded write, and the Decision as clients see it."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field

from app.schemas.common import StrictInput

# Literal fields are inline enums in OpenAPI; their values are those of app.policies.vocabulary
# (EvaluableAction, TraceResult), which tests/test_openapi_vocabulary.py checks.
EvaluableAction = Literal[
    "authority.create",
    "officer.create",
    "officer.update",
    "deployment.plan",
    "deployment.amend",
    "deployment.transition",
    "processing_record.create",
    "transfer.record",
    "share.record",
    "webhook.create",
    "webhook.delete",
]


class EvaluateIn(StrictInput):
    action: EvaluableAction
    target_id: uuid.UUID | None = Field(
        default=None, description="The resource an update acts on (required for updates)."
    )
    body: dict[str, Any] = Field(description="The body the real write would send.")


class ViolationOut(BaseModel):
    rule: str
    article: str
    message: str


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
