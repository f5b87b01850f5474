"""ILO-9.3: an organisation's lines and accounts, named as such beside them, are no person's
data; the same numbers and accounts named as a person's stay refused. Each example is written
for its rule."""

from __future__ import annotations

import json

from app.platform.extract import DOCX, JSON, PLAIN, extract
from app.platform.scanner import kinds, scan
from app.platform.text import FindingKind
from tests.platform.files import make_docx

K = FindingKind


def _kinds(content: bytes | str, media_type: str = PLAIN) -> frozenset[FindingKind]:
    data = content.encode() if isinstance(content, str) else content
    return kinds(scan(extract(data, media_type).units))


def test_a_general_number_is_an_offices_in_its_inflected_and_plural_forms() -> None:
    for text in (
        "U kunt de eenheid bereiken via het algemene nummer\nvan de afdeling: +31 70 456 1200.",
        "Toegestaan: algemene nummers van gemeenten (bijvoorbeeld +31 30 286 0000).",
        "Die allgemeinen Rufnummern der Botschaften (etwa +49 30 5000 0) sind erlaubt.",
        "Los números generales de las oficinas, como +34 91 379 9700, pueden figurar.",
        "Only general numbers of the ministries, e.g. +44 20 7008 1500, may be given.",
    ):
        assert _kinds(text) == frozenset(), text
    # A person's number stays one, whatever general number the text names elsewhere.
    assert _kinds("Niet het algemene nummer maar mijn mobiel: +31 6 4821 7730") == {K.phone}


def test_a_number_labelled_as_a_services_line_is_the_services() -> None:
    for text in (
        "Compañía aérea – control de embarque\n  Línea de asistencia: +221 33 869 40 40",
        "Ligne d'assistance aux transporteurs : +33 1 49 27 40 00",
        "Linea di supporto per i vettori: +39 06 4651 2000",
        "Carrier assistance line: +44 20 7035 4848",
    ):
        assert _kinds(text) == frozenset(), text
    # A line named by its person, or a direct or mobile one, is that person's.
    for text in (
        "Línea directa: +34 91 537 2210",
        "Línea de Marta Quintero: +34 91 537 2210",
        "Ligne de l'interprète : +33 1 49 27 40 00",
        "Línea de asistencia (móvil): +34 612 45 78 90",
    ):
        assert K.phone in _kinds(text), text


def test_an_emergency_label_in_an_institutions_record_makes_its_mobile_a_duty_line() -> None:
    office = {
        "ambasciata": {"nome": "Ambasciata d'Italia a Nairobi"},
        "recapiti": {"centralino": "+254 20 224 7750", "emergenze": "+254 722 205 400"},
    }
    assert _kinds(json.dumps(office), JSON) == frozenset()
    consulate = {"switchboard": "+33 1 44 43 29 00", "emergency_line": "+33 6 12 34 56 78"}
    assert _kinds(json.dumps(consulate), JSON) == frozenset()
    # A traveller's emergency contact is a relative's number, and an officer's mobile in the
    # same record is his.
    traveller = {"passenger": "Yusuf Okafor", "emergency_contact": "+254 722 205 400"}
    assert K.phone in _kinds(json.dumps(traveller), JSON)
    officer = {"centralino": "+254 20 224 7750", "cellulare": "+254 722 205 400"}
    assert K.phone in _kinds(json.dumps(officer), JSON)


def test_an_account_whose_holder_is_named_beside_it_as_an_offices_is_the_offices() -> None:
    iban = "ES91 2100 0418 4502 0005 1332"
    text = f"Titular: cuenta de recaudación de tasas consulares\nIBAN: {iban}\n"
    assert _kinds(text) == frozenset()
    italian = "Beneficiario: conto percezioni consolari\nIBAN: IT60 X054 2811 1010 0000 0123 456"
    assert _kinds(italian) == frozenset()
    table = make_docx(
        paragraphs=["Tarieven en rekeninggegevens"],
        tables=[
            [
                ["Onderdeel", "Gegevens"],
                ["Leges kind 4 t/m 12 jaar", "EUR 40"],
                ["Rekeninghouder", "Ministerie van Justitie – ontvangsten leges"],
                ["IBAN", "NL91 ABNA 0417 1643 00"],
            ]
        ],
    )
    assert _kinds(table, DOCX) == frozenset()
    # A holder who is a person, a refund paid out, or an account the line says is someone's
    # own, stays that person's account.
    for holder in (
        "Titular: Rosa Delgado Fuentes (tasas consulares)",
        "Titular del reembolso de tasas consulares",
        "Titular: mi cuenta para las tasas",
    ):
        assert K.iban in _kinds(f"{holder}\nIBAN: {iban}\n"), holder
    assert K.iban in _kinds(
        f"Titular: cuenta de recaudación de tasas consulares\nIBAN del solicitante: {iban}\n"
    )
