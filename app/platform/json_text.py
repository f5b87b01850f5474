"""A JSON file's text units: every member name and every string or number value, each with its
JSON pointer and the line of the file it stands on. Members are read as pairs, so a name given
twice in one object is read (and scanned) twice, as the file holds it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from app.platform.text import Location, TextUnit


class Members(list[tuple[str, Any]]):
    """An object's members in the file's order, duplicates kept (json's object_pairs_hook)."""


# The tokens that give a unit, in the file's order: a member name (a string before a colon), a
# string or a number (NaN and Infinity included, as Python's parser reads them). true, false
# and null give none; a string never holds a raw line break.
_TOKEN_RE = re.compile(
    r'"(?:[^"\\]|\\.)*"|-?(?:\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|Infinity)|NaN|true|false|null'
)
_NO_UNIT = frozenset({"true", "false", "null"})


def _lines(text: str) -> list[int]:
    """The line of each token that gives a unit, in order."""
    lines: list[int] = []
    line, last = 1, 0
    for m in _TOKEN_RE.finditer(text):
        if m.group(0) in _NO_UNIT:
            continue
        line += text.count("\n", last, m.start())
        last = m.start()
        lines.append(line)
    return lines


def _walk(value: Any, pointer: str = "", member: str = "") -> Iterator[tuple[str, str, str]]:
    """(text, pointer, member) of each name and scalar value, in the file's order."""
    if isinstance(value, Members):
        for key, item in value:
            escaped = key.replace("~", "~0").replace("/", "~1")
            yield key, f"{pointer}/{escaped}", ""
            yield from _walk(item, f"{pointer}/{escaped}", key)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk(item, f"{pointer}/{i}", member)
    elif isinstance(value, str | int | float) and not isinstance(value, bool):
        yield str(value), pointer, member


def units(parsed: Any, text: str) -> Iterator[TextUnit]:
    """The units of a JSON document parsed with `Members` as its object_pairs_hook, from the
    text it was parsed from. If the tokens and the units ever disagree in number, the units
    are located by their pointers alone."""
    walked = list(_walk(parsed))
    lines: list[int | None] = list(_lines(text))
    if len(lines) != len(walked):
        lines = [None] * len(walked)
    for (value, pointer, member), line in zip(walked, lines, strict=True):
        yield TextUnit(value, Location(line=line, pointer=pointer), context=member)
