"""The ILO-9.3 scanner: extracted text (with locations) → findings (kind and location, never
the matched value). One finding per kind and text unit (line, cell, JSON string).

Each detector is built for its kind, not for a corpus: checksums where the kind has one (IBAN
with its national check, ICAO 9303 check digits, the national identifiers python-stdnum
validates), libphonenumber's validity per region for telephone numbers, labels in the
languages of the Member States for numbers and dates that are only personal because of what
they are called. What passes on purpose: statistics and counts, event dates, report and legal
references (`COM(2020) 609`, `2019/1240`), flight numbers, institutions' functional contacts (by
their words, and the addresses, numbers and accounts registered as institutional contacts in
reference data, which the caller passes in) and public officials named in their function.

A unit is read with what labels it, in any case style (`date_of_birth`, `dateOfBirth`, `Date of
birth`): a cell's column header, a JSON value's path of keys (parent and member), a Markdown
table cell's column, the line before a line. A name next to another finding of the same unit
(a birth date, a document number, a telephone number, an IBAN) is a named person.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from app.platform import contact, identity, mrz, phone
from app.platform.institutional import NO_CONTACTS, InstitutionalContacts
from app.platform.patterns import digit_count, label_words
from app.platform.records import (
    Record,
    account_held_beside,
    document_of_record,
    fee_account_line,
    institutional_address,
    institutional_phone,
    office_line_address,
    record_key,
    records,
    typed_document_number,
)
from app.platform.text import (
    Finding,
    FindingKind,
    Location,
    TextUnit,
    table_cells,
    without_emphasis,
)

MAX_FINDINGS = 100


def _pointer_context(pointer: str) -> str:
    """A JSON value's label: its parent key and its member, list indices left out."""
    keys = [
        k.replace("~1", "/").replace("~0", "~") for k in pointer.split("/")[1:] if not k.isdigit()
    ]
    return label_words(" ".join(keys[-2:]))


Key = tuple[object, ...] | None


def _readings(units: Iterable[TextUnit]) -> Iterator[tuple[Key, str, str, Location]]:
    """Each unit's record (see app/platform/records.py), text and the label it is read under; a
    Markdown table's rows are read cell by cell under their column's header."""
    header: list[str] | None = None
    for unit in units:
        if not unit.text or unit.text.isspace():
            continue
        # A value in bold or as code is read as the value (the marks part it from its words).
        text = without_emphasis(unit.text)
        location = unit.location
        if location.pointer is not None:
            label = _pointer_context(location.pointer)
            yield record_key(location, unit.context), text, label, location
            continue
        # A Markdown table's row holds a bar (most lines do not: no call made).
        cells = table_cells(text) if location.row is None and "|" in text else None
        if cells is None:
            header = None
        elif header is None:
            header = [label_words(c) for c in cells]
        elif not all(set(c) <= set(":- ") for c in cells):
            row = ("markdown", location.part, location.page, location.line)
            for c, cell in enumerate(cells):
                label = header[c] if c < len(header) else ""
                yield row, cell, label, location
            if len(cells) == 2 and cells[0] and not digit_count(cells[0]) and len(cells[0]) <= 40:
                # A key-value table (`| Name | … |`, `| Geburtsdatum | … |` under a header
                # `Feld | Angabe`): its first cell, not the header, labels the second; the row
                # is read as the line it stands for as well.
                yield None, f"{cells[0]}: {cells[1]}", "", location
            continue
        key = record_key(location, unit.context) if location.row is not None else None
        yield key, text, label_words(without_emphasis(unit.context)), location


Reading = tuple[Key, str, str, Location]


def _is_label(cell: str) -> bool:
    """A key-value table's first cell: a few words, no digits and no person's name (`Account
    holder`, `IBAN`; a column of names is a list of people, not of labels)."""
    words = cell.split()
    return (
        0 < len(words) <= 4
        and len(cell) <= 40
        and not digit_count(cell)
        and not identity.has_name(cell)
    )


def _key_value_tables(readings: list[Reading]) -> list[Reading]:
    """A DOCX table of two columns whose first column labels the second on every row (`Account
    holder | Embassy …`, `IBAN | …`) has no header row: it is one record, each value read under
    its own row's label (as a Markdown key-value table's). Read by its first row as a header, its
    first value would label the whole column and each row be a record apart, so the account
    holder named on one row would not be seen beside the account on the next."""
    tables: dict[tuple[object, ...], dict[int, dict[int, str]]] = {}
    for _, text, _, location in readings:
        if location.table is not None and location.row is not None and location.column:
            table = tables.setdefault((location.part, location.table), {})
            table.setdefault(location.row, {})[location.column] = text
    key_value = {
        where
        for where, rows in tables.items()
        if len(rows) >= 2
        and all(set(cells) <= {1, 2} and _is_label(cells.get(1, "")) for cells in rows.values())
    }
    if not key_value:
        return readings
    read: list[Reading] = []
    for key, text, label, location in readings:
        where = (location.part, location.table)
        if location.table is not None and location.row is not None and where in key_value:
            key = ("key-value", *where)
            label = label_words(tables[where][location.row][1]) if location.column == 2 else ""
        read.append((key, text, label, location))
    return read


# The kinds as constants of the module: an enum member's lookup would cost on every unit.
_EMAIL, _PHONE, _MRZ, _DOCUMENT_NUMBER, _IBAN, _DATE_OF_BIRTH, _PERSONAL_NAME, _PERSONAL_URL = (
    FindingKind.email,
    FindingKind.phone,
    FindingKind.mrz,
    FindingKind.document_number,
    FindingKind.iban,
    FindingKind.date_of_birth,
    FindingKind.personal_name,
    FindingKind.personal_url,
)


def _found(
    text: str,
    context: str,
    known: InstitutionalContacts,
    record: Record | None = None,
    before: tuple[str, str] = ("", ""),
) -> Sequence[FindingKind]:
    """The kinds a unit's text holds under its label, in a fixed order; an institution's
    contacts in its record (a table's row, a JSON object) are none; `before` holds the two units
    before (a zone's line split from its other by the document's structure, by a JSON member's
    name at most). The identity detectors read the text with its underscores as spaces
    (`date_of_birth:` reads as words: an underscore is a word character, so `\b` would not part
    a label's words)."""
    spaced = text.replace("_", " ") if "_" in text else text
    # In a private person's record, a mailbox not made of function words is theirs.
    beside = record.names() if record and "@" in text and record.private_person() else ""
    email = contact.has_email_in(text, context, known, beside_person=beside) and not (
        institutional_address(record, context, text) if record else office_line_address(text)
    )
    telephone = phone.has_phone_in(text, context, known) and not (
        record and institutional_phone(record, context, text)
    )
    zone = mrz.has_mrz_lines(text, context, before[0], before[1])
    number = identity.has_document_number(spaced, context=context) or bool(
        record
        and (
            typed_document_number(record, context, text)
            or document_of_record(record, context, text)
        )
    )
    account = contact.has_iban_in(text, context, known) and not (
        (record.public_account() if record else phone.office_line(text) or fee_account_line(text))
        or account_held_beside(text, before)
    )
    birth = identity.has_date_of_birth(spaced, context=context)
    # In an institution's record, a name is no person's: it showed no evidence of one.
    name = identity.has_personal_name(spaced, context=context) and not (
        record and (record.official() or record.domain_owner(text) or record.institutional())
    )
    link = contact.has_personal_url(text)
    if not (email or telephone or zone or number or account or birth or name or link):
        return ()  # most units: no list made
    found = [
        kind
        for kind, hit in (
            (_EMAIL, email),
            (_PHONE, telephone),
            (_MRZ, zone),
            (_DOCUMENT_NUMBER, number),
            (_IBAN, account),
            (_DATE_OF_BIRTH, birth),
            (_PERSONAL_NAME, name),
            (_PERSONAL_URL, link),
        )
        if hit
    ]
    if not name and (telephone or number or account or birth) and identity.has_name(text):
        found.append(_PERSONAL_NAME)
    return found


def scan(
    units: Iterable[TextUnit], known: InstitutionalContacts = NO_CONTACTS
) -> tuple[Finding, ...]:
    """Every finding of personal data in the units, in document order (at most MAX_FINDINGS);
    the `known` institutional contacts are not personal data."""
    findings: dict[Finding, None] = {}
    readings = _key_value_tables(list(_readings(units)))
    keyed = (
        records((key, context, text) for key, text, context, _ in readings)
        if any(r[0] is not None for r in readings)
        else {}
    )
    before = ("", "")
    for key, text, context, location in readings:
        record = keyed.get(key) if key is not None else None
        for kind in _found(text, context, known, record, before):
            findings[Finding(kind, location)] = None
            if len(findings) >= MAX_FINDINGS:
                return tuple(findings)
        before = (text, before[0])
    return tuple(findings)


def kinds(findings: Iterable[Finding]) -> frozenset[FindingKind]:
    return frozenset(f.kind for f in findings)
