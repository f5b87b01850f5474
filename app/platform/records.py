"""The record a table cell or JSON value stands in (its row; its object with the members of the
objects around it), and whether that record is an institution's: it names an office, a public
account holder or a switchboard, and no private person. An institution's contacts in such a
record (its switchboard, its fee account, a mailbox named after its office or post) are no
person's data, whatever the column they stand in is called."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from app.platform.contact import PUBLIC_ACCOUNT_RE, has_email
from app.platform.given_names import COMMON_GIVEN_NAMES as GIVEN_NAMES
from app.platform.given_names import GIVEN_NAMES as ALL_GIVEN_NAMES
from app.platform.identity import (
    HONORIFIC,
    has_document_number,
    has_name,
    has_personal_name,
    labelled_name,
)
from app.platform.mailbox import functional_local_part, personal_mailbox
from app.platform.patterns import FUNCTION_RE, NAME_TOKEN, PARTICLE, is_person_like
from app.platform.phone import (
    OFFICE_NAMED_RE,
    PERSONAL_LABEL_RE,
    PRIVATE_ROLE_RE,
    SWITCHBOARD_RE,
    has_mobile,
    office_line,
)
from app.platform.text import Location

# Labels of cells that hold places, not persons (`Den Haag` under `city` is no one's name).
_PLACE_LABEL_RE = re.compile(
    r"(?i)\b(?:city|town|place|location|post|poste|posto|sede|seat|ort|stadt|standort|dienstort|"
    r"ville|lieu|localit[éà]|ciudad|localidad|citt[àa]|stad|plaats|vestiging|country|land|pays|"
    r"pa[íi]s|paese|region|r[ée]gion|address|adresse|adres|bezoekadres|direcci[óo]n|indirizzo|"
    r"anschrift|auslandsvertretung|vertretung|mission|route|airport|port)\b"
)
# Labels of cells that hold a function or an organisational unit (`functie: Cel Documentfraude`,
# `unit: Border Intelligence`): a post or a service, no one's name.
_FUNCTION_LABEL_RE = re.compile(
    r"(?i)\b(?:function|functie|fonction|funktion|funci[óo]n|funzione|role|rol|r[ôo]le|rolle|"
    r"ruolo|position|unit|unit[ée]|einheit|eenheid|unidad|unit[àa]|department|d[ée]partement|"
    r"abteilung|afdeling|departamento|dipartimento|division|section|sektion|secci[óo]n|sezione|"
    r"team|organi[sz]ation|organisatie|organisme|organismo|organizzazione|organisation|"
    # A column naming the service or institution a row is for (`service: Air Sénégal`).
    r"service|servicio|servizio|dienst|dienststelle|institution|instituci[óo]n|istituzione|"
    r"instelling|instance|instantie|beh[öo]rde|authority|autorit[ée]|autoridad|autorit[àa])\b"
)
_NAME_VALUE_RE = re.compile(rf"{NAME_TOKEN}(?:\s+(?:{PARTICLE}\s+)?{NAME_TOKEN}){{1,3}}")
# Fees paid to an office: its account (`cuenta_tasas`, `Gebührenkonto`, `leges`).
# An office's receipts are its fees too (`compte_encaissement`, `Einnahmen`, `incassi`, the
# Italian consular tariff's `percezioni consolari`, `riscossione`); a key writes the umlaut out
# (`gebuehrenkonto`).
_FEE_LABEL_RE = re.compile(
    r"(?i)(?:fee|tasa|tax|geb(?:[üu]|ue)hr|leges|diritt|droits|frais|tarif|kosten|betaling|"
    r"payment|pagament|pago|paiement|zahlung|redevance|recette|encaiss|einnahme|incass|"
    r"recaudaci|ontvangst|receipts|percezion|riscossion)"
)
# Who holds an account, and what pays out of an office's to someone (`uitbetaling`, `refund`).
_HOLDER_LABEL_RE = re.compile(
    r"(?i)(?:holder|beneficiar|payee|houder|begunstigde|ten\s+name\s+van|titulaire|titular|"
    r"b[ée]n[ée]ficiaire|inhaber|empf[äa]nger|intestat|ontvanger|destinatari)"
)
_PAYOUT_RE = re.compile(
    r"(?i)(?:uitbetal|terugbetal|refund|reimburs|rembours|rimbors|reembols|erstatt|r[üu]ckzahl|"
    r"auszahl|payout|pay\s+out|devoluci|restitu)"
)
_ADDRESS_RE = re.compile(r"\S+@\S+")
_LOCAL_PART_RE = re.compile(r"([A-Za-z0-9._%+-]+)@")
_WORD_RE = re.compile(r"[^\W\d_]+")


Key = tuple[object, ...]


def _named_person(text: str, label: str) -> bool:
    """A cell that is a person's name: under a name label, or a name alone (not a place's, a
    function's or a unit's) with a given name in it: capitalised words under any other label
    (`Ground Security`, `Gemeinsames Analysezentrum` under `stelle`) are as often a unit's name,
    and a person's name is told from one by its given name."""
    value = text.strip()
    if (
        _NAME_VALUE_RE.fullmatch(value)
        and not _PLACE_LABEL_RE.search(label)
        and not _FUNCTION_LABEL_RE.search(label)
        and any(w.lower() in ALL_GIVEN_NAMES for w in _WORD_RE.findall(value))
    ):
        return is_person_like(value)
    return labelled_name(text, label)


# What shows a record's name to be a person's, not an organisation's or a unit's written in
# capitalised words: an honorific (`Mme Diallo`), an initial with a surname (`J. Verbeek`,
# `Verbeek J.`) or a surname in capitals before its given name after a comma (`DUPONT, Jean`).
_HONORIFIC_NAME_RE = re.compile(HONORIFIC + r"\s+[A-Z]")
_INITIAL_RE = re.compile(
    rf"(?<![\w.])[A-Z]\.\s*(?:[A-Z]\.\s*)*{NAME_TOKEN}|{NAME_TOKEN}\s+[A-Z]\.(?!\w)"
)
_CAPITALS_FIRST_RE = re.compile(r"(?<![\w-])[A-Z]{2,}(?:[ -][A-Z]{2,})?,\s+[A-Z]")


def person_evidence(text: str) -> bool:
    """A name that shows itself a person's: a given name among its words (the given names of
    `given_names.py`), an honorific, an initial beside a surname, `SURNAME, Given`, or an
    attribute of a person beside it (a birth date, an age, a nationality). Capitalised words
    alone are as often an organisation's or a unit's name (`Ground Handling Services`)."""
    return (
        any(w.lower() in ALL_GIVEN_NAMES for w in _WORD_RE.findall(text))
        or _HONORIFIC_NAME_RE.search(text) is not None
        or _INITIAL_RE.search(text) is not None
        or _CAPITALS_FIRST_RE.search(text) is not None
        or has_personal_name(text)
    )


# A person's attributes in a record's other cells (`Nationalité | Âge` beside `Nom`): a column or
# member for a nationality, an age, a birth or a sex in the six languages, or an age as a value.
_ATTRIBUTE_LABEL_RE = re.compile(
    r"(?i)(?:nationalit|nacionalidad|nazionalit|staatsangeh|citizenship|\b[âa]ge\b|\balter\b|"
    r"leeftijd|\bedad\b|\bet[àa]\b|birth|naissance|geburt|geboorte|nacimiento|nascita|"
    r"\bsex\b|\bsexe?\b|gender|geschlecht|geslacht|\bsesso\b)"
)
_AGE_RE = re.compile(r"(?i)\d{1,2}\s*(?:ans|anni|a[ñn]os|jaar|jahre|years?(?:\s+old)?)")


def _spelled(text: str) -> str:
    """The text's letters and digits, lower case and without accents (`Air Algérie` →
    `airalgerie`): how a name is written in a domain."""
    folded = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in folded if c.isalnum() and c.isascii())


def _domain_labels(address: str) -> list[str]:
    """The labels of an address's domain but its top-level one (`royalairmaroc` of
    `surete@royalairmaroc.com`)."""
    domain = address.rsplit("@", 1)[-1].rstrip(".,;:)>]").lower()
    return [_spelled(label) for label in domain.split(".")[:-1]]


def record_key(location: Location, context: str) -> Key | None:
    """The record a unit belongs to: a table's row (not its header), a JSON value's object; a
    line of text belongs to none."""
    if location.pointer is not None:
        if not context:
            return None  # a member's name, not a value
        return ("json", location.pointer.rsplit("/", 1)[0])
    if location.row is not None and location.row > 1:
        return ("row", location.part, location.table, location.row)
    return None


@dataclass(slots=True)
class Record:
    """The labelled cells of one record (`label`, `text`), its own and those around it."""

    cells: list[tuple[str, str]] = field(default_factory=list)
    own: int = 0  # the first cells are the record's own
    # The scalar members of a JSON object's own objects (its `kontakt: {email: …}`): whose
    # mailboxes they are is this record's, but they are not its cells.
    inner: list[tuple[str, str]] = field(default_factory=list)
    _institutional: bool | None = None
    _words: frozenset[str] | None = None
    _official: bool | None = None
    _person: bool | None = None

    def official(self) -> bool:
        """One of the record's own cells is a public function (`Executive Director`,
        `Commissioner for Home Affairs`): the name beside it is an official's in that function."""
        if self._official is None:
            self._official = any(
                len(text) <= 80 and FUNCTION_RE.search(text) is not None
                for _, text in self.cells[: self.own]
            )
        return self._official

    def domain_owner(self, text: str) -> bool:
        """The text is the name of the organisation whose domain the record's functional
        mailbox is on (`Royal Air Maroc` beside `surete@royalairmaroc.com`): an organisation
        named as it writes itself in its domain, not a person."""
        spelled = _spelled(text) if "@" not in text and len(text) <= 60 else ""
        if len(spelled) < 2:
            return False
        return any(
            spelled in _domain_labels(m.group(0)) and not personal_mailbox(m.group(0), cell)
            for _, cell in (*self.cells[: self.own], *self.inner)
            if "@" in cell
            for m in _ADDRESS_RE.finditer(cell)
        )

    def institutional(self) -> bool:
        """The record names an office, a public account or a switchboard, and no person: in a
        record whose cells speak for an organisation (its domain, an office's name, a
        switchboard, a functional mailbox), a name counts as a person's only on evidence of a
        person (see person_evidence), not by its capitalised words under a `name` label."""
        if self._institutional is None:
            owner = person = False
            for label, text in self.cells:
                if self.domain_owner(text):
                    owner = True
                    continue  # the organisation's name, under whatever label
                office = bool(
                    OFFICE_NAMED_RE.search(text)
                    or SWITCHBOARD_RE.search(text)
                    # A member holding a switchboard (`"centralino": "+234 …"`) speaks for an
                    # organisation: a person has no switchboard of their own.
                    or (SWITCHBOARD_RE.search(label) and any(c.isdigit() for c in text))
                    or PUBLIC_ACCOUNT_RE.search(f"{label}: {text}")
                    or _functional_address(text)
                )
                owner = owner or office
                if self._person_cell(label, text, office):
                    person = True
                    break
            self._institutional = owner and not person
        return self._institutional

    def _person_cell(self, label: str, text: str, office: bool) -> bool:
        """A cell naming a person: a name with evidence of a person (see person_evidence), or
        a person's own address (`p.vandersloot@`)."""
        named = (not office and _named_person(text, label)) or has_personal_name(
            text, context=label
        )
        if named and (person_evidence(text) or self.attributed()):
            return True
        return "@" in text and has_email(text) and not self.explained(text)

    def attributed(self) -> bool:
        """One of the record's own cells is a person's attribute: a nationality, an age, a birth
        or a sex under its label, or an age as its value (`41 ans`)."""
        return any(
            (_ATTRIBUTE_LABEL_RE.search(label) and any(c.isalnum() for c in text))
            or _AGE_RE.fullmatch(text.strip())
            for label, text in self.cells[: self.own]
        )

    def private_person(self) -> bool:
        """One of the record's own cells names a private person (under a name label, after an
        honorific, beside an attribute), not an official in a function."""
        if self._person is None:
            self._person = (
                not self.official()
                and not self.institutional()
                and any(
                    has_personal_name(text, context=label)
                    for label, text in self.cells[: self.own]
                    if "@" not in text
                )
            )
        return self._person

    def names(self) -> str:
        """The text of the record's own cells that hold no address (its names among them)."""
        return " · ".join(text for _, text in self.cells[: self.own] if "@" not in text)

    def public_account(self) -> bool:
        """An authority holds the record's account (`Kontoinhaber: Bundeskasse`) or the record
        is of fees paid to it, and the record names no person. An account the record's own
        cells say is held by someone else (`ten name van: aanvrager`), or that a refund or payout
        goes to, is that person's: fees are paid to an office, refunds paid by it."""
        held = False  # by the office a holder's cell names
        for label, text in self.cells[: self.own]:
            if _HOLDER_LABEL_RE.search(label):
                if not (
                    PUBLIC_ACCOUNT_RE.search(f"{label}: {text}") or OFFICE_NAMED_RE.search(text)
                ):
                    return False
                held = True
                break
        else:
            if any(_PAYOUT_RE.search(label) for label, _ in self.cells[: self.own]):
                return False
        if self.institutional():
            return held or any(
                _FEE_LABEL_RE.search(label) or PUBLIC_ACCOUNT_RE.search(f"{label}: {text}")
                for label, text in self.cells
            )
        # A fee account in a record that names no one (a statistics row of posts, months and
        # fees): fees are paid to an office, and nothing in the record is anyone else's.
        return any(_FEE_LABEL_RE.search(label) for label, _ in self.cells[: self.own]) and not any(
            _named_person(text, label)
            or has_personal_name(text, context=label)
            or ("@" in text and has_email(text))
            for label, text in self.cells
        )

    def explained(self, text: str) -> bool:
        """Every word of the text's addresses names the record's office or post, or is a
        function word or an acronym."""
        return explained_by(text, self.words())

    def words(self) -> frozenset[str]:
        """The record's words, lower case (an office's mailbox is named after its post)."""
        if self._words is None:
            # Each word also as it is written in an address, without its accents (`Sûreté`
            # names `surete@`).
            self._words = frozenset(
                form
                for _, text in self.cells
                if "@" not in text
                for w in _WORD_RE.findall(text)
                for form in (w.lower(), _spelled(w))
            )
        return self._words


def explained_by(text: str, known: frozenset[str]) -> bool:
    """Every word of the text's addresses is one of the known words (an office's, a post's),
    the start of one (`immig`, `quest`), two written as one (`badbentheim`) or a function word;
    or a short code beside them (`bpoli.frankfurt`), never a given name (`jan.frankfurt`)."""
    locals_ = _LOCAL_PART_RE.findall(text)
    if not locals_:
        return False
    starts = {w[:n] for w in known for n in range(3, len(w))}

    def named(word: str) -> bool:
        return (
            word in known
            or (len(word) >= 3 and word in starts)
            or functional_local_part(word)
            or any(
                word[:i] in known and (word[i:] in known or functional_local_part(word[i:]))
                for i in range(3, len(word) - 2)
            )
        )

    for local in locals_:
        words = _WORD_RE.findall(local.lower())
        if not any(named(w) for w in words):
            return False
        if not all(named(w) or (len(w) <= 5 and w not in GIVEN_NAMES) for w in words):
            return False
    return True


def office_line_address(text: str) -> bool:
    """A line naming an office and no person, whose addresses are named by its words
    (`Ambassade …, Dakar; dak@minbuza…`)."""
    if not office_line(text):
        return False
    bare = _ADDRESS_RE.sub(" ", text)
    return explained_by(text, frozenset(w.lower() for w in _WORD_RE.findall(bare)))


def _functional_address(text: str) -> bool:
    """An institution's mailbox: one not shaped as a person's (see personal_mailbox)."""
    m = _ADDRESS_RE.search(text) if "@" in text else None
    return m is not None and not personal_mailbox(m.group(0), text)


# An emergency line by its label (`emergenze_connazionali`, `urgences consulaires`, `Notfall`).
_EMERGENCY_LABEL_RE = re.compile(
    r"(?i)(?:emergenc|emergenz|urgenc|urgenz|notfall|notf[äa]lle|noodgeval|noodnummer|noodlijn)"
)


def institutional_phone(record: Record, label: str, text: str) -> bool:
    """A fixed line in an institution's record; a mobile stays a person's unless the record's
    label makes it the institution's emergency line (a duty mobile, passed from one officer on
    duty to the next). Only in an institution's record: a traveller's `emergency contact` is a
    relative's number."""
    return (
        not PERSONAL_LABEL_RE.search(label)
        and record.institutional()
        and (not has_mobile(text) or _EMERGENCY_LABEL_RE.search(label) is not None)
    )


def institutional_address(record: Record, label: str, text: str) -> bool:
    """A mailbox in an institution's record whose every word names the record's office or post,
    or is a function word or an acronym (`visti.tunisi@` beside `Ufficio Visti`, `Tunisi`)."""
    if PERSONAL_LABEL_RE.search(label) or not record.institutional():
        return False
    return record.explained(text)


# A member or column that holds a number, and one that says what the record's document is.
_NUMBER_LABEL_RE = re.compile(r"(?:^|\s)(?:number|no|nr|nummer|numero|número|num|n°|nº)$")
_TYPE_LABEL_RE = re.compile(
    r"(?:^|\s)(?:type|kind|typ|art|soort|tipo|category|categorie|catégorie|kategorie|categoria|"
    r"categoría)$"
)


def typed_document_number(record: Record, label: str, text: str) -> bool:
    """A number whose record says which document it is (`{"Type": "Passport", "Number": …}`):
    read as that document's number."""
    if not _NUMBER_LABEL_RE.search(label):
        return False
    return any(
        _TYPE_LABEL_RE.search(kind_label) and has_document_number(f"{kind} number: {text}")
        for kind_label, kind in record.cells
        if len(kind) <= 40
    )


# A column or member naming a document, and a value shaped as a travel document's number.
_DOCUMENT_WORD_RE = re.compile(
    r"(?i)(?:^|\s)(?:document|travel\s+document|dokument|reisedokument|documento|reisdocument|"
    r"pi[èe]ce(?:\s+d['’]identit[ée])?|titre\s+de\s+voyage|documento\s+de\s+viaje)$"
)
# Capitals then digits, or 8-10 capitals and digits, 5 of them digits (`19CV57413`, `9921057834`).
_TRAVEL_NUMBER_RE = re.compile(r"\s*(?:[A-Z]{1,3}\d{6,9}|(?=(?:[A-Z]*\d){5})[A-Z\d]{8,10})\s*")


# A first person's own account (`my account`, `mon compte`, `mein Konto`, `mijn rekening`).
_OWN_RE = re.compile(r"(?i)\b(?:my|mon|ma|mes|mein|meine|meinem|mijn|mi|mis|mio|mia|il\s+mio)\b")


def fee_account_line(text: str) -> bool:
    """A line about fees (`Fees:`, `frais de visa`, `leges`, `Gebühren`) that names the office
    they are paid to (`t.n.v. Immigratie- en Naturalisatiedienst`, `du consulat général`) and
    no person, private role, own account or refund: the account is the office's."""
    return (
        _FEE_LABEL_RE.search(text) is not None
        and OFFICE_NAMED_RE.search(text) is not None
        and _no_private_party(text)
    )


def account_held_beside(text: str, before: tuple[str, str]) -> bool:
    """An account standing alone on its line (`IBAN: …`, a table's cell) whose holder is
    named on one of the two lines or cells before it as an office's fee or receipts account
    (`Titular: … cuenta de recaudación de tasas consulares`, `Ministerie van Buitenlandse Zaken
    - consulaire ontvangsten`), with no person, private role, own account or refund there, or
    under a holder's label naming an office, fees or not (`Empfänger: Bundeskasse, Dienstsitz
    Trier`: its seat, not a person, unless a word shows one). Its own line names no one."""
    if has_name(text) or PERSONAL_LABEL_RE.search(text) or PRIVATE_ROLE_RE.search(text):
        return False
    return any(line and (_fee_holder(line) or _office_holder(line)) for line in before)


def _fee_holder(line: str) -> bool:
    return (
        _FEE_LABEL_RE.search(line) is not None
        and (OFFICE_NAMED_RE.search(line) is not None or _HOLDER_LABEL_RE.search(line) is not None)
        and _no_private_party(line)
    )


def _office_holder(line: str) -> bool:
    return (
        _HOLDER_LABEL_RE.search(line) is not None
        and OFFICE_NAMED_RE.search(line) is not None
        and _no_private_party(line, evidence=True)
    )


def _no_private_party(text: str, *, evidence: bool = False) -> bool:
    """No refund, own account, personal label, private role or name on the line; with
    `evidence`, no name that shows itself a person's (person_evidence) rather than none."""
    return (
        _PAYOUT_RE.search(text) is None
        and _OWN_RE.search(text) is None
        and PERSONAL_LABEL_RE.search(text) is None
        and PRIVATE_ROLE_RE.search(text) is None
        and not (person_evidence(text) if evidence else has_name(text))
    )


def document_of_record(record: Record, label: str, text: str) -> bool:
    """A value shaped as a travel document's number (_TRAVEL_NUMBER_RE) under a column or
    member naming a document, in a record that is no institution's
    nor an official's: the number of the document of whom the record is about."""
    return (
        _TRAVEL_NUMBER_RE.fullmatch(text) is not None
        and _DOCUMENT_WORD_RE.search(label) is not None
        and not record.institutional()
        and not record.official()
    )


def records(keyed: Iterable[tuple[Key | None, str, str]]) -> dict[Key, Record]:
    """Each record of the (key, label, text) readings; a JSON object's record also holds the
    scalar members of the objects around it (whose contacts they are), and, apart, those of its
    own objects (an organisation's `contact` object)."""
    own: dict[Key, list[tuple[str, str]]] = {}
    for key, label, text in keyed:
        if key is not None:
            own.setdefault(key, []).append((label, text))
    result: dict[Key, Record] = {}
    children: defaultdict[str, list[tuple[str, str]]] = defaultdict(list)
    for key, cells in own.items():
        record = Record(list(cells), len(cells))
        if key[0] == "json":
            parent = str(key[1])
            while parent:
                parent = parent.rsplit("/", 1)[0]
                record.cells.extend(own.get(("json", parent), ()))
            children[str(key[1]).rsplit("/", 1)[0]].extend(cells)
        result[key] = record
    for key, record in result.items():
        if key[0] == "json":
            record.inner = children.get(str(key[1]), [])
    return result
