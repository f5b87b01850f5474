"""What the server writes itself stays within the bounds the OpenAPI document states for it:
a problem's texts and lists, a denial's reasons, the longest cursor a list can make, the
rate-limit headers and Retry-After, a page's `Link`, the audit log's keys and notes
(app/bounds.py, app/problems.py, app/pagination.py, app/page_links.py)."""

from __future__ import annotations

import uuid
from types import SimpleNamespace
from urllib.parse import parse_qs, urlencode

import pytest
from fastapi.routing import iter_route_contexts
from pydantic import ValidationError
from starlette.requests import Request

from app.bounds import (
    CHECKPOINT_BODY_MAX,
    COSIGNATURES_MAX,
    COSIGNED_NOTE_MAX,
    KEY_NAME_MAX,
    LIST_MAX,
    LOG_KEYS_MAX,
    LOG_NOTE_MAX,
    MESSAGE_MAX,
    PUBLIC_ORIGIN_MAX,
    SIGNER_KEY_MAX,
    VERIFIER_KEY_MAX,
)
from app.config import Settings
from app.db import audit_note
from app.main import create_app
from app.page_links import link_header
from app.pagination import decode_cursor, encode_cursor
from app.policies.engine import Outcome, check, decide
from app.policies.rules import ILO_10_3
from app.policies.vocabulary import DeploymentStatus
from app.problem_bodies import ERRORS_MAX, TEXT_BOUNDS
from app.problems import (
    RETRY_AFTER_MAX,
    NotFound,
    PolicyDenied,
    ValidationFailed,
    retry_after_value,
)
from app.rate_limit import POLICY_HEADER_MAX, STATE_HEADER_MAX, RateLimiter, headers
from app.schemas.common import CURSOR_MAX

SECRET = b"k" * 32


def test_a_problem_cuts_its_texts_and_errors_to_their_bounds() -> None:
    long = "x" * (MESSAGE_MAX + 50)
    body = NotFound(long).body("/v1/" + "p" * (MESSAGE_MAX + 50))
    assert len(body["detail"]) == TEXT_BOUNDS["detail"] == MESSAGE_MAX
    assert len(body["instance"]) == MESSAGE_MAX
    errors = [{"pointer": "/a", "in": "body", "detail": long}] * (ERRORS_MAX + 5)
    body = ValidationFailed(errors).body("/v1/x")
    assert len(body["errors"]) == ERRORS_MAX
    assert {len(e["detail"]) for e in body["errors"]} == {MESSAGE_MAX}
    assert body["errors"][0]["pointer"] == "/a"


def test_a_denial_names_each_rule_with_its_first_reasons_each_cut() -> None:
    reasons = [f"reason {i} " + "y" * MESSAGE_MAX for i in range(LIST_MAX + 20)]
    decision = decide("x.create", Outcome(results=[check(ILO_10_3, reasons)]))
    [violation] = PolicyDenied(decision).body("/v1/x")["violations"]
    assert violation["rule"] == "ILO-10.3"
    assert len(violation["reasons"]) == LIST_MAX
    assert violation["reasons"][0].startswith("reason 0 ")
    assert {len(r) for r in violation["reasons"]} == {MESSAGE_MAX}
    assert len(violation["message"]) == MESSAGE_MAX


def test_the_longest_position_a_list_keeps_makes_a_cursor_within_the_bound() -> None:
    # the longest keys: a reference impact's group (two names of String(200), each character
    # the most bytes JSON takes for it) and the contact list's (a surname)
    name = "\x01" * 200
    positions = [
        ["d" * 24, "O" * 16, name, name, "t" * 32, "r" * 8, "p" * 32, "k" * 16, str(uuid.uuid4())],
        ["O" * 16, "\U0001f600" * 200, str(uuid.uuid4()), str(uuid.uuid4())],
    ]
    for position in positions:
        cursor = encode_cursor(SECRET, "iss|" + "s" * 300, position, route="/v1/" + "r" * 500)
        assert len(cursor) <= CURSOR_MAX
        assert decode_cursor(SECRET, "iss|" + "s" * 300, cursor, route="/v1/" + "r" * 500) == (
            position
        )


def test_retry_after_and_the_rate_limit_headers_stay_within_their_bounds() -> None:
    assert retry_after_value(10**12) == str(RETRY_AFTER_MAX)
    assert retry_after_value(0) == "1"
    limiter = RateLimiter(10**30, 10**30, clock=lambda: 0.0)
    sent = headers(limiter, "c:client")
    assert [name for name, _ in sent] == [b"ratelimit-policy", b"ratelimit"]
    for name, value in sent:
        assert len(value) <= (
            POLICY_HEADER_MAX if name == b"ratelimit-policy" else STATE_HEADER_MAX
        )


def test_the_longest_audit_note_and_keys_stay_within_their_bounds() -> None:
    name = "n" * KEY_NAME_MAX
    signers = [audit_note.generate(name) for _ in range(LOG_KEYS_MAX)]
    witnesses = [
        audit_note.generate(f"{i:02d}" + "w" * (KEY_NAME_MAX - 2), audit_note.COSIGNATURE_V1)
        for i in range(COSIGNATURES_MAX)
    ]
    body = audit_note.Checkpoint.make(name, 2**63 - 1, b"r" * 32).body
    assert len(body) == CHECKPOINT_BODY_MAX
    logged = audit_note.note(body, [s.sign(body) for s in signers])
    assert len(logged) == LOG_NOTE_MAX
    cosigned = [w.sign(body, timestamp=2**64 - 1) for w in witnesses]
    assert len(audit_note.merge([logged, audit_note.note(body, cosigned)])) == COSIGNED_NOTE_MAX
    assert {len(s.verifier.vkey()) for s in signers} == {VERIFIER_KEY_MAX}
    assert {len(s.skey()) for s in signers} == {SIGNER_KEY_MAX}
    # the settings take the longest keys, and refuse one more key or a longer name
    keys = [s.skey() for s in signers]
    witness_keys = {"DE": [w.verifier.vkey() for w in witnesses]}
    Settings(audit_log_keys=keys, audit_witness_keys=witness_keys)
    longer = audit_note.generate(name + "n")
    for wrong in (
        {"audit_log_keys": [*keys, keys[0]]},
        {"audit_log_keys": [longer.skey()]},
        {"audit_witness_keys": {"DE": [longer.verifier.vkey()]}},
    ):
        with pytest.raises(ValidationError, match="at most"):
            Settings(**wrong)


def test_the_longest_link_a_page_sends_stays_within_its_bound() -> None:
    application = create_app()
    document = application.openapi()
    bound = document["components"]["headers"]["Link"]["schema"]["maxLength"]
    (route,) = [
        c.original_route
        for c in iter_route_contexts(application.routes)
        if c.path == "/v1/deployments" and "GET" in (c.methods or ())
    ]
    longest = {
        "officer_id": str(uuid.uuid4()),
        "organisation": "\U0001f600" * 16,
        "host_country": "ZZ",
        "status": max((s.value for s in DeploymentStatus), key=len),
        "external_reference": "!" * 100,
        "limit": "200",
        "cursor": "a" * 10 + ".b==",
    }
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/v1/deployments",
        "query_string": urlencode(longest).encode(),
        "headers": [],
        "route": route,
        "path_params": {},
        "app": SimpleNamespace(
            state=SimpleNamespace(settings=SimpleNamespace(public_url="h" * PUBLIC_ORIGIN_MAX))
        ),
    }
    link = link_header(Request(scope), "c" * (CURSOR_MAX - 2) + "==")
    assert link.startswith("<" + "h" * PUBLIC_ORIGIN_MAX + "/v1/deployments?officer_id=")
    assert len(link) <= bound
    assert parse_qs(link[1 : link.index(">")].split("?", 1)[1])["organisation"] == [
        longest["organisation"]
    ]
