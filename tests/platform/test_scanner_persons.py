"""ILO-9.3/ILO-9.1: the scanner's ninth blind round. A record's name counts as a person's only on
evidence of a person; an office's fee account in a record naming no one, service numbers,
an abbreviation's capital, a mobile labelled on the line before and a marking after the level
`unclassified` are read by the evidence they carry. Each example is written for its rule."""

from __future__ import annotations

from app.platform.extract import CSV, PLAIN, extract
from app.platform.markings import marking_of
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


def test_a_fee_account_in_a_record_naming_no_one_is_the_offices() -> None:
    rows = "2025;Nairobi;812;DE02100500000054540402\n2025;Kampala;640;DE02100500000054540402\n"
    # A statistics row of posts and figures with the account fees are paid into (the key
    # writes the umlaut out; receipts are fees too).
    assert _kinds("jahr;auslandsvertretung;visa;gebuehrenkonto\n" + rows, CSV) == frozenset()
    assert (
        _kinds("annee;consulat;compte_encaissement\n2025;Tunis;FR7630006000011234567890189\n", CSV)
        == frozenset()
    )
    # A name in the record, a refund, or no fee's label: the account may be someone's.
    assert _kinds("naam;gebuehrenkonto\nMarta Kowalska;DE02100500000054540402\n", CSV) == {
        K.personal_name,
        K.iban,
    }
    assert _kinds("jahr;erstattung;gebuehrenkonto\n2025;ja;DE02100500000054540402\n", CSV) == {
        K.iban
    }
    assert _kinds("jahr;konto\n2025;DE02100500000054540402\n", CSV) == {K.iban}


def test_a_capital_b_before_a_number_is_no_abbreviation_of_born() -> None:
    assert _kinds("Die Frist läuft z. B. 01.02.2027 bis 01.02.2029 ab.\n", PLAIN) == frozenset()
    assert _kinds("Rami Haddad, b. 12.03.1988, was stopped at the gate.\n", PLAIN) == {
        K.date_of_birth,
        K.personal_name,
    }


def test_a_national_number_of_a_service_range_wherever_it_is_written_so_is_no_ones() -> None:
    # `800 …` without a trunk prefix is a free number in every region that writes it so.
    assert _kinds("Telefono:\nnumero gratuito 800 414 141\n", PLAIN) == frozenset()
    # `0800 …` is a fixed line in Italy: read as before.
    assert _kinds("Telefono:\n0800 123 4567\n", PLAIN) == {K.phone}


def test_a_personal_label_ending_the_line_before_labels_the_number_beside_a_switchboard() -> None:
    text = "Il collaboratore risponde sul suo cellulare\n+39 347 812 3344 dopo le 18; non il centralino.\n"
    assert _kinds(text, PLAIN) == {K.phone}
    # A sentence about private numbers that ends on the line before labels nothing.
    clean = "Non indicare numeri privati.\nIl centralino dell'ambasciata: +39 06 4674 1.\n"
    assert _kinds(clean, PLAIN) == frozenset()


def test_a_marking_after_the_level_unclassified_in_capitals_marks_the_document() -> None:
    for line in (
        "NICHT EINGESTUFT – NUR FÜR DEN POLIZEIGEBRAUCH",
        "NON CLASSIFIÉ — RÉSERVÉ AUX SERVICES DE POLICE",
        "NO CLASIFICADO - USO EXCLUSIVO POLICIAL",
    ):
        assert marking_of(line) == "law enforcement only", line
    # The participle in a sentence, negated or not, still talks about the marking after it.
    talking = "Gli atti non classificati come riservati: ad uso esclusivo della polizia"
    assert marking_of(talking) is None
    assert marking_of("Documents classified as for law enforcement use only go elsewhere.") is None
    assert marking_of("NON CLASSIFICATO") is None
