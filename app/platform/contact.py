"""E-mail addresses, IBANs and personal URLs (telephone numbers: app/platform/phone.py)."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote, urlsplit

from app.platform.given_names import COMMON_GIVEN_NAMES as GIVEN_NAMES
from app.platform.institutional import (
    NO_CONTACTS,
    InstitutionalContacts,
    email_key,
    iban_key,
)
from app.platform.mailbox import acronym, function_word, functional_local_part, personal_mailbox
from app.platform.patterns import OFFICES, words

EMAIL_RE = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}"
    r"(?:@|\s*[\[(]\s*(?:at|AT)\s*[\])]\s*)"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?"
    r"(?:(?:\.|\s*[\[(]\s*(?:dot|DOT)\s*[\])]\s*)[A-Za-z0-9-]{1,63})*"
    r"(?:\.|\s*[\[(]\s*(?:dot|DOT)\s*[\])]\s*)[A-Za-z]{2,24}\b"
)


_AT_WORD_RE = re.compile(r"[\[(]\s*(?:at|AT)\s*[\])]")


# Labels that name a mailbox as an office's (a column `Funktionspostfach`, "functional mailbox:").
FUNCTIONAL_MAILBOX_RE = re.compile(
    r"(?i)\b(?:functional|generic|shared|institutional)\s+(?:mail\s*box|mailbox|e-?mail|"
    r"address)|\bfunktions(?:postfach|adresse|mail)|\b(?:sammel|gruppen)postfach|\bbo[iî]te\s+"
    r"(?:aux\s+lettres\s+)?(?:fonctionnelle|g[ée]n[ée]rique|institutionnelle)|\badresse\s+"
    r"(?:fonctionnelle|g[ée]n[ée]rique|institutionnelle)|\bbuz[óo]n\s+(?:funcional|gen[ée]rico|"
    r"institucional)|\bcasella\s+(?:funzionale|istituzionale|generica)|\bfunctionele\s+"
    r"(?:mailbox|mailadres|e-?mail)|\balgemene\s+mailbox"
)
_LOCAL_PART_RE = re.compile(r"([A-Za-z0-9._%+-]+)(?:@|\s*[\[(]\s*(?:at|AT)\s*[\])])")


def has_email_in(
    text: str, context: str, known: InstitutionalContacts = NO_CONTACTS, beside_person: str = ""
) -> bool:
    """A person's address (see has_email), unless its label names it a functional one: the
    column or member it stands under, the line before it, or the words just before the one
    address of a line."""
    if not has_email(text, known, beside_person=beside_person):
        return False
    if any(len(context) - label.end() <= 25 for label in FUNCTIONAL_MAILBOX_RE.finditer(context)):
        return False  # the label ends the column's header or the line before
    address = EMAIL_RE.search(text)
    if address is None or text.count("@") != 1:
        return True
    if _named_by_initials(address.group(0), text):
        return False  # `ias@` beside `Information and Analysis Sector`
    before = text[max(0, address.start() - 60) : address.start()]
    return not any(
        _LABEL_GAP_RE.fullmatch(before[label.end() :])
        for label in FUNCTIONAL_MAILBOX_RE.finditer(before)
    )


_CAPITALISED_RE = re.compile(r"[^\W\d_]+")
_JOINING = words("and of for the de du des la le et und der die für van het voor y del e di della")


def _named_by_initials(address: str, text: str) -> bool:
    """A mailbox named by the initials of an office the line names (`ias@` beside `Information
    and Analysis Sector`), its other words function words or acronyms."""
    local = _LOCAL_PART_RE.match(address)
    if local is None:
        return False
    # The initials of each run of capitalised words that names an office (a function word in it).
    runs: list[str] = []
    initials, office = "", False
    for word in [*_CAPITALISED_RE.findall(text[: text.find(address)]), "."]:
        if word[0].isupper():
            initials += word[0].lower()
            office = office or function_word(word.lower())
        elif word not in _JOINING:
            runs.extend([initials] if office else [])
            initials, office = "", False
    tokens = [t for t in re.split(r"[._+-]+", local.group(1).lower()) if t]
    named = [t for t in tokens if len(t) >= 2 and any(t in run for run in runs)]
    return bool(named) and all(t in named or function_word(t) or acronym(t) for t in tokens)


# What stands between a label and the value it labels: `Functional mailbox: `, `(generic e-mail) `.
_LABEL_GAP_RE = re.compile(r"[\s:=()\-–]*")


def has_email(
    text: str, known: InstitutionalContacts = NO_CONTACTS, *, beside_person: str = ""
) -> bool:
    """A person's address, also written `name [at] domain [dot] eu` or percent-encoded in a
    link: one shaped as a person's mailbox is (see personal_mailbox), or, in the record of a
    private person (`beside_person`, the text naming them), any not made of function words or
    one made of their name (`pvdam@` beside `Pieter van Dam`); an institution's
    mailbox, whatever its words, and one registered as institutional are not personal data."""
    if (
        "@" not in text
        and "%40" not in text
        and not (("(" in text or "[" in text) and _AT_WORD_RE.search(text))
    ):
        return False
    plain = unquote(text) if "%" in text else text
    for m in EMAIL_RE.finditer(plain):
        if known.emails and email_key(m.group(0)) in known.emails:
            continue
        if beside_person:
            local = _LOCAL_PART_RE.match(m.group(0))
            if local is None or not functional_local_part(local.group(1)):
                return True
            if personal_mailbox(m.group(0), beside_person):
                return True
        elif personal_mailbox(m.group(0), plain):
            return True
    return False


# --- IBAN --------------------------------------------------------------------------------------

IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28,
    "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
    "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
    "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LI": 21, "LT": 20, "LU": 20, "LV": 21,
    "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18,
    "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24,
    "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "TL": 23, "TN": 24, "TR": 26,
    "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip
# The lookbehind after the first letter (see _NATIONAL_START_RE): searched for capitals only.
_IBAN_START_RE = re.compile(r"([A-Z](?<![A-Z0-9].)[A-Z])(\d{2})")


# The check digits after a country code's letter (as written, before upper-casing): searched
# for digits only, the letter before them checked behind.
_CHECK_DIGITS_RE = re.compile(r"\d(?<=[^\W\d_]\d)\d")


def iban_checksum_ok(iban: str) -> bool:
    rearranged = iban[4:] + iban[:4]
    digits = "".join(str(int(c, 36)) for c in rearranged)
    return int(digits) % 97 == 1


# A public authority's account, named as such (a treasury, a ministry's or agency's account), is
# not personal data.
PUBLIC_ACCOUNT_RE = re.compile(
    # Paid to an office (`Gebühren an die Botschaft`, `Régie de l'ambassade`).
    r"(?i)\b(?:to|an|à|aan|al|alla|all['’])\s+(?:the\s+|die\s+|den\s+|der\s+|la\s+|le\s+|"
    rf"l['’]|het\s+|de\s+|el\s+|il\s+)?(?:{OFFICES})\b|\br[ée]gie\b|"
    r"\b(?:account|compte|konto|cuenta|conto|rekening|iban)\s+(?:of|du|de\s+la|de|des|der|del|"
    rf"della|dello|dell['’]|van)\s+(?:the\s+|het\s+|de\s+|la\s+|l['’])?(?:{OFFICES})\b|"
    r"\b(?:treasury|tr[ée]sor(?:\s+public)?|tesorer[íi]a|tesoro|tesouro|bundeskasse|"
    r"landeskasse|staatskasse|hauptkasse|rijksoverheid|belastingdienst|finanzamt|"
    r"(?:account|compte|konto|cuenta|conto|rekening|iban)\s+(?:of|du|de\s+la|de|des|der|del|della|"
    r"dello|van)\s+(?:the\s+|het\s+|de\s+|la\s+|l['’])?(?:ministry|minist[èe]re|ministerium|"
    r"ministerio|ministero|ministerie|agency|agence|agentur|agencia|agenzia|commission|"
    r"commissione|comisi[óo]n|kommission|embassy|ambassade|botschaft|embajada|ambasciata|"
    r"federal|public|state|[ée]tat|estado|stato|staat|police|polizei|polic[íi]a|polizia|politie|"
    r"office|bundesamt|directorate|direction|direcci[óo]n|direzione|directie|consulate|"
    r"consulat|konsulat|consulado|consolato|consulaat|generalkonsulat))\b"
    # An account holder named as an authority (`Rekeninghouder: Immigratie- en
    # Naturalisatiedienst`, `Kontoinhaber: Bundeskasse`), its word also ending a compound.
    r"|\b(?:account\s+holder|beneficiary|payee|rekeninghouder|begunstigde|ten\s+name\s+van|"
    r"titulaire(?:\s+du\s+compte)?|b[ée]n[ée]ficiaire|kontoinhaber(?:in)?|empf[äa]nger|"
    r"titular(?:\s+de\s+la\s+cuenta)?|beneficiario|intestatario|intestato\s+a)\b[\s:]*"
    r"[^\n,;(/]{0,40}?(?:dienst|ministerie|ministry|minist[èe]re|ministerium|ministerio|ministero|"
    r"agency|agence|agentur|agencia|agenzia|embassy|ambassade|botschaft|embajada|ambasciata|"
    r"beh[öo]rde|bundesamt|office|police|polizei|politie|polic[íi]a|polizia|commission|"
    r"kommission|comisi[óo]n|commissione|directorate|direction|direcci[óo]n|direzione|directie|"
    r"consulate|consulat|konsulat|consulado|consolato|consulaat|pr[ée]fecture|prefettura|"
    r"questura|gemeente|municipality|ayuntamiento|comune|kasse|treasury|tesoro|tr[ée]sor)\w*\b"
)


def has_iban_in(text: str, context: str, known: InstitutionalContacts = NO_CONTACTS) -> bool:
    if has_iban(text, known):
        return not (PUBLIC_ACCOUNT_RE.search(text) or PUBLIC_ACCOUNT_RE.search(context))
    return False


def has_iban(text: str, known: InstitutionalContacts = NO_CONTACTS) -> bool:
    """A valid IBAN that is not a registered institutional account."""
    if _CHECK_DIGITS_RE.search(text) is None:
        return False
    upper = text.upper()
    for start in _IBAN_START_RE.finditer(upper):
        length = IBAN_LENGTHS.get(start.group(1))
        if length is None:
            continue
        chars: list[str] = []
        for c in upper[start.start() :]:
            if c.isalnum():
                chars.append(c)
            elif c not in " -":
                break
            if len(chars) == length:
                break
        candidate = "".join(chars)
        # Letters and digits of other scripts (`É`, `²`) are not an IBAN's (nor base 36's).
        ascii_alnum = candidate.isascii() and candidate.isalnum()
        if len(candidate) == length and ascii_alnum and iban_checksum_ok(candidate):
            if known.ibans and iban_key(candidate) in known.ibans:
                continue
            return True
    return False


# --- URLs --------------------------------------------------------------------------------------

# A link with its host, or a path of two segments or more without one (`/v1/officers/…`,
# `/api/v2/vorgaenge/2026-114/personen/…`): an API's own links are often written relative.
_RELATIVE = r"(?<![\w/.])/[A-Za-z][\w.-]*/[\w\-/?=&%.]+"
# A host written without its scheme, with a path (`facebook.com/ibrahim.sow.77`, `t.me/…`):
# what makes it a person's is read from its path as for any link.
_BARE_HOST = r"(?<![\w@./-])(?:[a-z0-9-]+\.)+[a-z]{2,6}/[^\s<>\"'`)\]]+"
# Its first look: the host's last dot, its lookbehind after it (searched for dots only; a line
# with a slash holds a date or a legal reference more often than a link).
_BARE_HOST_STEM_RE = re.compile(r"(?i)\.(?<=[a-z0-9]\.)[a-z]{2,6}/")
URL_RE = re.compile(r"(?i)(?:\bhttps?://|\bwww\.)[^\s<>\"'`)\]]+|" + _BARE_HOST + "|" + _RELATIVE)
# The relative paths alone, for a line without a host: the pattern begins with its slash (the
# lookbehind after it), so that it is searched for slashes only, as most lines with one hold a
# date or a legal reference (`2019/1240`) and no path.
_RELATIVE_URL_RE = re.compile(r"/(?<![\w/.]/)[A-Za-z][\w.-]*/[\w\-/?=&%.]+")
# This API's personal resources: a working link to them (with its host), or a path with an
# identifier after it. A bare path in documentation (`GET /v1/officers`) links to no one.
_API_PERSONAL_RE = re.compile(
    r"(?i)^(?:https?://|www\.)[^/\s]+/(?:[^\s]*/)?v1/(?:processing-records|officers)(?:[/?#]|$)"
    r"|/v1/(?:processing-records|officers)/(?!\{)[^/?#\s{}]+"
)
PERSONAL_QUERY_KEYS = words(
    """email e-mail mail passport passport_no passportnumber passport_number document_number
    docnumber doc_no dob date_of_birth birthdate birth_date surname lastname last_name
    familyname family_name firstname first_name given_name givenname given_names fullname
    full_name person person_id personid subject subject_id subjectid officer officer_id
    officerid userid user_id uid national_id nationalid ssn bsn dni nie phone tel telephone
    msisdn mobile iban"""
)
_DOC_NUMBER_IN_URL_RE = re.compile(r"(?<![A-Za-z0-9])[A-Z]{1,2}\d{6,9}(?![A-Za-z0-9])")
_LONG_NUMBER_RE = re.compile(r"(?<!\d)\d{9,}(?!\d)")
_PROFILE_RE = re.compile(r"(?i)linkedin\.com/in/|facebook\.com/profile\.php|facebook\.com/people/")
# Social networks whose first path segment is an account: a handle with a separator or digits
# (`john.mensah.5243`, `ahmed_visas_eu`) is a person's; a bare word (`Frontex`) an organisation's.
_SOCIAL_RE = re.compile(
    r"(?i)(?:^|[/.])(?:facebook|fb|instagram|twitter|x|tiktok|vk|threads|snapchat|telegram|t)"
    r"\.(?:com|me|net)/@?([^/?#\s]+)"
)
_SOCIAL_RESERVED = words(
    """sharer share sharer.php groups pages events hashtag search intent explore watch home
    login policies help about legal privacy i status"""
)
# Sections of a site whose next segment is a person: /people/<slug>, /profile/<slug>...
_PERSON_SECTION_RE = re.compile(
    r"(?i)/(?:people|person|persons|profile|profiles|user|users|u|author|authors|members?|"
    r"personen|persoon|personas|persone|personnes|profil|perfil|profilo|staff|employees?|"
    r"mitarbeiter(?:innen)?|medewerkers|collaborateurs|empleados|dipendenti)/[^/?#\s]+"
)
# A record inside a record, each by its identifier (`/dossiers/NL-2026-0087/betrokkenen/4411`): the
# persons, parties or items of a case are reached by such paths; an identifier holds a digit and
# is not a year or an API's version alone (`/eli/reg/2019/1240/oj`, `/api/v2/reports/2026`).
_RECORD_ID = r"(?!(?:(?:19|20)\d\d|v\d+)(?:[/?#]|$))(?=[^/?#]*\d)[\w.-]+"
_NESTED_RECORD_RE = re.compile(
    rf"/[A-Za-z][\w-]*[A-Za-z]/{_RECORD_ID}/[A-Za-z][\w-]*[A-Za-z]/{_RECORD_ID}(?:[/?#]|$)"
)


def _names_in_slug(segment: str) -> bool:
    # A surname's particle is read with the surname (`jan-de-vries`, `ali-al-hassan`).
    tokens = [t for t in re.split(r"[-_.+]+", segment.lower()) if t and t not in SLUG_PARTICLES]
    return any(
        t in GIVEN_NAMES and i + 1 < len(tokens) and tokens[i + 1].isalpha()
        and len(tokens[i + 1]) >= 3 and tokens[i + 1] not in GIVEN_STOP
        for i, t in enumerate(tokens)
    )  # fmt: skip


SLUG_PARTICLES = words("de van der den von di da del della dos du le la al el bin ben ibn")
# Words after a given name in a slug that do not make it a person's (`/john-paul-ii-square`).
GIVEN_STOP = words("the and of de del la le les street square road avenue platz straat via calle")


def personal_url(url: str) -> bool:
    """A link to this API's personal resources, a social profile, or one that carries a personal
    identifier (an e-mail, a passport-shaped number, a long numeric id) in its path or query."""
    if url.lower().startswith("mailto:"):
        return False
    if _API_PERSONAL_RE.search(url) or _PROFILE_RE.search(url):
        return True
    parts = urlsplit(url if "://" in url or url.startswith("/") else "https://" + url)
    path = unquote(parts.path)
    social = _SOCIAL_RE.search(parts.netloc + path)
    if social and social.group(1).lower() not in _SOCIAL_RESERVED:
        handle = social.group(1)
        if re.search(r"[._\d-]", handle):
            return True
    if _PERSON_SECTION_RE.search(path) and not path.startswith("/v1/"):
        return True
    if _NESTED_RECORD_RE.search(path) and not path.startswith("/v1/"):
        return True
    if any(_names_in_slug(segment) for segment in path.split("/")):
        return True
    query = parse_qsl(parts.query, keep_blank_values=False)
    if "@" in path or "@" in parts.netloc:
        return True
    for key, value in query:
        normal = key.lower().replace("-", "_")
        if normal in PERSONAL_QUERY_KEYS or "@" in value:
            return True
    carried = path + " " + " ".join(v for _, v in query)
    return bool(_DOC_NUMBER_IN_URL_RE.search(carried) or _LONG_NUMBER_RE.search(carried))


def has_personal_url(text: str) -> bool:
    if "/" not in text and "www." not in text.lower():
        return False  # every link but a bare `www.` one holds a slash
    lower = text.lower()
    hosted = "http" in lower or "www." in lower or _BARE_HOST_STEM_RE.search(text) is not None
    links = URL_RE.finditer(text) if hosted else _RELATIVE_URL_RE.finditer(text)
    return any(personal_url(m.group(0).rstrip(".,;:")) for m in links)
