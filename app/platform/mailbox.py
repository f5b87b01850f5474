"""Whether a mailbox is a person's or an institution's, by its shape: a person's address is
written as a person's name is (a given name, an initial beside a name, a name with a birth year,
the name written beside it) or kept at a mail service open to anyone; an institution's is made of
function words, acronyms and places, in whatever language."""

from __future__ import annotations

import re

from app.platform.given_names import COMMON_GIVEN_NAMES, GIVEN_NAMES, PUBLIC_MAIL_DOMAINS
from app.platform.patterns import PLACES, is_person_like, words

# The words of institutions' functional mailboxes (`info@`, `secretariat.oli@`, `oficina.enlace@`,
# `HOME-ILO-NETWORK@`): an address whose local part is made of these (and of acronyms beside one of
# them) names a function, not a person. `first.last@` at the same domain stays a person's.
FUNCTIONAL_WORDS = words(
    """info information contact contacts kontakt contacto contatto office bureau buero büro
    kantoor oficina ufficio secretariat secretariaat sekretariat secretaria secretaría segreteria
    secretariado admin administration press presse prensa stampa pers media mail post poststelle
    postbus registry greffe accueil reception recepcion helpdesk support service services
    servicio servizio dienst desk hotline team unit network netwerk netzwerk red rete reseau
    réseau ilo ilos oli uci oei liaison enlace collegamento verbinding fronteras frontieres
    frontières grenze frontiere frontera border borders immigration migration migratie
    inmigracion immigrazione visa visas visum consular consulaire konsular embassy ambassade
    botschaft embajada ambasciata home justice interior interieur intérieur interno innen
    situation centre center centro zentrale front training formation opleiding schulung
    formacion formazione noreply no reply webmaster dpo data protection privacy general generale
    direction direccion direzione directie cabinet gabinete gabinetto coordination coordinatie
    operations ops duty permanence alerts alert prefecture prefettura questura policia polizia
    polizei politie police frontex europol euaa eurojust interpol bamf ofpra ofii ind dgef
    asylum asile asyl asilo asiel returns retour rückkehr retorno rimpatri terugkeer
    statistics statistik estadisticas statistiche statistiek analysis analyse risk
    referat referaat section sektion sezione seccion sección afdeling abteilung dienststelle
    ca cons consulate consulat konsulat consulado consolato consulaat emb amb
    cg cog congen consgen delegation délégation delegacion delegación delegazione delegatie
    agence agency agentur agencia agenzia agentschap commissariat commissariato comisaria
    comisaría kommissariat consejeria consejería counsellor attache attaché agregaduria
    informacion información informazione informazioni informatie informationen auskunft
    extranjeria extranjería extranjeros etrangers étrangers stranieri vreemdelingen
    auslaender ausländer auslaenderbehoerde zentrum centrum lage lagedienst lagezentrum
    security securite sécurité sicherheit seguridad sicurezza beveiliging veiligheid compliance
    control controle contrôle kontrolle controllo station handling ground groundhandling
    legalisatie legalisation legalisierung legalizacion legalización legalizzazione apostille
    fortbildung ausbildung weiterbildung akademie academy academie academia accademia
    protocollo protocol protocole protokoll protocolo leges fees payments betalingen
    paiements zahlungen pagos pagamenti flo eurlo"""
)
# A function word ends a compound (`buergerservice`, `grenzpolizei`) only when it is this long
# (`basile` is a name, not a compound of `asile`), after a stem of three letters or more.
_COMPOUND_MIN = 6
_FUNCTIONAL_ENDINGS = tuple(w for w in FUNCTIONAL_WORDS if len(w) >= _COMPOUND_MIN)
_TRAILING_DIGITS_RE = re.compile(r"\d+$")


def functional_local_part(local: str) -> bool:
    """A mailbox's local part made of function words (and acronyms beside one), or a short
    acronym alone (`bpolp@`, `o1@`)."""
    tokens = [t for t in re.split(r"[._+-]+", local.lower()) if t]
    if not tokens:
        return False
    if len(tokens) == 1:  # a function word, an acronym or a post's city (`dakar@`)
        return function_word(tokens[0]) or acronym(tokens[0]) or tokens[0] in PLACES
    if all(len(t) >= 2 and acronym(t) for t in tokens):
        return True  # acronyms only: an office's (`dpaf-cdg-bmr`)
    if any(t in PLACES for t in tokens) and all(
        t in PLACES or (2 <= len(t) <= 4 and t not in COMMON_GIVEN_NAMES) for t in tokens
    ):
        return True  # a post's city and its codes (`cgi.casablanca`, `ucf.tunis`)
    if not any(function_word(t) for t in tokens):
        return False
    if all(function_word(t) or (len(t) <= 5 and not t.isdigit()) for t in tokens):
        return True
    # A function word beside words no person is called (a place, a programme:
    # `emb.bogota.info`, `secretariat-oli-maghreb`), not beside a given name.
    return not any(t in COMMON_GIVEN_NAMES for t in tokens)


def function_word(token: str) -> bool:
    """A function word, also numbered (`referat31`), ending a compound (`buergerservice`) or
    two of them written as one (`servicedesk`, `infocentrum`)."""
    word = _TRAILING_DIGITS_RE.sub("", token)
    return (
        word in FUNCTIONAL_WORDS
        or (
            len(word) >= _COMPOUND_MIN + 3
            and any(word.endswith(e) and len(word) - len(e) >= 3 for e in _FUNCTIONAL_ENDINGS)
        )
        or (
            len(word) >= _COMPOUND_MIN
            and word not in COMMON_GIVEN_NAMES
            and any(
                word[:i] in FUNCTIONAL_WORDS and word[i:] in FUNCTIONAL_WORDS
                for i in range(3, len(word) - 2)
            )
        )
    )


def acronym(token: str) -> bool:
    """`bpolp`, `dcipf`, `dps`, `o1`: short, with a digit, or with at most one vowel among three
    consonants or more (not `anna`, `jan`, `ali`)."""
    vowels = sum(c in "aeiouy" for c in token)
    consonants = sum(c.isalpha() for c in token) - vowels
    return len(token) <= 5 and (
        any(c.isdigit() for c in token) or vowels == 0 or (vowels == 1 and consonants >= 3)
    )


_AT_RE = re.compile(r"@|\s*[\[(]\s*(?:at|AT)\s*[\])]\s*")
_DOT_RE = re.compile(r"\s*[\[(]\s*(?:dot|DOT)\s*[\])]\s*")
_BIRTH_YEAR_RE = re.compile(r"[a-z]{3,}(?:19|20)\d\d$")
# A run of capitalised words, a surname's particle among them (`Pieter van Dam`, `M. Rossi`).
_CAPITAL_RUN_RE = re.compile(
    r"(?:[A-ZÀ-Þ][\w'’-]*\.?\s+(?:(?:van|von|de|der|den|di|da|du|del|della|le|la|al|el|ben|bin|"
    r"ibn)\s+)*){1,3}[A-ZÀ-Þ][\w'’-]*"
)


def personal_mailbox(address: str, text: str = "") -> bool:
    """A mailbox shaped as a person's: at a mail service open to anyone (unless its local part is
    made of function words), or a local part holding a given name (`sabine.kurzweg`), an
    initial beside a name (`g.rossi`, `o.haidara1979`), initials alone (`a.b-c`), a name with a
    birth year (`bianchi1984`), or the words or initials of a name the text writes beside it
    (`Anna Maria Rossi: amr.legal@`). Any other address (`soporte.plataforma@`,
    `pressestelle@`, `vb-westbalkan@`) is an institution's functional mailbox: a person's
    address is written as a person's name is, whatever language the office's words are in."""
    at = _AT_RE.search(address)
    if at is None:
        return False
    local = address[: at.start()].lower()
    labels = _DOT_RE.sub(".", address[at.end() :]).lower().split(".")
    tokens = [t for t in re.split(r"[._%+-]+", local) if t]
    if not tokens:
        return False
    if any(label in PUBLIC_MAIL_DOMAINS for label in labels[:-1]):
        return not functional_local_part(local)
    names = [_TRAILING_DIGITS_RE.sub("", t) for t in tokens]
    if text and _named_in(names, text):
        return True  # the name is written beside it, whatever its letters look like (`pvdam`)
    if functional_local_part(local):
        return False  # function words, acronyms, a post's city (`agence-consulaire.saint-louis`)
    for i, name in enumerate(names):
        others = [n for j, n in enumerate(names) if j != i]
        if name in _MAILBOX_NAMES and (
            len(name) > 3 or len(names) == 1 or any(_surname_like(n) for n in others)
        ):
            if _long_list_only(name) and others and all(map(_adjective, others)):
                continue  # a name that is a word too, beside an adjective (`marine.nationale`)
            return True  # a short one alone (`jan@`) or beside a surname (`ana.garcia`)
    if len(tokens) >= 2 and all(len(t) == 1 and t.isalpha() for t in tokens):
        return True  # initials (`a.b-c@`)
    for i, token in enumerate(tokens):
        if len(token) == 1 and token.isalpha():
            beside = [names[j] for j in (i - 1, i + 1) if 0 <= j < len(names)]
            if any(_surname_like(n) for n in beside):
                return True  # an initial beside a name (`g.rossi`, `rossi.g`)
        if _BIRTH_YEAR_RE.search(token) and _surname_like(names[i]):
            return True
    return False


# The endings of the six languages' adjectives of relation (`nationale`, `consulaire`,
# `politique`, `europäische`, `sociale`, `internationaal`): a word a given name qualifies as an
# office's name does, not the shape of a Member State's surname.
_ADJECTIVE_RE = re.compile(
    r"(?:ional|ionale|ionali|ionaal|ionnel|ionnelle|ique|iques|isch|ische|ischen|aire|aires|"
    r"iale|iali|ciale|ziale|cial|ieel|iële)$"
)


def _adjective(word: str) -> bool:
    return len(word) >= 6 and _ADJECTIVE_RE.search(word) is not None


def _long_list_only(word: str) -> bool:
    """A given name of the long lists only (`marine`, `stella`): a word of the languages too,
    read as a name only beside a surname's shape."""
    return word not in COMMON_GIVEN_NAMES


def _surname_like(word: str) -> bool:
    """A word that may be a surname: three letters or more, not a function word, a place or an
    acronym."""
    return (
        len(word) >= 3
        and word.isalpha()
        and not function_word(word)
        and word not in PLACES
        and not acronym(word)
    )


def _named_in(names: list[str], text: str) -> bool:
    """The local part's words are those of a name the text writes (`Sabine Kurzweg`), or its
    initials (`amr` beside `Anna Maria Rossi`), not an office's words."""
    words = [n for n in names if len(n) >= 2]
    if not words:
        return False
    for run in _CAPITAL_RUN_RE.finditer(text):
        written = run.group(0).split()
        while written and function_word(written[0].lower()):
            written.pop(0)  # `Contact Anna Maria Rossi`
        if len(written) < 2 or not is_person_like(" ".join(written)):
            continue  # `Visados Quito`, `Pressestelle Berlin`: an office's, a place's words
        parts = [p.lower().rstrip(".") for p in written]
        if any(function_word(p) for p in parts):
            continue
        if len(words) >= 2 and all(w in parts for w in words) and any(map(_surname_like, words)):
            return True
        initials = {
            "".join(p[0] for p in parts[i:j])
            for i in range(len(parts))
            for j in range(i + 2, len(parts) + 1)
        }
        if any(w in initials for w in words):
            return True
        # One word glued of the name (`mrossi`, `rossim`, `mariorossi`) or its surname alone
        # (`rossi@` beside `Mario Rossi`).
        first, last = parts[0], parts[-1]
        heads = "".join(p[0] for p in parts[:-1])
        glued = {first[:1] + last, heads + last, last + first[:1], first + last, last}
        if len(words) == 1 and words[0] in glued and len(words[0]) >= 4:
            return True
    return False


# The given names a mailbox is read with (a slug's are the common ones above: `abu-dhabi` is no
# person's).
_MAILBOX_NAMES = GIVEN_NAMES - FUNCTIONAL_WORDS - PLACES
