"""The write set's large values (app/db/write_set.py `LARGE`): staged by COPY in pieces, then
taken by the same one statement, stored exactly as given, and written or not with the rest.

Every test runs in the rolled-back test transaction (the `session` fixture), as the app role.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any, cast

import pytest
from sqlalchemy import Table, event, func, select
from sqlalchemy import text as text_sql
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import undefer

from app.db import write_set
from app.models import Document, DocumentVersion, Organisation, OutboxEvent
from tests.loop_turns import counting_turns

ORGANISATION = cast(Table, Organisation.__table__)
VERSION = cast(Table, DocumentVersion.__table__)
OUTBOX = cast(Table, OutboxEvent.__table__)


def feed(resource_id: uuid.UUID) -> dict[str, Any]:
    return {
        "type": "document.uploaded",
        "resource_type": "document",
        "resource_id": str(resource_id),
        "organisation": "NL",
        "visibility": "network",
    }


def document() -> Document:
    return write_set.new(
        Document,
        id=uuid.uuid4(),
        organisation="NL",
        title="Crossing points",
        category="a_analytical_product",
        audience="all_ilos",
        handling="normal",
        information_topics=[],
        current_version=1,
        version=1,
        created_by="nl-sb",
    )


def version(document_id: uuid.UUID, content: bytes, text: str) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "document_id": document_id,
        "number": 1,
        "media_type": "application/octet-stream",
        "filename": None,
        "size_bytes": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
        "pages": 1,
        "content": content,
        "text": text,
        "statistics": None,
        "decision_id": "d",
        "created_by": "nl-sb",
    }


def large_bytes(seed: int) -> bytes:
    """Bytes of every value, past LARGE and not a whole number of pieces."""
    return bytes((i * seed) % 256 for i in range(256)) * (write_set.LARGE // 256 + 1031)


def large_text(word: str) -> str:
    """Text past LARGE characters, with characters of two, three and four UTF-8 bytes."""
    line = f"{word} Grenzübergänge, 国境, 🛂 crossing points of 2024.\n"
    return line * (write_set.LARGE // len(line) + 7)


async def stored(session: AsyncSession, document_id: uuid.UUID) -> DocumentVersion | None:
    found: DocumentVersion | None = await session.scalar(
        select(DocumentVersion)
        .options(undefer(DocumentVersion.content), undefer(DocumentVersion.text))
        .where(DocumentVersion.document_id == document_id)
        .execution_options(populate_existing=True)
    )
    return found


async def test_large_values_are_stored_exactly_and_searchable_in_the_same_statement(
    session: AsyncSession,
) -> None:
    made = document()
    content, text = large_bytes(7), large_text("Kestrelwatch")
    await write_set.write(
        session,
        [(VERSION, version(made.id, content, text)), (OUTBOX, feed(made.id))],
        created=made,
        requires=(ORGANISATION, {"code": "NL"}),
    )
    row = await stored(session, made.id)
    assert row is not None
    assert row.content == content
    assert row.text == text
    found = await session.scalar(
        select(func.count())
        .select_from(DocumentVersion)
        .where(DocumentVersion.search.op("@@")(func.to_tsquery("simple", "kestrelwatch")))
    )
    assert found == 1
    assert await session.scalar(select(func.count()).select_from(OutboxEvent)) == 1


async def test_an_unmet_condition_writes_no_large_value_either(session: AsyncSession) -> None:
    made = document()
    with pytest.raises(write_set.Unmet):
        await write_set.write(
            session,
            [
                (VERSION, version(made.id, large_bytes(3), large_text("Ospreyline"))),
                (OUTBOX, feed(made.id)),
            ],
            created=made,
            requires=(ORGANISATION, {"code": "XX"}),
        )
    assert await session.scalar(select(func.count()).select_from(DocumentVersion)) == 0
    assert await session.scalar(select(func.count()).select_from(Document)) == 0
    assert await session.scalar(select(func.count()).select_from(OutboxEvent)) == 0


async def test_two_large_writes_in_one_transaction_keep_their_own_values(
    session: AsyncSession,
) -> None:
    """The stage outlives one statement within its transaction: each write takes its own."""
    first, second = document(), document()
    values = {first.id: (large_bytes(5), large_text("Alpha")), second.id: (large_bytes(11), "")}
    for made in (first, second):
        content, text = values[made.id]
        await write_set.write(session, [(VERSION, version(made.id, content, text))], created=made)
    for made in (first, second):
        row = await stored(session, made.id)
        assert row is not None
        assert (row.content, row.text) == values[made.id]


async def test_large_values_go_by_copy_none_bound_into_the_statement(
    session: AsyncSession,
) -> None:
    """The statement's bound values are all small; the large ones are in the transaction's
    stage, as long as they were given."""
    made = document()
    content, text = large_bytes(13), large_text("Staged")
    bound: list[int] = []

    def sizes(conn: Any, cursor: Any, statement: str, parameters: Any, *rest: Any) -> None:
        values = parameters.values() if isinstance(parameters, dict) else parameters
        bound.extend(len(v) for v in values if isinstance(v, str | bytes))

    engine = session.bind.sync_engine if session.bind is not None else None
    assert engine is not None
    event.listen(engine, "before_cursor_execute", sizes)
    try:
        await write_set.write(session, [(VERSION, version(made.id, content, text))], created=made)
    finally:
        event.remove(engine, "before_cursor_execute", sizes)
    assert bound
    assert max(bound) < write_set.LARGE
    staged = (
        await session.execute(
            text_sql("SELECT octet_length(b), length(t) FROM pg_temp.write_set_large ORDER BY n")
        )
    ).all()
    assert [tuple(r) for r in staged] == [(len(content), None), (None, len(text))]
    row = await stored(session, made.id)
    assert row is not None
    assert (row.content, row.text) == (content, text)


async def test_the_loop_runs_between_two_pieces_of_the_copy() -> None:
    """The COPY's data comes in pieces of at most PIECE bytes of a binary value or PIECE
    characters of a text (4 UTF-8 bytes at most each), another task run between two."""
    content, text = large_bytes(17), large_text("Pieces")
    turns: list[tuple[int, int]] = []
    async with counting_turns() as loop:
        async for piece in write_set._copy_data([(1, content), (2, text)]):
            turns.append((loop.count, len(piece)))
    assert max(size for _, size in turns[: len(content) // write_set.PIECE]) <= write_set.PIECE
    assert max(size for _, size in turns) <= 4 * write_set.PIECE
    assert sum(size for _, size in turns) > len(content) + len(text.encode())
    values = -(-len(content) // write_set.PIECE) + -(-len(text) // write_set.PIECE)
    assert len(turns) >= values
    assert len({tick for tick, _ in turns}) >= values  # a turn of the loop after each piece
