"""What each problem type the API sends means, for the page its `type` URI answers
(app/routers/problem_pages.py): its title and status (from its class), when it is sent and what
the client can do. Every Problem class has its entry (tests/test_problem_pages.py)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from app import http_limits, workers
from app.problems import Problem

# The modules that define problems beside app/problems.py, imported for their classes.
DEFINING = (http_limits, workers)


@dataclass(frozen=True)
class Guidance:
    when: str
    remedy: str


GUIDANCE: dict[str, Guidance] = {
    "/problems/malformed-request": Guidance(
        "The request cannot be read: its body is not valid JSON, or it is not the HTTP the "
        "server accepts.",
        "Send a well-formed JSON body (UTF-8) with `Content-Type: application/json`.",
    ),
    "/problems/unauthenticated": Guidance(
        "The request has no bearer token, or its token is expired, not yet valid, not signed "
        "by a trusted issuer or meant for another audience.",
        "Get a fresh token from your identity provider and send it as "
        "`Authorization: Bearer <JWT>`.",
    ),
    "/problems/policy-denied": Guidance(
        "The policy layer refused the request: `violations` names each rule it breaks (see the "
        "rule catalogue) and `decision_id` the decision, which the audit trail records.",
        "Read each violation's reasons: change the request, ask someone with the required role, "
        "or pre-check the write with `POST /v1/policy/evaluate`.",
    ),
    "/problems/not-found": Guidance(
        "The resource does not exist, or it exists but you may not see it (both look the same, "
        "so that no one learns what they may not see).",
        "Check the identifier; list the collection to find what you may see.",
    ),
    "/problems/method-not-allowed": Guidance(
        "The resource exists but does not answer this HTTP method.",
        "Use one of the methods the `Allow` header lists.",
    ),
    "/problems/conflict": Guidance(
        "The request is allowed but the resource's state forbids it now (a transition that does "
        "not exist, a duplicate, a resource already ended or erased).",
        "Read the resource again, and act on its current state.",
    ),
    "/problems/idempotency-in-flight": Guidance(
        "A request with the same `Idempotency-Key` is still being processed.",
        "Wait, then retry with the same key: you get the first request's response.",
    ),
    "/problems/precondition-failed": Guidance(
        "The `If-Match` sent is not the resource's current ETag: someone changed it since you "
        "read it.",
        "GET the resource again, check the change still makes sense, and send its new ETag.",
    ),
    "/problems/payload-too-large": Guidance(
        "The request body is larger than the server accepts (JSON bodies and uploads each have "
        "their limit).",
        "Send a smaller body: split a batch, or compress an upload as the documents API allows.",
    ),
    "/problems/unsupported-media-type": Guidance(
        "The request body's `Content-Type` is not one the route reads.",
        "Send `application/json` (or `multipart/form-data` for a file upload).",
    ),
    "/problems/validation-error": Guidance(
        "The request is well-formed but some of its parts are invalid: `errors` lists each, with "
        "its JSON pointer, where it is (`body`, `query`, `path`, `header`) and what is wrong.",
        "Correct each part the errors name and send the request again.",
    ),
    "/problems/idempotency-key-reused": Guidance(
        "The `Idempotency-Key` was used before for a request with another body, path or query.",
        "Use a new key for a new request; reuse a key only to retry the very same request.",
    ),
    "/problems/limit-exceeded": Guidance(
        "The work the request asked for passed its memory or processor-time limit.",
        "Ask for less at once: a shorter period, fewer items, a smaller file.",
    ),
    "/problems/precondition-required": Guidance(
        "The request changes a versioned resource but sent no `If-Match`.",
        "GET the resource and send its `ETag` as `If-Match`.",
    ),
    "/problems/rate-limited": Guidance(
        "Your client or your organisation used up its request quota (the `RateLimit` headers "
        "of every answer show what is left).",
        "Wait the seconds `Retry-After` gives, then retry; spread requests over time.",
    ),
    "/problems/request-header-fields-too-large": Guidance(
        "A request header, or all of them together, is larger than the server accepts.",
        "Send fewer or shorter headers (a smaller token, fewer cookies).",
    ),
    "/problems/internal-error": Guidance(
        "The server failed unexpectedly; the body names nothing internal.",
        "Retry later; if it persists, report the `X-Request-ID` of the response to the "
        "deployment's operators.",
    ),
    "/problems/service-unavailable": Guidance(
        "The service cannot answer now: its database is unreachable, its schema is behind, or "
        "its workers are all busy.",
        "Wait the seconds `Retry-After` gives and send the same request again.",
    ),
}


@dataclass(frozen=True)
class Entry:
    type: str
    slug: str
    title: str
    status: int
    when: str
    remedy: str


def problem_classes() -> list[type[Problem]]:
    """Every Problem class of the application, its subclasses' subclasses too."""
    found: list[type[Problem]] = []
    todo: list[type[Problem]] = [Problem]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


@cache
def catalogue() -> dict[str, Entry]:
    """Each problem type sent, by its slug (`/problems/<slug>`), in order of status."""
    kinds = {cls.type: cls for cls in problem_classes()}
    entries = sorted(
        (
            Entry(
                type=kind,
                slug=kind.rsplit("/", 1)[-1],
                title=cls.title,
                status=cls.status,
                when=GUIDANCE[kind].when,
                remedy=GUIDANCE[kind].remedy,
            )
            for kind, cls in kinds.items()
        ),
        key=lambda e: (e.status, e.slug),
    )
    return {e.slug: e for e in entries}
