"""ILO-9.3/ILO-9.1: how the scanner reads what labels a value (case styles, JSON paths, Markdown
columns), links a name to its attributes, reads markings across lines and past quotes, tells
institutions' contacts and public officials from private persons, and scores the development
part of the corpus kept as files."""

from __future__ import annotations

import json

from app.platform.extract import CSV, DOCX, JSON, MARKDOWN, PDF, PLAIN, extract
from app.platform.identity import has_name
from app.platform.markings import handling_markings
from app.platform.scanner import kinds, scan
from app.platform.text import FindingKind, Location, TextUnit
from tests.platform.files import make_docx, make_pdf
from tests.platform.shelf import load

K = FindingKind


def _kinds(content: bytes | str, media_type: str = PLAIN) -> frozenset[FindingKind]:
    data = content.encode() if isinstance(content, str) else content
    return kinds(scan(extract(data, media_type).units))


def _marked(content: bytes | str, media_type: str = PLAIN) -> bool:
    data = content.encode() if isinstance(content, str) else content
    return bool(handling_markings(extract(data, media_type).units))


def test_labels_are_read_in_any_case_style() -> None:
    for header in ("date_of_birth", "dateOfBirth", "DATE_OF_BIRTH", "Date of birth"):
        assert _kinds(f"{header}\n1990-03-12\n", CSV) == {K.date_of_birth}, header
    assert _kinds("nom_famille;num_passeport\nTRAORE;B7755123\n", CSV) == {
        K.personal_name,
        K.document_number,
    }
    assert _kinds("reference_number,count\nILO-2025-0012,14\n", CSV) == frozenset()


def test_a_json_value_is_labelled_by_its_path_of_keys() -> None:
    doc = {"traveller": {"full_name": "Grace Okafor", "birth": {"date": "1991-04-17"}}}
    findings = scan(extract(json.dumps(doc).encode(), JSON).units)
    assert {(f.kind, f.location.pointer) for f in findings} == {
        (K.personal_name, "/traveller/full_name"),
        (K.date_of_birth, "/traveller/birth/date"),
    }
    assert _kinds(json.dumps({"passport": {"number": "P4839201"}}), JSON) == {K.document_number}
    clean = {
        "organisation": {"name": "Koninklijke Marechaussee"},
        "meeting": {"date": "2025-04-04"},
    }
    assert _kinds(json.dumps(clean), JSON) == frozenset()


def test_a_document_label_may_name_its_number_apart_in_any_language() -> None:
    for doc in (
        {"persoon": {"paspoort": {"nummer": "NX12345K6"}}},
        {"persona": {"documento": {"numero": "XDA123456"}}},
        {"person": {"reisepass": {"nummer": "C01X00T47"}}},
    ):
        assert _kinds(json.dumps(doc), JSON) == {K.document_number}, doc
    assert _kinds("paspoortNummer,land\nNX12345K6,NL\n", CSV) == {K.document_number}
    assert _kinds(json.dumps({"reisepass": {"land": "DEU", "seiten": "C01X00T47"}}), JSON) == (
        frozenset()
    )


def test_a_markdown_table_cell_is_read_under_its_column() -> None:
    table = "| Name | Nationality | Age |\n|---|---|---|\n| Hamid Sultani | Afghan | 22 |\n"
    findings = scan(extract(table.encode(), MARKDOWN).units)
    assert [(f.kind, f.location.describe()) for f in findings] == [(K.personal_name, "line 3")]
    stats = "| Route | 2024 | 2025 |\n|---|---|---|\n| Western Balkans | 1 204 | 988 |\n"
    assert _kinds(stats, MARKDOWN) == frozenset()


def test_a_name_is_linked_to_its_attribute_across_ages_initials_and_aliases() -> None:
    for line in (
        "Chukwuma Eze, 27, a Nigerian national, paid for the crossing.",
        'Karim M. (aka "the Doctor"), date of birth 12.07.1982, runs the boats.',
        "Petrov, Ivan A., 41 Jahre, wohnhaft in Sofia.",
        "Moussa Cissé, 24 ans, de nationalité malienne.",
        "Ahmed B., alias «El Tunecino», 29 años, de nacionalidad tunecina.",
        "Samir (aka 'Doc') Haddad, 41, an Algerian national, was arrested.",
        "The facilitator, a 34-year-old Eritrean man named Tesfay Gebremariam, was arrested.",
        "Il cittadino tunisino Mohamed Ben Salah, di anni 27, è stato fermato.",
        "Interviewee: Amadou Kane. Age: 29. Nationality: Malian.",
    ):
        assert K.personal_name in _kinds(line), line
    assert _kinds("Payments went to NL91 ABNA 0417 1643 00 held by R. Bakker.") == {
        K.iban,
        K.personal_name,
    }


def test_public_officials_named_in_their_function_pass() -> None:
    for line in (
        "The Executive Director of Frontex, Hans Leijtens, presented 4 512 detections.",
        "Le ministre de l'Intérieur, Bruno Retailleau, a reçu 40 officiers le 12 février 2025.",
        "Staatssecretaris Nicolien van Vroonhoven opende op 10 maart 2025 de conferentie.",
        "Mr García (ES) presented the figures; Ms Jansen (NL) added the Dutch ones.",
        "Frau Dr. Weber (BMI) eröffnete die Sitzung.",
        "La Sra. Martínez, de la Comisaría General, presentó el informe.",
    ):
        assert _kinds(line) == frozenset(), line


def test_markings_are_read_across_a_line_break_and_in_the_languages() -> None:
    split = make_pdf([["Annex 2", "FOR OFFICIAL USE", "ONLY", "Deployment plan"]])
    marks = handling_markings(extract(split, PDF).units)
    assert [m.describe() for m in marks] == ["classification marking at page 1, line 2"]
    assert _marked(make_pdf([["VS – NUR FÜR DEN", "DIENSTGEBRAUCH", "Einsatzplan"]]), PDF)
    for text in (
        "DIFFUSION RESTREINTE",
        "À USAGE EXCLUSIF DES SERVICES DE POLICE",
        "Réservé à la police",
        "Difusión limitada",
        "Riservato",
        "Departementaal vertrouwelijk",
        "Uitsluitend voor politiegebruik",
        "For police use only",
        "EU RESTRICTED",
    ):
        assert _marked(text), text
    docx = make_docx(["Nota"], header=["RISERVATO – AD USO ESCLUSIVO DELLE FORZE DI POLIZIA"])
    assert _marked(docx, DOCX)


def test_quoted_markings_and_guidance_pass_but_a_prefixed_marking_does_not() -> None:
    assert not _marked('Examples: "RESTRICTED", "LIMITE" or "Law enforcement sensitive".')
    assert not _marked(
        "Beispiele: „VS – Nur für den Dienstgebrauch“, „Nur für polizeiliche Zwecke“."
    )
    assert not _marked(
        "Operational law enforcement information, such as planned arrests, stays in police "
        "channels."
    )
    assert _marked("For example:\nRESTRICTED - LAW ENFORCEMENT ONLY\nControls at Patras.")
    assert _marked("Bijvoorbeeld:\nDEPARTEMENTAAL VERTROUWELIJK\nPlanning Schiphol.")


def test_institutions_contacts_are_not_personal_data() -> None:
    contacts = (
        "service,mailbox,switchboard\n"
        "DG HOME,HOME-ILO-NETWORK@ec.europa.eu,+32 2 299 11 11\n"
        "BAMF,info@bamf.bund.de,+49 911 943-0\n"
        "Interior,oficina.enlace@interior.es,+34 91 537 10 00\n"
    )
    assert _kinds(contacts, CSV) == frozenset()
    assert _kinds("Write to jean-marc.lefebvre@interieur.gouv.fr") == {K.email}
    assert _kinds("mail jan@example.org") == {K.email}
    assert _kinds("Tél. : 01 42 68 53 00 (standard de l'ambassade, poste de l'officier).") == {
        K.phone
    }
    treasury = "Fees to the Federal Treasury (Bundeskasse), IBAN DE89 3704 0044 0532 0130 00."
    assert _kinds(treasury) == frozenset()


def test_functional_mailboxes_information_lines_and_authorities_accounts_pass() -> None:
    for address in (
        "grenzpolizei.lagedienst2@bundespolizei.example",  # a compound, numbered
        "visa.section.lagos@mfa.example",  # function words beside a place
        "consular.info.ankara@mfa.example",
    ):
        assert _kinds(f"Contact: {address}") == frozenset(), address
    assert _kinds("Functional mailbox: kbl-tur@mission.example") == frozenset()
    assert _kinds("office,functional mailbox\nMission Kabul,kbl-tur@mission.example\n", CSV) == (
        frozenset()
    )
    assert _kinds("Not the functional mailbox but mine: ali.kaya@mission.example") == {K.email}
    assert _kinds("Functional mailboxes are listed in the annex.\nali.kaya@mission.example") == {
        K.email
    }
    # A given name beside a function word stays a person's address, and so does a name ending
    # like one (`basile`, `asile`).
    assert _kinds("Write to m.basile@interieur.example") == {K.email}
    assert _kinds("Write to maria.schneider.presse@bund.example") == {K.email}
    assert _kinds("Helpline of the immigration service: 0800 023 4567 (free of charge)") == (
        frozenset()
    )
    assert _kinds("Bereitschaftsdienst der Bundespolizei: +49 331 97997 0") == frozenset()
    iban = "IBAN FR14 2004 1010 0505 0001 3M02 606"
    assert _kinds(f"Titulaire du compte : Régie de l'ambassade de France\n{iban}") == frozenset()
    assert K.iban in _kinds(f"Titulaire du compte : M. Karim Benali\n{iban}")


def test_offices_named_in_the_six_languages_pass_and_persons_beside_them_do_not() -> None:
    for address in (
        "delegation-mauritania@eeas.example",  # a function word beside a country
        "agence-consulaire.saint-louis@diplomatie.example",  # a place named like a person
        "ddsp31-commissariat@interieur.example",
        "dpaf-cdg-bmr@interieur.example",  # acronyms only
        "consejeria.rabat@interior.example",
        "protocollo.prefag@pec.interno.example",
        "leges@ind.example",
        "dakar@diplobel.example",  # a post's city
        "cgi.casablanca@esteri.example",  # a post's city and its code
    ):
        assert _kinds(f"Contact: {address}") == frozenset(), address
    assert _kinds("Contact: jean.dupont@interieur.example") == {K.email}
    assert _kinds("Contact: ahmed.dakar@mail.example") == {K.email}
    for line in (
        "Bürgerservice: +49 30 18681-0",  # extension 0: the switchboard
        "Telefon +49 30 18681-0",
        "Call +31 88 043 04 30",  # a universal-access number
        "IND-telefoonnummer 088 043 04 30",
        "Vragen: telefoon (receptie) 055 539 20 00",
        "Reperibilità: 0922 483 333 (h24)",
        "Segreteria: protocollo.prefag@pec.interno.it, centralino 0922 483 111",
    ):
        assert _kinds(line) == frozenset(), line
    assert _kinds("Mobile: +32 470 12 34 56 (24/7)") == {K.phone}
    assert _kinds("Centralino 0922 483 111, interno 245") == {K.phone}
    directory = (
        "naam;algemeen_nummer\nConsulaat-generaal;+1 721 542 2321\n"
        "Grenspost Den Helder;070 779 75 00\nSección Consular;+234 9 461 2590\n"
    )
    assert _kinds(directory, CSV) == frozenset()
    offices = {"dienststellen": [{"name": "Kaiser-Wilhelm-Koog, Küstenwache Nord"}]}
    assert _kinds(json.dumps(offices), JSON) == frozenset()
    assert _kinds(json.dumps({"name": "Konrad Wiesenthal", "telefon": "+49 170 1234567"}), JSON)
    for line in (
        "Tel. Botschaft: +49 30 5000 0",  # the number named as an office's
        "Teléfono de la Embajada: +34 91 379 97 00",
        "Frontex Liaison Office Dakar: flo.dakar@frontex.example, +221 33 869 20 00",
        "Aéroport Blaise Diagne, tél. +221 33 939 51 00",  # a line opening with the office
        "Numéro d'urgence consulaire : +221 77 638 12 34",
        "Gebühren an die Botschaft: IBAN DE89 3704 0044 0532 0130 00",
        "Document number: FRX-2026-0042 (minutes)",  # a file's reference with its year
        "L'ufficio è nato il 4 aprile 2005 a Roma.",  # an office's foundation
    ):
        assert _kinds(line) == frozenset(), line
    assert _kinds("Embassy contact: Jan de Vries, +31 70 348 6486") == {K.phone, K.personal_name}
    assert _kinds("Police, Karim Haddad, +32 470 12 34 56") == {K.phone, K.personal_name}
    assert _kinds("Le bureau a reçu M. Ali Diallo, né le 4 mai 1990.") == {
        K.date_of_birth,
        K.personal_name,
    }
    assert not _marked('Beispiele:\n  • „VS – NUR FÜR DEN DIENSTGEBRAUCH" (VS-NfD)\n')
    assert _marked("Beispiele:\nVS-NfD\n")


def test_markings_talked_about_pass_and_a_document_naming_its_own_does_not() -> None:
    table = "| Mention | Sens |\n|---|---|\n| DIFFUSION RESTREINTE | ne pas diffuser |\n"
    assert not _marked(table, MARKDOWN)
    assert not _marked("caso,marca,accion\n1,DIFUSIÓN LIMITADA,no subir\n", CSV)
    assert not _marked("Les documents portant la mention DIFFUSION RESTREINTE restent hors ligne.")
    assert not _marked("La date limite est fixée.\nLimite\n")
    assert _marked("Ce document porte la mention DIFFUSION RESTREINTE.")
    assert _marked("Mention : DIFFUSION RESTREINTE")
    assert _marked("LIMITE")


def test_markings_split_in_prose_joined_headings_and_cited_columns() -> None:
    for prose, name in (
        (
            "The annexed list of facilitators is reserved to the liaison officers and is NOT TO "
            "BE\nDISSEMINATED beyond those who received it from the regional office.\n",
            "no dissemination",
        ),
        (
            "Please find the report of the joint operation. Its content is for law\nenforcement "
            "use only and must stay in police channels of the participating states.\n",
            "law enforcement only",
        ),
    ):
        marks = handling_markings(extract(prose.encode(), PLAIN).units)
        assert [m.describe() for m in marks] == [f"{name} marking at line 1"]
    for text in (
        "CONFIDENTIEL / DIFFUSION RESTREINTE",
        "Uso exclusivo de la Policía",
        "Documento ad uso interno - uso esclusivo della polizia",
        "Uitsluitend bestemd voor de politie",
        "Not for further distribution",
    ):
        assert _marked(text), text
    cited = json.dumps({"examples": [{"exampleMarking": "EU RESTRICTED", "language": "en"}]})
    assert not _marked(cited, JSON)
    table = "| Beispiel | Sprache |\n|---|---|\n| VS-NfD | de |\n| Riservato | it |\n"
    assert not _marked(table, MARKDOWN)
    assert _marked("| Kennzeichnung | Sprache |\n|---|---|\n| VS-NfD | de |\n", MARKDOWN)
    assert _marked("Per esempio:\n\nUSO ESCLUSIVO DELLE FORZE DI POLIZIA\nNota 12/2026\n")


def test_links_with_person_slugs_and_api_paths() -> None:
    for url in (
        "https://www.facebook.com/john.mensah.5243",
        "https://x.com/ahmed_visas_eu",
        "https://news.example.org/people/some-slug",
        "https://www.example-times.co.uk/news/mohammed-al-rashid-jailed-for-smuggling",
        "https://x.example/v1/officers/42",
        "https://intranet.example/staff/some-slug",
        "https://www.nieuws.example/artikel/jan-de-vries-veroordeeld",
    ):
        assert _kinds(url) == {K.personal_url}, url
    for text in (
        "GET /v1/officers lists officers; GET /v1/networks/{id}/members the members.",
        "https://x.com/Frontex",
        "https://frontex.europa.eu/what-we-do/monitoring-and-risk-analysis/",
    ):
        assert _kinds(text) == frozenset(), text


def test_national_identifiers_with_their_check() -> None:
    assert _kinds("DNI 12345678Z") >= {K.document_number}
    assert _kinds("X1234567L") == {K.document_number}
    assert _kinds("RSSGPP80A01H501Y") == {K.document_number}
    assert _kinds("RSSGPP80A01H501A") == frozenset()
    assert _kinds("12345678A") == frozenset()
    assert _kinds("Tazkira no. 1400-0512-34567") == {K.document_number}
    assert _kinds("Tazkira holders: 12 000 in 2024") == frozenset()


def test_findings_and_markings_name_no_value() -> None:
    units = [TextUnit("Passenger: Ahmad Rahimi, passport P4839201", Location(line=4))]
    described = [f.describe() for f in scan(units)]
    assert described
    assert all("Rahimi" not in d and "P4839201" not in d for d in described)
    marked = handling_markings([TextUnit("RESTRICTED", Location(line=1))])
    assert [m.describe() for m in marked] == ["classification marking at line 1"]


def test_the_development_part_of_the_corpus() -> None:
    docs = load("dev")
    assert len(docs) >= 40
    assert len({d.language for d in docs}) == 6
    wrong = [
        d.name
        for d in docs
        if d.person != "bare"
        and (bool(scan(u := extract(d.content, d.media_type).units)) or bool(handling_markings(u)))
        != d.refuse
    ]
    assert wrong == []


def test_an_institutions_contacts_in_its_own_record_pass_and_a_persons_do_not() -> None:
    fees = (
        "sede;ufficio;intestatario;iban;casella;centralino\n"
        "Tunisi;Ufficio Visti;Ambasciata d'Italia a Tunisi;IT60 X054 2811 1010 0000 0123 456;"
        "visti.tunisi@esteri.example;+216 71 32 18 11\n"
    )
    assert _kinds(fees, CSV) == frozenset()
    person = "afdeling,e-mail,telefoon\nConsulaire afdeling Rabat,p.jansen@minbuza.example,+31 6 2384 1907\n"
    assert _kinds(person, CSV) == {K.email, K.phone}
    named = "post;naam;telefoon\nAmbassade Rabat;Pieter Jansen;+212 537 21 96 00\n"
    assert K.personal_name in _kinds(named, CSV)
    office = {"naam": "Ambassade te Dhaka", "contact": {"telefoon": "+880 2 5504 4290"}}
    assert _kinds(json.dumps(office), JSON) == frozenset()
    speakers = "name,function\nHans Leijtens,Executive Director of Frontex\n"
    assert _kinds(speakers, CSV) == frozenset()
    quest = {"ufficio": "Questura di Agrigento", "pec": "immig.quest.ag@pec.example"}
    assert _kinds(json.dumps(quest), JSON) == frozenset()
    typed = {"documents": [{"type": "Passport", "number": "A31928475"}]}
    assert _kinds(json.dumps(typed), JSON) == {K.document_number}


def test_offices_named_on_their_line_streets_and_references_pass() -> None:
    for line in (
        "Queen Rania Street 14, Amman — Embassy of the Netherlands, tel. +962 6 590 2200.",
        "Avenue Cheikh Anta Diop, Dakar (Université Cheikh Anta Diop), Ambassade : +221 33 839 51 00.",
        "- EUAA Information and Analysis Sector: ias@euaa.europa.example",
        "Neue Dienstposten in Lagos (Haushaltstitel 0625 532 01).",
        "Vragen: ilonet-servicedesk@minbuza.example.",
        "Calle Julián González Segador s/n, 28043 Madrid (Comisaría General), tel. 91 322 68 00.",
        "Ambassade van het Koninkrijk der Nederlanden, Dakar; T +221 33 849 03 60; dak@mfa.example",
        "I diritti si versano sul conto dell'Ambasciata: IT60 X054 2811 1010 0000 0123 456.",
    ):
        assert _kinds(line) == frozenset(), line
    assert _kinds("The ILO can be reached on +31 70 348 6486 during office hours.") == {K.phone}
    assert _kinds("Contact Anna Maria Rossi: amr.legal@mfa.example") == {K.email}


def test_markings_quoted_over_a_line_break_listed_as_examples_or_declared() -> None:
    assert not _marked('Diciture ricorrenti: "USO ESCLUSIVO DELLE FORZE DI\nPOLIZIA", "RISERVATO".')
    assert not _marked("par exemple « Diffusion\nrestreinte » ou « Restreint UE ».")
    assert not _marked("Marking examples (do not upload them):\n- RESTREINT UE\n- EU RESTRICTED\n")
    assert not _marked("Handling codes:\nH1 - not to be disseminated\nH2 - law enforcement only\n")
    assert not _marked("Ejemplos de marcas: Difusión limitada; Reservado; Confidencial.")
    assert not _marked("Les mentions DIFFUSION RESTREINTE et SECRET sont interdites.")
    assert _marked("Note 2026/31\nDocument classifié RESTREINT\nUE - à ne pas transmettre\n")
    assert _marked("Classification: EU RESTRICTED")


def test_an_officer_word_inside_an_address_or_opening_a_compound_names_no_one() -> None:
    # A fixed line beside a functional mailbox is the office's; the network's name in the
    # mailbox's domain or in a compound (`ILO-Netz`) is no officer whose line it could be.
    for line in (
        "Helpdesk: support@ilo-net.example, +32 2 555 01 23 (weekdays 9-17 hrs).",
        "Questions: the ILO-Netz coordination desk, netz-koordination@bmi.bund.example or "
        "+49 30 18681 2300.",
    ):
        assert _kinds(line) == frozenset(), line
    assert _kinds("Call the ILO on +32 2 555 01 23 (weekdays 9-17 hrs).") == {K.phone}


def test_der_alone_is_an_article_not_a_surnames_particle() -> None:
    assert not has_name("Telefon der Personalstelle")
    assert has_name("Ursula von der Leyen")
    assert has_name("Jan van der Berg")
    assert _kinds("Rückfragen: Telefon der Vermittlung +49 30 18681 0 (Mo-Fr 8-16 Uhr).") == set()
    assert _kinds("Rückfragen: Anna von der Heide, +49 30 18681 2300.") == {
        K.personal_name,
        K.phone,
    }


def test_a_building_named_after_a_person_and_a_venues_name_are_no_ones() -> None:
    venue = {"venue": {"name": "Prince Albert Palace Hotel", "room": "Salle Mandela"}}
    assert _kinds(json.dumps(venue), JSON) == frozenset()
    assert _kinds(json.dumps({"lieu": {"nom": "Hôtel Marie Curie"}}), JSON) == frozenset()
    speaker = {"speaker": {"name": "Albert Mensah", "phone": "+233 24 412 3456"}}
    assert _kinds(json.dumps(speaker), JSON) == {K.personal_name, K.phone}


def test_a_key_drops_a_labels_little_words_and_its_abbreviations_dots() -> None:
    assert _kinds("vol,num_titre_sejour\nAF123,T84736251\n", CSV) == {K.document_number}
    assert _kinds("ufficio,permesso_soggiorno\nQuestura di Bari,J12345678\n", CSV) == {
        K.document_number
    }
    assert _kinds("carte_identite,pays\n110912345678,FR\n", CSV) == {K.document_number}
    for table in (
        "nombre,f_nac\nLucía Ortega Ruiz,03/04/1988\n",
        "name,geb_dat\nJonas Weber,03.04.1988\n",
    ):
        assert _kinds(table, CSV) == {K.date_of_birth, K.personal_name}, table
    for key in ("permis_sejour", "numero_documento_identidad", "nr_paspoort"):
        assert _kinds(f"{key}\nT84736251\n", CSV) == {K.document_number}, key
    for key in ("fec_nac", "dt_nascita", "gebdat", "birth_dt", "datum_geboorte"):
        assert _kinds(f"naam,{key}\nJonas Weber,03.04.1988\n", CSV) == {
            K.date_of_birth,
            K.personal_name,
        }, key
    assert _kinds("Fec. nac.: 03/04/1988") == {K.date_of_birth}
    assert _kinds("ref_fiche,num_vol\nFE-2026-311,AF1234\n", CSV) == frozenset()
    assert _kinds("dt_rilascio,data_arrivo\n03/04/1988,05/06/2026\n", CSV) == frozenset()
    assert _kinds("date_debut,f_fin\n2026-01-01,03/04/1988\n", CSV) == frozenset()


def test_a_relative_path_is_read_as_a_link() -> None:
    assert _kinds("Links: /api/v2/cases/2026-114/persons/amina-diallo-kone") == {K.personal_url}
    assert _kinds('{"self": "/api/v3/dossiers/NL-2026-0087/betrokkenen/4411"}', JSON) == {
        K.personal_url
    }
    assert _kinds("Links: /api/v2/persons and /reports/2026/annual-summary") == frozenset()
    assert _kinds("Regulation (EU) 2019/1240; and/or 12/05/2026; OLI/SAHEL/2024/112") == set()


def test_a_name_is_the_subject_of_its_attributes_after_an_apposition() -> None:
    for line in (
        'Omar T., alias "the Tailor", was: 41 years old, an Egyptian national.',
        'Sanne V., bijgenaamd "de Bakker", is: 52 jaar, woonachtig in Utrecht.',
        "Ivo Maras, 52 jaar, woonachtig in Split.",
    ):
        assert K.personal_name in _kinds(line), line
    assert _kinds("Die Sitzung ist 34 Jahre alt.") == frozenset()


def test_a_mailbox_with_a_member_states_given_name_is_a_persons() -> None:
    # Given names read from a first-name dictionary (app/platform/given_names.py), not written
    # for a document: the names of the Member States' people beyond the hand-written lists.
    assert _kinds("Écrire à ghislaine.fevre@interieur.example pour les visas.") == {K.email}
    assert _kinds("Schreiben Sie an lieselotte.brandt@bmi.example.") == {K.email}
    assert _kinds("Écrire à sous-direction.visas@interieur.example.") == frozenset()


def test_a_value_in_bold_or_as_code_is_read_as_the_value() -> None:
    # Markdown's emphasis marks stand between a name and its attribute, not in the value.
    assert _kinds(
        "The traveller **Lucia Ferrante**, born on\n**14.02.1988** in Bari.", MARKDOWN
    ) >= {
        K.personal_name,
        K.date_of_birth,
    }
    assert _kinds("Der Reisende *Jonas Wendler*, geboren am 03.07.1979.\n", MARKDOWN) >= {
        K.personal_name
    }
    assert K.document_number in _kinds("Il passaporto n. `KR7731904` era intestato ad altri.\n")
    # Bold counts and an asterisk between digits stay what they are.
    assert _kinds("**Refusals:** 57 (**14** document fraud, 5*3 checks)\n", MARKDOWN) == frozenset()


def test_an_attribute_is_a_word_of_its_own_not_the_end_of_a_longer_one() -> None:
    # `Aufenthaltstitel` ends in `tel`, `Ausweispapiere` holds `ausweis` as a compound's head:
    # two capitalised German nouns before them name no one.
    assert (
        _kinds("Gefälschte Aufenthaltstitel (21 Fälle) und echte Pässe (4 Fälle)\n") == frozenset()
    )
    assert _kinds("Neue Modelltitel (3 Fälle) wurden gemeldet.\n") == frozenset()
    # A name before a telephone label of its own is still one.
    assert K.personal_name in _kinds("Contact: Lotte Verbeek, tel. +31 6 4120 7789\n")


def test_a_name_and_its_initial_are_the_subject_of_a_copula_without_a_comma() -> None:
    assert K.personal_name in _kinds("Yassine T. est de nationalité marocaine.\n")
    assert K.personal_name in _kinds("Dragan M. ist 41 Jahre alt und serbischer Staatsbürger.\n")
    # Two capitalised words alone before the verb are no name (German nouns).
    assert _kinds("Die Sitzung ist 34 Jahre nach der ersten geplant.\n") == frozenset()


def test_a_cell_under_a_function_or_unit_label_is_no_persons_name() -> None:
    office = {
        "contacts": [
            {
                "name": "Federal Migration Service",
                "function": "Cellule Fraude Documentaire",
                "email": "fraude.doc@fms.example.eu",
                "phone": "+32 2 517 44 00",
            },
            {
                "naam": "Dienst Grensbewaking",
                "eenheid": "Sectie Identiteitsfraude",
                "telefoon": "+32 2 517 45 00",
            },
        ]
    }
    assert _kinds(json.dumps(office), JSON) == frozenset()
    # A person's name under a name label in the same shape of record stays one.
    person = {
        "contacts": [
            {
                "name": "Federal Migration Service",
                "contact_person": "Ruth Maes",
                "function": "Desk Identity",
                "phone": "+32 470 12 34 56",
            }
        ]
    }
    assert K.phone in _kinds(json.dumps(person), JSON)


def test_the_unions_letters_may_qualify_any_level_in_any_language() -> None:
    for line in ("RESTRINGIDO UE / EU RESTRICTED", "RISERVATO UE", "UE CONFIDENCIAL", "SEGRETO UE"):
        header = make_docx(["Informe de situación"], [], header=[line])
        assert _marked(header, DOCX), line
        assert _marked(f"{line}\nNota de situación\n"), line
    # The level word inside a sentence is guidance, not a marking.
    assert not _marked("El acceso restringido UE se aplica a las salas de reunión.\n")


def test_the_markings_noun_names_the_kinds_it_is_followed_by() -> None:
    guidance = (
        "Before uploading, check that the document holds no:\n"
        "- personal data (names with dates of birth);\n"
        "- markings of classification or of no dissemination.\n"
    )
    assert not _marked(guidance, MARKDOWN)
    assert not _marked("Non caricare documenti con diciture di diffusione limitata.\n")
    # After the noun and a colon, this document's own marking stands.
    assert _marked("Markings: not to be disseminated\n")
    assert _marked("Diciture: diffusione limitata\n")


def test_a_two_column_table_of_labels_and_values_is_one_record() -> None:
    """A DOCX table whose first column labels the second has no header row: each value is read
    under its own row's label, and the rows are one record (the account holder on one row
    speaks for the account on the next)."""
    office = make_docx(
        ["Payment of consular fees by bank transfer only."],
        [
            [
                ["Account holder", "Consulate General of Ruritania - Fees"],
                ["IBAN", "GB82 WEST 1234 5698 7654 32"],
                ["BIC", "WESTGB2L"],
            ]
        ],
    )
    assert _kinds(office, DOCX) == frozenset()
    person = make_docx(
        ["Refund of the fee."],
        [[["Account holder", "Marta Kowalczyk"], ["IBAN", "GB82 WEST 1234 5698 7654 32"]]],
    )
    assert K.iban in _kinds(person, DOCX)
    # Read by its first row as a header, the table's labels would be lost: under its own row's
    # label, a value is a birth date.
    traveller = make_docx(
        ["Case summary"],
        [[["Surname", "Okonkwo"], ["Given names", "Chidi Emeka"], ["Born", "14.03.1991"]]],
    )
    assert {K.date_of_birth, K.personal_name} <= _kinds(traveller, DOCX)


def test_a_document_number_may_follow_a_preposition_and_its_number_word() -> None:
    for line in (
        "Der Reisende legte einen Reisepass mit der Nummer C7F4K2M91 vor.",
        "De passagier reisde op een paspoort met nummer NW8K31P27.",
        "Elle présentait un passeport avec le numéro 22XK51873.",
        "Viajaba con un pasaporte con el número XDA418273.",
        "He showed a passport with number 581934027.",
    ):
        assert K.document_number in _kinds(line), line
    # Without the number word, the preposition joins nothing (`met 2026 …`: a year, no number).
    assert _kinds("Paspoorten met nummers uit de reeks 2026 worden vervangen.") == frozenset()
    assert _kinds("Visa applications with numbers up 12 % in 2026.") == frozenset()


def test_a_telephone_labels_number_may_follow_the_colon_after_its_qualifiers() -> None:
    # The label qualified by whose line it is, the number after the colon that ends it.
    assert K.phone in _kinds("Handy privat der diensthabenden Kollegin: 0151 2345 6789")
    assert K.phone in _kinds("cellulare privato del funzionario di turno: 347 123 4567")
    # A colon with no number after it, or a number of no valid format, is none.
    assert _kinds("Cellulare di servizio: chiedere al centralino, turni 2026-12-01.") == frozenset()


def test_an_organisation_named_as_its_contact_objects_domain_is_no_person() -> None:
    carriers = {
        "carriers": [
            {
                "name": "Zephyr Air",
                "contact": {"email": "ops@zephyrair.example.com", "phone": "+44 20 7946 0958"},
            }
        ]
    }
    assert K.personal_name not in _kinds(json.dumps(carriers), JSON)
    # A person's name beside a mailbox on a domain that does not spell it stays a name.
    people = {
        "travellers": [
            {
                "name": "Zofia Nowak",
                "contact": {"email": "ops@zephyrair.example.com", "phone": "+44 7700 900123"},
            }
        ]
    }
    assert K.personal_name in _kinds(json.dumps(people), JSON)
