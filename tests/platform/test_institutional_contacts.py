"""ILO-9.3: the institutional contacts registered in reference data (addresses, switchboards,
accounts) are not personal data; a person's address at the same domain stays personal data."""

from __future__ import annotations

from app.platform.check import inspect
from app.platform.extract import MARKDOWN
from app.platform.institutional import InstitutionalContacts
from app.platform.scanner import kinds, scan
from app.platform.text import FindingKind, Location, TextUnit

# The liaison office's mailbox is shaped as a person's (an initial beside a word), and its
# switchboard is not called one here: only their registration tells them from a person's.
LETTER = """# Liaison office of the IND in Rabat

Write to l.maroc@ind.nl or info@ind.nl, or call +212 537 219 600.
Visa fees are paid to NL91 ABNA 0417 1643 00.
"""
REGISTERED = InstitutionalContacts.of(
    emails=["L.Maroc@ind.nl"], phones=["+212 537 21 96 00"], ibans=["NL91ABNA0417164300"]
)


def _found(text: str, known: InstitutionalContacts) -> list[str]:
    return [f.describe() for f in scan([TextUnit(text, Location(line=1))], known)]


def test_ilo_9_3_registered_contacts_pass_and_are_found_unregistered() -> None:
    unregistered = inspect(LETTER.encode(), MARKDOWN)
    assert unregistered.findings == (
        "an e-mail address at line 3",
        "a telephone number at line 3",
        "an IBAN at line 4",
    )
    assert inspect(LETTER.encode(), MARKDOWN, known=REGISTERED).findings == ()


def test_ilo_9_3_a_person_at_the_same_domain_stays_personal_data() -> None:
    text = LETTER.replace("info@ind.nl", "jan.jansen@ind.nl")
    assert inspect(text.encode(), MARKDOWN, known=REGISTERED).findings == (
        "an e-mail address at line 3",
    )
    # Another number of the same organisation, or another account, is not registered.
    assert kinds(scan([TextUnit("call +212 537 219 601", Location(line=1))], REGISTERED)) == {
        FindingKind.phone
    }
    assert _found("paid to NL20 INGB 0001 2345 67", REGISTERED) == ["an IBAN at line 1"]


def test_ilo_9_3_registered_contacts_match_however_written() -> None:
    assert _found("l.maroc [at] ind [dot] nl", REGISTERED) == []
    assert _found("Tel. 00212 537 219 600", REGISTERED) == []
    assert _found("IBAN nl91-abna-0417-1643-00", REGISTERED) == []
    assert _found("l.maroc@ind.nl.example", REGISTERED) == ["an e-mail address at line 1"]
