"""Identity data: passport/ID/visa numbers near their labels (machine-readable zones:
app/platform/mrz.py), dates of birth near their labels, and personal
names next to identifying attributes — in EN, FR, DE, NL, ES, IT (and PT where it is free)."""

from __future__ import annotations

import re

from app.platform.document_labels import DOCUMENT_LABEL, NUMBER_WORD
from app.platform.given_names import GIVEN_NAMES
from app.platform.national_ids import national_id
from app.platform.patterns import (
    DATE,
    DATE_RE,
    FUNCTION_RE,
    NAME_SEQUENCE,
    NAME_TOKEN,
    NUMERIC_DATE,
    OFFICE_SUBJECT_RE,
    PARTICLE,
    PLACE_AFTER_RE,
    PLACE_BEFORE_RE,
    REPRESENTS_RE,
    TITLE_AFTER_RE,
    TITLE_BEFORE_RE,
    UPPER,
    YEAR_RE,
    by_first_letter,
    digit_count,
    is_person_like,
)

# --- passport, identity card and visa numbers --------------------------------------------------

_GAP = (
    r"[^A-Za-z0-9\n]{0,6}(?:(?i:no|nr|n\.?\s?[°º]|n\.|number|is|nummer|n[úu]mero|numero|n[úu]m|:)"
    r"[^A-Za-z0-9\n]{0,4}){0,2}"
)
_DOC_VALUE = r"(?<![A-Za-z0-9])([A-Z0-9](?:[A-Z0-9]|-(?=[A-Z0-9])){5,13})(?![A-Za-z0-9])"
_LABELLED_DOC_RE = re.compile(DOCUMENT_LABEL + _GAP + _DOC_VALUE)
# A label read as words may name its number apart, in any language (`paspoort nummer`,
# `reisepass nummer`, `documento numero`: a JSON path or a camel-case header).
_NUMBERED = rf"(?:\s*(?i:{NUMBER_WORD}))?"
# A column's label may name whose document it is after it (`paspoortnummer_reiziger`): its holder,
# traveller, passenger or applicant in the six languages (a JSON object's member after its parent
# `reisepass` names a field of it, `seiten`, not its number).
_WHOSE = (
    r"(?:\s+(?i:holder|bearer|owner|travell?er|passenger|applicant|titulaire|porteur|voyageur|"
    r"passager|demandeur|inhaber|reisender?|passagier|antragsteller|houder|reiziger|aanvrager|"
    r"titular|viajero|pasajero|solicitante|titolare|viaggiatore|passeggero|richiedente))?"
)
_LABEL_ONLY_RE = re.compile(
    r"^\W*(?:" + DOCUMENT_LABEL + ")" + _NUMBERED + _WHOSE + r"[\s:.#°º()-]*$"
)
# A line before may end with the label and a nationality (`titulaire du passeport malien`).
_LABEL_AT_END_RE = re.compile(
    "(?:" + DOCUMENT_LABEL + r")(?:\s+[a-zà-ÿ]{2,12}(?:ien|ienne|aise?|aine?|[ée]enne|[ée]en|ane?|"
    r"ese|ish|ian|isch\w{0,2}|[ai]n[oa]|[eé]s|esa|í))?" + _NUMBERED + r"[\s:.#°º-]*$"
)
# The value a label before labels, after its number word (`n° AA1928374`).
_HEAD_VALUE_RE = re.compile(rf"\s*(?:(?i:{NUMBER_WORD})\s*[:.]?\s*)?" + _DOC_VALUE)


def _document_number_like(value: str) -> bool:
    compact = value.replace("-", "")
    digits = sum(c.isdigit() for c in compact)
    if not 6 <= len(compact) <= 13 or digits < 3:
        return False
    if compact.isdigit() and YEAR_RE.fullmatch(compact):
        return False
    if any(YEAR_RE.fullmatch(part) for part in value.split("-")[1:]):
        return False  # a file's reference with its year (`FRX-2026-0042`), not a document
    return not DATE_RE.fullmatch(value)


def labelled_by(context: str, label_only: re.Pattern[str], label_at_end: re.Pattern[str]) -> bool:
    """Is the context (a column header, a JSON member, the line before) this label? A line
    before labels only with its end."""
    if not context:
        return False
    return bool(label_only.search(context[:120]) or label_at_end.search(context[-60:]))


# Cheap first looks: every document label holds one of these stems, every birth label one of
# those. They are matched on lower-cased text (a case-insensitive alternation is slow), and
# each alternative begins with a literal letter, its word boundary checked behind it (`i(?<=\bi)`
# is `\bi`): an alternation of literal starts is searched for its first letters only, several
# times faster than one whose alternatives begin with `\b`.
_DOCUMENT_STEM_RE = re.compile(
    by_first_letter(
        r"pass|document|i(?<=\bi)d\b|id-|identi|visa|visum|visto|visado|carte|ausweis|d(?<=\bd)ni\b|"
        r"n(?<=\bn)ie\b|b(?<=\bb)sn\b|burgerservice|codice|permesso|permis|titre|residence|reisdoc|verblijf|"
        r"aufenthalt|travel|paspoort|pasapo|tazk|n(?<=\bn)in\b|tarjeta|soggiorno|niederlass"
    )
)
_BIRTH_STEM_RE = re.compile(
    by_first_letter(
        r"birth|born|d\.?\s?o\.?\s?b|b(?<=\bb)\.|naiss|n(?<=\bn)[ée]e?\s*\(?e?\)?\s+le\b|geb|geboorte"
        r"|nac|nasc|n(?<=\bn)at[oa]\b"
    )
)


# One search per line: a label (at a word start), its gap and a value of a number's shape. It
# runs only where such a value stands, which lines of prose and statistics seldom hold.
# A label may carry an adjective of nationality before its number ("pasaporte marroquí n.º"),
# or the name of its kind or area ("visado Schengen número", "visa type C no."), or its holder.
_LABELLED_DOC_SEARCH_RE = re.compile(
    r"(?<![A-Za-z0-9])(?:"
    + DOCUMENT_LABEL
    + r")(?:\s+[a-zà-ÿ]{4,15}(?=[\s:])|(?:\s+(?:type\s+)?(?:[A-ZÀ-Þ][a-zà-ÿ]{1,14}|[A-Z]{1,3})"
    r"(?=[\s:])){1,2})?"
    # Whose document it is (`Reisepassnummer des Antragstellers:`, `passport of the applicant`).
    r"(?:\s+(?i:of|des|der|du|de|del|della|dello|van|di)\s+(?i:the\s+|la\s+|le\s+|l['’]|de\s+|"
    r"het\s+|el\s+|il\s+|dem\s+|den\s+)?[\w'’-]{3,20}(?=[\s:]))?"
    # The number joined to its document by a preposition (`paspoort met nummer`, `Reisepass mit
    # der Nummer`, `passeport avec le numéro`): only before a number word, which is the evidence.
    r"(?:\s+(?i:with|met|mit|avec|con|com)(?:\s+(?i:the|der|dem|le|il|el|o))?"
    rf"\s+(?i:{NUMBER_WORD}|num[ée]ro))?" + _GAP + _DOC_VALUE
)
# The lookbehind stands after the first character (`X(?<![A-Za-z0-9].)` is `(?<![A-Za-z0-9])X`): a
# pattern that begins with a character class is searched for that class only.
_VALUE_SHAPE_RE = re.compile(r"[A-Z0-9](?<![A-Za-z0-9].)[A-Z0-9-]{5,13}(?![A-Za-z0-9])")


def _has_number_value(text: str) -> bool:
    if _VALUE_SHAPE_RE.search(text) is None:  # most lines: no generator made
        return False
    return any(digit_count(v.group(0)) >= 3 for v in _VALUE_SHAPE_RE.finditer(text))


def has_document_number(text: str, *, context: str = "") -> bool:
    if digit_count(text) < 3:
        return False
    if _has_number_value(text):
        if _DOCUMENT_STEM_RE.search(text.lower()):
            for m in _LABELLED_DOC_SEARCH_RE.finditer(text):
                if _document_number_like(m.group(1)):
                    return True
        if (
            context
            and _DOCUMENT_STEM_RE.search(context[-60:].lower())
            and labelled_by(context, _LABEL_ONLY_RE, _LABEL_AT_END_RE)
        ):
            head = _HEAD_VALUE_RE.match(text)
            if head and _document_number_like(head.group(1)):
                return True
    return national_id(text)


# --- dates of birth ----------------------------------------------------------------------------

# `b.` for born is written in lower case (`b. 12.03.1988`): a capital B. before a number is an
# initial or the end of an abbreviation (`z. B. 2026-12-01`, for example).
BIRTH_LABEL = (
    r"(?i:\bdate\s+of\s+birth|\bbirth\s*date|\bd\.?\s?o\.?\s?b\b\.?|\bborn(?:\s+on)?\b"
    r"|\b(?-i:b)\.(?=\s*\d)|\bdate\s+de\s+naissance|\bn[ée]\(?e?\)?\s+le\b|\bn[ée]e?\s+le\b"
    r"|\bgeburtsdatum|\bgeburtstag\b|\bgeb\.|\bgeb\s*dat(?:um)?\b|\bgeboren(?:\s+(?:am|op))?\b|\bgeboortedatum"
    r"|\bfecha\s+de\s+nacimiento|\bf(?:\.\s*|\s+)nac\b\.?|\bnacid[oa]\s+el\b|\bfecha\s+nac\.?"
    r"|\bdata\s+di\s+nascita|\bnat[oa]\s+il\b|\bdata\s+de\s+nascimento|\bnascid[oa]\s+em\b"
    r"|\bdate\s+naiss\.?|\bdate\s+(?:de\s+)?naissance|\bgeboorte\s*datum|\bfecha\s+(?:de\s+)?"
    r"nacimiento|\bdata\s+(?:di\s+)?nascita|\bgeburts?\s*datum|\bdob\b"
    # A key abbreviates the date and the birth (`dt_nascita`, `fec_nac`, `data_nasc`).
    r"|\b(?:dt|dat|fec|data)\.?\s+(?:de\s+|di\s+)?(?:nac(?:imiento)?|nasc(?:ita|imento)?|"
    r"naiss(?:ance)?|geb(?:urt)?|geboorte|birth)\b|\bdatum\s+(?:van\s+)?geboorte\b"
    # A path of keys names the event before its date (`geburt/datum`, `naissance/date`).
    r"|\b(?:birth|naissance|geburt|geboorte|nacimiento|nascita|nascimento)\s+"
    r"(?:date|datum|fecha|data|dt|dat)\b)"
)
_BIRTH_RE = re.compile(BIRTH_LABEL + r"([^\d\n]{0,20}?)" + "(" + DATE + ")", re.IGNORECASE)
# "born after 1 January 2006" speaks of a cohort, not of a person's date of birth.
_COHORT_RE = re.compile(
    r"(?i)\b(?:after|before|since|between|until|from|prior|post|later|earlier|après|avant|"
    r"depuis|entre|nach|vor|seit|zwischen|na|voor|sinds|tussen|después|antes|desde|dopo|prima|"
    r"dal|tra|fra)\b"
)
# … and whose birth (`geboortedatum_reiziger`), not a cohort's (`birth date after`).
_BIRTH_WHOSE = r"(?:\s+(?!" + _COHORT_RE.pattern[4:] + r")[^\W\d_]{3,20})?"
_BIRTH_ONLY_RE = re.compile(r"^\W*(?:" + BIRTH_LABEL + ")" + _BIRTH_WHOSE + r"[\s:.()/-]*$", re.I)
_BIRTH_AT_END_RE = re.compile("(?:" + BIRTH_LABEL + r")[\s:.-]*$")


def has_date_of_birth(text: str, *, context: str = "") -> bool:
    if digit_count(text) < 4:  # a date has a day and a year, or d/m/yy
        return False
    if not _BIRTH_STEM_RE.search(text.lower()) and not (
        context and _BIRTH_STEM_RE.search(context[-60:].lower())
    ):
        return False
    for m in _BIRTH_RE.finditer(text):
        if not _COHORT_RE.search(m.group(1)) and not OFFICE_SUBJECT_RE.search(text[: m.start()]):
            return True  # an office's date of foundation is no one's birth
    if labelled_by(context, _BIRTH_ONLY_RE, _BIRTH_AT_END_RE):
        return DATE_RE.match(text.strip()) is not None
    return False


# --- personal names next to identifying attributes ---------------------------------------------
#
# A private person is named when a name stands under a name label (a column, a JSON member, "Name:")
# or beside an identifying attribute: a birth date or place, an age, a nationality, a document or
# a telephone number, an address. Between the name and its attribute may stand an age ("34"), an
# initial ("Ivan A."), an alias or nickname ('known as "Abu Karim"', "(alias Joe)"). A name beside
# a public function (minister, commissioner, director, ambassador...) and nothing identifying is
# a public official acting in that function, which the platform's documents may name.

HONORIFIC = (
    r"(?<![\w.])(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Mme|Mlle|Herr|Frau|Dhr|Mevr|Mevrouw|Sr|Sra|Srta|"
    r"Sig|Sig\.ra|Dott|Dott\.ssa|Monsieur|Madame|Mademoiselle|Señor|Señora|Signor|Signora|"
    r"Meneer|Doña|Dña|M|de\s+heer|mevrouw)\.?"
)
_HONORIFIC_RE = re.compile(HONORIFIC + rf"\s+((?:[A-Z]\.\s*)?{NAME_TOKEN}(?:\s+{NAME_TOKEN})?)")
# Cheap first looks (alternations of literal starts, see _DOCUMENT_STEM_RE): the beginning of every
# honorific; a run of three capitals (a surname written first) and a numeric date's digits.
_HONORIFIC_STEM_RE = re.compile(
    by_first_letter(
        r"M\.?\s|Mr|Ms|Miss|Mx|Mme|Mlle|Monsieur|Madame|Mademoiselle|Meneer|Mevr|Dr|Dhr|Dott|Doña|"
        r"Dña|Prof|Herr|Frau|Sr|Sig|Señor|Signor|de\s+heer|mevrouw"
    )
)
_CAPITALS_RE = re.compile(r"[A-Z][A-Z]{2}")
_NUMERIC_DATE_STEM_RE = re.compile(r"\d[./-]\d")
NAME_LABEL = (
    r"(?i:full\s+name|name\s+of\s+(?:the\s+)?(?:person|applicant|migrant|subject|passenger)|"
    r"surname|family\s+name|last\s+name|first\s+names?|given\s+names?|forenames?|"
    r"nom(?:\s+(?:de\s+)?famille|\s+et\s+pr[ée]noms?|\s+complet|\s+d['’]usage)?|pr[ée]noms?|"
    r"vorname|nachname|familienname|vollst[äa]ndiger\s+name|achternaam|achter\s+naam|voornamen|"
    r"voornaam|voor\s+naam|volledige\s+naam|naam|nombre(?:\s+y\s+apellidos|\s+completo)?|"
    r"apellidos?|cognome|nome(?:\s+(?:e\s+cognome|completo))?|name)"
)
_LABELLED_NAME_RE = re.compile(
    r"(?<![\w-])" + NAME_LABEL + rf"\s*:\s*({NAME_TOKEN}(?:[\s,]+(?:{NAME_TOKEN})){{0,3}})"
)
_NAME_LABEL_ONLY_RE = re.compile(r"^\W*" + NAME_LABEL + r"(?:\s*\(s\))?[\s:.]*$")
_NAME_LABEL_AT_END_RE = re.compile(r"(?<![\w-])" + NAME_LABEL + r"(?:\s*\(s\))?[\s:.]*$")
# Whose name a "name" column or member is when its parent says so: an organisation's, a file's.
_NOT_PERSON_OWNER_RE = re.compile(
    r"(?i)\b(?:organi[sz]ations?|organisatie|organismo|organisme|ente|agency|agencies|authority|"
    r"autorit[éeà]|beh[öo]rde|dienst|service|servicio|servizio|institution|network|netwerk|"
    r"file|project|event|meeting|company|country|city|place|location|route|airport|port|unit|"
    # Where an event is held (`venue/name`, `lieu/nom`, `sede/nombre`).
    r"venue|lieu|veranstaltungsort|locatie|sede|lugar|luogo|"
    r"team|group|vessel|ship|boat|operation|document|report|table|field|column|office|body|"
    # Lists of offices and contacts, in the plural and in compounds (`dienststellen`).
    r"dienststellen?|stellen|beh[öo]rden|[äa]mter|offices|units|services|agencies|authorities|"
    r"institutions|instellingen|diensten|organisaties|uffici|oficinas|bureaux|posts|posten|"
    r"missions|embassies|consulates|contacts?|kontakte?|contactos?|contatti|contacten|"
    r"directory|annuaire|rubrica|verzeichnis|adresboek|directorio)\b"
)
_ADDRESS_LABEL = (
    r"(?:(?:home|postal|private)\s+address|address|adresse(?:\s+(?:personnelle|postale))?|"
    r"(?:wohn)?anschrift|wohnort|wohnsitz|(?:woon|huis)?adres|direcci[óo]n(?:\s+particular)?|"
    r"domicilio|indirizzo(?:\s+di\s+residenza)?)"
)
_ATTRIBUTE = (
    r"(?:[A-Z][a-z]+\s+(?:national|citizen)\b|(?i:"
    r"born|b\.\s*\d|aged\s+\d|age\s*:?\s*\d|\d{1,2}[- ]year[- ]old|\d{1,2}\s+years\s+old|"
    r"(?:a\s+)?national\s+of|citizen\s+of|nationality\s*[:(]|"
    r"d\.?o\.?b\b|date\s+of\s+birth|holder\s+of|"
    # A document in the singular: in the plural it is a kind of document (`counterfeit Bulgarian
    # ID cards`, `forged Greek passports`), no one's.
    r"passport(?!s\b)|identity\s+card(?!s\b)|id\s+card(?!s\b)|"
    r"residing|resident\s+(?:at|in)|living\s+(?:at|in)|mobile|phone|tel\b|"
    r"n[ée]e?\s+(?:le|en|à)\b|[âa]g[ée]e?\s+de\s+\d|de\s+nationalit[ée]|ressortissante?|"
    r"passeport(?!s\b)|domicili[ée]e?|demeurant|"
    r"geboren|geb\.|\d{1,2}\s+jahre\b|\d{1,2}\s+jaar\b|staatsangeh|staatsb[üu]rger|nationaliteit|"
    # German's plurals of them (`Ausweise`, `Ausweisnummern`, `Passnummern`) are kinds too
    r"(?:reise)?pass(?:nummer(?!n\b)|[\s-]*nr)|ausweis(?!e\b|e?n\b|nummern\b)|wohnhaft|"
    r"woonachtig|paspoort(?!en\b)|geboortedatum|"
    r"nacid[oa]|de\s+nacionalidad|(?:de\s+)?\d{1,2}\s+a[ñn]os|pasaporte(?!s\b)|domiciliad[oa]|"
    r"nat[oa]\s+(?:il|a|nel)\b|di\s+nazionalit|cittadin[oa]|\d{1,2}\s+anni|passaporto|"
    r"residente|\d{1,2}\s+ans\b|anni\s+\d{1,2}\b|"
    # A home address by its label, before its colon or its house number (`address 12 Green
    # Street`, `Anschrift: Hauptstraße 12`): the label alone (`the address of the embassy`) is none.
    rf"{_ADDRESS_LABEL}(?:\s*:|\s+\d)))"
)
# What may stand between a name and its attribute: an age, an initial, an alias or nickname.
_ALIAS = (
    r"(?:(?:alias|aka|a\.k\.a\.|known\s+as|dit|genannt|alias|bijgenaamd|apodado|detto)\s+)"
    r"(?:\"[^\"]{1,30}\"|«[^»]{1,30}»|“[^”]{1,30}”|'[^']{1,30}'|„[^“]{1,30}“|[\w-]+(?:\s+[\w-]+)?)"
)
_FILLER = rf"(?:\d{{1,3}}|[A-Z]\.|\(?{_ALIAS}\)?|\(\d{{1,3}}\))"
# The name as the subject of its attributes after an apposition (`Bilal R., alias "the Barber",
# is: 34 years`): the verb "to be" in the six languages, present and past, after a comma, or
# right after a surname's initial (`Karim B. est de nationalité …`): two capitalised words alone
# are no name's evidence (`Die Sitzung ist 34 Jahre alt` names no one), a given name and an
# initial are.
_COPULA = r"(?:(?<=,)\s*|(?<=,\s)|(?<=\b[A-Z]\.\s))(?:is|was|est|[ée]tait|ist|war|es|era|è)\s*:?\s+"
_NAME = rf"{NAME_SEQUENCE}(?:\s+[A-Z]\.)?|{NAME_TOKEN}\s+[A-Z]\.|[A-Z]\.\s*{NAME_TOKEN}"
# The name ends where its last word does: an attribute is a word of its own, not the end of a
# longer one (`Aufenthaltstitel` holds `tel` but no telephone).
_NAME_ATTRIBUTE_RE = re.compile(
    rf"({_NAME}|{NAME_TOKEN},\s+{NAME_TOKEN}(?:\s+[A-Z]\.)?)(?![\w'’-])"
    rf"(?:\s*[,(;–-]?\s*{_FILLER}\s*[,)]?){{0,3}}"
    r"\s*(?:,|\(|–|-|;|\.)?\s*(?:"
    + _COPULA
    + r")?(?:(?:a|an|un|une|ein|eine|een|una|uno|de|di)\s+)?"
    + _ATTRIBUTE
)
# An age or a nationality before the name, a few words apart (`a 34-year-old Eritrean man named
# Tesfay Gebremariam`, `il cittadino tunisino Mohamed Ben Salah`).
_ATTRIBUTE_BEFORE_RE = re.compile(
    r"(?i:\b\d{1,2}[- ]year[- ]old|\b\d{1,2}[- ]j[äa]hrige[rn]?|\bnational|\bcitizen|"
    r"\bcittadin[oa]|\bciudadan[oa]|\bressortissante?|\bstaatsangeh[öo]rige[rn]?|\bonderdaan|"
    # An age in words of the six languages (`un Guinéen de 34 ans, Mamadou Bah`).
    r"\b\d{1,2}\s+(?:ans|anni|años|anos|jaar|jahre(?:\s+alt)?|years(?:\s+old)?)\b|\baged\s+\d{1,2})"
    rf"(?:[\s,]+[\w'’-]+){{0,3}}?[\s,:]+({_NAME})"
)
_INNER_ALIAS_RE = re.compile(rf"\(\s*{_ALIAS}\s*\)")
_HONORIFIC_ALONE_RE = re.compile(HONORIFIC)
_ALIAS_STEM_RE = re.compile(
    by_first_letter(r"alias|aka|a\.k\.a|known|dit|genannt|bijgenaamd|apodado|detto")
)
# A nickname first, the full name in brackets as its alias (`"Papis" (a.k.a. Ousmane Faye), 41`).
_ALIAS_NAME_RE = re.compile(
    r"\((?:alias|aka|a\.k\.a\.|known\s+as|dit|genannt|bijgenaamd|apodado|detto)\s+"
    rf"({NAME_SEQUENCE})\s*\)"
)
_SURNAME_FIRST_RE = re.compile(
    rf"(?<![\w-])([A-Z]{{3,}}(?:[ -][A-Z]{{3,}})?,?\s+{NAME_TOKEN}(?:\s+{NAME_TOKEN})?)"
    rf"[\s,;()]{{1,4}}(?:[A-Za-z]{{2,3}}[\s,;()]{{1,4}})?({NUMERIC_DATE})"
)
_ANY_NAME_RE = re.compile(rf"(?<![\w-])({_NAME})(?![\w-])")


def _birth_year_plausible(date_text: str) -> bool:
    years = YEAR_RE.findall(date_text)
    return bool(years) and 1900 <= int(years[-1]) <= 2012


# A cheap first look before _NAME_ATTRIBUTE_RE, on lower-cased text: something every alternative
# of _ATTRIBUTE but the capitalised nationality (_NATIONAL_NOUN_RE) holds (each alternative here
# begins with a literal letter, see _DOCUMENT_STEM_RE; a lookbehind after it asks for the space
# before an age's unit).
_ATTRIBUTE_STEM_RE = re.compile(
    by_first_letter(
        r"born|b\.\s*\d|aged|age\s*:?\s*\d|year[- ]old|years\s+old|national\s+of|"
        r"nationality\s*[:(]|citizen|d\.?o\.?b|date\s+of\s+birth|holder\s+of|passport|identity\s+card|id\s+card|"
        r"residing|resident\s+(?:at|in)|living\s+(?:at|in)|mobile|phone|tel\b|n[ée]e?\s+(?:le|en|à)\b|"
        r"âg[ée]e?\s+de\s+\d|ag[ée]e?\s+de\s+\d|de\s+nationalit[ée]|ressortissant|passeport|domicili|"
        r"demeurant|geboren|geb\.|jahre(?<=\sjahre)\b|staatsangeh|staatsb[üu]rger|nationaliteit|"
        r"pass(?:nummer|[\s-]*nr)|ausweis|wohnhaft|woonachtig|paspoort|geboortedatum|nacid[oa]|"
        r"de\s+nacionalidad|años(?<=\saños)|anos(?<=\sanos)|pasaporte|nat[oa]\s+(?:il|a|nel)\b|"
        r"di\s+nazionalit|cittadin[oa]|anni(?<=\sanni)|passaporto|residente|ans(?<=\sans)\b|"
        r"ciudadan[oa]|onderdaan|j[äa]hrige|jaar(?<=\sjaar)|adres|address|anschrift|wohn|"
        r"direcci|domicilio|indirizzo"
    )
)


# The one attribute written with a capital (`a Syrian national`): looked for on the text as it
# stands, so that "the national hotline" is not a first look's hit.
_NATIONAL_NOUN_RE = re.compile(r"[A-Z][a-z]+\s+national\b")


def _surname_first(name: str) -> bool:
    """Two words parted by a comma are a surname and a given name (`Haddad, Samir`, `DUPONT,
    Jean`) when the second is a given name or the first is in capitals: otherwise they are as
    often two capitalised nouns of a list (German writes every noun so)."""
    surname, _, given = name.partition(",")
    first = given.split()[0].lower() if given.split() else ""
    return first in GIVEN_NAMES or (surname.strip().isupper() and len(surname.strip()) > 1)


def _person_like(name: str, text: str, start: int) -> bool:
    """A person's name, not an institution's, and not a public official's named beside the
    function they hold."""
    if not is_person_like(name):
        return False
    if "," in name and not _surname_first(name):
        return False  # `Reisenden, Geburtsdaten`: two nouns of a list, no name
    window = text[max(0, start - 60) : start + len(name) + 60]
    if FUNCTION_RE.search(window) is not None:
        return False
    end = start + len(name)
    return not (
        TITLE_AFTER_RE.match(text, end)
        or TITLE_BEFORE_RE.search(text, 0, start)
        or PLACE_AFTER_RE.match(text, end)
        or PLACE_BEFORE_RE.search(text, max(0, start - 30), start)
    )


def has_name(text: str) -> bool:
    """A person-like name anywhere in the text (used beside another finding of the same unit)."""
    return any(_person_like(m.group(1), text, m.start(1)) for m in _ANY_NAME_RE.finditer(text))


_NAME_STEM_RE = re.compile(r"na[am]|nom|apellid|cognom|forename|surname")
# What every name of _NAME_ATTRIBUTE_RE holds (a name token is a capital and no space after it):
# two tokens apart by spaces, a particle or a comma, or an initial before a token. Its
# alternatives share their first class, so that the search runs over capitals only.
_NAME_PAIR_RE = re.compile(rf"[{UPPER}](?:\S*\s+(?:{PARTICLE}\s+)?[{UPPER}]|(?<=[A-Z])\.[{UPPER}])")


# A name's value: its tokens, a surname's particle among them (`Pieter van Dam`).
_LABELLED_VALUE_RE = re.compile(rf"{NAME_TOKEN}(?:[\s,]+(?:{PARTICLE}\s+)?{NAME_TOKEN}){{0,3}}")


def labelled_name(text: str, context: str) -> bool:
    # A value of name tokens only (below) holds no digit: a line with one is looked at no further.
    if not context or digit_count(text) or not _NAME_STEM_RE.search(context[-60:].lower()):
        return False
    if not _NAME_LABEL_AT_END_RE.search(context[-60:]):
        return False
    if not _NAME_LABEL_ONLY_RE.search(context) and _NOT_PERSON_OWNER_RE.search(context):
        return False
    value = text.strip()
    if _LABELLED_VALUE_RE.fullmatch(value):
        return is_person_like(value)
    return False


def has_personal_name(text: str, *, context: str = "") -> bool:
    lower = text.lower()
    # The attributes are looked for only where a name can stand beside them (two name tokens,
    # or an initial and a token) or an alias in brackets can part one.
    paired = _NAME_PAIR_RE.search(text) is not None
    # Without two name tokens, an attribute matters only beside an alias in brackets.
    attributes = (paired or ("(" in text and _ALIAS_STEM_RE.search(lower) is not None)) and (
        _ATTRIBUTE_STEM_RE.search(lower) is not None
        or ("national" in text and _NATIONAL_NOUN_RE.search(text) is not None)
    )
    # A capitalised honorific and the name after it are two name tokens (`paired`).
    honorific = paired or "heer" in text or "mevrouw" in text
    for m in _HONORIFIC_RE.finditer(text) if honorific and _HONORIFIC_STEM_RE.search(text) else ():
        if _HONORIFIC_ALONE_RE.fullmatch(m.group(1)):
            continue  # `Frau Dr. Weber`: the name follows the second title
        if _person_like(m.group(1), text, m.start(1)) and (
            attributes or not REPRESENTS_RE.match(text, m.end(1))
        ):
            return True
    labels = ":" in text and _NAME_STEM_RE.search(lower) is not None
    for m in _LABELLED_NAME_RE.finditer(text) if labels else ():
        value = m.group(1).strip(", ")
        if is_person_like(value):
            return True
    for m in _NAME_ATTRIBUTE_RE.finditer(text) if attributes and paired else ():
        if _person_like(m.group(1), text, m.start(1)):
            return True
    for m in _ATTRIBUTE_BEFORE_RE.finditer(text) if attributes and paired else ():
        if _person_like(m.group(1), text, m.start(1)):
            return True
    aliased = attributes and "(" in text and _ALIAS_STEM_RE.search(lower) is not None
    if aliased and (named := _ALIAS_NAME_RE.sub(r" \1", text)) != text:
        for m in _NAME_ATTRIBUTE_RE.finditer(named):
            if _person_like(m.group(1), named, m.start(1)):
                return True
    if aliased and (unaliased := _INNER_ALIAS_RE.sub(" ", text)) != text:
        # An alias between a given name and a surname ("Samir (aka 'Doc') Haddad, 41").
        for m in _NAME_ATTRIBUTE_RE.finditer(unaliased):
            if _person_like(m.group(1), unaliased, m.start(1)):
                return True
    dated = (  # a surname in capitals and a given name are two name tokens too
        paired
        and digit_count(text) >= 4
        and _NUMERIC_DATE_STEM_RE.search(text) is not None
        and _CAPITALS_RE.search(text) is not None
    )
    for m in _SURNAME_FIRST_RE.finditer(text) if dated else ():
        if is_person_like(m.group(1)) and _birth_year_plausible(m.group(2)):
            return True
    for m in _NAME_AGE_RE.finditer(text) if paired and _AGE_AFTER_RE.search(text) else ():
        name, start = (m.group(1), m.start(1)) if m.group(1) else (m.group(2), m.start(2))
        given = name.endswith(".") or name.split()[0].lower() in GIVEN_NAMES
        if given and _person_like(name, text, start):
            return True
    return labelled_name(text, context)


# A given name and the surname or its initial, the age after them in brackets or between commas,
# as the press names a private person (`Omar K. (29)`, `Samira E. (34, …)`, `Yusuf Okafor, 34,
# …`); a full surname only after a given name of the list, with more said after the age (`Santa
# Cruz (12)` counts a place's cases).
_AGE_AFTER_RE = re.compile(r"\(\d{1,2}[),]|,\s?[1-9]\d,")
_NAME_AGE_RE = re.compile(
    rf"({NAME_TOKEN}\s+[A-Z]\.)\s*\(\d{{1,2}}[),]"
    rf"|({NAME_TOKEN}\s+{NAME_TOKEN})(?:\s*\([1-9]\d,|,\s?[1-9]\d,)"
)
