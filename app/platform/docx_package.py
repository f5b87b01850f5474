"""A DOCX package read in bounds before python-docx sees it: every part inflated through a
counting reader (per part and for the package, whatever the ZIP declares), every XML part
streamed through a hardened parser (no DTD, no entities, no network, no huge trees) that counts
nesting, elements, paragraphs and the characters of each text node. A package past a bound is
refused naming it; one within them is read by python-docx for its text units."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

from lxml import etree  # type: ignore[import-untyped]

from app.platform.limits import LIMITS, Refused, exceeded
from app.platform.text import Location, TextUnit

_CHUNK = 64 * 1024
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_COMPRESSIONS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)


def _parser(target: _Counter) -> etree.XMLParser:
    return etree.XMLParser(
        target=target,
        resolve_entities=False,
        load_dtd=False,
        dtd_validation=False,
        no_network=True,
        huge_tree=False,
    )


class _Counter:
    """An lxml parser target: counts as the parser streams, refuses at the first bound."""

    def __init__(self, part: str, totals: dict[str, int]) -> None:
        self.part = part
        self.totals = totals
        self.depth = 0
        self.text = 0

    def doctype(self, *_: object) -> None:
        raise Refused(
            422,
            f"The DOCX part {self.part} declares a DTD: DTDs and entities are not read.",
            "docx.dtd",
        )

    def start(self, tag: str, _: object) -> None:
        self.depth += 1
        self.text = 0
        if self.depth > LIMITS.docx_xml_depth:
            raise exceeded("docx_xml_depth", f"The DOCX part {self.part} nests XML too deeply")
        self.totals["elements"] += 1
        if self.totals["elements"] > LIMITS.docx_xml_elements:
            raise exceeded("docx_xml_elements", "The DOCX package has too many XML elements")
        if tag == f"{_W}p":
            self.totals["paragraphs"] += 1
            if self.totals["paragraphs"] > LIMITS.docx_paragraphs:
                raise exceeded("docx_paragraphs", "The DOCX document has too many paragraphs")

    def end(self, _: str) -> None:
        self.depth -= 1
        self.text = 0

    def data(self, text: str) -> None:
        self.text += len(text)
        if self.text > LIMITS.docx_text_node_chars:
            raise exceeded(
                "docx_text_node_chars", f"A text node of the DOCX part {self.part} is too long"
            )

    def comment(self, _: str) -> None:
        return None

    def pi(self, *_: object) -> None:
        return None

    def close(self) -> None:
        return None


def _chunks(
    package: zipfile.ZipFile, info: zipfile.ZipInfo, inflated: list[int]
) -> Iterator[bytes]:
    """A part's bytes as it inflates, counted against the part and package bounds."""
    part = 0
    with package.open(info) as stream:
        while chunk := stream.read(_CHUNK):
            part += len(chunk)
            inflated[0] += len(chunk)
            if part > LIMITS.docx_part_bytes:
                raise exceeded(
                    "docx_part_bytes", f"The DOCX part {info.filename} inflates too far", status=413
                )
            if inflated[0] > LIMITS.docx_decompressed_bytes:
                raise exceeded(
                    "docx_decompressed_bytes", "The DOCX package inflates too far", status=413
                )
            yield chunk


def _syntax(part: str, error: etree.XMLSyntaxError) -> Refused:
    message = str(error.msg or error)
    if "depth" in message.lower():
        return exceeded("docx_xml_depth", f"The DOCX part {part} nests XML too deeply")
    if "huge" in message.lower():
        return exceeded("docx_text_node_chars", f"A text node of the DOCX part {part} is too long")
    return Refused(
        422, f"The DOCX part {part} is not well-formed XML (line {error.lineno}).", "docx.xml"
    )


def check_package(content: bytes) -> None:
    """Refuse a package past any DOCX bound; return when every part has been read in bounds."""
    try:
        package = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise Refused(
            422, "The file is not a DOCX document (no readable ZIP package).", "docx.zip"
        ) from None
    with package:
        members = package.infolist()
        if len(members) > LIMITS.docx_parts:
            raise exceeded("docx_parts", "The DOCX package has too many parts")
        totals = {"elements": 0, "paragraphs": 0}
        inflated = [0]
        for info in members:
            if info.flag_bits & 0x1 or info.compress_type not in _COMPRESSIONS:
                raise Refused(
                    422,
                    f"The DOCX part {info.filename} is encrypted or not deflated.",
                    "docx.compression",
                )
            xml = info.filename.endswith((".xml", ".rels"))
            try:
                if not xml:
                    for _ in _chunks(package, info, inflated):
                        pass
                    continue
                parser = _parser(_Counter(info.filename, totals))
                for chunk in _chunks(package, info, inflated):
                    parser.feed(chunk)
                parser.close()
            except etree.XMLSyntaxError as error:
                raise _syntax(info.filename, error) from None
            except (zipfile.BadZipFile, EOFError, OSError, ValueError) as error:
                raise Refused(
                    422,
                    f"The DOCX part {info.filename} cannot be read ({type(error).__name__}).",
                    "docx.zip",
                ) from None


# A section's headers and footers by python-docx attribute, and as a finding names them.
_PARTS = (
    ("header", "header"),
    ("first_page_header", "first-page header"),
    ("even_page_header", "even-page header"),
    ("footer", "footer"),
    ("first_page_footer", "first-page footer"),
    ("even_page_footer", "even-page footer"),
)


def _story_units(story: Any, part: str | None) -> Iterator[TextUnit]:
    """The paragraphs of a story (the body, a header, a footer) as lines, each read with the
    line before it; then each of its tables' cells under their column's header."""
    previous = ""
    for line, paragraph in enumerate(story.paragraphs, start=1):
        text = paragraph.text
        yield TextUnit(text, Location(part=part, line=line), context=previous)
        previous = text if text.strip() else previous
    for t, table in enumerate(story.tables, start=1):
        header: list[str] = []
        for r, row in enumerate(table.rows, start=1):
            cells = [cell.text for cell in row.cells]
            if r == 1:
                header = cells
            for c, cell_text in enumerate(cells, start=1):
                label = header[c - 1] if r > 1 and c <= len(header) else ""
                where = Location(part=part, table=t, row=r, column=c)
                yield TextUnit(cell_text, where, label)


def text_units(content: bytes) -> list[TextUnit]:
    """The text units of a DOCX package (check_package first): the body's paragraphs and table
    cells, then those of each section's headers and footers (every one the package defines,
    shown or not), located in their part."""
    import docx

    try:
        document = docx.Document(io.BytesIO(content))
        units = list(_story_units(document, None))
        for s, section in enumerate(document.sections, start=1):
            for attribute, name in _PARTS:
                story = getattr(section, attribute)
                if not story.is_linked_to_previous:
                    units.extend(_story_units(story, f"{name} of section {s}"))
    except (zipfile.BadZipFile, KeyError, ValueError, etree.LxmlError) as error:
        raise Refused(
            422, f"The DOCX file cannot be read ({type(error).__name__}).", "docx.package"
        ) from None
    return units
