"""JSON parsed only after its nesting is measured: a document of 100,000 nested brackets is
refused by its depth, before the parser (whose recursion it would exhaust) sees it."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

_BRACKETS = bytes.maketrans(b"{}", b"[]")
_NOT_STRUCTURE = bytes(c for c in range(256) if c not in b'[]{}"')


def _skeleton(data: bytes) -> bytes:
    """The brackets of a JSON text outside its strings, all as [ and ] (a mismatched pair is
    left to the parser). Escaped backslashes and quotes go first, so every quote left opens or
    closes a string."""
    data = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    # Most strings hold no bracket: they go as "" pairs before the rest are cut out.
    quoted = data.translate(None, _NOT_STRUCTURE).replace(b'""', b"")
    outside = b"".join(quoted.split(b'"')[0::2])
    return outside.translate(_BRACKETS)


def within(data: bytes, max_depth: int) -> bool:
    """Whether the arrays and objects of a JSON text nest at most `max_depth` deep. Linear in
    the text for each level (at most max_depth + 1 passes), no recursion: each pass removes
    the innermost pairs. Unbalanced brackets are not JSON (ValueError)."""
    skeleton = _skeleton(data)
    for _ in range(max_depth):
        if not skeleton:
            return True
        inner = skeleton.replace(b"[]", b"")
        if len(inner) == len(skeleton):
            raise ValueError("the brackets of the JSON text do not balance")
        skeleton = inner
    return not skeleton


class TooDeep(ValueError):
    def __init__(self, maximum: int) -> None:
        super().__init__(f"arrays and objects nested more than {maximum} levels deep")
        self.maximum = maximum


def loads(
    data: str | bytes,
    *,
    max_depth: int,
    object_pairs_hook: Callable[[list[tuple[str, Any]]], Any] | None = None,
) -> Any:
    """json.loads of a text nested at most `max_depth` deep: TooDeep past it, ValueError
    (json.JSONDecodeError included) for a text that is not JSON."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if not within(raw, max_depth):
        raise TooDeep(max_depth)
    return json.loads(data, object_pairs_hook=object_pairs_hook)
