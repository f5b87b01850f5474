"""E-mail addresses, telephone numbers (the `phonenumbers` library), IBANs and personal URLs."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote, urlsplit

import phonenumbers

from app.platform.patterns import DATE_RE, words

EMAIL_RE = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}"
    r"(?:@|\s*[\[(]\s*(?:at|AT)\s*[\])]\s*)"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?"
    r"(?:(?:\.|\s*[\[(]\s*(?:dot|DOT)\s*[\])]\s*)[A-Za-z0-9-]{1,63})*"
    r"(?:\.|\s*[\[(]\s*(?:dot|DOT)\s*[\])]\s*)[A-Za-z]{2,24}\b"
)


_AT_WORD_RE = re.compile(r"[\[(]\s*(?:at|AT)\s*[\])]")


def has_email(text: str) -> bool:
    """An address, also written `name [at] domain [dot] eu` or percent-encoded in a link."""
    if "@" not in text and "%40" not in text and not _AT_WORD_RE.search(text):
        return False
    return EMAIL_RE.search(unquote(text)) is not None


# --- telephone numbers -------------------------------------------------------------------------

PHONE_LABEL_RE = re.compile(
    r"(?i)(?:\b(?:tel|tél|tfno|telf|ph|mob|gsm|fax)\b\.?|\b(?:telephone|téléphone|phone|"
    r"mobile|cell(?:phone)?|telefon|telefoon|teléfono|telefono|móvil|movil|cellulare|handy|"
    r"portable|whatsapp|numéro\s+de\s+portable|rufnummer|mobiel)\b)"
)
# Where a national number may start without a label: a trunk prefix 0 (with or without brackets).
_NATIONAL_START_RE = re.compile(r"(?<![\w.,/-])(?:\(0\d*\)|0\d)[\d\s().\-/]{6,}\d")
_INTERNATIONAL_RE = re.compile(r"(?:(?<![\w+])\+|(?<![\w.,/-])00)\s?[1-9][\d\s().\-/]{6,}\d")
_DIGITS_RE = re.compile(r"\d[\d\s().\-/]{6,}\d")
# The regions whose national formats are looked for (the Member States and the Schengen area).
PHONE_REGIONS = (
    "GB", "IE", "FR", "BE", "LU", "DE", "AT", "CH", "NL", "ES", "PT", "IT", "PL", "SE", "DK",
    "FI", "GR", "CZ", "RO", "HU", "BG", "HR", "SI", "SK", "LT", "LV", "EE", "MT", "CY", "NO",
)  # fmt: skip
_VALID = phonenumbers.Leniency.VALID
# An IBAN's digit groups are not a telephone number (the IBAN detector reports them).
_IBAN_SHAPE_RE = re.compile(r"\b[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]{2,4}){3,8}\b")


def _plausible_grouping(raw: str) -> bool:
    """Phone numbers are written in groups of two or more digits; a row of single digits is a
    statistics line, a date-shaped string a date, a reference with slashes a reference."""
    if DATE_RE.fullmatch(raw.strip()):
        return False
    if re.search(r"\d/\d", raw) and not re.search(r"\d/\s?\d{3,}\s", raw + " "):
        return False
    groups = re.findall(r"\d+", raw)
    return sum(1 for g in groups if len(g) == 1) <= 1 or len(groups) <= 2


def _valid_in_some_region(candidate: str, regions: tuple[str, ...]) -> bool:
    for region in regions:
        for match in phonenumbers.PhoneNumberMatcher(candidate, region, leniency=_VALID):
            if len(re.sub(r"\D", "", match.raw_string)) >= 8 and _plausible_grouping(
                match.raw_string
            ):
                return True
    return False


def has_phone(text: str, *, context: str = "") -> bool:
    """An international number (+ or 00) valid anywhere; a national number valid in a Member
    State's format that starts with the trunk prefix 0 or stands after a telephone label."""
    if _DIGITS_RE.search(text) is None:
        return False
    text = _IBAN_SHAPE_RE.sub(" ", text)
    for candidate in _INTERNATIONAL_RE.finditer(text):
        raw = candidate.group(0)
        span = raw if raw.startswith("+") else "+" + raw[2:].lstrip()
        if _valid_in_some_region(span, ("BE",)):
            return True
    for candidate in _NATIONAL_START_RE.finditer(text):
        if _valid_in_some_region(candidate.group(0), PHONE_REGIONS):
            return True
    labelled = PHONE_LABEL_RE.search(context) is not None
    for label in PHONE_LABEL_RE.finditer(text):
        window = text[label.end() : label.end() + 40]
        if _DIGITS_RE.search(window) and _valid_in_some_region(window, PHONE_REGIONS):
            return True
    return labelled and _valid_in_some_region(text, PHONE_REGIONS)


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
_IBAN_START_RE = re.compile(r"(?<![A-Z0-9])([A-Z]{2})(\d{2})")


def iban_checksum_ok(iban: str) -> bool:
    rearranged = iban[4:] + iban[:4]
    digits = "".join(str(int(c, 36)) for c in rearranged)
    return int(digits) % 97 == 1


def has_iban(text: str) -> bool:
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
        if len(candidate) == length and candidate.isalnum() and iban_checksum_ok(candidate):
            return True
    return False


# --- URLs --------------------------------------------------------------------------------------

URL_RE = re.compile(r"(?i)(?:\bhttps?://|\bwww\.)[^\s<>\"'`)\]]+|(?<![\w/.])/v1/[\w\-/?=&%.]+")
_API_PERSONAL_RE = re.compile(r"/v1/(?:processing-records|officers)(?:[/?#]|$)")
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


def personal_url(url: str) -> bool:
    """A link to this API's personal resources, a social profile, or one that carries a personal
    identifier (an e-mail, a passport-shaped number, a long numeric id) in its path or query."""
    if url.lower().startswith("mailto:"):
        return False
    if _API_PERSONAL_RE.search(url) or _PROFILE_RE.search(url):
        return True
    parts = urlsplit(url if "://" in url or url.startswith("/") else "https://" + url)
    path = unquote(parts.path)
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
    lower = text.lower()
    if "http" not in lower and "www." not in lower and "/v1/" not in lower:
        return False
    return any(personal_url(m.group(0).rstrip(".,;:")) for m in URL_RE.finditer(text))
