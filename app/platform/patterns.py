"""Regular expressions shared by the scanners: dates, person-name tokens and the words that are
never part of a person's name (document, institution and geography words)."""

from __future__ import annotations

import re

MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|"
    "janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[uû]t|septembre|octobre|novembre|"
    "d[ée]cembre|januar|j[äa]nner|februar|m[äa]rz|maerz|juni|juli|oktober|dezember|"
    "januari|februari|maart|mei|augustus|enero|febrero|marzo|abril|mayo|junio|julio|agosto|"
    "septiembre|setiembre|octubre|noviembre|diciembre|gennaio|febbraio|aprile|maggio|giugno|"
    "luglio|settembre|ottobre|dicembre"
)
NUMERIC_DATE = (
    r"(?<![\d/.-])(?:\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})|\d{4}-\d{1,2}-\d{1,2}"
    r"|\d{4}/\d{1,2}/\d{1,2})(?![\d/.-]?\d)"
)
TEXT_DATE = (
    rf"\b\d{{1,2}}(?:st|nd|rd|th|er|[ºo°]|\.)?\s+(?:de\s+)?(?:{MONTHS})\.?,?\s+(?:de\s+)?\d{{4}}\b"
    rf"|\b(?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b"
)
DATE = rf"(?:{NUMERIC_DATE}|{TEXT_DATE})"
DATE_RE = re.compile(DATE, re.IGNORECASE)
YEAR_RE = re.compile(r"(?<!\d)(1[89]\d{2}|20\d{2})(?!\d)")

UPPER = "A-ZÀ-ÖØ-ÞĀ-Ž"
LOWER = "a-zß-öø-ÿā-ž"
# One token of a person's name: Capitalised (Anna, O'Neill, Müller-Lüdenscheidt) or upper case.
NAME_TOKEN = (
    rf"(?:[{UPPER}][{LOWER}]+(?:['’-][{UPPER}]?[{LOWER}]+)*|[{UPPER}]{{2,}}(?:-[{UPPER}]{{2,}})?)"
)
PARTICLE = (
    r"(?:van\s+der|van\s+den|van|von|de\s+la|de|del|della|der|den|di|da|dos|du|le|al-|el-|"
    r"bin|ben|ibn)"
)
NAME_SEQUENCE = rf"{NAME_TOKEN}(?:\s+(?:{PARTICLE}\s+)?{NAME_TOKEN}){{1,3}}"


def words(text: str) -> frozenset[str]:
    """The whitespace-separated words of a text block."""
    return frozenset(text.split())


# Words that make a capitalised sequence a title, institution or place rather than a person.
NOT_NAME_WORDS = words(
    """
    the and of for und et
    report reports analysis analyses risk network networks regional region office ministry team
    unit group board committee agency project programme program meeting meetings document
    documents embassy consulate police service services directorate department european europe
    commission council union frontex europol euaa eurojust interpol ilo ilos liaison
    immigration migration border borders annual monthly quarterly weekly summary statistics
    statistical overview update plan strategy working party conference workshop seminar training
    mission delegation route routes risk annex article chapter section table figure recital
    part appendix regulation decision directive note minutes agenda action actions
    africa asia america americas balkans mediterranean western eastern northern southern
    central north south east west republic kingdom states united sea horn sahel gulf middle
    islands island coast federal democratic people's peoples arab emirates
    afghanistan syria iraq iran turkey türkiye libya tunisia morocco algeria egypt niger nigeria
    mali senegal ethiopia eritrea sudan somalia pakistan bangladesh india sri lanka georgia
    albania serbia kosovo montenegro macedonia bosnia herzegovina ukraine russia belarus moldova
    jordan lebanon guinea gambia ghana cameroon congo ivory côte d'ivoire mauritania yemen china
    vietnam
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday
    total totals sum average mean median number numbers count counts share percent rate
    chair chairman chairwoman president vice minister ambassador commissioner director secretary
    general speaker rapporteur head deputy member members delegate délégué présidente président
    präsident vorsitzender voorzitter presidente secretariat coordinator facilitator officer
    officers expert experts staff lead
    ii iii iv vi vii viii ix xi xii eu un ec com sb
    """
)


def is_person_like(sequence: str) -> bool:
    """A sequence of name tokens none of which is a title, institution or place word."""
    tokens = [t for t in re.split(r"[\s,]+", sequence) if t]
    words = [t.lower().strip(".") for t in tokens]
    if not words:
        return False
    return not any(w in NOT_NAME_WORDS for w in words)


_CAMEL_RE = re.compile(r"(?<=[a-zà-ÿ0-9])(?=[A-ZÀ-Þ])")
# A capital after a lower-case letter or a digit: its lookbehind after it, so that the search
# runs over capitals only (most labels and lines have none after a lower-case letter).
_CAMEL_STEM_RE = re.compile(r"[A-ZÀ-Þ](?<=[a-zà-ÿ0-9].)")
_SEPARATORS_RE = re.compile(r"[_\s]+")


def label_words(label: str) -> str:
    """A label in any case style read as words: `date_of_birth`, `dateOfBirth`, `DATE-OF-BIRTH`
    and `Date of birth` all read `date of birth` (hyphens inside words are kept)."""
    if not label:
        return ""
    spaced = _CAMEL_RE.sub(" ", label) if _CAMEL_STEM_RE.search(label) else label
    return _SEPARATORS_RE.sub(" ", spaced).strip().lower()
