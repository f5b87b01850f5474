"""ILO-9.1: markings of operational law-enforcement information, restrictive handling codes and
classification markings (Europol-style H1-H3, "not to be disseminated", "law enforcement only",
"restricted" and their equivalents in FR, DE, NL, ES, IT). Such a document belongs in a
law-enforcement channel, not on the platform.

Two shapes are told apart. A *phrase* ("for law enforcement use only", "diffusion interdite")
marks a document wherever it stands, unless a word before it in its sentence talks about it
(`documents marked …`, `H3 means …`, `the handling code …`) and the sentence is not about this
document itself. A *heading* ("RESTRICTED", "VS-NfD", "Riservato", the name
of the category "operational law-enforcement information") is a marking only when it is the
whole line, as markings are printed; in a sentence it is guidance that talks about the category.
A phrase broken by a line break is read across it, a heading split over two short lines too. A
marking in quotation marks, or in a table column or JSON member of cited examples, is quoted, as
training material quotes examples: it passes; the same marking standing on its own line is
refused, whatever precedes it ("For example:"), unless it is an item of a list under a line or
heading that names markings or examples."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from app.platform.marking_phrases import HEADINGS, PHRASE_NAMES, PHRASE_STEMS, PHRASES
from app.platform.patterns import by_first_letter, label_words
from app.platform.text import (
    COUNTER_ENDS,
    COUNTER_FIRSTS,
    COUNTER_LINE_MAX,
    Location,
    TextUnit,
    counter_may_open,
    table_cells,
    without_page_counter,
)

# The services that classify a document for law enforcement, as each language names them.
_SERVICE = r"(?:police|polic[íi]a|politie|polizei|polizia|gendarmerie|law[\s-]+enforcement)"
# Any level, in any of the languages, may carry the name of whoever classified it before or
# after it: the Union's letters, as the EU's classified information does (`RESTREINT UE`,
# `EU CONFIDENTIAL`), or a law-enforcement service's (`Politie Vertrouwelijk`, `POLICE -
# RESTRICTED`, `RISERVATO POLIZIA`). The service's name alone is no level.
_ISSUER = rf"(?:EU|UE|{_SERVICE})"
_LEVEL = rf"(?:{_ISSUER}(?:\s*[-–—:]\s*|\s+))?(?:{HEADINGS})(?:(?:\s*[-–—]\s*|\s+){_ISSUER})?"
# A heading may qualify another after a dash or slash (`RESTRICTED - LAW ENFORCEMENT SENSITIVE`).
_HEADING_RE = re.compile(rf"^{_LEVEL}(?:\s*[-–—/|]+\s*{_LEVEL})*$", re.IGNORECASE)
# A column or JSON member that holds markings as cited examples (`Mention citée`, `example`):
# its values are quoted, as training material quotes markings.
_CITED_RE = re.compile(
    r"(?i)exampl|\be\.g\.|\bquoted|\bcited\b|citation|specimen|\bsamples?\b|exempl|"
    r"\bcit[ée]e?s?\b|beispiel|zitiert|zitat|voorbeeld|geciteerd|citaat|ejempl|\bcitad[oa]s?\b|"
    r"\bcitas?\b|esempi|\bcitat[oa]\b|citazion|"
    # A column or member named for markings holds markings talked about, not this document's.
    r"\bmarkings?\b|\bmentions?\b|marquage|vermerk|einstufung|dicitur|\bmarcas?\b|"
    r"rubricering|markering|classific|clasificaci|\blevels?\b|niveaux?|stufen"
)
# One search per line over all phrases, on the lower-cased text (a case-insensitive alternation
# is several times slower in `re`); the phrases use no escape whose meaning depends on case.
_PHRASE_RE = re.compile(
    "|".join(f"(?P<{name}>{pattern.lower()})" for name, pattern in PHRASES), re.MULTILINE
)
# The stems as one alternation of literals: searched for their first characters in one pass.
_PHRASE_STEM_RE = re.compile(by_first_letter("|".join(re.escape(stem) for stem in PHRASE_STEMS)))
# A German low quotation mark may be closed by a straight one (`„VS-NfD"`); the abbreviation in
# brackets after a quotation is quoted with it (`„VS - Vertraulich" (VS-V)`).
_QUOTED_RE = re.compile(
    r"(?:\"[^\"\n]{1,80}\"|«[^»\n]{1,80}»|“[^”\n]{1,80}”|„[^“”\"\n]{1,80}[“”\"])"
    r"(?:\s*\([^()\n]{1,30}\))?"
)
_QUOTE_MARKS = ('"', "«", "“", "„")
# A quotation a line opens and does not close (it runs onto the next line): an opening mark
# before a word, then no other quotation mark to the line's end.
_OPEN_AT_END_RE = re.compile(r"(?:\"|«\s?|“|„)(?=\w)[^\"«»“”„\n]{1,80}$")
# The end of a quotation the line before opened: the text up to its closing mark.
_CLOSED_AT_START_RE = re.compile(r"^[^\"«»“”„\n]{1,80}[\"»”“]")
# A line that states the document's own classification: the participle or label opens it, a
# marking follows (`Document classifié RESTREINT UE - …`, `Classification: RESTRICTED`).
_DECLARED_RE = re.compile(
    r"(?i)^\W*(?:(?:document|dokument|documento|note|nota|notitie|report|rapport|bericht|informe|"
    r"vermerk)\s+)?(?:classifi[ée]e?|classified|clasificad[oa]|classificat[oa]|eingestuft|"
    r"gerubriceerd|classification|clasificaci[óo]n|classificazione|einstufung|rubricering|"
    r"classificatie|klassifizierung)\s*[:\-–]?\s*(?:as\s+|als\s+|come\s+|como\s+|comme\s+|en\s+)?"
    rf"(?:{HEADINGS})(?:\s*(?:[-–—/|,;.(]|$).*)?$"
)
# A marking's noun or participle, then the marking it names in capitals.
_CITING_RE = re.compile(
    r"(?i:\b(?:mentions?|marques?|marquages?|marcas?|marcad[oa]s?|marked|markings?|labell?ed|"
    r"vermerke?|eingestuft(?:e|en)?|rubricering(?:en)?|gerubriceerd|classificat[oi]|"
    r"classifi[ée]e?s?|clasificad[oa]s?|diciture?|dicitura|contrassegnat[oi])\s+(?:de\s+|as\s+|als\s+|come\s+|como\s+|"
    r"comme\s+|with\s+)?)((?-i:[A-Z][A-Z0-9ÀÂÉÈÊÎÔÛÓÚÍÑÜÄÖ/\- –]{2,60}[A-Z0-9ÉÈÓÚÍÑÜÄÖ]))"
)
_CITING_STEM_RE = re.compile(
    r"mention|marqu|marca|marked|marking|label|vermerk|eingestuft|rubric|classific|clasific|"
    r"dicitura|contrassegn"
)
# Words that talk about a marking (a participle, a definition, a code with its article) and the
# rest of their sentence: what follows is a marking talked about, not this document's.
_TALKING_RE = re.compile(
    r"(?i)(?<=\w)\W+(?:marked|labell?ed|bearing|marqu[ée]e?s?|portant|contrassegnat[oiae]|"
    r"recanti|gekennzeichnet|eingestuft(?:e|en)?|gerubriceerd|gemarkeerd|marcad[oa]s?|"
    r"classified|classifi[ée]e?s?|clasificad[oa]s?|classificat[oiae]|means|mean|signifie|"
    r"signifient|bedeutet|bedeuten|betekent|betekenen|significa|significano|vuol\s+dire|"
    r"quiere\s+decir|stands\s+for|indicates|indique)\b[^.;!?\n]{0,80}"
    # A code with its article is a code talked about (`The handling code H3 means …`).
    r"|(?P<code>\b(?:the|a|each|le|un|der|die|das|het|een|el|il|lo)\s+handling\s+codes?\b)"
    r"[^.;!?\n]{0,80}"
    # The markings' noun names the kinds after it (`diciture di classifica o di diffusione
    # limitata`, `markings such as not to be disseminated`), also opening a list's item; one
    # followed by a colon is a label this document's marking stands after (`Markings: H3`).
    r"|(?P<noun>(?:(?<=\w)\W+|^\W*)(?:markings?|mentions|marcas|diciture|dicitura|markeringen|"
    r"rubriceringen|kennzeichnungen|einstufungen|classifications|classificazioni|"
    # The singular noun names the kind it is of (`un informe con marca de difusión limitada`).
    r"clasificaciones|marca\s+de|mention\s+d(?:e|u)|markering\s+van|kennzeichnung\s+als)\b"
    r"(?![^.;!?\n:]{0,40}:))[^.;!?\n]{0,80}"
)
_TALKING_STEM_RE = re.compile(
    r"mark|label|bearing|marqu|portant|contrassegn|recanti|gekennz|eingestuft|rubric|marcad|"
    r"classifi|clasific|mean|signif|bedeut|beteken|vuol|quiere|stands|indica|indique|handling|"
    r"mention|marca|dicitur|kennzeichn|einstuf"
)
# A document naming its own marking (`This document is marked …`) is marked.
_SELF_RE = re.compile(
    r"\b(?:this|these|ce|cette|ces|dieses|diese|dit|deze|este|esta|estas|questo|questa|queste|"
    r"the\s+present|le\s+pr[ée]sent|la\s+pr[ée]sente|the\s+following|the\s+information\s+below)"
    r"\s+(?:document|dokument|documento|note|nota|vermerk|notitie|report|rapport|bericht|informe|"
    r"information|informations|informationen|informatie|informaci[óo]n|informazioni|message|"
    r"nachricht|bericht|mensaje|messaggio|e-?mail|annex|annexe|anlage|bijlage|anexo|allegato|"
    r"page|seite|pagina|p[áa]gina|file|fichier|datei|bestand|archivo|analysis|analyse|an[áa]lisis|"
    r"analisi|briefing|product|produit|produkt|product|producto|prodotto|table|tableau|tabelle|"
    r"tabel|tabla|tabella)"
)
# The level `unclassified` printed in capitals (`NON CLASSIFICATO`, `NICHT EINGESTUFT`): its
# participle is the level's own word, not one talking about the marking after it (`NON
# CLASSIFICATO — AD USO ESCLUSIVO DELLE FORZE DI POLIZIA` is marked by its phrase).
_UNCLASSIFIED_RE = re.compile(
    r"\b(?:UNCLASSIFIED|(?:NON|NOT|NO|NICHT|NIET)[\s-]+(?:CLASSIFI[A-ZÉ]*|CLASIFICAD[OA]|"
    r"EINGESTUFT|GERUBRICEERD))\b"
)
# Words a heading also is in the languages' everyday use, a marking only in capitals.
_COMMON_WORDS = frozenset({"limite", "limité", "limitée"})
# What sets apart the fields of a header's or footer's line.
_FIELD_SEPARATOR_RE = re.compile(r"\t|\s{2,}|\s*[|•·]\s*|\s+[-–—]\s+")
# Lines this long are prose, not a printed marking (a heading or half of one).
_HEADING_MAX = 60


@dataclass(frozen=True, slots=True)
class Marking:
    """A handling marking and where it stands."""

    name: str
    location: Location

    def describe(self) -> str:
        return f"{self.name} marking at {self.location.describe()}"


def _quoting(text: str) -> bool:
    return '"' in text or ("«" in text or "“" in text or "„" in text)


def _blank(m: re.Match[str]) -> str:
    return " " * len(m.group(0))


def _unquoted(text: str, cited: bool = False, carried: bool = False) -> str:
    """The text with its quotations blanked (also one the line before opened, `carried`, and
    one it opens and the next line closes), and with `cited` the capitals named after a
    marking's noun (`la mention DIFFUSION RESTREINTE`, `marked RESTRICTED`): markings talked
    about (not in a document naming its own)."""
    if carried or _quoting(text):
        if carried:
            text = _CLOSED_AT_START_RE.sub(_blank, text)
        text = _OPEN_AT_END_RE.sub(_blank, _QUOTED_RE.sub(_blank, text))
    if not cited:
        return text
    lower = text.lower()
    example = _EXAMPLES_COLON_RE.search(lower)
    if example is not None:  # `Ejemplos de marcas: Difusión limitada; Reservado`
        text = text[: example.end()] + " " * (len(text) - example.end())
    if _SELF_RE.search(lower):
        return text
    if _UNCLASSIFIED_RE.search(text) is not None:
        text = _UNCLASSIFIED_RE.sub(_blank, text)  # a level of its own, talking of none
        lower = text.lower()
    if _TALKING_STEM_RE.search(lower) is not None:
        # A marking after a word that talks about it, within its sentence (`documenti
        # contrassegnati come riservati o a diffusione limitata`, `H3 means no dissemination`),
        # unless the word opens the line as a label (`Marking: H3`).
        text = _TALKING_RE.sub(
            lambda m: (
                m[0] if m.start() == 0 and not m["code"] and not m["noun"] else " " * len(m[0])
            ),
            text,
        )
    if _CITING_STEM_RE.search(lower) is None:
        return text
    return _CITING_RE.sub(lambda m: m.group(0)[: m.start(1) - m.start(0)] + " " * len(m[1]), text)


def _heading(text: str) -> bool:
    if len(text) > _HEADING_MAX:
        return False
    # The text without the non-word characters at its edges (`[\W_]` is what is not
    # alphanumeric), its runs of spaces and underscores read as one space.
    start, end = 0, len(text)
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    if start == end or text[start].isdigit():
        return False  # no level opens with a digit (a numbered heading of prose: `2. Overview`)
    bare = " ".join(text[start:end].replace("_", " ").split())
    if bare.lower() in _COMMON_WORDS and not bare.isupper():
        return False  # `Limite` as a word, not the marking `LIMITE`
    return bool(bare) and _HEADING_RE.match(bare) is not None


def _phrase(text: str) -> str | None:
    return _phrase_in(text.lower())


def _phrase_in(lower: str) -> str | None:
    """The phrase a lower-cased text holds, after a first look for the phrases' stems."""
    if _PHRASE_STEM_RE.search(lower) is None:
        return None
    m = _PHRASE_RE.search(lower)
    return PHRASE_NAMES[m.lastgroup or ""] if m else None


def _flows(a: Location, b: Location) -> bool:
    """Two units are lines of one flow of text (not cells or JSON values): on one page, or the
    last line of a page and the first of the next (a line broken by the page break)."""
    return (
        a.row is None and a.pointer is None and b.row is None and b.pointer is None
        and a.line is not None and b.line is not None and a.part == b.part
        and (a.page == b.page or (a.page is not None and b.page == a.page + 1 and b.line == 1))
    )  # fmt: skip


def _declaring(lower: str) -> bool:
    """A first look for _DECLARED_RE: its participle's or label's stem."""
    return "lassifi" in lower or "lasific" in lower or "nstuf" in lower or "rubric" in lower


_NO_CARRY = (False, False)
# The word for examples in the six languages (and its English neighbours), as a stem.
_EXAMPLES = r"(?:exampl|exempl|beispiel|voorbeeld|ejempl|esempi|sample|specimen)"
# An examples label and its colon: what follows on the line is cited.
_EXAMPLES_COLON_RE = re.compile(_EXAMPLES + r"[^:.;!?]{0,40}:")
# A legend of markings or codes (`Handling codes:`, `Mentions :`, `Classification levels:`):
# its lines of definitions (`H1 - not to be disseminated`) talk about them.
_LEGEND_RE = re.compile(
    r"(?i)\b(?:codes|markings|mentions|marques|marcas|kennzeichnungen|vermerke|rubriceringen|"
    r"diciture|levels|niveaux|niveles|livelli|stufen|niveaus|categories|cat[ée]gories|"
    r"categor[íi]as|kategorien|categorie)\b[^:]{0,30}:\s*$"
)
_MARKINGS_NOUN_RE = re.compile(
    r"(?i)\b(?:codes|markings|mentions|marques|marquages|marcas|kennzeichnungen|vermerke|"
    r"rubriceringen|markeringen|diciture|classifications|classificazioni|clasificaciones|"
    r"einstufungen)\b"
)
_DEFINITION_RE = re.compile(r"\s*\S{1,30}(?:\s+\S{1,15})?\s*[–—:=-]\s+\w")
_LIST_ITEM_RE = re.compile(r"\s*(?:[-–•*·▪◦]|\d{1,2}[.)])\s+\S")
_EXAMPLES_RE = re.compile(_EXAMPLES)


def _introduces_examples(text: str) -> int:
    """A line announcing a list of examples (`Marking examples (do not upload …):`: 1) or a
    legend of markings (`Handling codes:`, a heading `# Markings we do not accept`: 2), or
    neither (0)."""
    stripped = text.rstrip()
    if stripped.startswith("#") and _MARKINGS_NOUN_RE.search(stripped):
        return 2
    if not stripped.endswith(":"):
        return 0
    if _EXAMPLES_RE.search(stripped.lower()) is not None:
        return 1
    return 2 if _LEGEND_RE.search(stripped) else 0


def opens_quotation(text: str, carried: bool = False) -> bool:
    """Does the line end inside a quotation it opens (that the next line closes)?"""
    if not _quoting(text):
        return False
    if carried:
        text = _CLOSED_AT_START_RE.sub(_blank, text)
    return _OPEN_AT_END_RE.search(_QUOTED_RE.sub(_blank, text)) is not None


def _marking(
    text: str,
    previous: str = "",
    previous_stem: bool = True,
    carried: tuple[bool, bool] = (False, False),
) -> tuple[tuple[str, bool] | None, bool]:
    """The marking a unit of text carries and whether it begins on the line before (read with
    it), or None; and whether the text holds a phrase's stem (`previous_stem` says it of the
    line before: without one there, the lines' ends are read together only for a heading).
    A marking found is read again with the markings talked about set aside (seldom needed, so
    not on every line)."""
    found, stem = _marking_in(text, previous, previous_stem, carried, cited=False)
    if found is not None:
        found, _ = _marking_in(text, previous, previous_stem, carried, cited=True)
    return found, stem


def _marking_in(
    text: str, previous: str, previous_stem: bool, carried: tuple[bool, bool], *, cited: bool
) -> tuple[tuple[str, bool] | None, bool]:
    bare = _unquoted(text, False, carried[0])
    text = _unquoted(bare, True) if cited else bare
    lower = text.lower()
    if ("lassifi" in lower or "nstuf" in lower or "rubric" in lower or "lasific" in lower) and (
        _DECLARED_RE.match(bare)
    ):
        return ("classification", False), True
    stem = _PHRASE_STEM_RE.search(lower) is not None
    name = _phrase_in(lower) if stem else None
    if name:
        return (name, False), stem
    if _heading(text):
        return ("classification", False), stem
    # A marking beside the page's counter, in a header or footer, is read without it; the
    # counter makes the line one of the page's furniture, whose fields (set apart by a run of
    # spaces, a bar or a dash between spaces) are read each as a line (`VS-NfD | Lagebild Q3 |
    # Seite 1 von 2`).
    if (
        text
        and (text[-1] in COUNTER_ENDS or (text[0] in COUNTER_FIRSTS and counter_may_open(text)))
        and len(text) <= COUNTER_LINE_MAX
        and (line := without_page_counter(text)) != text
    ):
        if name := _phrase_in(line.lower()):
            return (name, False), stem
        if _heading(line) or _fields_heading(line):
            return ("classification", False), stem
    if not previous:
        return None, stem
    previous_bare = _unquoted(previous, False, carried[1])
    previous = _unquoted(previous_bare, True) if cited else previous_bare
    short = len(previous) <= _HEADING_MAX and len(text) <= _HEADING_MAX
    if short and _heading(f"{previous.rstrip()} {text.lstrip()}"):
        return ("classification", True), stem
    if (
        short
        and _declaring(previous_bare.lower())
        and _DECLARED_RE.match(f"{previous_bare.rstrip()} {bare.lstrip()}")
    ):
        return ("classification", True), stem
    # A phrase broken by a line break: the end of the line before read with the start of this
    # one. No stem holds a space: the joined ends hold one only where one of them does.
    if stem or previous_stem:
        tail, head = previous.rstrip()[-_HEADING_MAX:], text.lstrip()[:_HEADING_MAX]
        before = tail.lower()
        if stem or _PHRASE_STEM_RE.search(before) is not None:
            name = _phrase(f"{tail} {head}")
            if name and _phrase_in(before) is None:
                return (name, True), stem
    return None, stem


def marking_of(text: str, previous: str = "") -> str | None:
    """The name of the marking a unit of text carries (with the line before it), or None."""
    found, _ = _marking(text, previous)
    return found[0] if found else None


# A member that states its document's own classification or marking (`rubricering`,
# `documentClassification`, `Einstufung`, `marking`, `niveau_de_classification`,
# `classification_level`): one member named in the singular, one level, not a list of them.
_OWN_LEVEL_LABEL_RE = re.compile(
    r"(?i)^(?:[^\W\d_]+\s+){0,2}(?:classification|classificatie|clasificaci[óo]n|"
    r"classificazione|classifica|einstufung|klassifizierung|rubricering|marking|marquage|"
    r"mention|kennzeichnung|markering|marca|dicitura)(?:\s+(?:level|stufe))?$"
)
_INDEX_RE = re.compile(r"/\d+(?:/|$)")


def _own_level(unit: TextUnit) -> bool:
    """A JSON member outside any array and any member of examples, named for a classification
    or marking in the singular, whose value is a level or a marking's phrase alone
    (`"rubricering": "Departementaal Vertrouwelijk"` in its metadata): the document's own, not
    one talked about (a list of markings is an array of items)."""
    pointer = unit.location.pointer
    return (
        pointer is not None
        and _INDEX_RE.search(pointer) is None
        # A member under one of cited examples (`/examples/marking`) is an example.
        and _EXAMPLES_RE.search(pointer.lower()) is None
        and _OWN_LEVEL_LABEL_RE.match(label_words(unit.context)) is not None
        and (_heading(value := unit.text.strip()) or _phrase(value) is not None)
    )


def _fields_heading(text: str) -> bool:
    """Is one of the fields of a line of the page's furniture (a DOCX header or footer, set
    apart by a tab, a run of spaces, a bar or a dash between spaces) a marking's heading?"""
    fields = _FIELD_SEPARATOR_RE.split(_unquoted(text))
    return len(fields) > 1 and any(_heading(field) for field in fields)


def _cited(header: list[str], column: int) -> bool:
    """Is a Markdown table's column one of cited examples (by its header)?"""
    return column < len(header) and _CITED_RE.search(label_words(header[column])) is not None


def handling_markings(units: Iterable[TextUnit], *, title: str = "") -> tuple[Marking, ...]:
    """The markings of the units, each named with where it begins (a marking split over two
    lines is located at its first)."""
    found: dict[Marking, None] = {}
    if title and (name := marking_of(title)):
        found[Marking(name, Location(pointer="/title"))] = None
    previous: TextUnit | None = None
    header: list[str] | None = None
    previous_stem = True  # unknown
    # Whether the line before ends inside a quotation, and whether one ran onto it; whether
    # the lines are a list of examples.
    previous_open = previous_carried = False
    listing = 0
    page: int | None = None  # the PDF page of the line before
    # Tables with a column of cited markings: the whole table talks about markings.
    cited_tables: set[int | None] = set()
    for unit in units:
        if not unit.text.strip():
            continue
        location = unit.location
        if location.row is not None and location.pointer is None:
            if location.row == 1 and _CITED_RE.search(label_words(unit.text)):
                cited_tables.add(location.table)
            if location.table in cited_tables:
                continue
        if location.row is not None or location.pointer is not None:
            if _CITED_RE.search(label_words(unit.context)):
                if location.pointer is not None and _own_level(unit):
                    found[Marking("classification", location)] = None
                continue
        elif "|" not in unit.text or (cells := table_cells(unit.text)) is None:
            header = None
        elif header is None:
            header = cells
        elif not all(set(c) <= set(":- ") for c in cells):
            # A Markdown table's row is read cell by cell, as a DOCX or CSV table's is.
            cited = any(_cited(header, i) for i in range(len(header)))
            names = (m[0] for c in cells if not cited and (m := _marking(c)[0]))
            if named := next(names, None):
                found[Marking(named, location)] = None
            previous, previous_stem, previous_open = unit, True, False
            continue
        text = unit.text
        flows = previous is not None and _flows(previous.location, location)
        # The items of a list a line introduces as examples are cited, as quoted ones are.
        if (
            listing
            and flows
            and (
                _LIST_ITEM_RE.match(text) is not None
                or (listing == 2 and _DEFINITION_RE.match(text) is not None)
            )
        ):
            previous = unit
            continue
        listing = (
            _introduces_examples(text)
            if text.endswith(":") or text.rstrip().endswith(":") or text.startswith("#")
            else 0
        )
        before = previous.text if previous is not None and flows else ""
        carried = (
            (flows and previous_open, flows and previous_carried)
            if previous_open or previous_carried
            else _NO_CARRY
        )
        marked, stem = _marking(text, before, previous_stem, carried)
        # A DOCX header's or footer's line, or a PDF page's first: the page's furniture.
        top = location.page is not None and location.page != page
        if marked is None and (location.part is not None or top) and _fields_heading(text):
            marked = ("classification", False)
        page = location.page
        previous_stem = stem
        previous_open = (carried[0] or _quoting(text)) and opens_quotation(text, carried[0])
        previous_carried = carried[0]
        if marked:
            name, begins_before = marked
            where = previous.location if previous is not None and begins_before else unit.location
            found[Marking(name, where)] = None
            if len(found) >= 20:
                break
        previous = unit
    return tuple(found)
