"""app/pagination.py: cursors are bound to the caller and to the list they came from, and a
mangled cursor is a 422 (never a 500)."""

from __future__ import annotations

import json
from datetime import UTC
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Select, select
from sqlalchemy.dialects import postgresql

from app.keyset import Window
from app.models import AuditEvent, BoardDecision, BoardSeat
from app.pagination import decode_cursor, encode_cursor, rendered_size
from app.problems import ValidationFailed
from tests.factories import Auth

SECRET = b"k" * 32


def test_a_cursor_decodes_only_for_its_client_and_list() -> None:
    cursor = encode_cursor(SECRET, "client-a", ["DK"], route="/v1/organisations")
    assert decode_cursor(SECRET, "client-a", cursor, route="/v1/organisations") == ["DK"]
    for client, route in (("client-b", "/v1/organisations"), ("client-a", "/v1/deployments")):
        with pytest.raises(ValidationFailed):
            decode_cursor(SECRET, client, cursor, route=route)


@pytest.mark.parametrize(
    "signature", ["é", "\u00ff" * 24, "Zm9v", ""], ids=["non-ascii", "latin-1", "short", "empty"]
)
def test_a_mangled_signature_is_a_validation_problem(signature: str) -> None:
    body = encode_cursor(SECRET, "c", [1], route="/r").split(".")[0]
    with pytest.raises(ValidationFailed):
        decode_cursor(SECRET, "c", f"{body}.{signature}", route="/r")


async def test_mangled_or_foreign_list_cursors_are_422_on_the_api(
    client: httpx.AsyncClient, auth: Auth
) -> None:
    headers = auth("NL")
    organisations = (await client.get("/v1/organisations?limit=1", headers=headers)).json()
    body = organisations["next_cursor"].split(".")[0]
    # not the shape of a cursor (base64url, a dot, base64url): refused by its pattern
    mangled = await client.get(f"/v1/organisations?cursor={body}.%C3%A9t%C3%A9", headers=headers)
    assert mangled.status_code == 422, mangled.text
    [error] = mangled.json()["errors"]
    assert (error["pointer"], error["in"]) == ("/cursor", "query")
    for url in (
        f"/v1/organisations?cursor={body}.AAAA",  # a signature that does not verify
        # a position of organisation codes, where deployments are keyed by uuid
        f"/v1/deployments?cursor={organisations['next_cursor']}",
    ):
        response = await client.get(url, headers=headers)
        assert response.status_code == 422, (url, response.text)
        assert response.json()["errors"] == [
            {"pointer": "/cursor", "in": "query", "detail": "invalid or foreign cursor"}
        ]


def _sql(query: Select[Any]) -> str:
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    compiled = query.compile(dialect=dialect, compile_kwargs={"literal_binds": True})
    return " ".join(str(compiled).split())


def test_a_window_orders_by_its_keys_and_reads_one_row_more() -> None:
    window = Window(after=None, limit=3)
    sql = _sql(window.apply(select(BoardDecision), BoardDecision.decided_on, BoardDecision.id))
    assert sql.endswith("ORDER BY board_decision.decided_on ASC, board_decision.id ASC LIMIT 4"), (
        sql
    )
    assert "WHERE" not in sql


def test_a_window_after_a_position_compares_the_keys_in_their_directions() -> None:
    window = Window(after=[7, "2026-01-02T03:04:05"], limit=1)
    sql = _sql(window.apply(select(AuditEvent), AuditEvent.id.desc(), AuditEvent.occurred_at))
    assert (
        "WHERE audit_event.id < 7 OR audit_event.id = 7 AND audit_event.occurred_at > "
        "'2026-01-02 03:04:05'" in sql
    ), sql
    assert sql.endswith("ORDER BY audit_event.id DESC, audit_event.occurred_at ASC LIMIT 2"), sql


@pytest.mark.parametrize("after", [["x"], [1, 2], [None]], ids=["type", "arity", "null"])
def test_a_position_not_of_the_lists_keys_is_a_validation_problem(after: list[object]) -> None:
    with pytest.raises(ValidationFailed):
        Window(after=after, limit=1).apply(select(AuditEvent), AuditEvent.id)


def test_a_page_of_a_list_that_never_stated_its_keys_fails() -> None:
    """What makes a forgotten keyset impossible to ship: the page asks the window for the last
    row's position, and a window that was never applied has none."""
    with pytest.raises(RuntimeError, match="keyset"):
        Window(after=None, limit=1).position(object())


def test_a_column_that_may_be_null_is_never_a_key() -> None:
    """No row compares after a null: a nullable key would lose rows between pages."""
    with pytest.raises(ValueError, match="may not be null"):
        Window(after=None, limit=1).apply(select(BoardSeat), BoardSeat.organisation, BoardSeat.id)


def _size_column_by_column(row: Any) -> int:
    """The budget's definition: per column `"name":value,` with the value as json.dumps
    renders it (bytes by their length), and the braces."""
    size = 2
    for column in row.__table__.columns:
        value = getattr(row, column.key, None)
        size += len(column.key) + 4
        size += len(value) if isinstance(value, bytes) else len(json.dumps(value, default=str))
    return size


_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(),
    st.binary(max_size=40),
    st.uuids(),
    st.dates(),
    st.datetimes(timezones=st.just(UTC)),
    st.datetimes(),
    st.lists(st.text(max_size=8), max_size=4),
    st.dictionaries(st.text(max_size=6), st.one_of(st.integers(), st.text(max_size=6))),
)


@settings(max_examples=60, deadline=None)
@given(values=st.lists(_VALUES, min_size=3, max_size=3))
def test_a_rows_budgeted_size_is_its_columns_rendered_one_by_one(values: list[Any]) -> None:
    """rendered_size encodes a row's values at once; the sum is the same as column by column,
    whatever the values (text needing escapes, bytes, ids, dates, JSON)."""
    row = AuditEvent(id=1)
    for key, value in zip(("request_id", "details", "actor"), values, strict=True):
        setattr(row, key, value)
    assert rendered_size(row) == _size_column_by_column(row)
