"""Files built in the tests: a minimal PDF writer (text layer, one text line per row, Helvetica
with WinAnsi encoding) and DOCX documents through python-docx."""

from __future__ import annotations

import io

import docx


def _escape(line: str) -> bytes:
    raw = line.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def make_pdf(pages: list[list[str]], *, text_layer: bool = True) -> bytes:
    """A PDF of the given pages (lines of text); `text_layer=False` draws no text at all, like
    a scanned image without OCR."""
    objects: list[bytes] = []
    count = len(pages)
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(count))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {count} >>".encode())
    font_id = 3 + 2 * count
    for i, lines in enumerate(pages):
        content_id = 4 + 2 * i
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {content_id} 0 R "
            f"/Resources << /Font << /F1 {font_id} 0 R >> >> >>".encode()
        )
        stream = b"BT /F1 10 Tf 14 TL 40 800 Td\n"
        if text_layer:
            stream += b"".join(b"(" + _escape(line) + b") Tj T*\n" for line in lines)
        else:
            stream += b"0 0 m 100 100 l S\n"
        stream += b"ET"
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objects.append(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    )
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
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def make_docx(
    paragraphs: list[str],
    tables: list[list[list[str]]] | None = None,
    *,
    header: list[str] | None = None,
    footer: list[str] | None = None,
) -> bytes:
    document = docx.Document()
    section = document.sections[0]
    for part, lines in ((section.header, header), (section.footer, footer)):
        for i, text in enumerate(lines or []):
            if i == 0:
                part.paragraphs[0].text = text
            else:
                part.add_paragraph(text)
    for text in paragraphs:
        document.add_paragraph(text)
    for rows in tables or []:
        table = document.add_table(rows=len(rows), cols=len(rows[0]))
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                table.cell(r, c).text = cell
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
