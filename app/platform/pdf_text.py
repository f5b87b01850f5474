"""A PDF's text read in bounds: a page count declared past the bound refused from the raw bytes
(before the reader parses the cross-reference table), then the page tree walked (its depth and
page count measured without recursion, whatever /Count declares), then each page's content
streams inflated under pypdf's per-stream cap and counted against the document's; only a file
within every bound has its text extracted, by PDFium (pypdfium2: several times faster than
pypdf's extraction), which must read as many pages as the walk counted."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

from app.platform.limits import LIMITS, Refused, exceeded
from app.platform.text import Location, TextUnit


def lines(text: str, page: int | None = None) -> Iterator[TextUnit]:
    previous = ""
    for number, line in enumerate(text.splitlines(), start=1):
        yield TextUnit(line, Location(page=page, line=number), context=previous)
        if line.strip():
            previous = line


_COUNT = re.compile(rb"/Count\s+(\d{1,12})")
_PAGES_NODE = re.compile(rb"/Type\s*/Pages\b")
# How many large /Count entries are looked at before the reader decides (outlines count too).
_COUNTS_LOOKED_AT = 64


def declared_pages_exceed(content: bytes) -> bool:
    """Whether a page-tree node in the file's raw bytes declares more pages than allowed: a
    scan of a few milliseconds, so such a file is refused before pypdf reads its
    cross-reference table (seconds for tens of thousands of objects). A declared count only
    ever refuses; one hidden in a compressed object stream is caught by the walk instead."""
    looked_at = 0
    for match in _COUNT.finditer(content):
        if int(match.group(1)) <= LIMITS.pdf_pages:
            continue
        looked_at += 1
        if looked_at > _COUNTS_LOOKED_AT:
            return False
        # The object holding the count: from the previous "obj" keyword to the next "endobj".
        start = content.rfind(b"obj", 0, match.start())
        end = content.find(b"endobj", match.end())
        if _PAGES_NODE.search(content, max(start, 0), end if end >= 0 else len(content)):
            return True
    return False


def _count_pages(root: Any) -> int:
    """Leaves of the page tree, walked iteratively: refused past the depth or page bound."""
    from pypdf.generic import ArrayObject, DictionaryObject

    pages = 0
    seen: set[int] = set()
    stack: list[tuple[Any, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        node = node.get_object() if node is not None else None
        if not isinstance(node, DictionaryObject) or id(node) in seen:
            continue
        seen.add(id(node))
        if depth > LIMITS.pdf_page_tree_depth:
            raise exceeded("pdf_page_tree_depth", "The PDF's page tree is nested too deeply")
        kids = node.get("/Kids")
        kids = kids.get_object() if kids is not None else None
        if node.get("/Type") == "/Pages" and isinstance(kids, ArrayObject):
            # A count or a node of more kids than the pages allowed is refused unread: the
            # counts are trusted to refuse, never to accept.
            declared = node.get("/Count")
            if len(kids) > LIMITS.pdf_pages or (
                isinstance(declared, int) and declared > LIMITS.pdf_pages
            ):
                raise exceeded("pdf_pages", "The PDF has too many pages")
            stack.extend((kid, depth + 1) for kid in kids)
        else:
            pages += 1
            if pages > LIMITS.pdf_pages:
                raise exceeded("pdf_pages", "The PDF has too many pages")
    return pages


def _content_bytes(page: Any) -> int:
    """The inflated size of a page's content streams (pypdf caps each stream)."""
    contents = page.get_contents()
    return 0 if contents is None else len(contents.get_data())


def _limit_reached(error: Exception) -> Refused:
    message = str(error).lower()
    if "decompress" in message or "output" in message:
        return exceeded("pdf_stream_bytes", "A stream of the PDF inflates too far", status=413)
    if "page tree" in message or "depth" in message:
        return exceeded("pdf_page_tree_depth", "The PDF's page tree is nested too deeply")
    return Refused(422, f"The PDF passes a bound of its reader: {error}", "pdf.reader_limits")


def _page_texts(content: bytes, pages: int) -> list[str]:
    """Each page's text as PDFium reads it (lines parted by CR LF), for a file whose bounds
    pypdf has checked: refused if PDFium cannot open it or counts other pages than the walk."""
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(content)
    except pypdfium2.PdfiumError as error:
        raise Refused(422, f"The PDF cannot be read ({error}).", "pdf.syntax") from None
    try:
        if len(document) != pages:
            raise Refused(
                422, "The PDF's pages are not read alike by its two readers.", "pdf.syntax"
            )
        texts: list[str] = []
        for index in range(pages):
            page = document[index]
            textpage = page.get_textpage()
            try:
                texts.append(textpage.get_text_range())
            finally:
                textpage.close()
                page.close()
        return texts
    finally:
        document.close()


def units(content: bytes) -> tuple[list[TextUnit], int]:
    """Every page's lines (page and line numbers), and the number of pages."""
    from pypdf import PdfReader, apply_configuration
    from pypdf.errors import LimitReachedError, PdfReadError, PyPdfError

    if not content.startswith(b"%PDF-"):
        raise Refused(422, "The file is not a PDF (no %PDF- header).", "pdf.header")
    if declared_pages_exceed(content):
        raise exceeded("pdf_pages", "The PDF has too many pages")
    found: list[TextUnit] = []
    inflated = 0
    try:
        with apply_configuration(
            zlib_maximum_output_length=LIMITS.pdf_stream_bytes,
            page_tree_maximum_depth=LIMITS.pdf_page_tree_depth,
            page_tree_maximum_entries=LIMITS.pdf_pages * 4,
        ):
            reader = PdfReader(io.BytesIO(content))
            if reader.is_encrypted:
                raise Refused(
                    422, "The PDF is encrypted: its text cannot be checked.", "pdf.encrypted"
                )
            root: Any = reader.trailer["/Root"].get_object()
            _count_pages(root.get("/Pages"))
            # Every page of the tree, not as many as /Count declares: a page left out would
            # go unchecked.
            reader.get_page(0)
            pages = len(reader.flattened_pages or [])
            for page in reader.flattened_pages or []:
                inflated += _content_bytes(page)
                if inflated > LIMITS.pdf_decompressed_bytes:
                    raise exceeded(
                        "pdf_decompressed_bytes", "The PDF's pages inflate too far", status=413
                    )
    except Refused:
        raise
    except LimitReachedError as error:
        raise _limit_reached(error) from None
    except (PyPdfError, PdfReadError, ValueError, KeyError, TypeError, AttributeError,
            IndexError, RecursionError, OSError) as error:  # fmt: skip
        raise Refused(
            422, f"The PDF cannot be read ({type(error).__name__}).", "pdf.syntax"
        ) from None
    for number, text in enumerate(_page_texts(content, pages), start=1):
        found.extend(lines(text, page=number))
        if len(found) > LIMITS.text_units:
            raise exceeded("text_units", "The PDF has too many lines")
    if not any(u.text.strip() for u in found):
        raise Refused(
            422,
            "No text can be extracted from this PDF (a scanned image?): it cannot be checked "
            "for personal data, so it is not stored. Upload a PDF with a text layer.",
            "pdf.text_layer",
        )
    return found, max(pages, 1)
