"""National personal identifiers that carry their own check, found without a label (python-stdnum
validates them): Spain's DNI/NIE, Italy's codice fiscale, France's NIR, Poland's PESEL, Türkiye's
T.C. Kimlik No., India's Aadhaar and Pakistan's CNIC."""

from __future__ import annotations

import re
from collections.abc import Callable

from stdnum.es import dni, nie
from stdnum.fr import nir
from stdnum.in_ import aadhaar
from stdnum.it import codicefiscale
from stdnum.pk import cnic
from stdnum.pl import pesel
from stdnum.tr import tckimlik

from app.platform.patterns import IBAN_SHAPE_RE, digit_count

# The lookbehinds stand after the first character (`[A-Z](?<![A-Z0-9].)` is `(?<![A-Z0-9])[A-Z]`):
# a pattern that begins with a character class is searched for that class only. A DNI or NIE
# has seven digits in a row, a codice fiscale six capitals: looked for first.
_DNI_RE = re.compile(r"(?<![A-Za-z0-9])([XYZ]?\d{7,8}-?[A-Z])(?![A-Za-z0-9])")
_CODICE_FISCALE_RE = re.compile(
    r"[A-Z](?<![A-Z0-9].)[A-Z]{5}\d{2}[A-EHLMPRST]\d{2}[A-Z]\d{3}[A-Z](?![A-Z0-9])"
)
# A pattern that begins with one character (`\d\d{6}`, not `\d{7}`) is searched for that
# character first, several times faster.
_SIX_CAPITALS_RE = re.compile(r"[A-Z][A-Z]{5}")
# National personal identifiers that carry their own check (python-stdnum validates them), found
# without a label: France's NIR (social security number), Poland's PESEL, Türkiye's T.C. Kimlik
# No., India's Aadhaar (Verhoeff) and Pakistan's CNIC (written 5-7-1 with hyphens).
_NIR_RE = r"[12](?<![\w/.-].)\s?\d{2}\s?\d{2}\s?(?:\d{2}|2[AB])\s?\d{3}\s?\d{3}\s?\d{2}(?![\w/-])"
_NATIONAL_IDS: tuple[tuple[re.Pattern[str], Callable[[str], bool]], ...] = (
    (re.compile(_NIR_RE), nir.is_valid),
    (re.compile(r"\d(?<![\w/.+-].)\d{10}(?![\w/-])"), lambda v: _pesel_or_kimlik(v)),
    (re.compile(r"[2-9](?<![\w/.+-].)\d{3}\s?\d{4}\s?\d{4}(?![\w/-])"), aadhaar.is_valid),
    (re.compile(r"\d(?<![\w/.+-].)\d{4}-\d{7}-\d(?![\w/-])"), cnic.is_valid),
)


# Every identifier of _NATIONAL_IDS holds one of these runs of digits (a NIR's last eight, a PESEL's
# or Aadhaar's eight, a CNIC's first twelve): a first look over the digits only.
_NATIONAL_ID_STEM_RE = re.compile(r"\d(?:\d{2}\s?\d{3}\s?\d{2}|\d{3}\s?\d{4}|\d{4}-\d{7})")


_ZEROS = bytes.maketrans(b"123456789", b"000000000")
_SPACES = b" \t\n\r\x0b\x0c" + bytes(range(0x80, 0x100))


def _pesel_or_kimlik(value: str) -> bool:
    return bool(pesel.is_valid(value) or tckimlik.is_valid(value))


def national_id(text: str) -> bool:
    """A Spanish DNI/NIE, an Italian codice fiscale or another national identifier whose
    check verifies."""
    if digit_count(text) < 7:  # a DNI, NIE or codice fiscale has seven digits or more
        return False
    # The text's ASCII digits as zeros (the digits every identifier here is read in), in bytes:
    # its runs of digits are found by a substring test, several times faster than a pattern.
    shape = text.encode("utf-8", "surrogatepass").translate(_ZEROS)
    for m in _DNI_RE.finditer(text) if b"0000000" in shape else ():
        value = m.group(1)
        if (nie if value[0] in "XYZ" else dni).is_valid(value):
            return True
    for m in _CODICE_FISCALE_RE.finditer(text) if _SIX_CAPITALS_RE.search(text) else ():
        if codicefiscale.is_valid(m.group(0)):
            return True
    if digit_count(text) < 11:
        return False
    # Every identifier below holds eight digits apart by single spaces at most (any space,
    # no-break ones too: every non-ASCII byte is left out), or a CNIC's hyphen and seven digits.
    if b"00000000" not in shape.translate(None, _SPACES) and b"-0000000" not in shape:
        return False
    if _NATIONAL_ID_STEM_RE.search(text) is None:
        return False
    found = [
        m for pattern, valid in _NATIONAL_IDS for m in pattern.finditer(text) if valid(m.group(0))
    ]
    if not found:
        return False
    # An account's digits are no one's identifier.
    accounts = [m.span() for m in IBAN_SHAPE_RE.finditer(text)]
    return any(not any(a <= m.start() < b for a, b in accounts) for m in found)
