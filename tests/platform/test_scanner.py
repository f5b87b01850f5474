"""ILO-9.3: the scanner on the corpus (precision and recall per finding kind ≥ 0.95), per kind,
and its findings name locations, never values."""

from __future__ import annotations

from collections import Counter

import pytest

from app.platform.extract import CSV, Refused, extract, media_type_of
from app.platform.markings import handling_markings
from app.platform.scanner import kinds, scan
from app.platform.text import FindingKind, Location, TextUnit
from tests.platform.corpus import CORPUS, HARD_CLEAN, LEAKS
from tests.platform.files import make_pdf


def precision_recall() -> dict[FindingKind, tuple[float, float]]:
    tp: Counter[FindingKind] = Counter()
    fp: Counter[FindingKind] = Counter()
    fn: Counter[FindingKind] = Counter()
    for doc in CORPUS:
        found = kinds(scan(extract(doc.content, doc.media_type).units))
        for kind in FindingKind:
            tp[kind] += kind in found and kind in doc.kinds
            fp[kind] += kind in found and kind not in doc.kinds
            fn[kind] += kind not in found and kind in doc.kinds
    return {
        k: (tp[k] / ((tp[k] + fp[k]) or 1), tp[k] / ((tp[k] + fn[k]) or 1)) for k in FindingKind
    }


def test_ilo_9_3_corpus_precision_and_recall_per_kind() -> None:
    assert len(CORPUS) >= 60
    assert sum(1 for d in CORPUS if not d.kinds) * 3 >= len(CORPUS)
    assert {d.media_type for d in CORPUS} >= {"text/plain", "text/csv", "application/pdf"}
    scores = precision_recall()
    for kind, (precision, recall) in scores.items():
        assert precision >= 0.95, (kind, precision)
        assert recall >= 0.95, (kind, recall)


def test_ilo_9_3_clean_corpus_documents_have_no_finding() -> None:
    for doc in CORPUS:
        if not doc.kinds:
            assert scan(extract(doc.content, doc.media_type).units) == (), doc.name


def _one(text: str) -> frozenset[FindingKind]:
    return kinds(scan([TextUnit(text, Location(line=1))]))


@pytest.mark.parametrize("kind", list(LEAKS))
def test_ilo_9_3_each_leak_is_found_as_its_kind(kind: FindingKind) -> None:
    for leak in LEAKS[kind]:
        units = [TextUnit(line, Location(line=i)) for i, line in enumerate(leak.splitlines(), 1)]
        assert kind in kinds(scan(units)), leak


@pytest.mark.parametrize("line", HARD_CLEAN)
def test_ilo_9_3_hard_negatives_pass(line: str) -> None:
    assert _one(line) == frozenset(), line


def test_ilo_9_3_scanner_email() -> None:
    assert _one("write to a.b-c@home-affairs.ec.europa.eu") == {FindingKind.email}
    assert _one("see the e-mail policy @ the platform") == frozenset()


def test_ilo_9_3_scanner_phone() -> None:
    assert _one("+44 20 7946 0958") == {FindingKind.phone}
    assert _one("Tel: 030 1234567") == {FindingKind.phone}
    for clean in ("COM(2020) 609", "2019/1240", "1 234 567 arrivals", "12.03.2024", "KL 1234"):
        assert _one(clean) == frozenset(), clean


def test_ilo_9_3_scanner_mrz_check_digits_verified() -> None:
    good = "L898902C36UTO7408122F1204159ZE184226B<<<<<10"
    assert _one(good) == {FindingKind.mrz}
    assert _one(good.replace("7408122", "7408123")) == frozenset()


def test_ilo_9_3_scanner_document_number_in_each_language() -> None:
    for text in (
        "Passport number: X1234567",
        "n° de passeport 12AB34567",
        "Personalausweisnummer L01X00T47",
        "paspoortnummer NXC4R1J85",
        "número de pasaporte AAB123456",
        "numero di passaporto YA1234567",
    ):
        assert _one(text) == {FindingKind.document_number}, text
    assert _one("passport applications: 2024") == frozenset()


def test_ilo_9_3_scanner_iban_checksum() -> None:
    assert _one("GB82 WEST 1234 5698 7654 32") == {FindingKind.iban}
    assert _one("GB83 WEST 1234 5698 7654 32") == frozenset()
    # A letter or digit of another script where an IBAN's would stand is no IBAN (and no error).
    assert _one("DE89 3704 0044 0532 0130 É0") == frozenset()
    assert _one("DE89 3704 0044 0532 0130 ²0") == frozenset()


def test_ilo_9_3_scanner_date_of_birth_needs_its_label() -> None:
    assert _one("nato il 5 maggio 1988") == {FindingKind.date_of_birth}
    assert _one("the meeting of 5 May 1988") == frozenset()


def test_ilo_9_3_scanner_personal_name_with_attributes() -> None:
    assert _one("Fatima Noor, a 29-year-old Somali national") == {FindingKind.personal_name}
    assert _one("Mme Lefèvre") == {FindingKind.personal_name}
    assert _one("Western Balkans Risk Analysis Network") == frozenset()


def test_ilo_9_3_scanner_personal_url() -> None:
    assert _one("https://x.example/v1/processing-records?after=1") == {FindingKind.personal_url}
    assert _one("https://x.example/find?email=a%40b.eu") >= {FindingKind.personal_url}
    assert _one("https://eur-lex.europa.eu/eli/reg/2019/1240/oj") == frozenset()


def test_ilo_9_3_csv_cells_are_located_and_labelled_by_their_header() -> None:
    content = b"country,count\nSY,12\nDate of birth,1\n,\nPassport no.,x\n"
    assert scan(extract(content, CSV).units) == ()
    leaking = b"Surname,Date of birth\nKARIMI,12/03/1987\n"
    findings = scan(extract(leaking, CSV).units)
    assert [(f.kind, f.location.describe()) for f in findings] == [
        (FindingKind.personal_name, "row 2, column 1"),
        (FindingKind.date_of_birth, "row 2, column 2"),
    ]


def test_ilo_9_3_findings_carry_no_value() -> None:
    findings = scan([TextUnit("mail jan@example.org", Location(page=2, line=3))])
    assert [f.describe() for f in findings] == ["an e-mail address at page 2, line 3"]
    assert "jan" not in repr(findings)


def test_ilo_9_1_markings_in_the_languages() -> None:
    for text in (
        "Handling code: H3",
        "H2: not to be disseminated without the permission of the owner",
        "FOR LAW ENFORCEMENT USE ONLY",
        "Ne pas diffuser",
        "Nur für den Dienstgebrauch",
        "Alleen voor politie",
        "Uso exclusivamente policial",
        "Solo per le forze dell'ordine",
    ):
        assert handling_markings([TextUnit(text, Location(line=1))]), text
    assert handling_markings([TextUnit("H1 2024 figures (first half-year)", Location())]) == ()


def test_extractors_refuse_what_they_cannot_check() -> None:
    with pytest.raises(Refused) as refused:
        media_type_of("image/png", "x.png")
    assert refused.value.status == 415
    with pytest.raises(Refused) as unreadable:
        extract(make_pdf([["x"]], text_layer=False), "application/pdf")
    assert unreadable.value.status == 422
    assert "cannot be checked" in unreadable.value.reason
    assert media_type_of("application/octet-stream", "r.docx").endswith("document")
