"""A DOCX package's declared sizes are checked before anything inflates: a directory declaring
a part or a package past the bounds is refused from the declarations alone, and a part longer
than it declares is read no further than its declaration (its CRC then fails)."""

from __future__ import annotations

import pytest

from app.platform.docx_package import check_package
from app.platform.limits import LIMITS, Refused
from tests.platform import hostile

MiB = hostile.MiB
CONTENT = hostile.Repeated(hostile.docx_xml())


def test_a_package_declaring_more_than_the_bound_is_refused_before_inflating() -> None:
    # eight tiny parts that declare 12 MiB each: inflated, they would fail their CRC (422
    # docx.zip); refused from the directory instead, as what it declares
    parts = {f"word/media/image{i}.png": hostile.Repeated(b"x") for i in range(8)}
    declared = dict.fromkeys(parts, 12 * MiB)
    content = hostile.package({"word/document.xml": CONTENT, **parts}, declared=declared)
    with pytest.raises(Refused) as refused:
        check_package(content)
    assert (refused.value.status, refused.value.limit) == (413, "docx.decompressed_bytes")
    assert refused.value.maximum == LIMITS.docx_decompressed_bytes


def test_a_part_declaring_more_than_the_part_bound_is_refused_before_inflating() -> None:
    name = "word/media/image1.png"
    declared = {name: LIMITS.docx_part_bytes + 1}
    content = hostile.package(
        {"word/document.xml": CONTENT, name: hostile.Repeated(b"x")}, declared=declared
    )
    with pytest.raises(Refused) as refused:
        check_package(content)
    assert (refused.value.status, refused.value.limit) == (413, "docx.part_bytes")
    assert name in str(refused.value)


def test_a_part_longer_than_it_declares_is_read_no_further() -> None:
    with pytest.raises(Refused) as refused:
        check_package(hostile.docx_understated_bomb())
    assert (refused.value.status, refused.value.limit) == (422, "docx.zip")
    assert "word/media/image1.png" in str(refused.value)
