"""Hostile uploads, generated when a test asks for them (no bomb is kept in the repository):
each a small function building the file, cheaply — repetitive content is deflated as it is
written, so a package that inflates to hundreds of MiB costs a few hundred kB and a fraction of
a second. Each case names the bound (app/platform/limits.py) that must refuse it."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from app.platform.extract import DOCX, JSON, PDF

MiB = 1024 * 1024
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.wordprocessingml.document.main+xml"/></Types>'
)
RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)


@dataclass(frozen=True)
class Repeated:
    """A part's bytes: `head`, then `body` `times` over, then `tail`."""

    head: bytes
    body: bytes = b""
    times: int = 0
    tail: bytes = b""


def _deflated(part: Repeated) -> tuple[bytes, int, int]:
    """The raw deflate stream of a part, its CRC-32 and size. After a full flush the deflater
    starts afresh, so `body` is deflated once and its bytes repeated: a 400 MiB part costs one
    MiB of deflating (and a CRC over the rest)."""
    deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = deflater.compress(part.head) + deflater.flush(zlib.Z_FULL_FLUSH)
    body = deflater.compress(part.body) + deflater.flush(zlib.Z_FULL_FLUSH)
    tail = deflater.compress(part.tail) + deflater.flush()
    crc = zlib.crc32(part.head)
    for _ in range(part.times):
        crc = zlib.crc32(part.body, crc)
    crc = zlib.crc32(part.tail, crc)
    size = len(part.head) + len(part.body) * part.times + len(part.tail)
    return head + body * part.times + tail, crc, size


def package(parts: dict[str, Repeated], declared: dict[str, int] | None = None) -> bytes:
    """A DOCX package (a ZIP of deflated parts) of the given parts, each declaring its true
    size unless `declared` names another."""
    out = io.BytesIO()
    directory = io.BytesIO()
    every = {"[Content_Types].xml": Repeated(CONTENT_TYPES), "_rels/.rels": Repeated(RELS), **parts}
    for name, part in every.items():
        data, crc, size = _deflated(part)
        size = (declared or {}).get(name, size)
        raw = name.encode()
        fields = struct.pack("<HHHHHIIIHH", 20, 0, 8, 0, 0x21, crc, len(data), size, len(raw), 0)
        directory.write(struct.pack("<IH", 0x02014B50, 20) + fields
                        + struct.pack("<HHHII", 0, 0, 0, 0, out.tell()) + raw)  # fmt: skip
        out.write(struct.pack("<I", 0x04034B50) + fields + raw + data)
    offset, listing = out.tell(), directory.getvalue()
    out.write(listing)
    count = len(every)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(listing), offset, 0))
    return out.getvalue()


def document(*pieces: bytes, body: bytes = b"", times: int = 0, tail: bytes = b"") -> bytes:
    return package({"word/document.xml": Repeated(b"".join(pieces), body, times, tail)})


def docx_clean() -> bytes:
    return document(f"<w:document {W}><w:body><w:p><w:r><w:t>Activity report 2024"
                    "</w:t></w:r></w:p></w:body></w:document>".encode())  # fmt: skip


def docx_malformed() -> bytes:
    return document(f"<w:document {W}><w:body><w:p><w:r><w:t>x</w:p></w:body>".encode())


def docx_billion_laughs() -> bytes:
    """Ten levels of ten entity references: a billion `lol`s, were entities expanded."""
    entities = ['<!ENTITY lol0 "lol">']
    for level in range(1, 10):
        entities.append(f'<!ENTITY lol{level} "{f"&lol{level - 1};" * 10}">')
    dtd = "<!DOCTYPE w:document [" + "".join(entities) + "]>"
    body = (f"{dtd}<w:document {W}><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body>"
            "</w:document>")  # fmt: skip
    return document(body.encode())


def docx_dtd() -> bytes:
    return document(f'<!DOCTYPE w:document SYSTEM "http://example.org/x.dtd"><w:document {W}>'
                    "<w:body/></w:document>".encode())  # fmt: skip


@cache
def docx_huge_text_node() -> bytes:
    """One text node of 12 MiB (deflated to about 12 kB): within the part bound, so the parser
    meets it (a larger part is refused from its declared size before it is read)."""
    head = f"<w:document {W}><w:body><w:p><w:r><w:t>".encode()
    return document(
        head, body=b"A" * MiB, times=12, tail=b"</w:t></w:r></w:p></w:body></w:document>"
    )


def docx_deep() -> bytes:
    return document(f"<w:document {W}>".encode(), b"<w:p>" * 5_000, b"</w:p>" * 5_000,
                    b"</w:document>")  # fmt: skip


def docx_paragraphs() -> bytes:
    paragraph = b"<w:p><w:r><w:t>Detections 4 512</w:t></w:r></w:p>"
    head = f"<w:document {W}><w:body>".encode()
    return document(head, body=paragraph * 1_000, times=200, tail=b"</w:body></w:document>")


@cache
def docx_zip_bomb() -> bytes:
    """One part inflating to 400 MiB of zeros."""
    return package({"word/document.xml": Repeated(docx_xml()),
                    "word/media/image1.png": Repeated(b"", bytes(MiB), 400)})  # fmt: skip


@cache
def docx_many_parts_bomb() -> bytes:
    """Eight parts of 12 MiB each: every one within the part bound, 96 MiB together."""
    parts = {"word/document.xml": Repeated(docx_xml())}
    for i in range(8):
        parts[f"word/media/image{i}.png"] = Repeated(b"", bytes(MiB), 12)
    return package(parts)


@cache
def docx_understated_bomb() -> bytes:
    """One part inflating to 400 MiB that declares 1 MiB: read no further than declared."""
    name = "word/media/image1.png"
    return package({"word/document.xml": Repeated(docx_xml()),
                    name: Repeated(b"", bytes(MiB), 400)}, declared={name: MiB})  # fmt: skip


def docx_xml() -> bytes:
    return (
        f"<w:document {W}><w:body><w:p><w:r><w:t>x</w:t></w:r></w:p></w:body></w:document>".encode()
    )


# --- PDF ------------------------------------------------------------------------------------


def pdf(objects: list[bytes]) -> bytes:
    """A PDF of the given objects (1 is the catalog), with its cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))  # fmt: skip
    return out.getvalue()


FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
TEXT = b"BT /F1 10 Tf 40 800 Td (Detections 4 512) Tj ET"


def _page(parent: int, contents: int, font: int) -> bytes:
    return (b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (parent, contents, font))  # fmt: skip


def _stream(data: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def _flate_stream(part: Repeated) -> bytes:
    """A /FlateDecode stream (zlib: header, raw deflate, Adler-32) of a repeated content."""
    raw, _, _ = _deflated(part)
    adler = zlib.adler32(part.head)
    for _ in range(part.times):
        adler = zlib.adler32(part.body, adler)
    packed = b"\x78\xda" + raw + struct.pack(">I", zlib.adler32(part.tail, adler))
    return (
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + (b"\nendstream")
    )


def pdf_deep_tree() -> bytes:
    """A page tree 5,000 levels deep (each /Pages node the only kid of its parent)."""
    depth = 5_000
    # 1 catalog, 2..depth+1 the /Pages chain, then the page, its contents and the font.
    page, contents, font = depth + 2, depth + 3, depth + 4
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    for level in range(depth):
        number = 2 + level
        kid = number + 1 if level < depth - 1 else page
        parent = b"" if level == 0 else b"/Parent %d 0 R " % (number - 1)
        objects.append(b"<< /Type /Pages %s/Kids [%d 0 R] /Count 1 >>" % (parent, kid))
    objects += [_page(depth + 1, contents, font), _stream(TEXT), FONT]
    return pdf(objects)


@cache
def pdf_flate_bombs() -> bytes:
    """Three pages, each with a content stream inflating to 70 MiB (spaces after the text)."""
    bomb = _flate_stream(Repeated(TEXT, b" " * MiB, 70))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R 4 0 R 5 0 R] /Count 3 >>"]  # fmt: skip
    objects += [_page(2, 6 + i, 9) for i in range(3)]
    objects += [bomb, bomb, bomb, FONT]
    return pdf(objects)


def pdf_pages(count: int = 30_000, declared: int | None = None) -> bytes:
    """`count` pages sharing one content stream; the page tree's /Count says `declared`
    (default: the truth)."""
    first_page = 3
    contents, font = first_page + count, first_page + count + 1
    kids = b" ".join(b"%d 0 R" % (first_page + i) for i in range(count))
    told = count if declared is None else declared
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, told)]  # fmt: skip
    objects += [_page(2, contents, font)] * count
    objects += [_stream(TEXT), FONT]
    return pdf(objects)


def pdf_pages_understated() -> bytes:
    """3,000 pages whose page tree declares one: counted by the walk, not believed."""
    return pdf_pages(3_000, declared=1)


# --- JSON -----------------------------------------------------------------------------------


def json_deep() -> bytes:
    return b"[" * 100_000 + b"]" * 100_000


@dataclass(frozen=True)
class Case:
    """A hostile file, its media type, and the bound that refuses it (with the status)."""

    name: str
    build: Callable[[], bytes]
    media_type: str
    limit: str
    status: int = 422

    @property
    def filename(self) -> str:
        return self.name + {DOCX: ".docx", PDF: ".pdf", JSON: ".json"}[self.media_type]


CASES = [
    Case("docx-malformed-xml", docx_malformed, DOCX, "docx.xml"),
    Case("docx-billion-laughs", docx_billion_laughs, DOCX, "docx.dtd"),
    Case("docx-dtd", docx_dtd, DOCX, "docx.dtd"),
    Case("docx-12mib-text-node", docx_huge_text_node, DOCX, "docx.text_node_chars"),
    Case("docx-5000-deep", docx_deep, DOCX, "docx.xml_depth"),
    Case("docx-200000-paragraphs", docx_paragraphs, DOCX, "docx.paragraphs"),
    Case("docx-zip-bomb", docx_zip_bomb, DOCX, "docx.part_bytes", 413),
    Case("docx-many-parts-bomb", docx_many_parts_bomb, DOCX, "docx.decompressed_bytes", 413),
    Case("docx-understated-bomb", docx_understated_bomb, DOCX, "docx.zip"),
    Case("pdf-5000-deep-page-tree", pdf_deep_tree, PDF, "pdf.page_tree_depth"),
    Case("pdf-flate-bombs", pdf_flate_bombs, PDF, "pdf.stream_bytes", 413),
    Case("pdf-30000-pages", pdf_pages, PDF, "pdf.pages"),
    Case("pdf-3000-pages-declaring-one", pdf_pages_understated, PDF, "pdf.pages"),
    Case("json-100000-deep", json_deep, JSON, "json.depth"),
]
