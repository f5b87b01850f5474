"""Regular expressions shared by the scanners: dates, person-name tokens and the words that are
never part of a person's name (document, institution and geography words)."""

from __future__ import annotations

import functools
import re
import unicodedata

MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|"
    "janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[uû]t|septembre|octobre|novembre|"
    "d[ée]cembre|januar|j[äa]nner|februar|m[äa]rz|maerz|juni|juli|oktober|dezember|"
    "januari|februari|maart|mei|augustus|enero|febrero|marzo|abril|mayo|junio|julio|agosto|"
    "septiembre|setiembre|octubre|noviembre|diciembre|gennaio|febbraio|aprile|maggio|giugno|"
    "luglio|settembre|ottobre|dicembre"
)
NUMERIC_DATE = (
    r"(?<![\d/.-])(?:\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})|\d{4}-\d{1,2}-\d{1,2}"
    r"|\d{4}/\d{1,2}/\d{1,2})(?![\d/.-]?\d)"
)
TEXT_DATE = (
    rf"\b\d{{1,2}}(?:st|nd|rd|th|er|[ºo°]|\.)?\s+(?:de\s+)?(?:{MONTHS})\.?,?\s+(?:de\s+)?\d{{4}}\b"
    rf"|\b(?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b"
)
# An airline's date (`02MAR88`, as in a passenger record).
AIRLINE_DATE = r"\b\d{2}(?:JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)(?:\d{4}|\d{2})\b"
DATE = rf"(?:{NUMERIC_DATE}|{TEXT_DATE}|{AIRLINE_DATE})"
DATE_RE = re.compile(DATE, re.IGNORECASE)
YEAR_RE = re.compile(r"(?<!\d)(1[89]\d{2}|20\d{2})(?!\d)")

UPPER = "A-ZÀ-ÖØ-ÞĀ-Ž"
LOWER = "a-zß-öø-ÿā-ž"
# One token of a person's name: Capitalised (Anna, O'Neill, Müller-Lüdenscheidt) or upper case.
NAME_TOKEN = (
    rf"(?:[{UPPER}][{LOWER}]+(?:['’-][{UPPER}]?[{LOWER}]+)*|[{UPPER}]{{2,}}(?:-[{UPPER}]{{2,}})?)"
)
# `der` is a surname's particle only after `van` or `von` (`van der Berg`, `von der Heide`): alone
# between two capitalised words it is a German article (`Telefon der Personalstelle`).
PARTICLE = (
    r"(?:van\s+der|van\s+den|von\s+der|van|von|de\s+la|de|del|della|den|di|da|dos|du|le|al-|"
    r"el-|bin|ben|ibn)"
)
NAME_SEQUENCE = rf"{NAME_TOKEN}(?:\s+(?:{PARTICLE}\s+)?{NAME_TOKEN}){{1,3}}"


# An IBAN's shape, its groups apart or not: its digit groups are neither a telephone number nor
# a national identifier (the IBAN detector reports them). The lookbehind after the first
# letter: searched for capitals only.
IBAN_SHAPE_RE = re.compile(r"[A-Z](?<!\w.)[A-Z]\d{2}(?:[ -]?[A-Z0-9]{2,4}){3,8}\b")

_DIGITS = str.maketrans("", "", "0123456789")


@functools.lru_cache(maxsize=32)
def digit_count(text: str) -> int:
    """The digits of a text (each detector asks of the unit it reads: kept for the last few)."""
    return len(text) - len(text.translate(_DIGITS))


def words(text: str) -> frozenset[str]:
    """The whitespace-separated words of a text block."""
    return frozenset(text.split())


# Words that make a capitalised sequence a title, institution or place rather than a person; the
# word for a name itself in the six languages (`Namen von Reisenden`: names of travellers) is none.
NOT_NAME_WORDS = words(
    """
    the and of for und et
    name names namen nom noms naam nombre nombres nome nomi
    report reports analysis analyses risk network networks regional region office ministry team
    unit group board committee agency project programme program meeting meetings document
    documents embassy consulate police service services directorate department european europe
    commission council union frontex europol euaa eurojust interpol ilo ilos liaison
    immigration migration border borders annual monthly quarterly weekly summary statistics
    statistical overview update plan strategy working party conference workshop seminar training
    mission delegation route routes risk annex article chapter section table figure recital
    part appendix regulation decision directive note minutes agenda action actions
    africa asia america americas balkans mediterranean western eastern northern southern
    central north south east west republic kingdom states united sea horn sahel gulf middle
    islands island coast federal democratic people's peoples arab emirates
    afghanistan syria iraq iran turkey türkiye libya tunisia morocco algeria egypt niger nigeria
    mali senegal ethiopia eritrea sudan somalia pakistan bangladesh india sri lanka georgia
    albania serbia kosovo montenegro macedonia bosnia herzegovina ukraine russia belarus moldova
    jordan lebanon guinea gambia ghana cameroon congo ivory côte d'ivoire mauritania yemen china
    vietnam
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday
    mon tue tues wed thu thur thurs fri sat sun mo fr vr wo lun mer jeu ven dim gio sab
    montag dienstag mittwoch donnerstag freitag samstag sonntag lundi mardi mercredi jeudi
    vendredi samedi dimanche lunes martes miércoles miercoles jueves viernes sábado sabado
    domingo lunedì lunedi martedì martedi mercoledì mercoledi giovedì giovedi venerdì venerdi
    sabato domenica maandag dinsdag woensdag donderdag vrijdag zaterdag zondag werkdagen
    werktags weekdays
    total totals sum average mean median number numbers count counts share percent rate
    chair chairman chairwoman president vice minister ambassador commissioner director secretary
    general speaker rapporteur head deputy member members delegate délégué présidente président
    präsident vorsitzender voorzitter presidente secretariat coordinator facilitator officer
    officers expert experts staff lead
    ii iii iv vi vii viii ix xi xii eu un ec com sb
    consulaat consulat konsulat consulado consolato consulate consular consulaire consolare
    affaires étrangères etrangeres auswärtiges auswaertiges buitenlandse exteriores esteri
    konsular konsularreferat generaal général générale generale generalkonsulat sección seccion
    sezione afdeling abteilung referat ufficio bureau büro buero kantoor oficina visti visa visas
    visados visum visastelle helpdesk desk grenspost grenzpolizei küstenwache kustwacht
    marechaussee polizei politie policía policia polizia gendarmerie préfecture prefettura
    prefectura commissariat commissariato comisaría comisaria kommissariat questura botschaft
    ambassade embajada ambasciata embassy ministerium ministère ministerie ministerio ministero
    dienst servicio servizio zentrum centrum centro centre center unité unidad unità einheit
    eenheid puesto fronterizo frontiera frontera frontière grenze hotspot airport aeropuerto
    aeroporto aéroport flughafen luchthaven delegation délégation delegación delegazione
    delegatie agence agentur agencia agenzia agentschap bundespolizei direktion direction
    dirección direzione directie
    street avenue road boulevard lane drive square rue allée place quai chemin cours straße
    strasse platz weg allee gasse damm ufer straat laan plein gracht kade singel calle avenida
    paseo plaza carretera via viale piazza corso largo lungomare
    university université universität universiteit universidad università college collège
    school école schule escuela scuola hospital hôpital krankenhaus klinikum ziekenhuis ospedale
    institute institut instituut instituto istituto foundation fondation stiftung stichting
    fundación fondazione stadium stade bridge pont brücke brug puente ponte port hafen haven
    puerto porto terminal station gare bahnhof estación stazione
    hotel hôtel hotels albergo hostal palace palais palast paleis palacio palazzo
    global international group holding ltd limited gmbh ag sa sas sarl bv nv spa srl sl
    airlines airways aviation dg home affairs management sector operational operations
    situation information division
    press presse prensa stampa pers pressestelle pressekontakt pressebüro pressereferat gabinete
    voorlichting persvoorlichting
    """
)
# Words before a name that make it a street's (`calle Julián González Segador`, `via Lanza`).
PLACE_BEFORE_RE = re.compile(
    r"(?i)\b(?:calle|c/|rue|via|viale|piazza|corso|largo|avenue|avenida|av\.|boulevard|bd\.?|"
    r"place|plaza|paseo|straat|laan|plein|platz|allee|quai|chemin|street|road|square|"
    r"universit[éeàyä]\w*|aeropuerto|a[ée]roport|aeroporto|airport|flughafen|luchthaven)"
    r"\s+(?:(?:de|del|de\s+la|du|des|della|di|dei|van|von|of|the)\s+)?$"
)
# Words after a name that make it a street's, a building's or an institution's name
# (`Martin Luther King Jr. Boulevard`, `Cheikh Anta Diop University`).
PLACE_AFTER_RE = re.compile(
    r"\s*(?:Jr\.?\s+|Sr\.?\s+)?(?i:street|st\.|avenue|ave\.|road|rd\.|boulevard|blvd|lane|square|"
    r"drive|place|platz|stra(?:ß|ss)e|straat|laan|plein|university|college|school|hospital|"
    r"institute|foundation|centre|center|stadium|bridge|airport|international|terminal|"
    r"station|memorial|hall|building|tower|park|museum|library|prize|award|programme|program|"
    r"hotel|palace)"
    r"\b"
)


# Cities where the network's posts stand and that migration routes pass (capitals, consular
# cities, hubs), as a mailbox or a name column names a post by them; not those that are also
# common given names (Sofia, Victoria, Florence, Santiago, Paris).
PLACES = words(
    """dakar nouakchott nuakchot bamako niamey abuja lagos accra abidjan conakry banjul freetown
    monrovia ouagadougou ndjamena khartoum addis ababa abeba nairobi kampala kinshasa luanda
    rabat casablanca tanger tangier tangiers oujda agadir laayoune nador algiers alger oran
    tunis sfax tripoli benghazi cairo caire alexandria amman beirut damascus baghdad erbil
    istanbul ankara izmir tehran teheran kabul islamabad karachi lahore dhaka delhi mumbai
    colombo kathmandu tbilisi yerevan baku kyiv kiev moscow minsk chisinau belgrade pristina
    tirana skopje sarajevo podgorica bogota bogotá lima quito caracas havana beijing shanghai
    hanoi manila jakarta bangkok dubai doha riyadh jeddah muscat kuwait moroni djibouti asmara
    mogadishu juba antananarivo maputo harare lusaka lilongwe pretoria johannesburg windhoek
    gaborone yaounde yaoundé douala libreville brazzaville cotonou lome lomé bissau praia
    laâyoune dakhla nouadhibou agadez gao timbuktu kano zinder sebha zuwara lampedusa
    ceuta melilla canarias
    amsterdam rotterdam utrecht eindhoven schiphol haag hague brussels bruxelles brussel
    antwerpen anvers luxembourg berlin hamburg münchen munich frankfurt köln cologne
    düsseldorf stuttgart bonn potsdam wien vienna madrid barcelona valencia sevilla málaga
    algeciras roma rome milano milan napoli naples torino palermo catania agrigento bari
    lisboa lisbon porto marseille lyon toulouse nice lille bordeaux nanterre athens athina
    warsaw warszawa prague praha budapest bucharest sofia valletta nicosia zagreb ljubljana
    dublin copenhagen stockholm helsinki oslo tallinn riga vilnius bratislava"""
)
# Countries and kingdoms as the six languages name them (`Koninkrijk der Nederlanden`).
COUNTRY_WORDS = words(
    """koninkrijk königreich royaume reino regno kingdom nederlanden niederlande pays-bas
    bajos bassi belgië belgique belgien bélgica belgio deutschland allemagne alemania
    germania duitsland italia italie italien italië españa espagne spanien spagna spanje
    frankrijk frankreich francia république republik republiek república repubblica
    bundesrepublik österreich autriche oostenrijk portugal polska polen pologne"""
)
# Offices and authorities in the six languages (singular; a regex's alternation, lower case).
OFFICES = (
    r"embass(?:y|ies)|embajada|ambassade|ambasciata|botschaft|consulates?|consulat|consulado|"
    r"consolato|konsulat|generalkonsulat|consulaat|pr[ée]fecture|prefettura|prefectura|questura|"
    r"ministry|minist[èe]re|ministerio|ministero|ministerium|ministerie|office|bureau|b[üu]ro|"
    r"oficina|ufficio|kantoor|agency|agence|agentur|agencia|agenzia|police|polizei|politie|"
    r"polic[íi]a|polizia|gendarmerie|commissariat|comisar[íi]a|commissariato|d[ée]l[ée]gation|"
    r"delegaci[óo]n|delegazione|delegatie|service|servicio|servizio|dienst|dienststelle|unit|"
    r"unit[ée]|unidad|unit[àa]|eenheid|einheit|section|secci[óo]n|sezione|referat|afdeling|"
    r"abteilung|mission|r[ée]gie|mairie|gemeente|ayuntamiento|comune|directorate|direction|"
    r"direcci[óo]n|direzione|directie|direktion|secretariat|secr[ée]tariat|sekretariat|"
    r"secretar[íi]a|segreteria|secretariaat|network|r[ée]seau|netzwerk|netwerk|rete|red|"
    r"a[ée]roport|airport|aeropuerto|aeroporto|flughafen|luchthaven|puesto|posto|poste|centre|"
    r"center|centro|zentrum|centrum|frontex|europol|eurojust|euaa|easo|interpol|iom|oim|unhcr|"
    r"acnur|hcr|eulex|eeas|marechaussee|carabinieri|guardia\s+civil|guardia\s+di\s+finanza|"
    r"gendarmer[íi]a|loket|guichet|schalter|ventanilla|sportello|kmar|ind|bamf|ofpra|ofii|"
    r"cgef|dcpaf|dpaf|paf|bmi|bka|bpol|dgef|dgpn|ucrif|minbuza|"
    # A press office (`Pressestelle`, `Gabinete de Prensa`, `ufficio stampa`).
    r"press\s+office|pressestelle|pressereferat|pressebüro|gabinete\s+de\s+prensa|"
    r"oficina\s+de\s+prensa|service\s+de\s+presse|bureau\s+de\s+presse|ufficio\s+stampa|"
    r"persvoorlichting|voorlichting"
)
# An office as the subject just before a word (`Le bureau est né le`, `L'ufficio è nato il`).
OFFICE_SUBJECT_RE = re.compile(
    rf"(?i)\b(?:the|le|la|l['’]|les|il|lo|l['’]|el|los|las|der|die|das|de|het)\s*(?:{OFFICES})"
    r"(?:\s+[\w'’-]+){0,3}\s*$"
)


# After an honorific name, the institution or delegation its bearer represents (`Mr García
# (ES)`, `Mr Kowalski (Frontex)`, `M. Dupont, représentant de la France`): an official.
REPRESENTS_RE = re.compile(
    rf"\s*(?:\((?:[A-Z]{{2}}|[A-Z]{{4,8}}|[^()]{{0,40}}\b(?i:{OFFICES})\b[^()]{{0,40}})\)"
    r"|,\s*(?:the\s+|le\s+|la\s+|il\s+|el\s+|de\s+|der\s+|die\s+)?(?i:representative|"
    r"repr[ée]sentante?|vertreter(?:in)?|vertegenwoordiger|representante|rappresentante|"
    r"delegate|d[ée]l[ée]gu[ée]e?|delegad[oa]|delegat[oa])\b"
    r"|,\s*(?:of|de|del|della|di|van|von|du)\s+(?:la\s+|the\s+|het\s+|der\s+|l['’])?"
    rf"(?i:{OFFICES})\b)"
)

# A public function next to a name: the person is named as the holder of a public office.
FUNCTION_RE = re.compile(
    r"(?i)\b(?:minist(?:er|re|ro|ra)|bundes(?:innen)?minister(?:in)?|commissioner|commissaire|"
    r"comisari[oa]|commissari[oa]|kommissar(?:in)?|eurocommissaris|director|directeur|directrice|"
    r"direktor(?:in)?|directeur-generaal|directora?|direttore|direttrice|ambassador|ambassadeur|"
    r"botschafter(?:in)?|embajador(?:a)?|ambasciatore|president[ea]?|présidente?|präsident(?:in)?|"
    r"voorzitter|chair(?:man|woman|person)?|secretary|secrétaire|sekretär(?:in)?|secretari[oa]|"
    r"staatssecretaris|staatssekretär(?:in)?|rapporteur|rapporteure|head\s+of|chef(?:fe)?\s+de|"
    r"capo\s+(?:della|del)|jefe|spokes(?:person|man|woman)|porte-parole|sprecher(?:in)?|"
    r"woordvoerder|portavoz|portavoce|mayor|maire|bürgermeister(?:in)?|burgemeester|alcalde|"
    r"sindaco|prime\s+minister|premier|kanzler(?:in)?|prefect|préfet|prefetto|governor|"
    r"executive\s+director|exekutivdirektor(?:in)?|coordinator|coordinat(?:eur|rice)|"
    # German compounds (`Referatsleiterin`, `Polizeidirektor`, `Generalkonsul`), consuls,
    # attachés, counsellors and heads of office in the six languages. Not the titles of those
    # who deal with private persons (liaison officers, inspectors): a name beside one of them
    # may be anyone's.
    r"\w*(?:leiter|direktor|konsul|attach[ée]|pr[äa]sident)(?:in|innen|en|s)?|"
    r"c[óo]nsul[ea]?|console|consul-generaal|agregad[oa]|addett[oa]|counsell?or|"
    r"conseill(?:er|[èe]re)|consejer[oa]|consigliere|chef(?:fe)?\s+d(?:e|u|es)|hoofd|"
    r"dirigente|questore)\b"
)


# Ranks and roles that make a name an official's only when apposed to it: `Ms Sarah Jones, the
# Immigration Liaison Officer`, `Chief Inspector Mrs Helen Clark` (beside a name, not in it).
_TITLES = (
    r"(?:immigration\s+|frontex\s+|european\s+return\s+)?liaison\s+officer|ilo|flo|elo|"
    r"officier\s+de\s+liaison|verbindungsbeamte[rn]?|liaisonofficier|oficial\s+de\s+enlace|"
    r"ufficiale\s+di\s+collegamento|commandant|comandante|kommandant|superintendent|"
    r"(?:chief\s+)?inspector(?:\s+jefe)?|inspecteur|inspekteur|ispettore|captain|capitaine|"
    r"capitano|capit[áa]n|commissaris|hauptkommissar(?:in)?"
)
TITLE_AFTER_RE = re.compile(
    rf"(?i)\s*,\s*(?:(?:the|le|la|l['’]|il|el|de|der|die|het)\s+)?(?-i:[A-Z][\w-]*\s+){{0,2}}"
    rf"(?:{_TITLES})\b"
)
# Between a rank and a name, only honorifics (`Le commandant M. Luc Moreau`).
TITLE_BEFORE_RE = re.compile(
    rf"(?i)\b(?:{_TITLES})\s+(?:(?:mr|mrs|ms|dr|herr|frau|m|mme|sr|sra|sig|dott|mevrouw)\.?\s+)"
    r"{0,2}$"
)


def is_person_like(sequence: str) -> bool:
    """A sequence of name tokens none of which is a title, institution or place word."""
    # A hyphenated token is read by its parts too (`Consulaat-generaal`, `Kaiser-Wilhelm-Koog`).
    tokens = [t for t in re.split(r"[\s,-]+", sequence) if t]
    words = [t.lower().strip(".") for t in tokens]
    if not words:
        return False
    # A word is read with its accents and without them (`Sénégal` as `senegal`), as a country or
    # place is written with them in one language and without in another.
    words += [folded for w in words if not w.isascii() and (folded := _folded(w)) != w]
    return not any(w in NOT_NAME_WORDS or w in PLACES or w in COUNTRY_WORDS for w in words)


def _folded(word: str) -> str:
    """A word without its accents (`sénégal` → `senegal`)."""
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


_CAMEL_RE = re.compile(r"(?<=[a-zà-ÿ0-9])(?=[A-ZÀ-Þ])")
# A capital after a lower-case letter or a digit: its lookbehind after it, so that the search
# runs over capitals only (most labels and lines have none after a lower-case letter).
_CAMEL_STEM_RE = re.compile(r"[A-ZÀ-Þ](?<=[a-zà-ÿ0-9].)")


def label_words(label: str) -> str:
    """A label in any case style read as words: `date_of_birth`, `dateOfBirth`, `DATE-OF-BIRTH`
    and `Date of birth` all read `date of birth` (hyphens inside words are kept)."""
    if not label:
        return ""
    spaced = _CAMEL_RE.sub(" ", label) if _CAMEL_STEM_RE.search(label) else label
    # A printable text holds no whitespace but the space: with no underscore, no run of spaces
    # and none at its ends, it already reads as words (most lines of prose).
    if (
        "_" not in spaced
        and "  " not in spaced
        and spaced[0] != " "
        and spaced[-1] != " "
        and spaced.isprintable()
    ):
        return spaced.lower()
    # `str.split()` parts at what `\s` matches: `[_\s]+` read as one space, without a regex.
    return " ".join(spaced.replace("_", " ").split()).lower()


def _alternatives(pattern: str) -> list[str]:
    """A pattern's top-level alternatives (outside groups and character classes)."""
    parts: list[str] = []
    depth, start, i, in_class = 0, 0, 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "]" or pattern[i + 1 : i + 3] == "^]":
                i += 2 if pattern[i + 1] == "]" else 3
                continue
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    return parts


def by_first_letter(pattern: str) -> str:
    """The same alternation with its alternatives that begin with one literal letter grouped
    under it (`born|b\\.|aged` → `b(?:orn|\\.)|a(?:ged)`), the order within each letter kept:
    `re` tries every alternative at every position, so a long alternation of words is searched
    several times faster grouped; it matches what the original matches, at the same places."""
    groups: dict[str, list[str]] = {}
    for alternative in _alternatives(pattern):
        first, rest = alternative[:1], alternative[1:]
        literal = first.isalnum() and not rest.startswith(("*", "+", "?", "{"))
        key = first if literal else alternative
        groups.setdefault(key, []).append(rest if literal else "")
    return "|".join(
        key if rests == [""] else f"{key}(?:{'|'.join(rests)})" for key, rests in groups.items()
    )
