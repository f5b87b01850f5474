"""ILO-9.3/ILO-9.1: what a detector reads as a person, a name or a marking needs the evidence
for it: an organisation is named as its domain is written, a unit's name is no person's without
a given name, two nouns parted by a comma are no surname and given name, a key-value table's
first cell labels the second, and a metadata member stating the document's level is its own."""

from __future__ import annotations

import json

from app.platform.extract import CSV, JSON, MARKDOWN, PLAIN, extract
from app.platform.markings import handling_markings
from app.platform.scanner import kinds, scan
from app.platform.text import FindingKind

K = FindingKind


def _kinds(content: str, media_type: str = PLAIN) -> frozenset[FindingKind]:
    return kinds(scan(extract(content.encode(), media_type).units))


def _marked(content: str, media_type: str = PLAIN) -> bool:
    return bool(handling_markings(extract(content.encode(), media_type).units))


def test_an_organisation_named_as_its_domain_is_written_is_no_person() -> None:
    carriers = {
        "carriers": [
            {"name": "Nordwind Express", "desk": "Security",
             "email": "security@nordwindexpress.example", "phone": "+31 20 555 0140"},
            {"naam": "Zéphyr Aérien", "afdeling": "Sûreté",
             "email": "surete@zephyraerien.example", "telefoon": "+33 1 45 55 01 40"},
        ]
    }  # fmt: skip
    assert _kinds(json.dumps(carriers, ensure_ascii=False), JSON) == frozenset()
    # A person's name under the same label, with a mailbox on another domain, stays a person's.
    person = {"name": "Martina Kowalczyk", "email": "security@nordwindexpress.example",
              "phone": "+31 6 5550 0140"}  # fmt: skip
    assert K.personal_name in _kinds(json.dumps(person), JSON)


def test_a_units_name_without_a_given_name_is_no_persons() -> None:
    # Capitalised words under a label that names neither a person nor a unit: a desk's name.
    desk = {"stelle": "Passenger Facilitation", "email": "facilitation@carrier.example",
            "tel": "+44 20 7946 0321"}  # fmt: skip
    assert _kinds(json.dumps(desk), JSON) == frozenset()
    # With a given name in it, the same cell is a person's, and the number beside it theirs.
    person = {"stelle": "Helga Brandstetter", "email": "facilitation@carrier.example",
              "tel": "+44 20 7946 0321"}  # fmt: skip
    assert K.phone in _kinds(json.dumps(person), JSON)


def test_two_nouns_parted_by_a_comma_are_no_surname_and_given_name() -> None:
    for line in (
        "Namen von Reisenden, Geburtsdaten, Passnummern gehören nicht auf die Plattform.",
        "Angaben zu Reiserouten, Fluggesellschaften, Staatsangehörigkeit und Häufigkeit.",
    ):
        assert _kinds(line) == frozenset(), line
    # A surname and a given name, or a surname in capitals, before an attribute are a person.
    for line in (
        "Haddad, Samir, geboren am 12.03.1991, Staatsangehörigkeit syrisch.",
        "Mensah, Kofi, 41 anni, cittadino ghanese.",
        "OKONKWO, Chiamaka (34), Nigerian national",
    ):
        assert K.personal_name in _kinds(line), line


def test_a_key_value_tables_first_cell_labels_the_second() -> None:
    table = (
        "| Campo | Valore |\n|---|---|\n| Cognome e nome | Osei Kwabena Mensah |\n"
        "| Data di nascita | 17/09/1988 |\n| Cittadinanza | ghanese |\n"
    )
    assert _kinds(table, MARKDOWN) >= {K.personal_name, K.date_of_birth}
    # The same layout holding counts and functions is clean.
    counts = (
        "| Feld | Angabe |\n|---|---|\n| Zurückweisungen | 14 |\n"
        "| Zuständige Stelle | Verbindungsbeamter Istanbul |\n| Zeitraum | 2026-10 |\n"
    )
    assert _kinds(counts, MARKDOWN) == frozenset()
    # A table with a header per column keeps its header as the label (no change for CSV).
    assert _kinds("Route,Zurückweisungen\nIST-DUS,14\n", CSV) == frozenset()


def test_a_metadata_member_stating_the_level_is_the_documents_own() -> None:
    for meta in (
        {"meta": {"ref": "AN-2026-3", "rubricering": "Departementaal Vertrouwelijk"}},
        {"documentClassification": "RESTREINT UE", "title": "Évaluation de la menace"},
        {"header": {"Einstufung": "VS-Nur für den Dienstgebrauch"}},
    ):
        assert _marked(json.dumps(meta, ensure_ascii=False), JSON), meta
    # A list of levels (an array of items, each naming one) talks about them.
    legend = {"levels": [{"classification": "RESTREINT UE", "use": "EU classified information"},
                         {"classification": "LIMITE", "use": "Council working papers"}]}  # fmt: skip
    assert not _marked(json.dumps(legend), JSON)
    # A member naming a level that is not one (`unclassified`) marks nothing.
    assert not _marked(json.dumps({"meta": {"classification": "public"}}), JSON)
