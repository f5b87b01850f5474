"""Institutional contacts as the scanner receives them: the registered functional addresses,
switchboards and accounts of the participating organisations and of known public authorities
(reference data, edited through the API). They are no person's data, so the scanner passes them
exactly as registered; any other address at the same domain (`first.last@`) stays personal."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import phonenumbers

_AT_RE = re.compile(r"\s*[\[(]\s*at\s*[\])]\s*", re.IGNORECASE)
_DOT_RE = re.compile(r"\s*[\[(]\s*dot\s*[\])]\s*", re.IGNORECASE)
_IBAN_SEPARATORS_RE = re.compile(r"[\s-]+")


def email_key(address: str) -> str:
    """An address as compared: `Info [at] ind [dot] nl` and `info@ind.nl` are one address."""
    return _DOT_RE.sub(".", _AT_RE.sub("@", address.strip())).lower()


def phone_key(number: phonenumbers.PhoneNumber) -> str:
    import phonenumbers  # its metadata is the scanner's (and a write's), not every start's

    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_key_of(text: str) -> str | None:
    """An international number (`+31 70 779 8888`) as E.164, or None if it is not one."""
    import phonenumbers

    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        return None
    return phone_key(number) if phonenumbers.is_possible_number(number) else None


def iban_key(iban: str) -> str:
    return _IBAN_SEPARATORS_RE.sub("", iban).upper()


@dataclass(frozen=True, slots=True)
class InstitutionalContacts:
    """Registered contacts by their comparison keys (see the *_key functions)."""

    emails: frozenset[str] = frozenset()
    phones: frozenset[str] = frozenset()
    ibans: frozenset[str] = frozenset()

    @classmethod
    def of(
        cls, *, emails: Iterable[str] = (), phones: Iterable[str] = (), ibans: Iterable[str] = ()
    ) -> InstitutionalContacts:
        """Contacts as written in reference data (a phone in its international form)."""
        return cls(
            emails=frozenset(email_key(e) for e in emails),
            phones=frozenset(k for p in phones if (k := phone_key_of(p)) is not None),
            ibans=frozenset(iban_key(i) for i in ibans),
        )

    def __bool__(self) -> bool:
        return bool(self.emails or self.phones or self.ibans)


NO_CONTACTS = InstitutionalContacts()
