"""ILO-9.3: an account whose holder is named an office (on the line before it, or in its JSON
record under a recipient's label) is the office's, fees named or not, while a person named as
its holder keeps it refused; a document word in German's plural is a kind of document, no
one's; a document's number in a record is read in more of its national shapes. Each example is
written for its rule."""

from __future__ import annotations

import json

from app.platform.extract import JSON, PLAIN, extract
from app.platform.scanner import kinds, scan
from app.platform.text import FindingKind

K = FindingKind


def _kinds(content: str, media_type: str = PLAIN) -> frozenset[FindingKind]:
    return kinds(scan(extract(content.encode(), media_type).units))


def test_an_account_under_a_holder_naming_an_office_is_the_offices() -> None:
    for text in (
        "Empfänger:   Landeshauptkasse – Zweigstelle Kiel\nBank:  Landesbank\n"
        "IBAN:        DE89 3704 0044 0532 0130 00",
        "Begunstigde: Dienst Justitiële Inrichtingen, Den Haag\nIBAN: NL91 ABNA 0417 1643 00",
    ):
        assert _kinds(text) == frozenset(), text
    # The same lines with a person as the holder, or beside the office, stay refused.
    assert K.iban in _kinds("Empfänger:   Jürgen Albrecht, Kiel\nIBAN: DE89 3704 0044 0532 0130 00")
    beside = "Empfänger:   Landeshauptkasse z. Hd. Frau Petra Lenz\nIBAN: DE89370400440532013000"
    assert K.personal_name in _kinds(beside)


def test_an_account_in_a_record_received_by_an_office_is_the_offices() -> None:
    office = {"naam": "Rijksdienst voor Identiteitsgegevens", "plaats": "Den Haag"}
    payee = {"ontvanger": {**office, "iban": "NL91ABNA0417164300", "bic": "ABNANL2A"}}
    assert _kinds(json.dumps(payee), JSON) == frozenset()
    person = {"ontvanger": {"naam": "Marieke de Vries", "iban": "NL91ABNA0417164300"}}
    assert K.iban in _kinds(json.dumps(person), JSON)


def test_a_document_word_in_german_plural_is_a_kind_not_anyones() -> None:
    for text in (
        "Nicht hochladen: Kopien von Pässen, Ausweisnummern oder Meldeadressen.",
        "Geprüft wurden Reisepässe von Schengen-Staaten, Ausweise und Passnummern im Einzelfall.",
    ):
        assert _kinds(text) == frozenset(), text
    assert _kinds("Fotos von Jonas Keller, Ausweis L01X00T47") >= {K.personal_name}


def test_a_document_number_in_a_record_in_more_national_shapes() -> None:
    for number in ("22AB41573", "7810394456"):
        checked = {"kontrolle": [{"dokumenttyp": "Reisepass", "nummer_dokument": number}]}
        assert K.document_number in _kinds(json.dumps(checked), JSON), number
    # A reference of the same length with fewer than five digits is no document's number.
    filed = {"akte": [{"typ": "Bericht", "nummer_dokument": "REFABCD12"}]}
    assert K.document_number not in _kinds(json.dumps(filed), JSON)
