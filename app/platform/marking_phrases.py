"""ILO-9.1: the phrases that mark a document for law enforcement's handling wherever they stand
(`not to be disseminated`, `for law enforcement use only`, `handling code H3`) in EN, FR, DE,
NL, ES and IT, the stems every phrase holds (a cheap first look) and the names a marking is
reported by. How they are read (talked about, quoted, across a line break):
app/platform/markings.py."""

from __future__ import annotations

PHRASES: tuple[tuple[str, str], ...] = (
    (
        "handling_code",
        r"\bhandling\s+codes?\s*[:\-]?\s*H\s?[0-3]\b|(?<![\w-])\[?H[123]\]?\s*[:\-–]\s*"
        r"(?:this\s+information|not\s+to\s+be|must\s+not|do\s+not|no\s+dissemination|"
        r"restricted|may\s+not|only)|\bHC\s*[:\-]?\s*H?[1-3]\b|^\s*\[?H[123]\]?\s*$",
    ),
    (
        "no_dissemination",
        r"\bnot\s+(?:to\s+be\s+)?(?:further\s+)?disseminated\b|\bdo\s+not\s+disseminate\b|"
        r"\bno\s+(?:further\s+)?dissemination\b|\bnot\s+for\s+(?:further\s+|onward\s+)?"
        r"(?:distribution|dissemination|circulation)\b|\bnon\s+diffusable|\bne\s+pas\s+(?:diffuser|divulguer|"
        r"communiquer)|\bdiffusion\s+(?:interdite|restreinte)|\bdifusi[óo]n\s+limitada"
        r"|\bdiffusione\s+limitata|\bnicht\s+(?:zur\s+)?"
        r"(?:weitergabe|weiterzugeben|verbreiten|weiterleiten)|\bniet\s+(?:verder\s+)?"
        r"(?:verspreiden|verstrekken)|\bno\s+(?:difundir|divulgar)|\bprohibida\s+su\s+difusi[óo]n"
        r"|\bnon\s+(?:divulgare|diffondere)|\bdivieto\s+di\s+divulgazione"
        r"|\bvietata\s+(?:la\s+)?(?:diffusione|divulgazione)",
    ),
    (
        "law_enforcement_only",
        r"\b(?:for\s+)?law[\s-]enforcement\s+(?:use\s+|purposes\s+|agencies\s+)?only\b"
        r"|\bLEA\s+only\b|\b(?:for\s+)?police\s+(?:use\s+)?only\b"
        r"|\br[ée]serv[ée]e?s?\s+(?:aux?|à\s+la|a\s+la)\s+(?:(?:services?\s+(?:de\s+(?:la\s+)?police|"
        r"r[ée]pressifs?|de\s+gendarmerie))|forces?\s+de\s+l['’]ordre|police|gendarmerie)"
        r"|\busages?\s+(?:policier|police)\s+(?:uniquement|exclusif)"
        r"|\b(?:à\s+)?usage\s+(?:exclusif|r[ée]serv[ée])\s+(?:des?|aux?|de\s+la|à\s+la)\s+"
        r"(?:services?\s+de\s+"
        r"police|forces\s+de\s+l['’]ordre|police)"
        r"|\busage\s+interne\s+police"
        # Reserved for law enforcement, as each language words it (the French and Italian above).
        r"|\breserved\s+(?:for|to)\s+(?:the\s+)?(?:law[\s-]enforcement|police)"
        r"|\b(?:der\s+)?(?:polizei|strafverfolgungsbeh[öo]rden|polizeibeh[öo]rden)\s+vorbehalten"
        r"|\bvoorbehouden\s+aan\s+(?:de\s+)?(?:politie|rechtshandhaving|opsporing)"
        r"|\breservad[oa]s?\s+(?:a|para)\s+(?:las?\s+|el\s+)?(?:fuerzas|polic[íi]a|uso\s+policial)"
        r"|\bnur\s+f[üu]r\s+(?:den\s+)?(?:polizei|strafverfolgung|dienstgebrauch|polizeiliche)"
        r"|\b(?:alleen|uitsluitend)\s+(?:bestemd\s+)?voor\s+(?:de\s+)?(?:politie|"
        r"rechtshandhaving|opsporing)"
        r"|\bpolitie\s*[–-]\s*alleen\s+voor"
        r"|\b(?:s[óo]lo|solamente|exclusivamente)\s+(?:para\s+)?(?:uso\s+)?(?:policial|"
        r"de\s+las\s+fuerzas)|\buso\s+exclusivo\s+(?:policial|de\s+las\s+fuerzas|"
        r"(?:de\s+(?:la\s+)?)?polic[íi]a)"
        r"|\bpara\s+uso\s+(?:exclusivo\s+)?(?:de\s+(?:la\s+)?)?polic[íi]a"
        r"|\b(?:solo|esclusivamente)\s+per\s+(?:le\s+)?(?:forze\s+"
        r"dell['’]ordine|uso\s+di\s+polizia)|\briservat[oaie]\s+(?:alle\s+forze|alla\s+polizia)"
        r"|\b(?:ad\s+)?uso\s+esclusivo\s+(?:delle\s+forze|della\s+polizia|di\s+polizia|"
        r"polizia)",
    ),
)

# Every phrase holds one of these: a cheap first look before the search.
PHRASE_STEMS = (
    "h0", "h1", "h2", "h3", "hc", "handling", "dissem", "diffus", "diffond", "divulg",
    "communiquer", "weiter", "verbreit", "verspreid", "verstrek", "difund", "difusi",
    "enforcement", "lea", "polic", "polizei", "polizia", "politie", "serv", "usage",
    "dienstgebrauch", "strafverfolg", "rechtshandh", "opsporing", "fuerzas", "forze",
    "distribut", "circulat", "voorbehoud",
)  # fmt: skip
PHRASE_NAMES = {
    "handling_code": "handling code",
    "no_dissemination": "no dissemination",
    "law_enforcement_only": "law enforcement only",
}
