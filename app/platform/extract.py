"""Text extractors: plain text, Markdown, CSV (cells), JSON (pointers), PDF (pypdf, pages and
lines) and DOCX (python-docx, paragraphs and table cells). Anything else is refused (415); a
file whose text cannot be read is refused with the reason (422), never stored unchecked."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from app.platform.text import Location, TextUnit

PLAIN = "text/plain"
MARKDOWN = "text/markdown"
CSV = "text/csv"
JSON = "application/json"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MEDIA_TYPES = (PLAIN, MARKDOWN, CSV, JSON, PDF, DOCX)
EXTENSIONS = {
    ".txt": PLAIN, ".md": MARKDOWN, ".markdown": MARKDOWN, ".csv": CSV, ".json": JSON,
    ".pdf": PDF, ".docx": DOCX,
}  # fmt: skip


class Refused(Exception):
    """The upload cannot be checked: 415 for a media type the platform does not take, 422 for a
    file of an accepted type whose text cannot be extracted."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Extracted:
    media_type: str
    units: tuple[TextUnit, ...]
    pages: int

    @property
    def text(self) -> str:
        return "\n".join(u.text for u in self.units)


def media_type_of(declared: str | None, filename: str | None) -> str:
    """The accepted media type a declared type (or, for a generic one, the file name) names."""
    media = (declared or "").split(";")[0].strip().lower()
    if media in MEDIA_TYPES:
        return media
    if media in ("", "application/octet-stream") and filename:
        suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        if suffix in EXTENSIONS:
            return EXTENSIONS[suffix]
    raise Refused(
        415,
        f"The platform takes {', '.join(MEDIA_TYPES)}; not {media or 'an untyped file'}.",
    )


def _decode(content: bytes) -> str:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Refused(422, "The file is not UTF-8 text.") from None
    if "\x00" in text:
        raise Refused(422, "The file holds NUL characters: it is not text.")
    return text


def _lines(text: str, page: int | None = None) -> Iterator[TextUnit]:
    previous = ""
    for number, line in enumerate(text.splitlines(), start=1):
        yield TextUnit(line, Location(page=page, line=number), context=previous)
        if line.strip():
            previous = line


def _csv(text: str) -> Iterator[TextUnit]:
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], ",;\t|")
    except csv.Error:
        dialect = csv.excel
    header: list[str] = []
    try:
        for r, row in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
            if r == 1:
                header = row
            for c, cell in enumerate(row, start=1):
                label = header[c - 1] if r > 1 and c <= len(header) else ""
                yield TextUnit(cell, Location(row=r, column=c), context=label)
    except csv.Error as error:
        raise Refused(422, f"The CSV file cannot be read: {error}.") from None


def _json(value: Any, pointer: str = "", member: str = "") -> Iterator[TextUnit]:
    if isinstance(value, dict):
        for key, item in value.items():
            escaped = str(key).replace("~", "~0").replace("/", "~1")
            yield TextUnit(str(key), Location(pointer=f"{pointer}/{escaped}"))
            yield from _json(item, f"{pointer}/{escaped}", str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _json(item, f"{pointer}/{i}", member)
    elif isinstance(value, str | int | float) and not isinstance(value, bool):
        yield TextUnit(str(value), Location(pointer=pointer), context=member)


def _pdf(content: bytes) -> tuple[list[TextUnit], int]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if not content.startswith(b"%PDF-"):
        raise Refused(422, "The file is not a PDF (no %PDF- header).")
    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted:
            raise Refused(422, "The PDF is encrypted: its text cannot be checked.")
        units: list[TextUnit] = []
        for number, page in enumerate(reader.pages, start=1):
            units.extend(_lines(page.extract_text() or "", page=number))
        pages = len(reader.pages)
    except Refused:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError) as error:
        raise Refused(422, f"The PDF cannot be read ({type(error).__name__}).") from None
    if not any(u.text.strip() for u in units):
        raise Refused(
            422,
            "No text can be extracted from this PDF (a scanned image?): it cannot be checked "
            "for personal data, so it is not stored. Upload a PDF with a text layer.",
        )
    return units, pages


def _docx(content: bytes) -> list[TextUnit]:
    import docx

    try:
        document = docx.Document(io.BytesIO(content))
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise Refused(422, f"The DOCX file cannot be read ({type(error).__name__}).") from None
    units: list[TextUnit] = []
    previous = ""
    paragraphs = [p.text for p in document.paragraphs]
    for section in document.sections:
        for part in (section.header, section.footer):
            paragraphs.extend(p.text for p in part.paragraphs)
    for line, text in enumerate(paragraphs, start=1):
        units.append(TextUnit(text, Location(line=line), context=previous))
        previous = text if text.strip() else previous
    for t, table in enumerate(document.tables, start=1):
        header: list[str] = []
        for r, row in enumerate(table.rows, start=1):
            cells = [cell.text for cell in row.cells]
            if r == 1:
                header = cells
            for c, cell_text in enumerate(cells, start=1):
                label = header[c - 1] if r > 1 and c <= len(header) else ""
                units.append(TextUnit(cell_text, Location(table=t, row=r, column=c), label))
    return units


def extract(content: bytes, media_type: str) -> Extracted:
    """The text units of a file of an accepted media type (Refused otherwise)."""
    if media_type in (PLAIN, MARKDOWN):
        return Extracted(media_type, tuple(_lines(_decode(content))), 1)
    if media_type == CSV:
        return Extracted(media_type, tuple(_csv(_decode(content))), 1)
    if media_type == JSON:
        try:
            parsed = json.loads(_decode(content))
        except json.JSONDecodeError as error:
            raise Refused(422, f"The JSON file cannot be parsed: {error.msg}.") from None
        return Extracted(media_type, tuple(_json(parsed)), 1)
    if media_type == PDF:
        units, pages = _pdf(content)
        return Extracted(media_type, tuple(units), pages)
    if media_type == DOCX:
        if not content.startswith(b"PK"):
            raise Refused(422, "The file is not a DOCX document (not a ZIP package).")
        return Extracted(media_type, tuple(_docx(content)), 1)
    raise Refused(415, f"The platform does not take {media_type}.")
