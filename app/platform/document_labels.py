"""The labels of passport, identity card, visa and residence document numbers in EN, FR, DE,
NL, ES and IT (and PT where it is free), as one pattern: app/platform/identity.py reads a number
beside one of them as a document's."""

from __future__ import annotations

# The number's word after a document's name (`passport no.`, `n°`, `Nummer`).
NUMBER_WORD = r"(?:no\.?|nr\.?|n\.?\s?[°º]\.?|n[úu]m\.?|number|nummer|n[úu]mero|numero|#)"
DOCUMENT_LABEL = (
    r"(?i:"
    # EN
    rf"\bpassport(?:\s*{NUMBER_WORD})?(?!s)\b|\btravel\s+document(?:\s*{NUMBER_WORD})?"
    rf"|\b(?:national\s+)?id(?:entity)?[\s-]*card(?:\s*{NUMBER_WORD})?|\bnational\s+id\b"
    rf"|\bid\s*{NUMBER_WORD}|\bdocumento?\s*{NUMBER_WORD}|\bvisa(?:\s+sticker)?\s*{NUMBER_WORD}"
    rf"|\bresidence\s+(?:permit|card)(?:\s*{NUMBER_WORD})?"
    rf"|\btazk[ie]ra(?:\s*{NUMBER_WORD})?|\bnational\s+identi(?:ty|fication)\s+number|\bnin\b"
    # FR
    # A key or a header drops a label's little words and abbreviates its number's
    # (`num_titre_sejour`, `carte_identite`, `permesso_soggiorno`): they are optional.
    rf"|(?:num[ée]ro|num\.?|n[°º]|no\.?)\s*(?:de\s+|du\s+)?(?:la\s+)?(?:passeport|visa|titre\s+"
    rf"(?:de\s+)?s[ée]jour|carte\s+(?:nationale\s+)?(?:d['’]\s*)?identit[ée]|document\s+"
    rf"(?:de\s+)?voyage)"
    rf"|\bpasseport(?:\s*{NUMBER_WORD})?|\bcarte\s+(?:nationale\s+)?(?:d['’]\s*)?identit[ée]"
    rf"|\bvisa\s+n[°º]|\btitre\s+(?:de\s+)?s[ée]jour|\bpermis\s+(?:de\s+)?s[ée]jour"
    # Residence documents by the names the laws give them: CESEDA (FR), AufenthG and FreizügG/EU
    # (DE), Vreemdelingenwet (NL), RD 557/2011 (ES), D.Lgs. 286/1998 (IT), Directive 2004/38 (EN).
    rf"|\bcarte\s+de\s+(?:s[ée]jour|r[ée]sident)|\btarjeta\s+de\s+(?:residencia|identidad\s+de\s+"
    rf"extranjero)|\bcarta\s+di\s+soggiorno|\bverblijfsdocument(?:nummer)?"
    rf"|\b(?:aufenthalts(?:erlaubnis|karte)|niederlassungserlaubnis)(?:nummer|[\s-]*nr\.?)?"
    # DE
    rf"|\breisepass(?:nummer|[\s-]*nr\.?)?|\bpass(?:nummer|[\s-]*nr\.?)"
    rf"|\bpersonalausweis(?:nummer|[\s-]*nr\.?)?|\bausweis(?:nummer|[\s-]*nr\.?)"
    rf"|\bvisum(?:nummer|[\s-]*nr\.?)|\bdokumentennummer|\baufenthaltstitel(?:nummer)?"
    # NL
    rf"|\bpaspoort(?:nummer|\s*nr\.?)?|\bidentiteitskaart(?:nummer)?|\bid-kaart(?:nummer)?"
    rf"|\bdocumentnummer|\bvisumnummer|\breisdocument(?:nummer)?|\bverblijfsvergunning"
    rf"(?:nummer)?|\bbsn\b|\bburgerservicenummer"
    # ES, PT
    rf"|(?:n[úu]mero|n[°º]|no\.?)\s*(?:de\s+|del\s+)?(?:pasaporte|passaporte|visado|"
    rf"documento(?:\s+(?:de\s+)?identidad)?|dni|nie)|\bpasaporte(?:\s*{NUMBER_WORD})?"
    rf"|\bpassaporte(?:\s*{NUMBER_WORD})?|\bdni\b|\bnie\b|\bdocumento\s+nacional\s+de\s+"
    rf"identidad|\bvisado(?:\s*{NUMBER_WORD})?"
    # IT
    rf"|(?:numero|num\.?|n\.|n[°º])\s*(?:di\s+|del\s+|della\s+)?(?:passaporto|visto|carta\s+"
    rf"(?:d['’]\s*)?identit[àa]|documento)|\bpassaporto(?:\s*{NUMBER_WORD})?"
    rf"|\bcarta\s+(?:d['’]\s*)?identit[àa]|\bpermesso\s+(?:di\s+)?soggiorno|\bcodice\s+fiscale"
    r")"
)
