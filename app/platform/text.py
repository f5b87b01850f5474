"""Extracted text with its locations: what the scanners read and what their findings name."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class Location:
    """Where a piece of text is: page and line (PDF), line (text, Markdown, DOCX paragraphs),
    a cell (CSV row/column, DOCX table), a JSON pointer and its line; `part` names a DOCX
    document's header or footer (`header of section 1`), whose lines are numbered apart."""

    part: str | None = None
    page: int | None = None
    line: int | None = None
    row: int | None = None
    column: int | None = None
    table: int | None = None
    pointer: str | None = None

    def describe(self) -> str:
        parts: list[str] = []
        if self.part is not None:
            parts.append(f"the {self.part}")
        if self.page is not None:
            parts.append(f"page {self.page}")
        if self.table is not None:
            parts.append(f"table {self.table}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column}")
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.pointer is not None:
            parts.append(f"JSON pointer {self.pointer or '/'}")
        return ", ".join(parts) or "the document"

    def as_dict(self) -> dict[str, int | str]:
        return {k: v for k in self.__slots__ if (v := getattr(self, k)) is not None}


@dataclass(frozen=True, slots=True)
class TextUnit:
    """One line, cell or JSON string of a document. `context` is the text that labels it and
    is not part of it: the column header of a cell, the member name of a JSON value, the line
    before a line."""

    text: str
    location: Location
    context: str = ""


class FindingKind(StrEnum):
    email = "email"
    phone = "phone"
    mrz = "mrz"
    document_number = "document_number"
    iban = "iban"
    date_of_birth = "date_of_birth"
    personal_name = "personal_name"
    personal_url = "personal_url"


FINDING_LABELS = {
    FindingKind.email: "an e-mail address",
    FindingKind.phone: "a telephone number",
    FindingKind.mrz: "a machine-readable zone of a travel document (ICAO 9303)",
    FindingKind.document_number: "a passport, identity card or visa number",
    FindingKind.iban: "an IBAN",
    FindingKind.date_of_birth: "a date of birth",
    FindingKind.personal_name: "a personal name with identifying attributes",
    FindingKind.personal_url: "a link through which personal data are available",
}


@dataclass(frozen=True, slots=True)
class Finding:
    """What the scanner found and where — never the matched value."""

    kind: FindingKind
    location: Location

    def describe(self) -> str:
        return f"{FINDING_LABELS[self.kind]} at {self.location.describe()}"


# Emphasis and code marks around a word (`**Anna Rossi**`, `*YA4827163*`, `` `x@y.eu` ``): an
# asterisk run opening before a word or closing after one, not one between digits (`5*3`).
_EMPHASIS_RE = re.compile(r"(?<![\w*])\*{1,3}(?=[^\s*])|(?<=[^\s*])\*{1,3}(?![\w*])|`+")


def without_emphasis(text: str) -> str:
    """The text as it reads, without the marks that emphasise its words: a value in bold is the
    value (`**Anna Rossi**, born` is a name and its attribute)."""
    if "*" not in text and "`" not in text:
        return text  # most lines: no substitution made
    return _EMPHASIS_RE.sub("", text)


def table_cells(line: str) -> list[str] | None:
    """The cells of a Markdown table's row, or None for a line that is not one."""
    stripped = line.strip()
    if not stripped.startswith("|") or stripped.count("|") < 2:
        return None
    return [c.strip() for c in stripped.strip("|").split("|")]


# The page's counter a header or footer prints beside its marking (`VS-NfD    Seite 1 von 2`,
# `RESTRICTED - page 3/7`, `- 2 -`): set aside at the line's start or end, the rest is read as
# the line. The counter needs its page word or its slash or dashes (a number alone is kept).
_PAGE_COUNTER = (
    r"(?:page|p\.|seite|s\.|pagina|blz\.|p[áa]gina|p[áa]g\.|pag\.|hoja|blad)\s*\d{1,4}"
    r"(?:\s*(?:/|of|von|van|de|di|sur|su)\s*\d{1,4})?|\d{1,4}\s*/\s*\d{1,4}|[-–—]\s*\d{1,4}\s*[-–—]"
)
_COUNTER_SEPARATOR = r"(?:\s*[-–—|•·]\s*|\s+)"
_COUNTER_AT_END_RE = re.compile(rf"(?i)(?<=\S){_COUNTER_SEPARATOR}(?:{_PAGE_COUNTER})\s*$")
_COUNTER_AT_START_RE = re.compile(rf"(?i)^\s*(?:{_PAGE_COUNTER}){_COUNTER_SEPARATOR}(?=\S)")
# The characters a line holding a counter may end or begin with (spaces round it included): a
# first look a caller can make before calling without_page_counter.
COUNTER_ENDS = frozenset("0123456789-–— \t")
COUNTER_FIRSTS = frozenset("0123456789-–—pPsSbBhH \t")
# How a counter at the line's start begins: a page word (lower-cased), a dash, or a number
# with its slash soon after.
_PAGE_WORDS = ("page", "p.", "pagin", "págin", "pág.", "pag.", "s.", "seite", "blz", "hoja", "blad")
# A page word's first two letters (lower-cased), at the start of a line that opens with one.
_COUNTER_OPENINGS = frozenset({"pa", "p.", "pá", "s.", "se", "bl", "ho"})


def counter_may_open(text: str) -> bool:
    """A first look for a line whose first character is in COUNTER_FIRSTS: may a counter open
    it (a page word, a dash, a space before either, or a number with its slash soon after)? A
    line of prose opening with `1.` or a word in `p` passes no further."""
    first = text[:1]
    return (
        first in " \t-–—"
        or (first.isdigit() and "/" in text[:12])
        or text[:2].lower() in _COUNTER_OPENINGS
    )


# Header and footer lines are short; a longer line is prose.
COUNTER_LINE_MAX = 80
_COUNTER_TAIL = 32
# What a counter at the line's end holds besides its number: its page word (lower-cased, as
# stems), its slash, or its closing dash. A line ending in a number without one of them (`Q3
# 2024`, many lines of prose) pays no search of the counter's pattern, which tries every
# position of the tail.
_COUNTER_WORD_RE = re.compile(r"p[aá.]|s\.|seite|blz|hoja|blad")


def without_page_counter(text: str) -> str:
    """The line without the page counter at its start or end (the line itself if none): a
    first look at its first and last characters, most lines holding no counter."""
    stripped = text.strip()
    if not stripped or len(stripped) > COUNTER_LINE_MAX:
        return text
    if stripped[-1] in COUNTER_ENDS:
        # The counter and its separator fit in the line's last characters: only they are read.
        tail = stripped[-_COUNTER_TAIL:]
        if (
            "/" in tail or tail[-1] in "-–—" or _COUNTER_WORD_RE.search(tail.lower()) is not None
        ) and (m := _COUNTER_AT_END_RE.search(tail)) is not None:
            text = stripped[: len(stripped) - len(tail) + m.start()]
    first = text.lstrip()[:1]
    if (
        (first.isdigit() and "/" in text[:12])
        or first in "-–—"
        or text.lstrip()[:5].lower().startswith(_PAGE_WORDS)
    ):
        text = _COUNTER_AT_START_RE.sub("", text)
    return text
