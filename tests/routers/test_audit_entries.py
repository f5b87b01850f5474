"""GET /v1/audit/entries: the log's entries, each leaf's exact bytes on a line in leaf order, for
the Commission's auditor; they are the tree of the signed checkpoint, page by page, hold no
personal data, and a bad range or another caller is a problem, never a 500."""

from __future__ import annotations

import json

import httpx

from app.db import audit_merkle, audit_note
from tests import factories
from tests.audit_witnesses import witness_headers
from tests.factories import Auth
from tests.world import World

PATH = "/v1/audit/entries"


async def _signed_head(client: httpx.AsyncClient, auditor: dict[str, str]) -> audit_note.Checkpoint:
    """The world's events sealed and signed now (in the test's transaction)."""
    latest = await client.get("/v1/audit/checkpoints/latest?sign=true", headers=auditor)
    assert latest.status_code == 200, latest.text
    return audit_note.Checkpoint.parse(audit_note.split(latest.json()["note"])[0])


async def test_the_entries_are_the_signed_trees_leaves_page_by_page_without_personal_data(
    client: httpx.AsyncClient, world: World, auth: Auth
) -> None:
    auditor = auth("COM", ["auditor"])
    head = await _signed_head(client, auditor)
    assert head.size > 20  # the world's events: not vacuous
    whole = await client.get(PATH, params={"start": 0, "end": head.size}, headers=auditor)
    assert whole.status_code == 200, whole.text
    assert whole.headers["content-type"] == "application/x-ndjson"
    assert whole.content.endswith(b"\n")
    lines = whole.content.split(b"\n")[:-1]
    assert len(lines) == head.size
    assert audit_merkle.root([audit_merkle.leaf_hash(line) for line in lines]) == head.root
    events = [json.loads(line) for line in lines]
    assert all(line.isascii() for line in lines)
    assert [json.dumps(e, sort_keys=True, separators=(",", ":")).encode() for e in events] == lines
    ids = [e["id"] for e in events]
    assert len(set(ids)) == head.size
    assert {"processing_record.created", "officer.created"} <= {e["action"] for e in events}
    # what is served holds no personal data: none of the world's contact or subject data
    for personal in (*factories.OFFICER_PERSONAL_DATA, *factories.PLAINTEXT, "1991-04-12"):
        assert personal.encode() not in whole.content, personal
    # pages in leaf order: two ranges make the whole; an empty range is an empty body
    cut = head.size // 3
    first = await client.get(PATH, params={"start": 0, "end": cut}, headers=auditor)
    rest = await client.get(PATH, params={"start": cut, "end": head.size}, headers=auditor)
    assert first.content + rest.content == whole.content
    assert first.content.count(b"\n") == cut
    empty = await client.get(PATH, params={"start": cut, "end": cut}, headers=auditor)
    assert (empty.status_code, empty.content) == (200, b"")


async def test_a_bad_range_is_a_422_and_only_the_commissions_auditor_reads_the_entries(
    client: httpx.AsyncClient, world: World, auth: Auth
) -> None:
    auditor = auth("COM", ["auditor"])
    head = await _signed_head(client, auditor)
    wrong = {
        (3, 2): "needs start <= end",
        (0, 16_385): "asks for more than 16384 entries",
        (0, head.size + 1): f"needs end <= the tree's size ({head.size})",
    }
    for (start, end), detail in wrong.items():
        answer = await client.get(PATH, params={"start": start, "end": end}, headers=auditor)
        assert answer.status_code == 422, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
        body = answer.json()
        assert body["type"].endswith("/problems/validation-error")
        assert body["errors"] == [{"pointer": "/end", "in": "query", "detail": detail}]
    hostile: list[dict[str, str | int]] = [
        {"start": "x", "end": 1},
        {"start": -1, "end": 1},
        {"start": 0, "end": "1.5"},
        {"start": 0, "end": 2**63},
        {"start": 0},
        {"start": "0x1", "end": "1e3"},
    ]
    for params in hostile:
        answer = await client.get(PATH, params=params, headers=auditor)
        assert answer.status_code == 422, (params, answer.text)
        assert answer.json()["type"].endswith("/problems/validation-error"), params
    callers = {
        "NL's auditor": auth("NL", ["auditor"]),
        "the Commission's DPO": auth("COM", ["dpo"]),
        "a witness's client": witness_headers(auth),
    }
    for name, headers in callers.items():
        answer = await client.get(PATH, params={"start": 0, "end": 1}, headers=headers)
        assert answer.status_code == 403, (name, answer.text)
        body = answer.json()
        assert [v["rule"] for v in body["violations"]] == ["ACL-ROLE"], name
        assert "the Commission's auditor reads them" in body["violations"][0]["message"], name
        assert b"occurred_at" not in answer.content
    anonymous = await client.get(PATH, params={"start": 0, "end": 1})
    assert anonymous.status_code == 401
    assert anonymous.json()["type"].endswith("/problems/unauthenticated")
