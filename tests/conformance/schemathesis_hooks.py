"""Schemathesis hooks for tests/conformance/test_schemathesis.py (loaded by the CLI through
SCHEMATHESIS_HOOKS): every case is sent with one of several real role tokens, in turn."""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
from collections.abc import Iterator
from typing import Any

import schemathesis
from requests.structures import CaseInsensitiveDict
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.meta import CoveragePhaseData, CoverageScenario

from app.routers.conventions import IDEMPOTENCY_KEY

TOKENS_ENV = "ILONET_CONFORMANCE_TOKENS"


@schemathesis.auth(refresh_interval=None)
class RoleTokens:
    """Round robin over the tokens the test minted (deploying authority, ILO, DPO, auditor,
    reference admin, integration), so every operation is called by several roles."""

    def __init__(self) -> None:
        self._tokens: Iterator[str] | None = None

    def get(self, case: schemathesis.Case[Any], ctx: schemathesis.AuthContext) -> str:
        if self._tokens is None:
            self._tokens = itertools.cycle(json.loads(os.environ[TOKENS_ENV]))
        return next(self._tokens)

    def set(self, case: schemathesis.Case[Any], data: Any, ctx: schemathesis.AuthContext) -> None:
        if case.headers is None:
            case.headers = CaseInsensitiveDict()
        case.headers["Authorization"] = f"Bearer {data}"


# Opaque positions the server hands out: a pagination cursor (HMAC-signed, bound to the client
# that received it) and a feed position. No JSON Schema describes the valid ones.
_OPAQUE_QUERY = ("cursor", "after")
_WELL_FORMED_KEY = re.compile(IDEMPOTENCY_KEY)


@schemathesis.hook
def map_case(ctx: schemathesis.HookContext, case: schemathesis.Case[Any]) -> schemathesis.Case[Any]:
    """What a correct client sends in positive cases, where the document cannot say it:

    - no made-up cursor or feed position: a generated one is never valid data (the server
      answers 422, which the negative cases check); real ones come from `next_cursor` in the
      stateful phase;
    (`before_call` makes the Idempotency-Keys unique).
    """
    meta = case.meta
    if meta is None or meta.generation.mode != schemathesis.GenerationMode.POSITIVE:
        return case
    if isinstance(case.query, dict):
        for name in _OPAQUE_QUERY:
            case.query.pop(name, None)
    return case


@schemathesis.hook
def before_call(ctx: schemathesis.HookContext, case: schemathesis.Case[Any], kwargs: Any) -> None:
    """A correct client never sends one Idempotency-Key with two different requests (422
    `idempotency-key-reused`, state the generator cannot see): a well-formed key is replaced
    by one derived from the request itself, so an identical request is still a replay. A
    malformed key (a negative case) is left for the server to reject."""
    if case.headers is None:
        return
    key = case.headers.get("Idempotency-Key")
    if not isinstance(key, str) or not _WELL_FORMED_KEY.fullmatch(key):
        return
    request = [case.method, case.formatted_path, repr(case.query), repr(case.body)]
    digest = hashlib.sha256(repr(request).encode()).hexdigest()
    case.headers["Idempotency-Key"] = f"st-{digest[:40]}"


def _errors(response: schemathesis.Response) -> list[dict[str, Any]]:
    try:
        body = response.json()
    except ValueError:
        return []
    errors = body.get("errors") if isinstance(body, dict) else None
    return [e for e in errors if isinstance(e, dict)] if isinstance(errors, list) else []


def _stripped(body: Any, error: dict[str, Any]) -> bool:
    """Whether a body error is about a string's length or pattern, for a string that stripping
    whitespace changed."""
    detail = str(error.get("detail"))
    if error.get("in") != "body" or not detail.startswith(("String should", "Value should")):
        return False
    value = body
    for part in str(error.get("pointer", "")).split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        elif isinstance(value, dict) and part in value:
            value = value[part]
        else:
            return False
    return isinstance(value, str) and value.strip() != value


@schemathesis.hook
def filter_failure(
    ctx: schemathesis.HookContext,
    failure: Any,
    case: schemathesis.Case[Any],
    response: schemathesis.Response,
) -> bool:
    """Keep every failure but a 422 for a rule the document does not express (yet):

    - cross-field rules of a request model ("name exactly one of country, organisation",
      "valid_until is before valid_from", "each event type once" ...), pydantic's
      "Value error, ..." messages;
    - a string with leading or trailing whitespace that no longer fits its length or pattern:
      the request models strip whitespace first (`str_strip_whitespace`), which JSON Schema
      cannot say;
    - the `body` and `target_id` of `POST /v1/policy/evaluate`, validated against the
      `action` they name while the document gives them as a free object and an optional id;
    - a webhook URL whose host name does not resolve to public addresses: a fact of the
      world at the time of the request (the test server has no resolver to ask), like a 404.
    - a body naming by id a resource that is not registered (or not of the organisation the
      body names: a share's `recipient_authority_id` and its `recipient_org`): a fact of the
      database at the time of the request, like a 404.

    Any other rejection of schema-valid data still fails the run.
    """
    if failure.code != "ST202" or response.status_code != 422:
        return True
    errors = _errors(response)
    if not errors:
        return True
    cross_field = all(
        str(e.get("detail", "")).startswith("Value error, ") or _stripped(case.body, e)
        for e in errors
    )
    evaluate_body = case.operation.path == "/v1/policy/evaluate" and all(
        str(e.get("pointer", "")).startswith(("/body/", "/target_id")) for e in errors
    )
    unresolved_host = case.operation.path == "/v1/webhooks" and all(
        e.get("pointer") == "/url" and "must resolve" in str(e.get("detail", "")) for e in errors
    )
    unregistered = all("with this id is registered" in str(e.get("detail", "")) for e in errors)
    return not (cross_field or evaluate_body or unresolved_host or unregistered)


# The coverage phase's cases at and just past an upper bound (maxLength, maximum, maxItems) of a
# parameter or a JSON body: tests/test_openapi_bounds.py sends every such bound at it (accepted)
# and past it (a 422 naming the pointer), derived from the same document.
_BOUND_SCENARIOS = frozenset(
    {
        CoverageScenario.STRING_ABOVE_MAX_LENGTH,
        CoverageScenario.VALUE_ABOVE_MAXIMUM,
        CoverageScenario.ARRAY_ABOVE_MAX_ITEMS,
        CoverageScenario.MAXIMUM_LENGTH_STRING,
        CoverageScenario.MAXIMUM_VALUE,
        CoverageScenario.MAXIMUM_ITEMS_ARRAY,
    }
)


def _bound_proven_elsewhere(case: schemathesis.Case[Any]) -> bool:
    data = case.meta.phase.data if case.meta is not None else None
    if not isinstance(data, CoveragePhaseData) or data.scenario not in _BOUND_SCENARIOS:
        return False
    if data.parameter_location == ParameterLocation.BODY:
        return case.media_type == "application/json"
    return data.parameter_location in (
        ParameterLocation.QUERY,
        ParameterLocation.PATH,
        ParameterLocation.HEADER,
    )


# The coverage phase's "incorrect type" cases (half its requests): tests/test_wrong_types.py
# sends, in-process, every wrong type of every parameter (a 422 naming it, or a 404 for a path
# its converter refuses), a body that is not an object, and a value of each JSON type in every
# body property whose schema does not have that type (a 422 naming the property).
_PARAMETERS = (ParameterLocation.QUERY, ParameterLocation.PATH, ParameterLocation.HEADER)
_UNION = ("anyOf", "oneOf", "allOf")


def _values_at(body: Any, location: str) -> list[Any] | None:
    """The values of a body where a coverage case's schema location points (every item of an
    array), or None when the location is not one of properties, items and union branches."""
    steps = [s.replace("~1", "/").replace("~0", "~") for s in location.split("/")[1:]]
    if steps[-1:] == ["type"]:
        steps.pop()
    values, index = [body], 0
    while index < len(steps):
        step = steps[index]
        if step == "properties" and index + 1 < len(steps):
            name = steps[index + 1]
            values = [v[name] for v in values if isinstance(v, dict) and name in v]
            index += 2
        elif step == "items":
            values = [item for v in values if isinstance(v, list) for item in v]
            index += 1
        elif step in _UNION and index + 1 < len(steps) and steps[index + 1].isdigit():
            index += 2
        else:
            return None
    return values


def _wrong_type_proven_elsewhere(case: schemathesis.Case[Any]) -> bool:
    data = case.meta.phase.data if case.meta is not None else None
    if not isinstance(data, CoveragePhaseData) or data.scenario != CoverageScenario.INCORRECT_TYPE:
        return False
    if data.parameter_location in _PARAMETERS:
        return True
    if data.parameter_location != ParameterLocation.BODY or case.media_type != "application/json":
        return False
    if data.location in (None, "", "/type"):
        return True  # the body as a whole
    return bool(
        _values_at(case.body, data.location)
    )  # a property tests/test_wrong_types.py reaches


@schemathesis.hook
def filter_case(ctx: schemathesis.HookContext, case: schemathesis.Case[Any]) -> bool:
    """A link that carries a null (a document's `network_id` when it has no network) gives no
    path parameter a client would send: such a step is not a request to make. A bound's case of
    the coverage phase is left to tests/test_openapi_bounds.py (`_BOUND_SCENARIOS`), a wrong
    type's mostly to tests/test_wrong_types.py (`_wrong_type_proven_elsewhere`)."""
    if _bound_proven_elsewhere(case) or _wrong_type_proven_elsewhere(case):
        return False
    return not any(
        value is None or value == "None" for value in (case.path_parameters or {}).values()
    )
