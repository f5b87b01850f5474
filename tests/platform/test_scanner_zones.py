"""ILO-9.3/ILO-9.1: the scanner's tenth blind round. A machine-readable zone is read by its
layout when a holder's name line stands beside its data line, whatever its check digits; a
document reserved for law enforcement is marked, as each of the six languages words it. Each
example is written for its rule."""

from __future__ import annotations

import json

from app.platform.extract import CSV, DOCX, JSON, PDF, PLAIN, extract
from app.platform.markings import marking_of
from app.platform.mrz import has_mrz, has_mrz_lines
from app.platform.scanner import kinds, scan
from app.platform.text import FindingKind
from tests.platform.files import make_docx, make_pdf

K = FindingKind

# An invented passport holder's zone (TD3, 2 x 44) whose check digits were copied wrongly:
# 7, 4 and 3 stand where 4, 0 and 4 would verify.
_NAME_LINE = "P<TURDEMIRTAS<<AYSEGUL".ljust(44, "<")
_DATA_LINE = "U123456787TUR9203174F3011053<<<<<<<<<<<<<<02"


def _kinds(content: bytes, media_type: str) -> frozenset[FindingKind]:
    return kinds(scan(extract(content, media_type).units))


def test_a_zones_name_line_beside_its_data_line_is_a_zone_whatever_its_check_digits() -> None:
    assert len(_NAME_LINE) == len(_DATA_LINE) == 44
    assert not has_mrz(_DATA_LINE)  # the check digits do not verify
    zone = f"The traveller presented this passport:\n{_NAME_LINE}\n{_DATA_LINE}\nChecked.\n"
    assert _kinds(zone.encode(), PLAIN) >= {K.mrz}
    # Each line a unit of its own: a PDF's lines, a DOCX's paragraphs.
    pdf = make_pdf([["Document check", _NAME_LINE, _DATA_LINE, "End of note"]])
    assert K.mrz in _kinds(pdf, PDF)
    docx = make_docx(["Document check", _NAME_LINE, _DATA_LINE], [])
    assert K.mrz in _kinds(docx, DOCX)
    # A visa's or card's TD2 zone (2 x 36), and a TD1 card's data line over its name line.
    td2 = ("I<FRAMARTIN<<CLAIRE<<<<<<<<<<<<<<<<<<<<<", "X9876543<1FRA8512304F2905219<<<<<<<9")
    assert has_mrz_lines(td2[1][:36], td2[0][:36])
    td1_data, td1_name = "8512304F2905219FRA<<<<<<<<<<<1", "MARTIN<<CLAIRE<<<<<<<<<<<<<<<<"
    assert has_mrz_lines(td1_name, td1_data)


def test_a_data_line_without_its_name_line_or_a_layout_off_by_a_field_is_no_zone() -> None:
    # A data line alone still needs its check digits (a training slide's broken specimen).
    assert not has_mrz_lines(_DATA_LINE, "Specimen (broken check digits):")
    # A name line beside a line that is no data line, or of another length.
    assert not has_mrz_lines("Not a data line at all, just prose here.", _NAME_LINE)
    assert not has_mrz_lines(_DATA_LINE[:40], _NAME_LINE)
    # A data line whose dates are no dates (month 13) is no zone's.
    assert not has_mrz_lines(_DATA_LINE.replace("920317", "921317"), _NAME_LINE)
    # A line of filler with no name in it is no name line.
    assert not has_mrz_lines(_DATA_LINE, "P<TUR" + "<" * 39)


def test_a_document_reserved_for_law_enforcement_is_marked_in_each_language() -> None:
    for line in (
        "RESERVED FOR LAW ENFORCEMENT",
        "Réservé aux services de police",
        "Den Strafverfolgungsbehörden vorbehalten",
        "Voorbehouden aan de politie",
        "DIFUSIÓN: RESERVADA A LAS FUERZAS Y CUERPOS DE SEGURIDAD",
        "Riservato alle forze di polizia",
    ):
        assert marking_of(line) == "law enforcement only", line
    # Talked about, the phrase marks nothing: a participle or a quotation before it.
    assert marking_of('Los documentos marcados "Reservado a las fuerzas" se archivan.') is None
    # The rule's cost: a sentence saying a room or a service is reserved for the police reads
    # as the marking (as the French and Italian phrases already did).
    assert marking_of("El acceso está reservado a la policía.") == "law enforcement only"


def test_a_line_restricting_the_document_to_law_enforcement_is_marked() -> None:
    for line in (
        "Sensitive – do not share outside law enforcement",
        "Diffusion limitée aux services de police",
        "Keine Weitergabe außerhalb der Polizei",
        "Ausschließlich für den polizeilichen Gebrauch",
        "Alleen voor intern politiegebruik",
        "Uso restringido a las fuerzas de seguridad",
        "Documento riservato alle autorità di polizia",
        "Polizei – intern",
    ):
        assert marking_of(line) == "law enforcement only", line
    # A sentence saying who may read something, or a line going on past the services, is prose.
    for line in (
        "Access to the platform is restricted to law enforcement personnel.",
        "Only police officers from three Member States attended",
        "Nur Polizeibeamte der Bundespolizei nahmen teil",
        "Reunión con la policía fronteriza solo por la mañana",
    ):
        assert marking_of(line) is None, line
    # Quoted in a training note, the line is a marking talked about.
    assert marking_of('- "Keine Weitergabe außerhalb der Polizei"') is None
    # The rule's cost: a heading of its own naming the services after a restricting word
    # (`Contact points outside the police`) reads as the marking.
    assert marking_of("Contact points outside the police") == "law enforcement only"


def test_limited_distribution_printed_as_a_line_of_its_own_is_a_marking() -> None:
    for line in ("LIMITED DISTRIBUTION", "Diffusion limitée", "BEPERKTE VERSPREIDING"):
        assert marking_of(line) == "classification", line
    assert marking_of("The report had a limited distribution among the partners.") is None


def test_a_zone_copied_by_hand_may_miscount_its_fillers_by_two() -> None:
    assert has_mrz_lines(_DATA_LINE[:-4] + "02", _NAME_LINE[:-1])
    assert has_mrz_lines(_DATA_LINE.replace("<<02", "<<<02"), _NAME_LINE + "<<")
    # Three off is another layout; a data line with prose after it is none.
    assert not has_mrz_lines(_DATA_LINE, _NAME_LINE[:-3])
    assert not has_mrz_lines(_DATA_LINE[:30] + " seized", _NAME_LINE)


def test_a_zones_lines_parted_by_the_documents_structure_are_read_together() -> None:
    # A JSON array's items, sibling members, a CSV row's cells, a DOCX table's rows.
    for content, media_type in (
        (json.dumps({"document": {"mrz": [_NAME_LINE, _DATA_LINE]}}).encode(), JSON),
        (json.dumps({"mrz_line_1": _NAME_LINE, "mrz_line_2": _DATA_LINE}).encode(), JSON),
        (f"case;zone_1;zone_2\n17;{_NAME_LINE};{_DATA_LINE}\n".encode(), CSV),
        (make_docx(["Case 17"], [[["Zone"], [_NAME_LINE], [_DATA_LINE]]]), DOCX),
    ):
        assert K.mrz in _kinds(content, media_type), media_type
    # Two units apart (another value between them) are no zone's two lines.
    apart = {"line_1": _NAME_LINE, "checked_by": "desk 4", "note": "seen", "line_2": _DATA_LINE}
    assert K.mrz not in _kinds(json.dumps(apart).encode(), JSON)


def test_a_given_name_and_surname_with_the_age_after_them_name_a_person() -> None:
    # The press's form: the age in brackets or between commas, more said after it.
    for line in (
        "The traveller Tomasz Wrobel, 38, Polish, used a borrowed passport",
        "Der Reisende Hamza Qureshi (29, pakistanischer Staatsangehöriger) wurde zurückgewiesen",
        "Omar K. (29) was stopped at the gate",
    ):
        assert _kinds(line.encode(), PLAIN) == {K.personal_name}, line
    # A place with its count in brackets, a surname without a given name of the list, or an age
    # said of nothing after it: no person.
    for line in (
        "Arrivals: Santa Cruz (12), Las Palmas (40)",
        "Refusals at Sierra Leone (34, of which 5 minors)",
        "Ambassador Okonkwo Street, 45, Lagos",
    ):
        assert _kinds(line.encode(), PLAIN) == frozenset(), line
