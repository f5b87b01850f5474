"""ILO-9.3/ILO-9.1: a finding says where it stands — a DOCX header or footer by name (its own
lines, not a body line number), a JSON value by its pointer and its line in the file."""

from __future__ import annotations

from app.platform.check import inspect
from app.platform.extract import DOCX, JSON, extract
from app.platform.text import Location
from tests.platform.files import make_docx


def test_docx_headers_and_footers_are_named_in_findings_and_markings() -> None:
    content = make_docx(
        ["Quarterly risk analysis", "Arrivals rose by 12 % on the Western Balkans route."],
        [[["Route", "2025"], ["Western Balkans", "988"]]],
        header=["IND Rabat", "Mobile: 06 12 34 56 78"],
        footer=["RESTRICTED"],
    )
    inspection = inspect(content, DOCX)
    assert inspection.findings == ("a telephone number at the header of section 1, line 2",)
    assert inspection.markings == ("classification marking at the footer of section 1, line 1",)
    body = make_docx(["Mobile: 06 12 34 56 78"])
    assert inspect(body, DOCX).findings == ("a telephone number at line 1",)


def test_a_docx_header_is_not_read_as_the_body_line_before_it() -> None:
    # The body ends with a label; the header's first line is not the value it labels.
    units = extract(make_docx(["Passport no."], header=["X4839201"]), DOCX).units
    assert [(u.text, u.location, u.context) for u in units if u.text] == [
        ("Passport no.", Location(line=1), ""),
        ("X4839201", Location(part="header of section 1", line=1), ""),
    ]
    assert inspect(make_docx(["Passport no."], header=["X4839201"]), DOCX).findings == ()


def test_json_findings_carry_the_line_beside_the_pointer() -> None:
    text = (
        '{\n  "report": "Quarterly analysis",\n  "contacts": [\n'
        '    {"role": "desk", "email": "info@ind.nl"},\n'
        '    {"role": "officer", "email": "jan.jansen@ind.nl"}\n  ],\n'
        '  "passport": {"number": "P4839201"}\n}\n'
    )
    assert inspect(text.encode(), JSON).findings == (
        "an e-mail address at line 5, JSON pointer /contacts/1/email",
        "a passport, identity card or visa number at line 7, JSON pointer /passport/number",
    )


def test_a_json_member_given_twice_is_read_twice() -> None:
    text = '{"email": "jan.jansen@ind.nl",\n "email": "info@ind.nl"}'
    assert inspect(text.encode(), JSON).findings == (
        "an e-mail address at line 1, JSON pointer /email",
    )
