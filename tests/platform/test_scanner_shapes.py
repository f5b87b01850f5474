"""ILO-9.3/ILO-9.1: the scanner decides by the shape and the links of what it reads, not by the
words of one document: a mailbox is a person's when it is written as a person's name is, a
contact is an office's when its record or line says so, a link reaches a person through a record
inside a record, a marking broken by a page break is read whole."""

from __future__ import annotations

import json

from app.platform.extract import CSV, JSON, PDF, PLAIN, extract
from app.platform.markings import handling_markings
from app.platform.scanner import kinds, scan
from app.platform.text import FindingKind
from tests.platform.files import make_pdf

K = FindingKind


def _kinds(content: str, media_type: str = PLAIN) -> frozenset[FindingKind]:
    return kinds(scan(extract(content.encode(), media_type).units))


def test_a_mailbox_is_a_persons_only_when_shaped_as_one() -> None:
    # Offices' mailboxes in words no list of function words holds.
    for line in (
        "Kontakt: grenzverkehr-sued@bundespolizei.example.de",
        "Consultas: tramites.extranjeria@policia.example.es",
        "Scrivere a: supporto.piattaforma@interno.example.it",
        "Vragen over deze module: opleidingen.ivf@minjenv.example.nl",
        "Questions to sne-recruitment@ilonet.example.eu",
        "Sección de Visados Quito: visados.quito@maec.example.es",
    ):
        assert _kinds(line) == frozenset(), line
    # A given name, an initial beside a name, a public mail service, a birth year, the name
    # written beside it (whole, glued or by its initials).
    for line in (
        "Ansprechpartnerin: friederike.maassen-oduya@bmi.example.de",
        "la collega f.russo@interno.example.it segue il fascicolo",
        "Die Dolmetscherin ist unter dragana.petrovic@gmx.de erreichbar.",
        "Intermediario: bianchi1984@mail.example",
        "écrire à Jean Dupont (jdupont@interieur.example.fr)",
        "Contact Anna Maria Rossi: amr.legal@mfa.example",
    ):
        assert _kinds(line) == {K.email}, line
    # In a private person's record, a mailbox not made of function words is theirs.
    row = "naam,e-mail\nPieter van Dam,pvdam@minbuza.example\n"
    assert _kinds(row, CSV) == {K.email, K.personal_name}


def test_a_record_or_a_line_tells_whose_contact_it_is() -> None:
    support = {
        "soporte": {"correo": "soporte.plataforma@interior.example", "telefono": "+34 91 537 21 00"}
    }
    assert _kinds(json.dumps(support), JSON) == frozenset()
    assert _kinds("Informatie: Servicecentrum P&O, +31 70 370 79 11 (werkdagen 9-17 uur).") == (
        frozenset()
    )
    assert _kinds("Bereitschaft Mo-Fr 8-16 Uhr: +49 30 1868 10") == frozenset()
    assert _kinds("Press enquiries: media.office@frontex.example.eu or +48 22 205 95 00.") == (
        frozenset()
    )
    # A mobile, or a person beside the number, stays a person's line.
    assert _kinds("Bereitschaft Mo-Fr 8-16 Uhr: +49 171 4839 2276") == {K.phone}
    assert K.phone in _kinds("Herr Karim Haddad, Mo-Fr 9-17 Uhr: +49 30 1868 10")
    # Fees are paid to an office; a refund is paid to someone else, whose account it is.
    refund = {"uitbetaling": {"iban": "NL31RABO0375220814", "ten_name_van": "aanvrager"}}
    assert _kinds(json.dumps({**refund, "behandelaar": "team.leges@ind.example.nl"}), JSON) == {
        K.iban
    }
    for line in (
        "Betaling via IBAN NL91 ABNA 0417 1643 00 t.n.v. Immigratie- en Naturalisatiedienst.",
        "Les frais de visa sont réglés sur le compte FR76 3000 6000 0112 3456 7890 189 du consulat.",
        "Fees: BE68 5390 0754 7034 (SPF Affaires étrangères).",
    ):
        assert _kinds(line) == frozenset(), line
    assert _kinds("Please refund the fee to my account DE89 3704 0044 0532 0130 00.") == {K.iban}
    fees = {
        "leges": {
            "iban": "NL31RABO0375220814",
            "ten_name_van": "Immigratie- en Naturalisatiedienst",
        }
    }
    assert _kinds(json.dumps(fees), JSON) == frozenset()


def test_links_labels_ages_and_page_breaks_are_read_by_their_structure() -> None:
    assert _kinds("https://ivf.example.nl/dossiers/NL-2026-0087/betrokkenen/4411") == {
        K.personal_url
    }
    for link in (
        "https://eur-lex.europa.eu/eli/reg/2019/1240/oj",
        "https://ivf.example.nl/api/v2/dossiers",
        "https://stats.example.eu/api/v2/reports/2026",
        "https://news.example.eu/news/2024/10/story",
    ):
        assert _kinds(link) == frozenset(), link
    visa = "Sofiane Hadjadj Mebarki, titular del visado Schengen número ESP009174836."
    assert K.document_number in _kinds(visa)
    assert _kinds("Reisepassnummer des Antragstellers: C4J7K2L9M") == {K.document_number}
    assert K.document_number in _kinds("Titolare della carta d'identità n. CA12345BC.")
    assert _kinds("reference,traveller,document\nREF-1,Ali Hassan,P1234567\n", CSV) == {
        K.document_number
    }
    assert _kinds("post,document,issued\nDakar,Visa C,1240\n", CSV) == frozenset()
    for line in (
        "Le passeur est un Guinéen de 34 ans, Mamadou Bah.",
        "Een man van 27 jaar, Tesfay Gebremariam, werd aangehouden.",
    ):
        assert _kinds(line) == {K.personal_name}, line
    assert _kinds("Of the 312 passengers, 40 were aged 18 to 25, Western Balkans route.") == (
        frozenset()
    )
    assert _kinds("Der Beschuldigte Omar K. (29) aus Syrien wurde festgenommen.") == {
        K.personal_name
    }
    assert _kinds("See Art. 3 (4) and Annex B. (12) of Regulation (EU) 2019/1240.") == frozenset()
    split = make_pdf([["Lagebericht Luftweg", "Nur für den"], ["Dienstgebrauch", "1. Lage"]])
    assert handling_markings(extract(split, PDF).units)


def _marked(content: str, media_type: str = PLAIN) -> bool:
    return bool(handling_markings(extract(content.encode(), media_type).units))


def test_a_marking_talked_about_in_its_sentence_or_under_a_heading_of_markings_passes() -> None:
    for text in (
        "Guidance\nThe handling code H3 means no dissemination to third parties.",
        "Il regolamento vieta di caricare documenti contrassegnati come riservati o a diffusione "
        "limitata.",
        "# Markings we do not accept\n\n- RESTRICTED\n- LAW ENFORCEMENT ONLY\n- H3\n",
    ):
        assert not _marked(text), text
    # A document naming its own marking, a label and a line of its own are marked.
    for text in (
        "Please note: this information is marked for police use only.",
        "Ce message est classifié Diffusion restreinte.",
        "Handling code: H2",
        "Analisi\nQuesta nota è riservata alle forze di polizia.",
        "# Report\n\n- RESTRICTED\n",
    ):
        assert _marked(text), text


def test_a_word_that_is_also_a_name_qualified_by_an_adjective_is_an_offices_mailbox() -> None:
    # `stella`, `aurora`, `france` are in the long lists of given names, and words too: beside
    # an adjective of relation they name an office, as `police.nationale@` does.
    for address in (
        "stella.nazionale@capitaneria.example.it",
        "aurora.internationale@ops.example.fr",
        "france.consulaire@diplomatie.example.fr",
    ):
        assert _kinds(f"Écrire à {address} pour toute question.\n") == frozenset(), address
    # Beside a surname's shape, or when the name is a common one, the mailbox stays a person's.
    for address in ("stella.marchetti@capitaneria.example.it", "sophie.sociale@ops.example.fr"):
        assert FindingKind.email in _kinds(f"Écrire à {address} pour toute question.\n"), address


def test_a_document_in_the_plural_is_a_kind_of_document_not_a_holders() -> None:
    # A nationality before documents in the plural qualifies the documents: no one holds them.
    for line in (
        "Forged Romanian ID cards of an older series were seized at the gate.",
        "Stolen Maltese passports turned up again in the second half of the year.",
        "Faux passeports maliens saisis à l'embarquement, série de 2019.",
        "Pasaportes Venezolanos falsificados detectados en tránsito.",
        "Valse Surinaamse paspoorten in omloop sinds september.",
    ):
        assert _kinds(line) == frozenset(), line
    # A name beside a document in the singular is still its holder's.
    assert _kinds("Andrei Popescu, passport holder, travelled via Vienna.") == {K.personal_name}
    assert _kinds("Léa Morel passeport saisi à Orly") == {K.personal_name}
    assert _kinds("Pieter de Wit paspoort ingenomen") == {K.personal_name}


def test_a_press_office_beside_its_number_and_mailbox_is_no_person() -> None:
    for line in (
        "Pressekontakt: Pressestelle BMF, presse@bmf.example.de, +49 30 18 682 3030",
        "Gabinete de Prensa: prensa@exteriores.example.es · +34 91 379 9700",
        "Ufficio Stampa: stampa@interno.example.it, +39 06 4651",
        "Contact presse : Service de presse, presse@interieur.example.fr, +33 1 49 27 49 27",
    ):
        assert _kinds(line) == frozenset(), line
    # A press office reads as an embassy does: a spokesperson is named in her function. A private
    # person to call beside it, on a mobile, stays a person.
    assert _kinds("Pressestelle BMF, Sprecherin Jana Wolff, +49 30 18 682 3030") == frozenset()
    assert _kinds("Pressestelle BMF, Rückfragen an Jana Wolff, mobil +49 171 4839 2276") == {
        K.phone,
        K.personal_name,
    }


def test_a_column_naming_the_service_holds_no_ones_name() -> None:
    # A service or authority column names an organisation, a country in its own accents too.
    table = (
        "service;fonction;telephone;courriel\n"
        "Air Sénégal;sûreté;+221 33 939 11 00;surete@airline.example.sn\n"
        "Préfecture de Police;accueil des étrangers;+33 1 53 71 53 71;accueil@pp.example.fr\n"
    )
    assert _kinds(table, CSV) == frozenset()
    # A name column stays a person's, with the same contacts.
    person = "nom;telephone\nAwa Ndiaye;+221 77 639 11 00\n"
    assert _kinds(person, CSV) == {K.phone, K.personal_name}
