"""Platform documents (Art. 9) and their versions: metadata, and per version the content bytes,
its SHA-256 and its extracted text with a full-text index. A new version never overwrites an
older one. Documents hold no personal data (ILO-9.3, checked before a version is stored), so
nothing here is encrypted."""

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ARRAY,
    Computed,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base

# The text search configuration: documents come in every language of the Union, so words are
# matched as written (no stemming for one language).
SEARCH_CONFIG = "simple"
# The indexed part of each version's text (PostgreSQL caps a tsvector at 1 MB).
SEARCH_CHARS = 500_000


class Document(Base):
    __tablename__ = "document"
    __table_args__ = (Index("ix_document_audience_category", "audience", "category"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    organisation: Mapped[str] = mapped_column(ForeignKey("organisation.code"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    category: Mapped[str] = mapped_column(String(40))
    audience: Mapped[str] = mapped_column(String(40))
    network_id: Mapped[str | None] = mapped_column(String(64))
    handling: Mapped[str] = mapped_column(String(20))
    information_topics: Mapped[list[str]] = mapped_column(ARRAY(String(64)))
    host_country: Mapped[str | None] = mapped_column(String(2))
    period_from: Mapped[date | None]
    period_to: Mapped[date | None]
    current_version: Mapped[int] = mapped_column(Integer, default=1)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    created_by: Mapped[str] = mapped_column(String(300))
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())


class DocumentVersion(Base):
    __tablename__ = "document_version"
    __table_args__ = (
        UniqueConstraint("document_id", "number", name="uq_document_version_number"),
        Index("ix_document_version_search", "search", postgresql_using="gin"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    document_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("document.id"))
    number: Mapped[int]
    media_type: Mapped[str] = mapped_column(String(100))
    filename: Mapped[str | None] = mapped_column(String(255))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    pages: Mapped[int]
    # Loaded only when asked for (a download, a search): lists and reads show metadata.
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    text: Mapped[str] = mapped_column(Text, deferred=True)
    search: Mapped[Any] = mapped_column(
        TSVECTOR,
        Computed(
            f"to_tsvector('{SEARCH_CONFIG}'::regconfig, left(text, {SEARCH_CHARS}))",
            persisted=True,
        ),
        deferred=True,
    )
    # An information report's aggregated statistics (ILO-3.4), as uploaded.
    statistics: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONB)
    decision_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    created_by: Mapped[str] = mapped_column(String(300))
