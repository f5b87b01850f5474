"""Reading platform documents under the read policy `document` (ILO-9.3, ILO-9.4): lists,
single reads, downloads of any version and ranked full-text search with highlights — each over
the documents the caller's audiences let it see (a document outside them is a 404)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Float, Row, and_, cast, func, literal, or_, select
from sqlalchemy.dialects.postgresql import REGCONFIG as _REGCONFIG
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import undefer

from app.db.visibility import visible
from app.keyset import Window
from app.models import Document, DocumentVersion
from app.models.document import SEARCH_CHARS, SEARCH_CONFIG
from app.problems import NotFound
from app.schemas.document import DocumentHit, DocumentOut, DocumentVersionOut
from app.security import Principal
from app.services import access

RESOURCE = "document"


def not_found(document_id: uuid.UUID, detail: str = "") -> NotFound:
    return NotFound(
        detail or f"No document {document_id}.",
        resource_type=RESOURCE,
        resource_id=str(document_id),
    )


async def get_document(
    *, session: AsyncSession, principal: Principal, document_id: uuid.UUID
) -> Document:
    seen = access.visibility(principal, RESOURCE)
    document = await session.scalar(
        select(Document).where(Document.id == document_id, visible(Document, seen))
    )
    if document is None:
        raise not_found(document_id)
    return document


async def versions_of(session: AsyncSession, document_id: uuid.UUID) -> Sequence[DocumentVersion]:
    """The versions' metadata (not their content), oldest first."""
    query = (
        select(DocumentVersion)
        .where(DocumentVersion.document_id == document_id)
        .order_by(DocumentVersion.number)
    )
    return (await session.scalars(query)).all()


async def list_documents(
    *,
    session: AsyncSession,
    principal: Principal,
    category: str | None,
    audience: str | None,
    window: Window,
) -> Sequence[Document]:
    seen = access.visibility(principal, RESOURCE)
    query = select(Document).where(visible(Document, seen))
    if category is not None:
        query = query.where(Document.category == category)
    if audience is not None:
        query = query.where(Document.audience == audience)
    query = window.apply(query, Document.id)
    return (await session.scalars(query)).all()


async def download(
    *, session: AsyncSession, principal: Principal, document_id: uuid.UUID, number: int | None
) -> DocumentVersion:
    """A version's file (the current one without `number`) of a document the caller sees."""
    document = await get_document(session=session, principal=principal, document_id=document_id)
    wanted = document.current_version if number is None else number
    row = await session.scalar(
        select(DocumentVersion)
        .options(undefer(DocumentVersion.content))
        .where(DocumentVersion.document_id == document.id, DocumentVersion.number == wanted)
    )
    if row is None:
        raise not_found(document_id, f"Document {document_id} has no version {wanted}.")
    return row


async def search(
    *, session: AsyncSession, principal: Principal, q: str, window: Window
) -> Sequence[Row[Any]]:
    """Ranked full-text search (PostgreSQL, configuration `simple`: words as written, in any
    language) over the title and current version of the documents the caller sees: the
    documents with their rank and highlight, best first (`render_hits` makes them hits)."""
    seen = access.visibility(principal, RESOURCE)
    query_ts = func.websearch_to_tsquery(literal(SEARCH_CONFIG).cast(_REGCONFIG), q)
    title_ts = func.to_tsvector(literal(SEARCH_CONFIG).cast(_REGCONFIG), Document.title)
    rank = cast(
        func.ts_rank(DocumentVersion.search, query_ts) + func.ts_rank(title_ts, query_ts) * 2,
        Float,
    )
    highlight = func.ts_headline(
        literal(SEARCH_CONFIG).cast(_REGCONFIG),
        func.left(DocumentVersion.text, SEARCH_CHARS),
        query_ts,
        "StartSel=<b>, StopSel=</b>, MaxFragments=2, MaxWords=20, MinWords=5",
    )
    statement = (
        select(Document, rank.label("rank"), highlight.label("highlight"))
        .join(
            DocumentVersion,
            and_(
                DocumentVersion.document_id == Document.id,
                DocumentVersion.number == Document.current_version,
            ),
        )
        .where(
            visible(Document, seen),
            or_(DocumentVersion.search.op("@@")(query_ts), title_ts.op("@@")(query_ts)),
        )
    )
    statement = window.apply(
        statement, rank.desc(), Document.id, position=lambda row: [row.rank, row.Document.id]
    )
    return (await session.execute(statement)).all()


def render_hits(rows: Sequence[Row[Any]]) -> list[DocumentHit]:
    return [
        DocumentHit(
            id=row.Document.id,
            title=row.Document.title,
            category=row.Document.category,
            audience=row.Document.audience,
            current_version=row.Document.current_version,
            rank=round(float(row.rank), 6),
            highlight=row.highlight,
        )
        for row in rows
    ]


def render_version(row: DocumentVersion) -> DocumentVersionOut:
    return DocumentVersionOut(
        number=row.number,
        media_type=row.media_type,
        filename=row.filename,
        size_bytes=row.size_bytes,
        sha256=row.sha256,
        pages=row.pages,
        created_at=row.created_at,
        created_by=row.created_by,
    )


def render(document: Document, versions: Sequence[DocumentVersion]) -> DocumentOut:
    return DocumentOut(
        id=document.id,
        organisation=document.organisation,
        title=document.title,
        category=document.category,
        audience=document.audience,
        network_id=document.network_id,
        handling=document.handling,
        information_topics=document.information_topics,
        host_country=document.host_country,
        period_from=document.period_from,
        period_to=document.period_to,
        current_version=document.current_version,
        versions=[render_version(v) for v in versions],
        version=document.version,
        created_at=document.created_at,
        created_by=document.created_by,
    )
