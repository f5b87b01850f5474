"""The content check of an upload as one task for a worker process: extract the file's text
(within the bounds of app/platform/limits.py) and scan it, with the metadata's own text units,
for personal data (ILO-9.3) and handling markings (ILO-9.1). What crosses back to the server is
small: the text to index, the page count, the findings' descriptions (never values) and the
file's SHA-256 (hashed here, off the server's CPU)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from app.platform.counts import count_cells
from app.platform.extract import extract
from app.platform.institutional import NO_CONTACTS, InstitutionalContacts
from app.platform.markings import handling_markings
from app.platform.scanner import scan
from app.platform.text import TextUnit


@dataclass(frozen=True, slots=True)
class Inspection:
    media_type: str
    text: str  # without NUL characters (PostgreSQL text cannot hold them)
    pages: int
    findings: tuple[str, ...]
    markings: tuple[str, ...]
    sha256: str  # of the file's bytes, hex
    # The count cells of the file's own tables (ILO-3.4): where, and the count.
    counts: tuple[tuple[str, int], ...] = ()


def inspect(
    content: bytes,
    media_type: str,
    extra: tuple[TextUnit, ...] = (),
    count_columns: tuple[str, ...] = (),
    known: InstitutionalContacts = NO_CONTACTS,
) -> Inspection:
    """Extract and scan a file (Refused when it cannot be read within the bounds); `extra` are
    the metadata's units (title, statistics labels), scanned before the file's; the cells of
    the file's count columns (declared, or named so by their header) are counted apart;
    `known` are the registered institutional contacts (reference data), no person's data."""
    extracted = extract(content, media_type)
    units = (*extra, *extracted.units)
    return Inspection(
        media_type=extracted.media_type,
        text=extracted.text.replace("\x00", ""),
        pages=extracted.pages,
        findings=tuple(f.describe() for f in scan(units, known)),
        markings=tuple(m.describe() for m in handling_markings(units)),
        sha256=hashlib.sha256(content).hexdigest(),
        counts=tuple(count_cells(extracted.units, count_columns)),
    )
