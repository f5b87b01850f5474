"""Names people read for the codes the API speaks: countries, organisations, vocabulary terms,
dates and counted nouns. One place, so the three pages call a thing by one name."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from functools import cache
from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parents[1] / "reference"

TERMS: Mapping[str, str] = {
    # Purposes of Art. 10(1) and their regimes.
    "return": "Return",
    "resettlement": "Resettlement",
    "legal_migration": "Legal migration",
    "smuggling_trafficking": "Fight against migrant smuggling and trafficking",
    "gdpr": "GDPR",
    "eudpr": "EUDPR",
    "led": "LED",
    # Categories of personal data of Art. 10(3)(a)-(e).
    "a_return_identity": "Identity and nationality for return (Art. 10(3)(a))",
    "b_return_passenger_list": "Passenger lists of return flights (Art. 10(3)(b))",
    "c_legal_migration_identity": "Identity for legal migration (Art. 10(3)(c))",
    "d_resettlement_identity": "Identity for resettlement (Art. 10(3)(d))",
    "e_smuggling_trafficking": "Smuggling and trafficking information (Art. 10(3)(e))",
    # Data subjects.
    "returnee": "Returnees",
    "resettlement_candidate": "Resettlement candidates",
    "legal_migrant": "Legal migrants",
    "victim_of_trafficking": "Victims of trafficking",
    "suspected_smuggler": "Suspected smugglers",
    "witness": "Witnesses",
    "other": "Other",
    # Recipients.
    "public_authority": "Public authority",
    "international_organisation": "International organisation",
    "officer": "Liaison officer",
    "network": "ILO network",
    "member_state_authority": "Member State authority",
    # Chapter V grounds.
    "adequacy": "Adequacy decision",
    "binding_instrument": "Legally binding instrument",
    "administrative_arrangement": "Administrative arrangement",
    "controller_assessment": "Controller's assessment of safeguards",
    "public_interest": "Important reasons of public interest",
    "vital_interests": "Vital interests",
    "specific_situation": "Derogation for a specific situation",
    "explicit_consent": "Explicit consent",
    "contract": "Contract",
    # Posting types of Art. 2(2)(a)-(d) and network scopes.
    "member_state_mission": "Member State mission",
    "third_country_authority": "Third-country authority",
    "union_delegation": "Union delegation",
    "local": "Local",
    "regional": "Regional",
    # Coverage of a priority country.
    "covered": "Covered",
    "expiring": "Coverage ends within the horizon",
    "uncovered": "No ILO coverage",
}

# Nouns whose plural is not the singular with an "s".
IRREGULAR = {"country": "countries", "authority": "authorities", "ILO": "ILOs"}

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


@cache
def _names(file: str) -> Mapping[str, str]:
    items = json.loads((REFERENCE_DIR / file).read_bytes())["items"]
    return {str(i["code"]): str(i["name"]) for i in items}


def country(code: str) -> str:
    """The country's short name (ISO 3166-1 code to the EU style guide's name)."""
    return _names("countries.json").get(code, code)


def organisation(code: str) -> str:
    """A participant's name (Member States by country, the Commission and agencies by name)."""
    return _names("participants.json").get(code, code)


def term(value: object) -> str:
    """A vocabulary term as a reader names it; an unknown value is shown as words, never as
    an identifier."""
    text = str(value)
    return TERMS.get(text) or text.replace("_", " ").capitalize()


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """`1 country`, `3 countries`, `0 ILOs`."""
    if count == 1:
        return f"{count} {noun}"
    return f"{count} {nouns or IRREGULAR.get(noun) or noun + 's'}"


def long_date(value: date | datetime | str | None) -> str:
    """`6 December 2026`: the one date form of every page (a datetime adds `, 14:05 UTC`)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    text = f"{value.day} {MONTHS[value.month - 1]} {value.year}"
    if isinstance(value, datetime):
        text += f", {value:%H:%M} UTC"
    return text


def names(codes: Sequence[str], name: Callable[[str], str] = organisation) -> str:
    """`France, Netherlands and Spain`."""
    labels = [name(c) for c in codes]
    if len(labels) <= 1:
        return "".join(labels)
    return f"{', '.join(labels[:-1])} and {labels[-1]}"


def figure(value: object) -> str:
    """A published count, or "withheld" for one the disclosure control withholds (None)."""
    return "withheld" if value is None else str(value)
