"""ILO-9.3/ILO-9.1: the scanner's ninth blind round. A record's name counts as a person's only on
evidence of a person; an office's fee account in a record naming no one, service numbers,
an abbreviation's capital, a mobile labelled on the line before and a marking after the level
`unclassified` are read by the evidence they carry. Each example is written for its rule."""

from __future__ import annotations

from app.platform.extract import CSV, extract
from app.platform.scanner import kinds, scan
from app.platform.text import FindingKind

K = FindingKind


def _kinds(content: str, media_type: str) -> frozenset[FindingKind]:
    return kinds(scan(extract(content.encode(), media_type).units))


def test_a_records_name_is_a_persons_only_on_evidence_of_a_person() -> None:
    header = "name;phone;email\n"
    mailbox = "+31 20 555 0192;operations@silverline.example\n"
    # Capitalised words beside a functional mailbox and a fixed line: an organisation's name.
    assert _kinds(header + "Silverline Cargo;" + mailbox, CSV) == frozenset()
    # A given name, an initial, an honorific or `SURNAME, Given` shows a person.
    for name in ("Marta Kowalska", "M. Kowalska", "Mme Ndiaye", "NDIAYE, Coumba"):
        assert _kinds(f"{header}{name};{mailbox}", CSV) == {K.personal_name, K.phone}, name
    # So does an attribute of a person in the record's other cells (an age, a nationality).
    assert _kinds("name;age;phone;email\nDrilon Berisha;37;" + mailbox, CSV) == {
        K.personal_name,
        K.phone,
    }
    assert _kinds(
        "naam;nationaliteit;telefoon;email\nDrilon Berisha;Kosovaars;" + mailbox, CSV
    ) == {K.personal_name, K.phone}
    # Without any of them, in a record that speaks for an organisation, the name is not read
    # as a person's (the rule's cost: a given name missing from the list).
    assert _kinds(header + "Drilon Berisha;" + mailbox, CSV) == frozenset()
    # A record with no organisation's evidence is read as before: a name under `name` is one.
    assert _kinds("name;city\nDrilon Berisha;Pristina\n", CSV) == {K.personal_name}
