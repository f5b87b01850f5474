"""ILO-9.1: the phrases that mark a document for law enforcement's handling wherever they stand
(`not to be disseminated`, `for law enforcement use only`, `handling code H3`) in EN, FR, DE,
NL, ES and IT, the levels printed as a line of their own (`RESTRICTED`, `VS-NfD`), the stems
every phrase holds (a cheap first look) and the names a marking is reported by. How they are
read (talked about, quoted, across a line break, as a line): app/platform/markings.py."""

from __future__ import annotations

# Words that restrict who may read a document, before what they restrict it to.
_RESTRICTION = (
    r"(?:only|exclusively|restricted\s+to|reserved\s+(?:for|to)|limited\s+to|outside|"
    r"uniquement|exclusivement|exclusi(?:f|ve)|r[ée]serv[ée]e?s?|limit[ée]e?s?\s+aux?|"
    r"en\s+dehors|nur|ausschlie(?:ß|ss)lich|au(?:ß|ss)erhalb|alleen|uitsluitend|buiten|"
    r"s[óo]lo|[úu]nicamente|exclusiv[oa]|exclusivamente|reservad[oa]s?|restringid[oa]s?|"
    r"fuera\s+de|limitad[oa]s?|esclusiv[oa]|esclusivamente|riservat[oaie]|al\s+di\s+fuori|"
    r"limitat[oaie])"
)
# The same after what they restrict the document to (`Polizei vorbehalten`, `police only`).
_AFTER_RESTRICTION = (
    r"(?:only|uniquement|exclusivement|vorbehalten|intern|voorbehouden|[úu]nicamente|"
    r"esclusivamente|exclusi(?:f|ve)|exclusiv[oa]|esclusiv[oa])"
)
# Law enforcement, as each language names its services (the police, not a policy).
_ENFORCEMENT = (
    r"(?:law[\s-]enforcement|polic(?!y\b|ies\b)[eiíy]\w*|forces\s+de\s+l['’]ordre|services\s+r[ée]pressifs|"
    r"gendarmerie|polizei\w*|strafverfolg\w*|politie\w*|rechtshandhaving\w*|opsporing\w*|"
    r"fuerzas\s+(?:y\s+cuerpos\s+)?de\s+seguridad|autoridades\s+policiales|polizia|"
    r"forze\s+(?:dell['’]ordine|di\s+polizia)|autorit[àa]\s+di\s+contrasto)"
)

# Dissemination and the words that restrict it, in the six languages.
_DISSEMINATION = (
    r"(?:dissemination|distribution|circulation|diffusion|difusi[óo]n|diffusione|divulgaci[óo]n|"
    r"divulgazione|verspreiding|verstrekking|verbreitung|weitergabe|verteilung)"
)
_LIMITED = (
    r"(?:restricted|limited|prohibited|forbidden|interdite|restreinte|limit[ée]e|restringida|"
    r"limitada|prohibida|vietata|limitata|ristretta|riservata|beperkte?|verboden|"
    r"eingeschr[äa]nkte?|beschr[äa]nkte?|untersagt|verboten)"
)
# Markings printed as a line of their own (after quotes and punctuation are set aside).
HEADINGS = (
    r"(?:EU\s+|UE\s+)?(?:restricted|confidential|secret|top\s+secret)(?:\s+(?:EU|UE))?"
    r"|restreint(?:\s+UE)?|confidentiel(?:\s+d[ée]fense)?|secret\s+d[ée]fense|limit[ée]"
    r"|diffusion\s+restreinte|usage\s+interne(?:\s+police)?"
    r"|for\s+official\s+use\s+only|official[\s-]+sensitive|law[\s-]+enforcement\s+sensitive"
    r"|operational\s+law[\s-]+enforcement\s+information"
    r"|informations?\s+op[ée]rationnelles?\s+(?:de\s+police|r[ée]pressives?)"
    r"|vs\s*[-–]?\s*(?:nfd|vertraulich|geheim)|vs\s*[-–]?\s*nur\s+f[üu]r\s+den\s+dienstgebrauch"
    r"|nur\s+f[üu]r\s+den\s+dienstgebrauch|verschlusssache|streng\s+geheim|geheim|vertraulich"
    r"|(?:dep(?:artementaal)?\.?|stg\.?|staatsgeheim)\s+(?:vertrouwelijk|geheim|confidentieel)"
    r"|(?:staats)?geheim\s+(?:confidentieel|geheim)|vertrouwelijk"
    r"|limited\s+distribution|d(?:istribution|iffusion)\s+limit[ée]e|beperkte\s+verspreiding"
    r"|eingeschr[äa]nkte\s+verbreitung"
    r"|difusi[óo]n\s+limitada|reservado|confidencial|uso\s+oficial|secreto|restringido"
    r"|riservato|riservatissimo|segreto|uso\s+interno|diffusione\s+limitata"
    # Dissemination restricted, as each language words it, in either order (`Difusión
    # restringida`, `Diffusione vietata`, `Prohibida la difusión`, `Niet voor verspreiding`).
    rf"|{_LIMITED}\s+(?:(?:la|su|de\s+la)\s+)?{_DISSEMINATION}|{_DISSEMINATION}\s+{_LIMITED}"
    rf"|(?:not|niet|nicht|no|non|pas)\s+(?:for|voor|zur|para|per|pour)\s+(?:la\s+)?{_DISSEMINATION}"
)
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
        r"|\busage\s+interne\s*[–—-]?\s*police"
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
    (
        # A line of its own that restricts the document to law enforcement, in the words of any
        # of the six languages (`Keine Weitergabe außerhalb der Polizei`, `Uso restringido a las
        # fuerzas de seguridad`, `Polizei vorbehalten`): the restricting word at most four words
        # before the services, at most one word after them, and no sentence's full stop on the
        # line (a printed marking's form; a sentence saying so, or a line going on past the
        # services, is prose).
        "law_enforcement_line",
        rf"^[^.!?\n]{{0,40}}?\b{_RESTRICTION}(?:\s+[^\s.!?]+){{0,4}}?\s+{_ENFORCEMENT}"
        r"(?:\s+[^\s.!?]+)?[^\w.!?\n]*$"
        rf"|^[^.!?\n]{{0,30}}?\b{_ENFORCEMENT}(?:\s+[^\s.!?]+)?[\s:–—-]+{_AFTER_RESTRICTION}"
        r"[^\w.!?\n]*$",
    ),
)

# Every phrase holds one of these: a cheap first look before the search.
PHRASE_STEMS = (
    "h0", "h1", "h2", "h3", "hc", "handling", "dissem", "diffus", "diffond", "divulg",
    "communiquer", "weiter", "verbreit", "verspreid", "verstrek", "difund", "difusi",
    "enforcement", "lea", "polic", "polizei", "polizia", "politie", "serv", "usage",
    "dienstgebrauch", "strafverfolg", "rechtshandh", "opsporing", "fuerzas", "forze",
    "distribut", "circulat", "voorbehoud", "gendarmerie", "pressif", "contrasto",
)  # fmt: skip
PHRASE_NAMES = {
    "handling_code": "handling code",
    "no_dissemination": "no dissemination",
    "law_enforcement_only": "law enforcement only",
    "law_enforcement_line": "law enforcement only",
}
