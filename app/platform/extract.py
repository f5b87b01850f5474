"""Text extractors: plain text, Markdown, CSV (cells), JSON (pointers and lines), PDF (pypdf,
pages and lines) and DOCX (python-docx: paragraphs, headers and footers, table cells). Anything
else is refused (415); a file whose text cannot be read within the bounds of
app/platform/limits.py is refused naming the bound (413 or 422), never stored unchecked."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from app.platform import bounded_json, docx_package, json_text, pdf_text
from app.platform.limits import LIMITS, Refused, exceeded
from app.platform.text import Location, TextUnit

__all__ = [
    "CSV",
    "DOCX",
    "EXTENSIONS",
    "JSON",
    "MARKDOWN",
    "MEDIA_TYPES",
    "PDF",
    "PLAIN",
    "Extracted",
    "Refused",
    "extract",
    "media_type_of",
]

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
        "media_type",
    )


def _decode(content: bytes) -> str:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Refused(422, "The file is not UTF-8 text.", "text.utf8") from None
    if "\x00" in text:
        raise Refused(422, "The file holds NUL characters: it is not text.", "text.nul")
    return text


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
        raise Refused(422, f"The CSV file cannot be read: {error}.", "csv.syntax") from None


def _bounded(units: Iterable[TextUnit]) -> tuple[TextUnit, ...]:
    """The units, refused past the bound on their number or their characters."""
    kept: list[TextUnit] = []
    chars = 0
    for unit in units:
        kept.append(unit)
        chars += len(unit.text)
        if len(kept) > LIMITS.text_units:
            raise exceeded("text_units", "The file has too many lines, cells or values")
        if chars > LIMITS.text_chars:
            raise exceeded("text_chars", "The file has too much text", status=413)
    return tuple(kept)


def _parsed_json(text: str) -> Any:
    try:
        return bounded_json.loads(
            text, max_depth=LIMITS.json_depth, object_pairs_hook=json_text.Members
        )
    except bounded_json.TooDeep:
        raise exceeded("json_depth", "The JSON file nests arrays and objects too deeply") from None
    except json.JSONDecodeError as error:
        raise Refused(422, f"The JSON file cannot be parsed: {error.msg}.", "json.syntax") from None
    except ValueError as error:
        raise Refused(422, f"The JSON file cannot be parsed: {error}.", "json.syntax") from None


def extract(content: bytes, media_type: str) -> Extracted:
    """The text units of a file of an accepted media type (Refused otherwise)."""
    if media_type in (PLAIN, MARKDOWN):
        return Extracted(media_type, _bounded(pdf_text.lines(_decode(content))), 1)
    if media_type == CSV:
        return Extracted(media_type, _bounded(_csv(_decode(content))), 1)
    if media_type == JSON:
        text = _decode(content)
        return Extracted(media_type, _bounded(json_text.units(_parsed_json(text), text)), 1)
    if media_type == PDF:
        units, pages = pdf_text.units(content)
        return Extracted(media_type, _bounded(units), pages)
    if media_type == DOCX:
        if not content.startswith(b"PK"):
            raise Refused(422, "The file is not a DOCX document (not a ZIP package).", "docx.zip")
        docx_package.check_package(content)
        return Extracted(media_type, _bounded(docx_package.text_units(content)), 1)
    raise Refused(415, f"The platform does not take {media_type}.", "media_type")
