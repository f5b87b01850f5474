"""The problem+json bodies as OpenAPI schemas: the plain problem, a policy denial (403) and a
validation problem (422)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ProblemBody(BaseModel):
    """The problem+json body, for OpenAPI."""

    model_config = ConfigDict(extra="allow")
    type: str = Field(
        description="The problem's URI reference (`/problems/<name>`): GET it for a page saying "
        "when it is sent and what to do"
    )
    title: str
    status: int = Field(ge=400, le=599, description="The HTTP status: a problem is a 4xx or 5xx")
    detail: str
    instance: str


class ProblemViolation(BaseModel):
    """A rule the request breaks, once per rule: `reasons` lists each way it breaks it."""

    rule: str = Field(description="The rule id (docs/RULES.md); each rule appears once")
    article: str
    message: str = Field(description="The reasons, joined with '; '")
    reasons: list[str] = Field(description="Every reason the rule is broken, in order")


class ValidationErrorItem(BaseModel):
    """One invalid part of the request."""

    pointer: str = Field(
        description="A JSON pointer into the body (`/officer/surname`), or `/<name>` of the "
        "query, path or header parameter"
    )
    in_: str = Field(
        alias="in",
        description="Where the part is: `body`, `query`, `path` or `header`",
        pattern="^(body|query|path|header)$",
        max_length=6,
    )
    detail: str = Field(description="What is wrong with it")


class ValidationProblemBody(ProblemBody):
    """A 422: `/problems/validation-error` lists each invalid part of the request in `errors`;
    `/problems/idempotency-key-reused` and `/problems/limit-exceeded` list none."""

    errors: list[ValidationErrorItem] = Field(
        default_factory=list, description="Each invalid part (none for a reused key)"
    )


class PolicyDeniedBody(ProblemBody):
    """A 403 `/problems/policy-denied`: every rule the request breaks, and the decision id."""

    violations: list[ProblemViolation]
    decision_id: str
    policy_version: str
