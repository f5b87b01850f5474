"""The corpus kept as files (tests/platform/documents/): each part's documents with their labels,
PDF and DOCX built from their specs, and the verdict the platform's checks give on each."""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

from app.platform.extract import CSV, DOCX, JSON, MARKDOWN, PDF, PLAIN
from tests.platform.files import make_docx, make_pdf

ROOT = Path(__file__).parent / "documents"
_TEXT_TYPES = {".txt": PLAIN, ".md": MARKDOWN, ".csv": CSV, ".json": JSON}


@dataclass(frozen=True, slots=True)
class Labelled:
    name: str
    language: str
    media_type: str
    content: bytes
    refuse: bool
    kinds: frozenset[str]
    person: str  # "private", "bare" or ""
    why: str


def _build(path: Path) -> tuple[str, bytes]:
    name = path.name
    if name.endswith(".pdf.json"):
        spec = json.loads(path.read_text(encoding="utf-8"))
        return PDF, make_pdf(spec["pages"])
    if name.endswith(".docx.json"):
        spec = json.loads(path.read_text(encoding="utf-8"))
        return DOCX, make_docx(
            spec.get("paragraphs", []),
            spec.get("tables", []),
            header=spec.get("header", []),
            footer=spec.get("footer", []),
        )
    return _TEXT_TYPES[path.suffix], path.read_bytes()


def load(part: str) -> list[Labelled]:
    """The documents of a part (`dev` or `heldout`) in file-name order."""
    folder = ROOT / part
    labels = tomllib.loads((folder / "labels.toml").read_text(encoding="utf-8"))
    docs: list[Labelled] = []
    for name in sorted(labels):
        label = labels[name]
        media_type, content = _build(folder / name)
        docs.append(
            Labelled(
                name=name,
                language=name.split("_", 1)[0],
                media_type=media_type,
                content=content,
                refuse=label["verdict"] == "refuse",
                kinds=frozenset(label.get("kinds", [])),
                person=label.get("person", ""),
                why=label.get("why", ""),
            )
        )
    return docs
