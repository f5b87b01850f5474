"""The problem+json bodies as OpenAPI schemas: the plain problem, a policy denial (403) and a
validation problem (422)."""

from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, Field

from app.bounds import LABEL_MAX, LIST_MAX, MESSAGE_MAX, Label, Message, Messages, RuleId
from app.deferred_models import DeferredModel
from app.policies.rules import CATALOGUE

# What Problem.body keeps of a problem's texts and lists (app/problems.py cuts them there).
TEXT_BOUNDS = {
    "type": LABEL_MAX,
    "title": LABEL_MAX,
    "detail": MESSAGE_MAX,
    "instance": MESSAGE_MAX,
}
ERRORS_MAX = LIST_MAX


class ProblemBody(DeferredModel):
    """The problem+json body, for OpenAPI."""

    model_config = ConfigDict(extra="allow")
    type: Label = Field(
        description="The problem's URI reference (`/problems/<name>`): GET it for a page saying "
        "when it is sent and what to do"
    )
    title: Label
    status: int = Field(ge=400, le=599, description="The HTTP status: a problem is a 4xx or 5xx")
    detail: Message
    instance: Message = Field(description="The request's path")


class ProblemViolation(DeferredModel):
    """A rule the request breaks, once per rule: `reasons` lists each way it breaks it."""

    rule: RuleId = Field(description="The rule id (docs/RULES.md); each rule appears once")
    article: Label
    message: Message = Field(description="The reasons, joined with '; '")
    reasons: Messages = Field(description="Every reason the rule is broken, in order")


class ValidationErrorItem(DeferredModel):
    """One invalid part of the request."""

    pointer: Message = Field(
        description="A JSON pointer into the body (`/officer/surname`), or `/<name>` of the "
        "query, path or header parameter"
    )
    in_: str = Field(
        alias="in",
        description="Where the part is: `body`, `query`, `path` or `header`",
        pattern="^(body|query|path|header)$",
        max_length=6,
    )
    detail: Message = Field(description="What is wrong with it")


class ValidationProblemBody(ProblemBody):
    """A 422: `/problems/validation-error` lists each invalid part of the request in `errors`;
    `/problems/idempotency-key-reused` and `/problems/limit-exceeded` list none."""

    errors: list[ValidationErrorItem] = Field(
        default_factory=list,
        max_length=ERRORS_MAX,
        description=f"Each invalid part (none for a reused key), the first {ERRORS_MAX}",
    )


class PolicyDeniedBody(ProblemBody):
    """A 403 `/problems/policy-denied`: every rule the request breaks, and the decision id."""

    violations: Annotated[list[ProblemViolation], Field(max_length=len(CATALOGUE))]
    decision_id: Annotated[str, Field(max_length=64)]
    policy_version: Annotated[str, Field(max_length=64)]
