"""ILO-9.1: markings of operational law-enforcement information and restrictive handling codes
(Europol-style H1-H3, "not to be disseminated", "law enforcement only" and their equivalents in
FR, DE, NL, ES, IT). Such a document belongs in a law-enforcement channel, not on the platform."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from app.platform.text import Location, TextUnit

_MARKINGS: tuple[tuple[str, str], ...] = (
    (
        "handling code",
        r"\bhandling\s+codes?\s*[:\-]?\s*H\s?[0-3]\b|(?<![\w-])\[?H[123]\]?\s*[:\-–]\s*"
        r"(?:this\s+information|not\s+to\s+be|must\s+not|do\s+not|no\s+dissemination|"
        r"restricted|may\s+not|only)|\bHC\s*[:\-]?\s*H?[1-3]\b|^\s*\[?H[123]\]?\s*$",
    ),
    (
        "operational law-enforcement information",
        r"\boperational\s+law[\s-]enforcement\s+information\b|\binformations?\s+op[ée]rationnelles?"
        r"\s+(?:de\s+police|r[ée]pressives?)|\boperative\s+(?:polizeiliche|strafverfolgungs)"
        r"|\boperationele\s+(?:politie|opsporings|rechtshandhavings)|\binformaci[óo]n\s+operativa"
        r"\s+policial|\binformazioni\s+operative\s+(?:di\s+polizia|delle\s+forze)",
    ),
    (
        "no dissemination",
        r"\bnot\s+(?:to\s+be\s+)?(?:further\s+)?disseminated\b|\bdo\s+not\s+disseminate\b|"
        r"\bno\s+(?:further\s+)?dissemination\b|\bne\s+pas\s+(?:diffuser|divulguer|"
        r"communiquer)|\bdiffusion\s+(?:interdite|restreinte)|\bnicht\s+(?:zur\s+)?"
        r"(?:weitergabe|weiterzugeben|verbreiten|weiterleiten)|\bniet\s+(?:verder\s+)?"
        r"(?:verspreiden|verstrekken)|\bno\s+(?:difundir|divulgar)|\bprohibida\s+su\s+difusi[óo]n"
        r"|\bnon\s+(?:divulgare|diffondere)|\bdivieto\s+di\s+divulgazione",
    ),
    (
        "law enforcement only",
        r"\b(?:for\s+)?law[\s-]enforcement\s+(?:use\s+|purposes\s+)?only\b|\bLEA\s+only\b|"
        r"\bpolice\s+use\s+only\b|\br[ée]serv[ée]e?s?\s+aux\s+(?:services\s+(?:de\s+police|"
        r"r[ée]pressifs)|forces\s+de\s+l['’]ordre)|\busage\s+policier\s+(?:uniquement|exclusif)"
        r"|\bnur\s+f[üu]r\s+(?:den\s+)?(?:polizei|strafverfolgung|dienstgebrauch)"
        r"|\b(?:alleen|uitsluitend)\s+voor\s+(?:politie|rechtshandhaving|opsporing)"
        r"|\b(?:s[óo]lo|solamente|exclusivamente)\s+(?:para\s+)?(?:uso\s+)?(?:policial|"
        r"de\s+las\s+fuerzas)|\b(?:solo|esclusivamente)\s+per\s+(?:le\s+)?(?:forze\s+"
        r"dell['’]ordine|uso\s+di\s+polizia)|\briservato\s+alle\s+forze",
    ),
)
_COMPILED = tuple((name, re.compile(p, re.IGNORECASE | re.MULTILINE)) for name, p in _MARKINGS)


@dataclass(frozen=True, slots=True)
class Marking:
    """A handling marking and where it stands."""

    name: str
    location: Location

    def describe(self) -> str:
        return f"{self.name} marking at {self.location.describe()}"


def handling_markings(units: Iterable[TextUnit], *, title: str = "") -> tuple[Marking, ...]:
    found: list[Marking] = []
    for name, pattern in _COMPILED:
        if title and pattern.search(title):
            found.append(Marking(name, Location(pointer="/title")))
    for unit in units:
        for name, pattern in _COMPILED:
            if pattern.search(unit.text):
                found.append(Marking(name, unit.location))
        if len(found) >= 20:
            break
    return tuple(found)
