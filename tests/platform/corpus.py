"""The scanner corpus: realistic clean and dirty platform documents in several languages and
formats. Clean documents carry what must pass (statistics, event dates, legal and report
references, flight numbers in aggregate, counts); each dirty one leaks the kinds it names."""

from __future__ import annotations

import json
from dataclasses import dataclass

from app.platform.extract import CSV, DOCX, JSON, MARKDOWN, PDF, PLAIN
from app.platform.text import FindingKind as K
from tests.platform.files import make_docx, make_pdf


@dataclass(frozen=True, slots=True)
class Doc:
    name: str
    media_type: str
    content: bytes
    kinds: frozenset[K]


RISK_EN = """Western Balkans Risk Analysis Network - Quarterly Report Q3 2024
Prepared under Regulation (EU) 2019/1240, Article 3(4)(b) and (c).
Reference: ILO-NET/WB/2024/0317. See also COM(2020) 609 and Decision 2005/687/EC.
1. Overview
Detections of irregular border crossings fell by 23% compared with Q2 2024 (4 512 against 5 861).
The main nationalities were Syrian (1 204), Afghan (987) and Turkish (612).
Flights from Istanbul (TK 1033, TK 1035) carried 12 480 passengers in September; 37 were refused entry.
The regional meeting of 14 October 2024 in Belgrade agreed on the next joint assessment.
2. Document fraud
Document fraud cases: 146 (of which 31 counterfeit visas and 18 fraudulently obtained passports).
The liaison officers' network reports 2 305 calls to the national hotline in the period.
3. Outlook
The network expects arrivals to remain stable until March 2025 (see the annex, table 2)."""

RISK_FR = """Réseau des officiers de liaison Immigration - Analyse des risques, Sahel 2024
Fondement : règlement (UE) 2019/1240, article 3, paragraphe 4, points b) et c).
Référence du rapport : OLI/SAHEL/2024/112 ; voir aussi la décision 2005/687/CE.
Les franchissements irréguliers détectés au Niger ont augmenté de 12 % (3 418 contre 3 052).
La réunion du réseau du 3 juin 2024 à Niamey a adopté le plan de travail 2025.
Vols Paris-Dakar (AF 718, AF 722) : 9 850 passagers en mai, dont 24 refus d'entrée.
Fraude documentaire : 57 cas signalés, dont 12 faux titres de séjour.
Appels au numéro vert national : 1 250 dans la période."""

MINUTES_DE = """Protokoll der Sitzung des regionalen ILO-Netzes Maghreb vom 12. März 2024
Teilnehmende: Delegationen von DE, FR, ES, IT, NL sowie die Kommission (COM) und Frontex.
TOP 1: Annahme der Tagesordnung. Die Tagesordnung wird angenommen.
TOP 2: Lagebild. Die Delegation ES berichtet über 2 140 Ankünfte auf der Westmittelmeerroute.
TOP 3: Verordnung (EU) 2019/1240, Artikel 9: Nutzung der Plattform; Beschluss 2005/687/EG.
TOP 4: Nächste Sitzung am 18. Juni 2024 in Rabat. Aktenzeichen ILO-MAG-2024-04.
Der Vorsitz schließt die Sitzung um 16:30 Uhr."""

MINUTES_NL = """Verslag van de vergadering van het ILO-netwerk Hoorn van Afrika, 5 februari 2024
Aanwezig: delegaties van NL, BE, DE, SE en de Commissie.
1. Vaststelling van de agenda. De agenda wordt vastgesteld.
2. Situatie: 1 870 aankomsten via de centrale route in januari (januari 2023: 1 420).
3. Verordening (EU) 2019/1240, artikel 3, lid 4; COM(2020) 609 over het pact.
4. Volgende vergadering: 22 april 2024 in Addis Abeba. Kenmerk ILO-HVA/2024/02."""

REPORT_ES = """Informe de la red de funcionarios de enlace de inmigración - Marruecos, primer semestre de 2024
Base jurídica: Reglamento (UE) 2019/1240, artículo 3, apartado 4, letras a) y c).
Referencia: OEI-MA/2024/045. Véase también la Decisión 2005/687/CE.
Llegadas por la ruta atlántica: 19 257 (un 14 % más que en 2023).
Vuelos Casablanca-Madrid (AT 970, IB 3301): 24 600 pasajeros en junio; 58 denegaciones de entrada.
La reunión de la red del 20 de mayo de 2024 en Rabat aprobó el programa de trabajo."""

REPORT_IT = """Rete degli ufficiali di collegamento incaricati dell'immigrazione - Tunisia, relazione 2024
Base giuridica: regolamento (UE) 2019/1240, articolo 3, paragrafo 4; decisione 2005/687/CE.
Riferimento: UCI-TN/2024/221.
Sbarchi registrati sulla rotta del Mediterraneo centrale: 21 563 (gennaio-giugno 2024).
La riunione della rete del 9 luglio 2024 a Tunisi ha approvato il piano d'azione.
Voli Tunisi-Roma (AZ 865, TU 752): 8 340 passeggeri in giugno; 19 respingimenti."""

STATS_CSV = """month,nationality,detections,refusals,asylum_applications
2024-01,Syria,1204,37,980
2024-01,Afghanistan,987,22,812
2024-02,Syria,1130,41,901
2024-02,Türkiye,612,15,233
2024-03,Afghanistan,1010,19,840
"""

FLIGHTS_CSV = """route;flight;passengers;refused_entry;year
IST-AMS;TK 1951;48210;112;2024
CMN-MAD;AT 970;31800;58;2024
DKR-CDG;AF 718;27450;41;2024
ALG-MRS;AH 1012;22120;35;2023
"""

AGE_CSV = """age_band,gender,unaccompanied_minors,arrivals
0-13,F,41,310
0-13,M,52,342
14-17,F,38,205
14-17,M,96,611
18-34,F,0,1240
"""

STATS_JSON = {
    "report": "Central Mediterranean flows, H1 2024",
    "legal_basis": "Regulation (EU) 2019/1240, Art. 3(4)(b)",
    "reference": "ILO-CM/2024/17",
    "period": {"from": "2024-01-01", "to": "2024-06-30"},
    "flows": [
        {"nationality": "TN", "arrivals": 8120, "returns": 1204},
        {"nationality": "EG", "arrivals": 5630, "returns": 310},
        {"nationality": "BD", "arrivals": 4410, "returns": 95},
    ],
    "meetings": ["2024-02-14", "2024-05-21"],
}

WORKPROG_MD = """# Work programme 2025 of the Steering Board

Adopted at the meeting of 27 November 2024 (Decision SB/2024/11), under Article 8(2)(a) of
Regulation (EU) 2019/1240.

## Priorities

1. Joint assessment of the Atlantic route (budget line 18.02.01; 250 000 EUR).
2. Training on fundamental rights for 120 liaison officers.
3. Review of COM(2020) 609 follow-up actions.

| Action | Lead | Deadline |
| --- | --- | --- |
| Atlantic route assessment | ES, PT | 30 June 2025 |
| Training cycle | Frontex | 31 December 2025 |
"""

ACTIVITY_DOCX_PARAGRAPHS = [
    "Activity report 2024 of the European network of immigration liaison officers",
    "Under Article 8(2)(c) of Regulation (EU) 2019/1240 the Board reports on the activities.",
    "In 2024, 172 liaison officers were deployed in 61 third countries (2023: 165 in 58).",
    "The networks held 38 meetings; the Board met on 12 March, 25 June and 27 November 2024.",
    "Reference documents: COM(2020) 609, Decision 2005/687/EC, SB/2024/11.",
]
ACTIVITY_TABLE = [
    ["Region", "Officers deployed", "Networks"],
    ["Western Balkans", "24", "3"],
    ["Sahel", "19", "2"],
    ["Horn of Africa", "15", "2"],
]

CLEAN_EXTRA = [
    "The joint operation ran from 1 April to 30 September 2024 at 14 border crossing points.",
    "Eurostat reports 1 129 800 first-time asylum applications in the EU in 2023.",
    "See the report 2024/ILO/778 and Council Regulation (EC) No 377/2004 (repealed).",
    "Passenger numbers on flight LH 1322 rose to 18 400 in August; 22 passports were found forged.",
    "Visa applications processed in Dakar: 42 150 in 2024; refusal rate 31%.",
    "Born in the camps after 2015: an estimated 12 000 children, according to UNHCR figures.",
    "The Ministry of Interior (tel. switchboard figures: 3 400 calls per week) expects more demand.",
    "Contact the network facilitator through the platform's messaging function.",
    "The network's page is https://home-affairs.ec.europa.eu/policies/migration-and-asylum_en.",
    "Regulation text: https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32019R1240",
    "Statistics (Table 3): 0-13 years: 1 204; 14-17 years: 2 310; total 3 514.",
    "Mr. President of the Board thanked the delegations; M. le Président clôt la séance.",
]

# Hard negatives: each looks like a kind of personal data and is not.
HARD_CLEAN = [
    "Specimen MRZ with broken check digits (training slide): L898902C30UTO7408125F1204151ZE184226B<<<<<11",
    "Account format example (checksum invalid): NL00 ABNA 0417 1643 00.",
    "Passport applications in 2024: 12 345 678 across the region; visa stickers issued: 1 204 553.",
    "Name of the network: Western Balkans Regional Network. Chair: the Netherlands delegation.",
    "Persons born after 1 January 2006 are counted as minors in table 4 (born: 2 310; adults: 9 870).",
    "The officers' telephone interviews (total 3 412) took place between 2 and 19 May 2024.",
    "Links: https://frontex.europa.eu/publications/risk-analysis-for-2024-2025-abc123/ and https://www.europol.europa.eu/publications-events",
    "Flights AF 718, KL 1234 and TK 1951 carried 120 345 passengers; 0 12 5 3 refusals per week.",
    "Case references 2023/ILO/00412, SB/2024/11, OJ L 198, 25.7.2019, p. 88, ISBN 978-92-95033-80-1.",
    "Décision du Conseil 2005/687/CE ; règlement (UE) n° 2019/1240 ; COM(2016) 468 final.",
    "Die Statistik enthält 2 140 Fälle (Az. 12-34/2024) und 0,8 % Ablehnungen.",
    "El informe n.º 45/2024 recoge 19 257 llegadas y 1 204 retornos.",
    "Dati aggiornati al 30.06.2024: 21 563 sbarchi, codice statistico 2024-TN-07.",
    "De telefonische helpdesk ontving 3 400 vragen; referentie 2024/HVA/0007.",
    "Article 3(4)(d) topics: criminal organisations; Mr. Chairman opened the meeting.",
    "The returnee flights (charter EU-JO-2024-17) departed on 12 March 2024 with 84 returnees.",
]

LEAKS: dict[K, list[str]] = {
    K.email: [
        "For questions write to jan.devries@minbuza.nl before Friday.",
        "Contact : marie.dupont@interieur.gouv.fr",
        "Ansprechpartner per E-Mail: k.schmidt(at)bmi.bund.de",
        "Correo electrónico: lucia.garcia@interior.es",
        "Per informazioni: g.rossi@interno.it",
    ],
    K.phone: [
        "The ILO can be reached on +31 70 348 6486 during office hours.",
        "Tél. : 01 42 68 53 00 (standard de l'ambassade, poste de l'officier).",
        "Mobil erreichbar unter 0151 23456789.",
        "Teléfono de contacto: 612 345 678.",
        "Chiamare il numero +39 06 4652 1234 per urgenze.",
        "GSM van de verbindingsofficier: 06-12345678.",
    ],
    K.mrz: [
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10",
        "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<",
        "Copie de la zone MRZ : L898902C36UTO7408122F1204159ZE184226B<<<<<10",
        "MRZ: 7408122F1204159UTO<<<<<<<<<<<6",
        "Seized document, MRZ line 2: L 8 9 8 9 0 2 C 3 6 UTO7408122F1204159ZE184226B<<<<<10",
    ],
    K.document_number: [
        "The passenger held passport no. NK4581203 issued in Kabul.",
        "Numéro de passeport : 19AB12345",
        "Reisepassnummer C01X00T47 wurde als gestohlen gemeldet.",
        "Paspoortnummer: NXC4R1J85",
        "Pasaporte n.º PAA123456, expedido en Rabat.",
        "Numero del visto: ITA0012345.",
        "DNI 12345678Z del solicitante.",
    ],
    K.iban: [
        "Payments were sent to IBAN NL91 ABNA 0417 1643 00.",
        "Virement sur le compte FR76 3000 6000 0112 3456 7890 189.",
        "Überweisung auf DE89 3704 0044 0532 0130 00 festgestellt.",
        "Cuenta: ES91 2100 0418 4502 0005 1332.",
        "Conto IT60 X054 2811 1010 0000 0123 456 usato dai trafficanti.",
    ],
    K.date_of_birth: [
        "The returnee (date of birth: 12.03.1987) was escorted.",
        "La personne, née le 3 mars 1990, a été entendue.",
        "Geburtsdatum: 01.02.1985",
        "Geboortedatum 14-07-1992 volgens het document.",
        "Fecha de nacimiento: 22/11/1979.",
        "Data di nascita: 5 maggio 1988.",
        "DOB 1995-06-30 per the airline manifest.",
    ],
    K.personal_name: [
        "Ahmed Karimi, born in Herat, was identified as the organiser.",
        "Mr Jansen explained the case of the family.",
        "Name: Youssef El Amrani",
        "M. Dupont a présenté le dossier de l'intéressé.",
        "Herr Becker leitet die Ermittlungen.",
        "Dhr. Van Dijk, Nederlandse nationaliteit, werd gehoord.",
        "Sra. Martínez, de nacionalidad marroquí, solicitó asilo.",
    ],
    K.personal_url: [
        "Details: https://ilonet.example.eu/v1/processing-records/7d9f3c2a-1b2c-4d5e-8f90-123456789abc",
        "Officer profile: /v1/officers/3f1e2d4c-5b6a-4789-9abc-def012345678",
        "Voir https://example.org/lookup?passport=NK4581203",
        "Profil: https://www.linkedin.com/in/jan-de-vries-12345/",
        "Case file: https://case.example.net/persons/883920117452/file",
    ],
}


# A leak that is also of another kind (a passport number inside a link is both).
ALSO: dict[str, tuple[K, ...]] = {
    "Voir https://example.org/lookup?passport=NK4581203": (K.document_number,),
}


def _text_docs() -> list[tuple[str, str, str]]:
    return [
        ("risk_en", PLAIN, RISK_EN),
        ("risk_fr", PLAIN, RISK_FR),
        ("minutes_de", MARKDOWN, MINUTES_DE),
        ("minutes_nl", PLAIN, MINUTES_NL),
        ("report_es", PLAIN, REPORT_ES),
        ("report_it", MARKDOWN, REPORT_IT),
        ("workprog_md", MARKDOWN, WORKPROG_MD),
    ]


def _encode(media_type: str, text: str) -> bytes:
    if media_type == PDF:
        lines = text.splitlines()
        return make_pdf([lines[i : i + 40] for i in range(0, len(lines), 40)] or [[""]])
    if media_type == DOCX:
        return make_docx(text.splitlines())
    return text.encode()


def build() -> list[Doc]:
    docs: list[Doc] = []
    bases = _text_docs()
    # Clean documents in their own format and as PDF and DOCX.
    for name, media, text in bases:
        docs.append(Doc(f"clean_{name}", media, text.encode(), frozenset()))
        docs.append(Doc(f"clean_{name}_pdf", PDF, _encode(PDF, text), frozenset()))
    docs += [
        Doc("clean_stats_csv", CSV, STATS_CSV.encode(), frozenset()),
        Doc("clean_flights_csv", CSV, FLIGHTS_CSV.encode(), frozenset()),
        Doc("clean_age_csv", CSV, AGE_CSV.encode(), frozenset()),
        Doc("clean_stats_json", JSON, json.dumps(STATS_JSON).encode(), frozenset()),
        Doc(
            "clean_activity_docx",
            DOCX,
            make_docx(ACTIVITY_DOCX_PARAGRAPHS, [ACTIVITY_TABLE]),
            frozenset(),
        ),
        Doc("clean_extra_txt", PLAIN, "\n".join(CLEAN_EXTRA).encode(), frozenset()),
        Doc("clean_extra_docx", DOCX, make_docx(CLEAN_EXTRA), frozenset()),
    ]
    for i, line in enumerate(HARD_CLEAN):
        name, media, base = bases[i % len(bases)]
        media = (PLAIN, PDF, DOCX, MARKDOWN)[i % 4]
        lines = base.splitlines()
        text = "\n".join([*lines[:3], line, *lines[3:]])
        docs.append(Doc(f"clean_hard_{i}_{name}", media, _encode(media, text), frozenset()))
    # Dirty documents: a leak inside a realistic base, rotating over bases and formats.
    formats = (PLAIN, PDF, DOCX, MARKDOWN)
    n = 0
    for kind, leaks in LEAKS.items():
        for leak in leaks:
            name, _, base = bases[n % len(bases)]
            media = formats[n % len(formats)]
            lines = base.splitlines()
            middle = len(lines) // 2
            text = "\n".join([*lines[:middle], leak, *lines[middle:]])
            expected = frozenset({kind, *ALSO.get(leak, ())})
            docs.append(Doc(f"dirty_{kind}_{n}_{name}", media, _encode(media, text), expected))
            n += 1
    # Tables that leak through their columns.
    docs += [
        Doc(
            "dirty_passenger_list_csv",
            CSV,
            b"Surname,Given names,Date of birth,Passport number\n"
            b"KARIMI,Ahmed,12/03/1987,NK4581203\nHOSSEINI,Sara,01/07/1992,P09812345\n",
            frozenset({K.personal_name, K.date_of_birth, K.document_number}),
        ),
        Doc(
            "dirty_contacts_json",
            JSON,
            json.dumps(
                {
                    "network": "Sahel",
                    "contact": {"email": "a.diallo@example.org", "phone": "+221 33 889 12 34"},
                }
            ).encode(),
            frozenset({K.email, K.phone}),
        ),
        Doc(
            "dirty_docx_table",
            DOCX,
            make_docx(
                ["Annex: persons intercepted"],
                [[["Name", "Nationality", "Passport no."], ["Omar Haddad", "SY", "N0012345"]]],
            ),
            frozenset({K.personal_name, K.document_number}),
        ),
    ]
    return docs


CORPUS: list[Doc] = build()
