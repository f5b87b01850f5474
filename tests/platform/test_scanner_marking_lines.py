"""ILO-9.1: the scanner's twelfth blind round. A marking is read as the line it is printed on,
whatever else a header or footer prints beside it (the page's counter); a level may carry the
name of the law-enforcement service that classified it, as it carries the Union's letters. Each
example is written for its rule."""

from __future__ import annotations

import json

from app.platform.extract import DOCX, JSON, PDF, extract
from app.platform.markings import handling_markings, marking_of
from tests.platform.files import make_docx, make_pdf


def _marked(content: bytes, media_type: str) -> bool:
    return bool(handling_markings(extract(content, media_type).units))


def test_a_marking_beside_the_page_counter_is_read_without_it() -> None:
    # Headers and footers print the marking and the page's counter on one line, in any order
    # and with any separator a layout uses.
    for line in (
        "RESTRICTED    Page 2 of 9",
        "Page 2 of 9 | RESTRICTED",
        "Diffusion restreinte – page 3/4",
        "VS-Vertraulich  S. 1 von 3",
        "Stg. Confidentieel · blz. 4",
        "Uso oficial — página 2 de 5",
        "- 7 - RISERVATO",
        "Nur für den Dienstgebrauch 2/6",
        # A line-phrase restricting the document to the police, then the counter.
        "Uso restringido a las fuerzas de seguridad — pág. 1",
        "Keine Weitergabe außerhalb der Polizei  Seite 3 von 3",
        # The counter first, in each of its forms and cases (the line's first letters are
        # all the scanner looks at before reading a counter there).
        "PAGE 4 OF 6 - CONFIDENTIAL",
        "Hoja 3 de 8 – RESERVADO",
        "blz. 2 | Departementaal vertrouwelijk",
        "S. 2 von 4  VS-NfD",
        "Pág. 5 – Difusión limitada",
        "4/9 RESTREINT UE",
        "  - 3 - Riservato",
    ):
        assert marking_of(line) is not None, line
    # A line of prose ending in a number, or opening with a section's number, holds no counter.
    for line in ("Quarterly Report Q3 2024", "2. Outlook", "Passengers refused in 2024: 37"):
        assert marking_of(line) is None, line
    # Through extraction: a PDF's footer and a DOCX's footer.
    pdf = make_pdf([["Quarterly overview of refusals", "", "CONFIDENTIAL   page 1 of 1"]])
    assert _marked(pdf, PDF)
    docx = make_docx(["Lagebild Quartal 3"], footer=["Seite 1 von 2    VS-NfD"])
    assert _marked(docx, DOCX)
    # The counter needs its page word, its slash or its dashes: a number alone is kept, and a
    # line that is no marking without the counter is none with it.
    for line in (
        "Geheim 2026",
        "Vertraulich 12",
        "See the table on page 3",
        "Chapter 3 page 4",
        "Page 2 of 9",
        "Annual report 2026 – page 2 of 9",
    ):
        assert marking_of(line) is None, line
    clean = make_pdf([["Risk analysis West Africa", "Refusals rose by 12 %.", "Page 1 of 1"]])
    assert not _marked(clean, PDF)


def test_a_level_may_carry_the_name_of_the_service_that_classified_it() -> None:
    # Before or after the level, with a space, a dash or a colon, as the Union's letters are.
    for line in (
        "Politie Vertrouwelijk",
        "POLICE – RESTRICTED",
        "Polizei: VERTRAULICH",
        "CONFIDENTIEL GENDARMERIE",
        "Policía — Confidencial",
        "SEGRETO POLIZIA",
        "Law enforcement restricted",
    ):
        assert marking_of(line) is not None, line
    # The service's name alone is no level; a word that only begins like it is no service;
    # in a sentence the words talk about the level.
    for line in (
        "Politie",
        "Confidential policy",
        "Policy — Restricted access to the annex is explained below",
        "De politie behandelt deze zaken vertrouwelijk.",
    ):
        assert marking_of(line) is None, line
    # The level stated in a document's metadata is its own; the same levels in a list of
    # levels are talked about.
    own = {"document": {"titel": "Kwartaalcijfers", "rubricering": "Politie Vertrouwelijk"}}
    assert _marked(json.dumps(own).encode(), JSON)
    legend = {"levels": [{"classification": "Politie Vertrouwelijk", "use": "police files"}]}
    assert not _marked(json.dumps(legend).encode(), JSON)


def test_a_line_of_the_pages_furniture_is_read_field_by_field() -> None:
    # The page counter, or a DOCX header or footer, makes the line one of the page's furniture:
    # a marking in one of its fields (set apart by a bar, a tab, a run of spaces or a dash
    # between spaces) marks the document.
    for line in (
        "VS-NfD | Lagebild Q3 | Seite 1 von 2",
        "Rapport trimestriel    CONFIDENTIEL    2/4",
        "Informe anual – RESERVADO – pág. 3",
    ):
        assert marking_of(line) is not None, line
    # The same fields without a marking, or a line of fields without a counter, are no marking.
    for line in (
        "Lagebild Q3 | Referat 2 | Seite 1 von 2",
        "Level    Meaning    page 2",
        "Annual report – Restricted annex – page 2",
        "VS-NfD | Lagebild Q3",
    ):
        assert marking_of(line) is None, line


def test_a_member_named_for_the_marking_in_the_singular_states_the_documents_own() -> None:
    # `marking`, `niveau_de_classification`, `classification_level`: one member, one level or
    # phrase, in the document's metadata.
    for meta in (
        {"document": {"marking": "RESTRICTED", "title": "Route analysis"}},
        {"meta": {"niveau_de_classification": "Confidentiel"}},
        {"meta": {"classificationLevel": "RESTREINT UE"}},
        {"kennzeichnung": "Nicht zur Weitergabe"},
    ):
        assert _marked(json.dumps(meta, ensure_ascii=False).encode(), JSON), meta
    # Under a member of examples, or as an item of a list of markings, it is talked about.
    for cited in (
        {"examples": {"marking": "RESTRICTED", "use": "EU classified information"}},
        {"markings": [{"marking": "RESTRICTED"}, {"marking": "CONFIDENTIAL"}]},
    ):
        assert not _marked(json.dumps(cited).encode(), JSON), cited


def test_a_docx_headers_or_a_pdf_pages_first_lines_fields_are_read_each_as_a_line() -> None:
    marked = make_docx(["Lagebild Q3"], header=["Bundespolizei\tVS-NfD\t20.11.2026"])
    assert _marked(marked, DOCX)
    marked = make_docx(["Informe"], footer=["Dirección General | USO OFICIAL"])
    assert _marked(marked, DOCX)
    # Fields without a marking, a quoted one, or a body paragraph of fields are none.
    for docx in (
        make_docx(["Lagebild Q3"], header=["Bundespolizei\tReferat 2\t20.11.2026"]),
        make_docx(["Schulung"], header=['Kennzeichnungen wie "VS-NfD" | Modul 3']),
        make_docx(["Stufe    VS-NfD    Bedeutung"]),
    ):
        assert not _marked(docx, DOCX)
    # A PDF page's first line is its header; a line further down is the page's text.
    assert _marked(make_pdf([["Lagebild", "Lage"], ["Bundespolizei | RESTREINT UE", "Q3"]]), PDF)
    assert not _marked(make_pdf([["Lagebild", "Stufe | VS-NfD | Bedeutung"]]), PDF)
    assert not _marked(make_pdf([["Bundespolizei | Referat 2", "Lagebild"]]), PDF)


def test_dissemination_restricted_is_a_marking_in_either_order_as_a_line() -> None:
    # The noun and the word restricting it, in the order each language prints them, as a line
    # of their own.
    for line in (
        "Difusión restringida",
        "Prohibida la difusión",
        "Diffusione vietata",
        "Weitergabe untersagt",
        "Verbreitung eingeschränkt",
        "Niet voor verspreiding",
        "Nicht zur Verteilung",
        "Distribution restricted",
    ):
        assert marking_of(line) is not None, line
    # In a sentence the same words are prose.
    for line in (
        "Restricted distribution of visas is explained below.",
        "La diffusione vietata dei dati è sanzionata dal codice.",
        "The distribution is limited to three airlines",
    ):
        assert marking_of(line) is None, line


def test_the_services_exclusive_use_after_their_name_is_a_marking_of_the_police_not_a_policy() -> (
    None
):
    for line in ("Uso policial exclusivo", "Police exclusive", "Uso di polizia esclusivo"):
        assert marking_of(line) == "law enforcement only", line
    # `policy` and `policies` begin as `police` does; they are no service.
    for line in ("Policy exclusive", "Outside policies only", "Visa policy only"):
        assert marking_of(line) is None, line
