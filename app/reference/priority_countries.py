"""The host countries of EU priority for the Board's gap analysis (Art. 8(2)(e)): a dated,
sourced list in priority_countries.json, with the neighbours used for deployment options."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

PRIORITY_FILE = Path(__file__).resolve().parent / "priority_countries.json"


@dataclass(frozen=True, slots=True)
class PriorityCountry:
    country: str
    name: str
    route: str
    sources: tuple[str, ...]
    neighbours: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PriorityList:
    version: str
    valid_from: date
    source: str
    source_url: str
    items: tuple[PriorityCountry, ...]


@cache
def load_priority_countries(path: Path = PRIORITY_FILE) -> PriorityList:
    """The list as the file states it (read once per process)."""
    data = json.loads(path.read_bytes())
    return PriorityList(
        version=str(data["version"]),
        valid_from=date.fromisoformat(data["valid_from"]),
        source=str(data["source"]),
        source_url=str(data["source_url"]),
        items=tuple(
            PriorityCountry(
                country=i["country"],
                name=i["name"],
                route=i["route"],
                sources=tuple(i["sources"]),
                neighbours=tuple(i["neighbours"]),
            )
            for i in data["items"]
        ),
    )
