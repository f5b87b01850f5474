"""The ILO-9.3 scanner: extracted text (with locations) → findings (kind and location, never
the matched value). One finding per kind and text unit (line, cell, JSON string).

Each detector is built for its kind, not for a corpus: checksums where the kind has one (IBAN
mod 97, ICAO 9303 check digits, the Spanish DNI letter), libphonenumber's validity per region for
telephone numbers, labels in the languages of the Member States for numbers and dates that
are only personal because of what they are called. What passes on purpose: statistics and
counts, event dates, report and legal references (`COM(2020) 609`, `2019/1240`), flight numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from app.platform import contact, identity
from app.platform.text import Finding, FindingKind, TextUnit

Detector = Callable[[TextUnit], bool]

DETECTORS: tuple[tuple[FindingKind, Detector], ...] = (
    (FindingKind.email, lambda u: contact.has_email(u.text)),
    (FindingKind.phone, lambda u: contact.has_phone(u.text, context=u.context)),
    (FindingKind.mrz, lambda u: identity.has_mrz(u.text)),
    (
        FindingKind.document_number,
        lambda u: identity.has_document_number(u.text, context=u.context),
    ),
    (FindingKind.iban, lambda u: contact.has_iban(u.text)),
    (
        FindingKind.date_of_birth,
        lambda u: identity.has_date_of_birth(u.text, context=u.context),
    ),
    (FindingKind.personal_name, lambda u: identity.has_personal_name(u.text, context=u.context)),
    (FindingKind.personal_url, lambda u: contact.has_personal_url(u.text)),
)

MAX_FINDINGS = 100


def scan(units: Iterable[TextUnit]) -> tuple[Finding, ...]:
    """Every finding of personal data in the units, in document order (at most MAX_FINDINGS)."""
    findings: list[Finding] = []
    for unit in units:
        if not unit.text.strip():
            continue
        for kind, detect in DETECTORS:
            if detect(unit):
                findings.append(Finding(kind, unit.location))
                if len(findings) >= MAX_FINDINGS:
                    return tuple(findings)
    return tuple(findings)


def kinds(findings: Iterable[Finding]) -> frozenset[FindingKind]:
    return frozenset(f.kind for f in findings)
