"""A PDF's page count is bounded before it is read: a page tree declaring more pages than
`pdf.pages` is refused from the raw bytes, before the reader parses the cross-reference table;
a count that understates is not believed (the walk counts the pages); a large count that is not
a page tree's (an outline's) refuses nothing."""

from __future__ import annotations

import pytest

from app.platform import pdf_text
from app.platform.limits import LIMITS, Refused
from tests.platform import hostile


def test_a_page_tree_declaring_30000_pages_is_refused_before_the_reader(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import pypdf

    def unread(*args: object, **kwargs: object) -> None:
        raise AssertionError("the reader was started")

    monkeypatch.setattr(pypdf, "PdfReader", unread)
    with pytest.raises(Refused) as refused:
        pdf_text.units(hostile.pdf_pages())
    assert (refused.value.status, refused.value.limit) == (422, "pdf.pages")
    assert refused.value.maximum == LIMITS.pdf_pages
    assert f"pdf.pages: {LIMITS.pdf_pages}" in refused.value.reason


def test_an_understated_count_is_not_believed() -> None:
    content = hostile.pdf_pages_understated()
    assert not pdf_text.declared_pages_exceed(content)
    with pytest.raises(Refused) as refused:
        pdf_text.units(content)
    assert refused.value.limit == "pdf.pages"


def test_an_outline_count_past_the_bound_refuses_nothing() -> None:
    outline = b"<< /Type /Outlines /Count %d >>" % (LIMITS.pdf_pages * 5)
    content = hostile.pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R /Outlines 6 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(hostile.TEXT) + hostile.TEXT + b"\nendstream",
            hostile.FONT,
            outline,
        ]
    )
    assert not pdf_text.declared_pages_exceed(content)
    found, pages = pdf_text.units(content)
    assert pages == 1
    assert [u.text for u in found] == ["Detections 4 512"]
