"""The bounds of text extraction, in one place: what an upload may cost to read before it is
refused. Each bound has a name (`docx.decompressed_bytes`, `pdf.pages`, …) that the refusal
carries, so a client learns which limit its file passed and by what maximum."""

from __future__ import annotations

from dataclasses import dataclass

MiB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class ExtractLimits:
    """Every bound of extraction. The defaults fit the reports, statistics and programmes the
    platform carries, with room to spare; a file past one is refused, never read further."""

    # Any format: text units (lines, cells, paragraphs, JSON values) and extracted characters.
    text_units: int = 100_000
    text_chars: int = 20_000_000
    # JSON files: nesting of arrays and objects; the multipart upload's metadata part, likewise.
    json_depth: int = 64
    metadata_depth: int = 8
    # DOCX (a ZIP package of XML parts): parts, bytes inflated per part and for the package —
    # counted while inflating, whatever the ZIP declares — XML nesting, elements, paragraphs and
    # the characters of one text node.
    docx_parts: int = 1_000
    docx_part_bytes: int = 16 * MiB
    docx_decompressed_bytes: int = 64 * MiB
    docx_xml_depth: int = 128
    docx_xml_elements: int = 1_000_000
    docx_paragraphs: int = 20_000
    docx_text_node_chars: int = 1_000_000
    # PDF: pages, depth of the page tree, bytes one stream inflates to, and the inflated bytes
    # of all page contents together.
    pdf_pages: int = 2_000
    pdf_page_tree_depth: int = 32
    pdf_stream_bytes: int = 16 * MiB
    pdf_decompressed_bytes: int = 128 * MiB

    def describe(self) -> dict[str, int]:
        """Every bound by its public name (`docx.part_bytes`), as a refusal names it."""
        return {name_of(field): getattr(self, field) for field in self.__slots__}


def name_of(field: str) -> str:
    """`docx_part_bytes` → `docx.part_bytes`: the name a refusal gives the bound."""
    head, _, tail = field.partition("_")
    return f"{head}.{tail}" if head in ("json", "metadata", "docx", "pdf", "text") else field


LIMITS = ExtractLimits()


class Refused(Exception):
    """The upload cannot be checked: 415 for a media type the platform does not take, 413 for
    a file that inflates past a size bound, 422 for a file of an accepted type whose text
    cannot be extracted within the bounds. `limit` names the bound (or check) that refused
    it and `maximum` its value, when it has one."""

    def __init__(
        self, status: int, reason: str, limit: str | None = None, maximum: int | None = None
    ) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason
        self.limit = limit
        self.maximum = maximum

    def __reduce__(self) -> tuple[type[Refused], tuple[int, str, str | None, int | None]]:
        # Raised in a worker process, the refusal crosses back to the server pickled.
        return (Refused, (self.status, self.reason, self.limit, self.maximum))


def exceeded(field: str, what: str, *, status: int = 422) -> Refused:
    """The refusal of a file past the bound `field` of LIMITS, naming it and its maximum."""
    maximum = getattr(LIMITS, field)
    name = name_of(field)
    return Refused(status, f"{what} (limit {name}: {maximum}).", name, maximum)
