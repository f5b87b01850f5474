"""ILO-9.3/ILO-9.1: the scanner's eleventh blind round. A word that names more than one thing
counts as evidence only in the form that means it (an extension's word before its number; a
marking's noun before the kind it is of); a label names whose value it is after it (a column of
travellers' birth dates); a residence document is named as French law names it. Each example is
written for its rule."""

from __future__ import annotations

import json

from app.platform.extract import CSV, DOCX, JSON, PLAIN, extract
from app.platform.identity import has_date_of_birth, has_document_number
from app.platform.markings import handling_markings, marking_of
from app.platform.phone import has_phone_in
from app.platform.scanner import kinds, scan
from app.platform.text import FindingKind
from tests.platform.files import make_docx

K = FindingKind


def _kinds(content: bytes, media_type: str) -> frozenset[FindingKind]:
    return kinds(scan(extract(content, media_type).units))


def _marked(docx: bytes) -> bool:
    return bool(handling_markings(extract(docx, DOCX).units))


def test_an_extensions_word_is_one_only_before_its_number() -> None:
    # `poste` is also a post (`le poste de commandement`), `interno` a ministry, `extension`
    # a visa's: beside a switchboard named as such they no longer make its number a person's.
    for line in (
        "Le poste de commandement du port reste joignable au standard +33 4 91 39 40 00.",
        "Ministero dell'Interno, centralino +39 06 4651 0000",
        "Visa extension desk, switchboard +44 20 7946 0000",
    ):
        assert not has_phone_in(line, ""), line
    # Before its number, each is an officer's extension behind the switchboard: a person's.
    for line in (
        "Standard +33 4 91 39 40 00, poste 4512",
        "Centralino +39 06 4651 0000 interno 27",
        "Switchboard +44 20 7946 0000 ext. 318",
        # … or before the person whose extension it is.
        "Standard +33 4 91 39 40 00, poste de l'agent de permanence",
        "Switchboard +44 20 7946 0000, extension of the liaison officer",
    ):
        assert has_phone_in(line, ""), line
    # A mobile's word needs no number after it.
    assert has_phone_in("Switchboard or mobile +44 20 7946 0000", "")


def test_a_markings_noun_before_the_kind_it_is_of_talks_about_the_marking() -> None:
    # A table's cell or a sentence naming the kind of marking a document would bear.
    for line in (
        "Informe con marca de difusión limitada",
        "Documents avec la mention de diffusion restreinte",
        "Stukken met markering van beperkte verspreiding",
    ):
        assert marking_of(line) is None, line
    # The marking itself, or under its label, is still the document's.
    assert marking_of("DIFUSIÓN LIMITADA") == "no dissemination"
    assert marking_of("Marca: DIFUSIÓN LIMITADA") == "no dissemination"
    assert marking_of("Rapport mensuel – diffusion restreinte") == "no dissemination"
    # A training table of what may be uploaded passes; the same DOCX marked is refused.
    table = [["Documento", "¿Se puede subir?"], ["Nota con marca de difusión limitada", "No"]]
    assert not _marked(make_docx(["Guía de subida"], [table]))
    assert _marked(make_docx(["DIFUSIÓN LIMITADA", "Guía de subida"], [table]))


def test_a_birth_dates_label_may_name_whose_birth_it_is() -> None:
    for label in ("geboortedatum_reiziger", "date_of_birth_holder", "fecha_nacimiento_viajero"):
        csv = f"case;{label};nationality\nA-17;1988-04-02;SYR\nA-18;1979-11-30;IRQ\n"
        assert K.date_of_birth in _kinds(csv.encode(), CSV), label
    # One word after the label, not a cohort's (`born after`), and not a date of another event.
    assert not has_date_of_birth("2006-01-01", context="birth date after")
    assert not has_date_of_birth("2026-11-02", context="incident date traveller")
    csv = "case;datum_incident_reiziger;nationality\nA-17;2026-11-02;SYR\n"
    assert K.date_of_birth not in _kinds(csv.encode(), CSV)


def test_a_documents_label_may_name_whose_document_it_is() -> None:
    for label in (
        "paspoortnummer_reiziger",
        "passport_number_holder",
        "numero_passeport_titulaire",
    ):
        csv = f"case;{label};nationality\nA-17;NX4418273;SYR\nA-18;PQ7720194;IRQ\n"
        assert K.document_number in _kinds(csv.encode(), CSV), label
    # A column of counts under a document's word and another is no document number.
    csv = "airport;passport_checks total;refusals\nIST;1240;17\n"
    assert K.document_number not in _kinds(csv.encode(), CSV)


def test_a_residence_document_is_named_as_each_countrys_law_names_it() -> None:
    assert has_document_number("Carte de séjour pluriannuelle n° FR4K7Q218")
    assert has_document_number("carte de résident : R9T2W7741")
    for line in (
        "Tarjeta de residencia n.º X7712094",
        "Carta di soggiorno n. AT5519027",
        "Aufenthaltserlaubnis Nr. Y4K2198807",
        "Niederlassungserlaubnis Nr. Y7P3320915",
        "Verblijfsdocument nummer V88120475",
        "Residence card no. RC4471902",
    ):
        assert has_document_number(line), line
    # The documents named in a sentence with a year or a fee are no number.
    assert not has_document_number("Die Aufenthaltserlaubnis gilt bis 2027.")
    assert not has_document_number("La tarjeta de residencia cuesta 16 EUR (tasa 012).")
    # A JSON item naming its document in a sibling member (`type`) and its number in `numero`.
    items = {
        "titres": [
            {"type": "carte de séjour temporaire", "numero": "FR2M8X461"},
            {"type": "carte de résident", "numero": "FR6D3Z907"},
        ]
    }
    assert K.document_number in _kinds(json.dumps(items).encode(), JSON)
    # The card named without a number, or with a date, is no document number.
    assert not has_document_number("La carte de séjour pluriannuelle vaut 4 ans depuis 2026.")
    assert K.document_number not in _kinds(
        "Les cartes de séjour délivrées en 2026 : 1 240.\n".encode(), PLAIN
    )
