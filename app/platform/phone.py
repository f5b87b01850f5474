"""Telephone numbers (the `phonenumbers` library): international numbers valid anywhere, national
ones valid in a Member State's format after a trunk prefix or a label; institutions' switchboards,
duty lines and service ranges are no person's."""

from __future__ import annotations

import functools
import re

import phonenumbers

from app.platform.contact import EMAIL_RE, URL_RE, has_email
from app.platform.identity import has_name
from app.platform.institutional import NO_CONTACTS, InstitutionalContacts, phone_key
from app.platform.patterns import DATE_RE, IBAN_SHAPE_RE, OFFICES, by_first_letter, digit_count

PHONE_LABEL_RE = re.compile(
    r"(?i)(?:\b(?:tel|tél|tfno|telf|ph|mob|gsm|fax)\b\.?|\b(?:telephone|téléphone|phone|"
    r"mobile|cell(?:phone)?|telefon|telefoon|teléfono|telefono|móvil|movil|cellulare|handy|"
    r"portable|whatsapp|numéro\s+de\s+portable|rufnummer|mobiel)\b)"
)
# Where a national number may start without a label: a trunk prefix 0 (with or without brackets).
# Each alternative begins with a literal, its lookbehind after it (`0(?<![\w.,/-].)` is
# `(?<![\w.,/-])0`): an alternation of literal starts is searched for its first characters only.
_NATIONAL_START_RE = re.compile(r"(?:\((?<![\w.,/-].)0\d*\)|0(?<![\w.,/-].)\d)[\d\s().\-/]{6,}\d")
_INTERNATIONAL_RE = re.compile(r"(?:\+(?<![\w+].)|0(?<![\w.,/-].)0)\s?[1-9][\d\s().\-/]{6,}\d")
_DIGITS_RE = re.compile(r"\d[\d\s().\-/]{6,}\d")
# The regions whose national formats are looked for (the Member States and the Schengen area).
PHONE_REGIONS = (
    "GB", "IE", "FR", "BE", "LU", "DE", "AT", "CH", "NL", "ES", "PT", "IT", "PL", "SE", "DK",
    "FI", "GR", "CZ", "RO", "HU", "BG", "HR", "SI", "SK", "LT", "LV", "EE", "MT", "CY", "NO",
)  # fmt: skip
_VALID = phonenumbers.Leniency.VALID
# Every telephone label holds one of these (on lower-cased text; PHONE_LABEL_RE, case-insensitive,
# is several times slower to search).
_PHONE_LABEL_STEM_RE = re.compile(
    by_first_letter(
        r"t[eé]l|tfno|ph|mob|gsm|fax|cell|m[óo]vil|handy|portable|whatsapp|num[ée]ro|rufnummer"
    )
)


def _plausible_grouping(raw: str) -> bool:
    """Phone numbers are written in groups of two or more digits; a row of single digits is a
    statistics line, a date-shaped string a date, a reference with slashes a reference."""
    if DATE_RE.fullmatch(raw.strip()):
        return False
    if re.search(r"\d/\d", raw) and not re.search(r"\d/\s?\d{3,}\s", raw + " "):
        return False
    groups = re.findall(r"\d+", raw)
    return sum(1 for g in groups if len(g) == 1) <= 1 or len(groups) <= 2


# Numbers an organisation holds by their range, no person's line: free, premium-rate,
# shared-cost and universal-access numbers (`0800`, `0900`, `0848`, `088`, `078`).
_SERVICE_NUMBERS = frozenset(
    {
        phonenumbers.PhoneNumberType.TOLL_FREE,
        phonenumbers.PhoneNumberType.PREMIUM_RATE,
        phonenumbers.PhoneNumberType.SHARED_COST,
        phonenumbers.PhoneNumberType.UAN,
    }
)


def _valid_in_some_region(
    candidate: str, regions: tuple[str, ...], known: InstitutionalContacts
) -> bool:
    """A number valid in one of the regions that is not a registered institutional one."""
    for region in regions:
        for match in phonenumbers.PhoneNumberMatcher(candidate, region, leniency=_VALID):
            if len(re.sub(r"\D", "", match.raw_string)) >= 8 and _plausible_grouping(
                match.raw_string
            ):
                if known.phones and phone_key(match.number) in known.phones:
                    continue
                if match.raw_string.endswith("-0"):
                    continue  # extension 0: an office's switchboard (`+49 30 18681-0`)
                if _service_number(match.raw_string):
                    continue
                return True
    return False


@functools.lru_cache(maxsize=256)
def _service_number(raw: str) -> bool:
    """A number of a service's range: an international one by its range; a national one (whose
    range depends on a country the text does not name: `088` is a service's in the Netherlands,
    not in Ireland) only if it is of a service's range in every region that writes it as it is
    written (`800 200 300` without a trunk prefix is written so in Italy, Spain, Portugal and
    Poland, a free number in each; Sweden would write `08-00…`)."""
    if raw.lstrip().startswith("+"):
        try:
            number = phonenumbers.parse(raw, None)
        except phonenumbers.NumberParseException:
            return False
        return phonenumbers.number_type(number) in _SERVICE_NUMBERS
    digits = re.sub(r"\D", "", raw)
    types = []
    for region in PHONE_REGIONS:
        try:
            number = phonenumbers.parse(raw, region)
        except phonenumbers.NumberParseException:
            continue
        national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        if phonenumbers.is_valid_number(number) and re.sub(r"\D", "", national) == digits:
            types.append(phonenumbers.number_type(number))
    return bool(types) and all(t in _SERVICE_NUMBERS for t in types)


# An institution's switchboard, hotline or secretariat line, named as such, is no person's number
# (unless the same text calls it a mobile).
SWITCHBOARD_RE = re.compile(
    r"(?i)\b(?:switchboard|standard|zentrale|telefonzentrale|centrale|telefooncentrale|"
    r"centralita|centralino|hotline|helpdesk|help\s+desk|secretariat|secr[ée]tariat|sekretariat|"
    r"secretar[íi]a|segreteria|secretariaat|reception|accueil|main\s+number|num[ée]ro\s+vert|"
    r"servicenummer|bürgertelefon|call\s+cent(?:re|er)|front\s+office|situation\s+cent(?:re|er)|"
    r"duty\s+office|permanence|poststelle|help\s?line|info\s?line|information\s+line|"
    r"informatie(?:lijn|nummer)|infolijn|servicelijn|ligne\s+d['’]information|"
    r"info(?:rmations)?telefon|servicetelefon|l[íi]nea\s+de\s+(?:informaci[óo]n|atenci[óo]n)|"
    r"n[úu]mero\s+de\s+informaci[óo]n|numero\s+verde|linea\s+informativa|lagezentrum|"
    r"meldkamer|sala\s+operativa|operations\s+room|centre\s+de\s+crise|cellule\s+de\s+crise|"
    r"crisis\s+cent(?:re|er)|centro\s+de\s+coordinaci[óo]n|centrale\s+operativa|"
    r"einsatzzentrale|leitstelle|wachdienst|bereitschaftsdienst|dauerdienst|"
    r"receptie|empfang|pforte|recepci[óo]n|ricevimento|portineria|"
    # A general number in its inflected and plural forms (`het algemene nummer`, `algemene
    # nummers van ambassades`, `les numéros généraux`).
    r"algeme(?:en|ne)\s+nummers?|general\s+(?:telephone\s+)?numbers?|"
    r"num[ée]ros?\s+g[ée]n[ée]ra(?:l|ux)|allgemeinen?\s+(?:ruf)?nummern?|"
    r"n[úu]meros?\s+generales?|numer[oi]\s+general[ei]|b[üu]rgerservice|buergerservice|"
    r"citizens['’]?\s+service|klantenservice|kundenservice|customer\s+service|contact\s*cent(?:re|er)|"
    r"kontakt\s*center|servicio\s+de\s+atenci[óo]n|reperibilit[àa]|astreinte|on[\s-]call|"
    # A line staffed around the clock is a duty line (an officer's own is not).
    r"h24|24\s*/\s*7|24\s*h(?:\s*/\s*24)?|rund\s+um\s+die\s+uhr|"
    # A consulate's emergency line (staffed by whoever is on duty).
    r"urgence\s+consulaire|emergencia\s+consular|emergenza\s+consolare|consular\s+emergenc\w*|"
    r"emergency\s+consular|konsularische[rn]?\s+notf\w*|consulaire\s+noodlijn)\b"
)
# An organisation's acronym compounded with the telephone's word (`IND-telefoonnummer`,
# `BAMF-Hotline`, `KMar-nummer`): the organisation's number.
_ORGANISATION_PHONE_RE = re.compile(
    r"\b[A-Z]{2}[A-Za-z]{0,4}-(?i:telefoon(?:nummer)?|telefon(?:nummer)?|phone|tel|hotline|"
    r"nummer|number|num[ée]ro|n[úu]mero|numero)\b"
)
# A number labelled as the line of a service, named by a common noun (`Línea de asistencia:`,
# `ligne d'assistance`, `linea di supporto`, `lijn voor vragen`, `assistance line:`): a service's
# line, not a person's (whose line is named by the person, or is direct or mobile).
_SERVICE_LINE_RE = re.compile(
    r"\b(?:[Ll][íi]nea|[Ll]igne|[Ll]inea|[Ll]ijn)\s+"
    r"(?:(?:de|di|del|della|van|voor)\s+|d['’]|dell['’])"
    r"(?:la\s+|el\s+|l['’]|het\s+|de\s+)?[a-zà-öø-ÿ]{4,}"
    r"|\b[a-z]{4,}\s+line\s*:"
)
# A number named as an office's: after a telephone label (`Tel. Botschaft:`, `Teléfono de la
# Embajada`), or on a line that opens with the office's name (`Frontex Liaison Office Dakar:`).
_OFFICE_LINE_RE = re.compile(
    r"(?i)\b(?:tel|t[ée]l|tfno|telf|phone|telephone|t[ée]l[ée]phone|telefon(?:nummer)?|"
    r"telefoon(?:nummer)?|tel[ée]fono|numm?er|number|num[ée]ro|n[úu]mero)\b\.?\s*:?\s*"
    r"(?:(?:of|de|du|des|der|van|het|del|della|dell['’]|di|dello|la|le|l['’]|el|il|the|"
    rf"des|den)\s*)*(?:{OFFICES})\b"
)
_OFFICE_OPENING_RE = re.compile(
    rf"(?i)^\W*(?:[\w'’-]+\s+){{0,4}}(?:{OFFICES})\b[^:,—–\n]{{0,40}}[:,—–]"
)
# Where a record's cells name an office: an office's word, also ending a compound
# (`Naturalisatiedienst`, `Visastelle`, `Bundeskasse`, `Auswärtiges Amt`).
OFFICE_NAMED_RE = re.compile(
    rf"(?i)\b(?:{OFFICES})\b|\w{{3}}(?:dienst|stelle|referat|amt|kasse|beh[öo]rde|ministerium|"
    r"botschaft|konsulat|polizei|direktion|directie|afdeling|ministerie)\b|\bamt\b"
    # The foreign ministries by their name (`SPF Affaires étrangères`, `Buitenlandse Zaken`).
    r"|\baffaires\s+[ée]trang[èe]res|\bforeign\s+affairs|\bausw[äa]rtige|\bbuitenlandse\s+zaken"
    r"|\basuntos\s+exteriores|\baffari\s+esteri"
)
# A contact's own label that makes it a person's line, whatever the record is.
PERSONAL_LABEL_RE = re.compile(
    r"(?i)\b(?:mobile?|mob|gsm|cell|handy|portable|m[óo]vil|cellulare|mobiel|private?|privat|"
    r"priv[ée]e?|personal|personnel(?:le)?|pers[öo]nlich|persoonlijk|personale|direct|direkt|"
    r"durchwahl|diretto|home\s+(?:phone|number|tel\w*)|domicile|thuis)\b"
)
# A mobile, or a person's extension behind the switchboard, stays a person's number. The words
# that also name other things (`le poste de commandement`, `Ministero dell'Interno`, `visa
# extension`) are an extension only with its number after them (`poste 4512`, `ext. 12`).
_MOBILE_RE = re.compile(
    r"(?i)\b(?:mobile|mob|mobil|gsm|cell|handy|portable|m[óo]vil|cellulare|mobiel|"
    r"durchwahl|toestel|direct|direkt|directe|diretto)\b"
    r"|\b(?:poste|ext|extension|extensi[óo]n|interno)\b\.?\s*(?:n[°ºo]\.?\s*)?[:.]?\s*[-–]?\d"
)
# … or before the person whose extension it is (`poste de l'officier`, `extension of the
# liaison officer`).
_EXTENSION_OF_RE = re.compile(
    r"(?i)\b(?:poste|extension|extensi[óo]n|interno)\s+(?:de|du|of|del|della|dell['’]|di)\s*"
    r"(?:l['’]|la\s+|le\s+|the\s+|el\s+|il\s+)?"
)


# What names a number as a reference just before it: a budget title or chapter, a file, a case,
# a register (`Haushaltstitel 0625 532 01`, `Az. 0123 456 789`, `kenmerk 0712 …`).
_REFERENCE_BEFORE_RE = re.compile(
    r"(?i)(?:titel|kapitel|zeichen|\baz|\bgz|kenmerk|referentie|\bref|r[ée]f[ée]rence|referencia|"
    r"riferimento|\bprot|protocollo|expediente|dossier|\bfile|\bcase|akte|zaak|"
    r"budget\s+line|ligne\s+budg[ée]taire|partida|capitolo|chapitre|cap[íi]tulo|hoofdstuk|"
    r"\bart[íi]?(?:culo|icle|ikel)?|register|registro)\.?\s*(?:n[°º]|nr|no|number|nummer|num)?"
    r"\.?\s*[:#]?\s*$"
)


# Those a number on a line may be the line of, whatever office the line names: private persons
# (whose number it would be even on a line opening with an office) and officers.
PRIVATE_ROLE_RE = re.compile(
    r"(?i)\b(?:interpret\w*|interpr[èe]te|int[ée]rprete|dolmetscher\w*|tolk|sponsor|applicant|"
    r"passenger|traveller|demandeur|antragsteller\w*|aanvrager|solicitante|richiedente|famil\w+|"
    r"guarantor|garant|invit\w+)"
)
# An officer's word that opens a compound names what the officers make up, not one of them
# (`ilo-netwerk`, `ilo-netz`, `officer-training`; read without regard to case).
_PERSON_ROLE_RE = re.compile(
    r"(?i)\b(?:ilos?|officers?|officiers?|beamte[rn]?|funcionari[oa]s?|ufficial[ei]|agents?|"
    r"verbindungsbeamt\w*|liaisonofficier\w*|inspect\w+)\b(?!-\w)|" + PRIVATE_ROLE_RE.pattern[4:]
)


# Opening hours by their digits, in any language: a time range with minutes (`8:30-13:00`), an
# hour range with its unit (`9-17 uur`, `9-16 Uhr`, `9h-17h`) or after a range of days
# (`lun-ven 9-17`, `Mo-Fr 9-16`).
_OPENING_HOURS_RE = re.compile(
    r"\b\d{1,2}[.:h]\d{2}\s*[–—-]\s*\d{1,2}[.:h]\d{2}\b"
    r"|\b\d{1,2}\s*h?\s*[–—-]\s*\d{1,2}\s*(?:h|uur|uhr|hrs?|hours|ore|horas|heures)\b"
    r"|\b[^\W\d_]{2,10}\.?\s*[–—-]\s*[^\W\d_]{2,10}\.?,?\s+\d{1,2}(?:[.:h]\d{2})?\s*[–—-]\s*\d{1,2}\b"
)


def _names_an_office(text: str) -> bool:
    """The line names an office as an institution (`Embassy of the Netherlands`,
    `Bundespolizeidirektion`), capitalised as a name is, not `office hours`."""
    return any(m.group(0)[:1].isupper() for m in OFFICE_NAMED_RE.finditer(text))


def office_line(text: str) -> bool:
    """A line naming an office and no person, nor whose number or account it might be."""
    return (
        _names_an_office(text)
        and not PERSONAL_LABEL_RE.search(text)
        and not _PERSON_ROLE_RE.search(text)
        and not has_name(text)
    )


def has_phone_in(text: str, context: str, known: InstitutionalContacts = NO_CONTACTS) -> bool:
    if not has_phone(text, context=context, known=known):
        return False
    # Words inside an address name no one (`servicedesk@ilo-netwerk.example` is no officer's,
    # `pec.interno.it` no extension): roles and a mobile's word are read outside addresses.
    bare = URL_RE.sub(" ", EMAIL_RE.sub(" ", text)) if "@" in text or "/" in text else text
    switchboard = (
        SWITCHBOARD_RE.search(context)
        or SWITCHBOARD_RE.search(text)
        or _ORGANISATION_PHONE_RE.search(text)
        or _OFFICE_LINE_RE.search(text)
        or (
            _OFFICE_OPENING_RE.search(text)
            and not has_name(text)
            and not PRIVATE_ROLE_RE.search(text)
        )
        or (
            _SERVICE_LINE_RE.search(text) is not None
            and not has_name(text)
            and not _PERSON_ROLE_RE.search(bare)
            and not PERSONAL_LABEL_RE.search(text)
        )
        # A line naming an office and no person (its address line): a fixed line is its own.
        or (office_line(text) and not has_mobile(text))
        # A number with opening hours is a service's (a person's own line has none), and so is
        # one beside an institution's mailbox: a line that names no person, officer or applicant.
        or (
            (
                _OPENING_HOURS_RE.search(text) is not None
                or ("@" in text and EMAIL_RE.search(text) is not None and not has_email(text))
            )
            and not has_name(text)
            and not _PERSON_ROLE_RE.search(bare)
            and not PERSONAL_LABEL_RE.search(text)
            and not has_mobile(text)
        )
    )
    # A mobile's or a personal line's word ending the line before labels the number that opens
    # this one (`… en su móvil personal` / `+221 …`), whatever this line says of a switchboard.
    return (
        not switchboard
        or _MOBILE_RE.search(bare) is not None
        or any(
            _PERSON_ROLE_RE.search(bare, m.end(), m.end() + 25)
            for m in _EXTENSION_OF_RE.finditer(bare)
        )
        or (bool(context) and _LABEL_AT_END_RE.search(context[-40:]) is not None)
    )


# (Not after a full stop: a sentence about private numbers ends there.)
_LABEL_AT_END_RE = re.compile(PERSONAL_LABEL_RE.pattern + r"[^\w.!?;]*$")


def has_phone(text: str, *, context: str = "", known: InstitutionalContacts = NO_CONTACTS) -> bool:
    """An international number (+ or 00) valid anywhere; a national number valid in a Member
    State's format that starts with the trunk prefix 0 or stands after a telephone label. A
    registered institutional number is none of them."""
    # A number is valid only with eight digits or more (see _valid_in_some_region); digit_count
    # counts ASCII digits, all the digits of an ASCII text.
    if (text.isascii() and digit_count(text) < 8) or _DIGITS_RE.search(text) is None:
        return False
    text = IBAN_SHAPE_RE.sub(" ", text)
    international = "+" in text or "00" in text
    for candidate in _INTERNATIONAL_RE.finditer(text) if international else ():
        raw = candidate.group(0)
        span = raw if raw.startswith("+") else "+" + raw[2:].lstrip()
        if _valid_in_some_region(span, ("BE",), known):
            return True
    for candidate in _NATIONAL_START_RE.finditer(text):
        if _REFERENCE_BEFORE_RE.search(text, max(0, candidate.start() - 40), candidate.start()):
            continue  # a budget title's, a file's or a case's number
        if _valid_in_some_region(candidate.group(0), PHONE_REGIONS, known):
            return True
    labelled = (
        _PHONE_LABEL_STEM_RE.search(context.lower()) is not None
        and PHONE_LABEL_RE.search(context) is not None
    )
    in_text = _PHONE_LABEL_STEM_RE.search(text.lower()) is not None
    for label in PHONE_LABEL_RE.finditer(text) if in_text else ():
        # The number follows its label, or the colon that ends a label qualified by whose line
        # it is (`cellulare privato del collega di turno: 333 …`).
        colon = text.find(":", label.end(), label.end() + 60)
        starts = (label.end(),) if colon < 0 else (label.end(), colon + 1)
        for start in starts:
            window = text[start : start + 40]
            if _DIGITS_RE.search(window) and (
                _valid_in_some_region(window, PHONE_REGIONS, known) or _possible(window, known)
            ):
                return True
    return labelled and (
        _valid_in_some_region(text, PHONE_REGIONS, known) or _possible(text, known)
    )


# An international number right after its label (or alone under it).
_LABELLED_INTERNATIONAL_RE = re.compile(r"[\s:.,()=-]{0,4}(\+\s?[1-9][\d\s().\-/]{6,}\d)")


def _possible(text: str, known: InstitutionalContacts) -> bool:
    """After a telephone label, an international number of a possible length is one even if
    its range is not allocated (numbers reserved for fiction, ranges newer than the metadata)."""
    m = _LABELLED_INTERNATIONAL_RE.match(text)
    if m is None or len(re.sub(r"\D", "", m.group(1))) < 8:
        return False
    try:
        number = phonenumbers.parse(m.group(1), None)
    except phonenumbers.NumberParseException:
        return False
    if phonenumbers.is_valid_number(number) or not phonenumbers.is_possible_number(number):
        return False  # a valid number was read (with its exceptions) by _valid_in_some_region
    return not (known.phones and phone_key(number) in known.phones)


_PERSONAL_TYPES = frozenset(
    {
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.PERSONAL_NUMBER,
        phonenumbers.PhoneNumberType.PAGER,
    }
)


def has_mobile(text: str) -> bool:
    """A number of a mobile (or personal) range: a person's line, whoever's record it is in. A
    national number is one only if it is of such a range in every region it is valid in (`070`
    is a personal range in the United Kingdom, The Hague's in the Netherlands)."""
    if "+" in text:
        return any(
            phonenumbers.number_type(m.number) in _PERSONAL_TYPES
            for m in phonenumbers.PhoneNumberMatcher(text, "BE", leniency=_VALID)
        )
    types = [
        phonenumbers.number_type(m.number) in _PERSONAL_TYPES
        for region in PHONE_REGIONS
        for m in phonenumbers.PhoneNumberMatcher(text, region, leniency=_VALID)
    ]
    return bool(types) and all(types)
