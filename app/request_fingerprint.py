"""What an Idempotency-Key remembers of its request: the method, the target and the body's
content, not its encoding. A client's retry encodes the same request anew: a multipart encoder
draws a new boundary for every request, a JSON encoder may order keys or space them otherwise.

- multipart/form-data: the parts in order, each part's name, filename, content type and bytes
  (its bytes through a hash of their own, never copied), and the charset that decodes the names;
  not the boundary nor how the part headers are written;
- JSON (application/json, +json): the parsed value written canonically (keys sorted, no
  whitespace, strings ASCII-escaped), with the text of each number as written;
- anything else, and a body that does not parse as its content type says: the raw bytes.

The raw-bytes fingerprint is the one every key was stored with before content fingerprints;
`Fingerprint.matches` still accepts it, so a retry that straddles that change replays too when
its bytes are the same. It never matches a content fingerprint by accident: those hash a
preimage that begins with a NUL byte, where a raw one begins with the method.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

from app.platform import bounded_json
from app.platform.limits import LIMITS

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

_MULTIPART = b"\x00multipart/form-data\n"
_JSON = b"\x00json\n"


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """`value` is stored with the key; `matches` tells whether a stored one names this request."""

    value: str
    method: str
    target: str
    body: bytes

    def matches(self, stored: str) -> bool:
        if stored == self.value:
            return True
        raw = raw_fingerprint(self.method, self.target, self.body)
        return raw != self.value and stored == raw


def raw_fingerprint(method: str, target: str, body: bytes) -> str:
    digest = hashlib.sha256(method.encode() + b" " + target.encode() + b"\n")
    digest.update(body)  # not concatenated: no second copy of a large body
    return digest.hexdigest()


def request_fingerprint(
    method: str, target: str, content_type: str | None, body: bytes
) -> Fingerprint:
    """`target`: the path and, when there is one, `?query`."""
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    content: bytes | None = None
    if media_type == "multipart/form-data":
        content = _multipart_content(content_type or "", body)
    elif media_type == "application/json" or media_type.endswith("+json"):
        content = _json_content(body)
    if content is None:
        return Fingerprint(raw_fingerprint(method, target, body), method, target, body)
    digest = hashlib.sha256(_field(method.encode()) + _field(target.encode()) + content)
    return Fingerprint(digest.hexdigest(), method, target, body)


def _field(value: bytes) -> bytes:
    """`value` with its length before it: no two sequences of fields hash the same bytes."""
    return len(value).to_bytes(8, "big") + value


def _optional(value: bytes | None) -> bytes:
    return b"-" if value is None else b"+" + _field(value)


class _Parts:
    """Receives one multipart body's parts from the parser, hashing them as they come."""

    def __init__(self) -> None:
        self.summary = hashlib.sha256()
        self.data = hashlib.sha256()
        self.headers: list[tuple[bytes, bytes]] = []
        self.header_name = b""
        self.header_value = b""
        self.ended = False

    def part_begin(self) -> None:
        self.data = hashlib.sha256()
        self.headers = []

    def header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_name += data[start:end]

    def header_value_data(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def header_end(self) -> None:
        self.headers.append((self.header_name.strip().lower(), self.header_value.strip()))
        self.header_name = self.header_value = b""

    def part_data(self, data: bytes, start: int, end: int) -> None:
        self.data.update(memoryview(data)[start:end])

    def part_end(self) -> None:
        # The first of a repeated header counts, as for the form the route reads.
        headers: dict[bytes, bytes] = {}
        for name, value in self.headers:
            headers.setdefault(name, value)
        _, options = parse_options_header(headers.get(b"content-disposition"))
        self.summary.update(
            b"part"
            + _optional(options.get(b"name"))
            + _optional(options.get(b"filename"))
            + _optional(headers.get(b"content-type"))
            + self.data.digest()
        )

    def end(self) -> None:
        self.ended = True

    def callbacks(self) -> MultipartCallbacks:
        return {
            "on_part_begin": self.part_begin,
            "on_header_field": self.header_field,
            "on_header_value": self.header_value_data,
            "on_header_end": self.header_end,
            "on_part_data": self.part_data,
            "on_part_end": self.part_end,
            "on_end": self.end,
        }


def _multipart_content(content_type: str, body: bytes) -> bytes | None:
    _, options = parse_options_header(content_type)
    boundary = options.get(b"boundary")
    if not boundary:
        return None
    parts = _Parts()
    try:
        parser = MultipartParser(boundary, parts.callbacks())
        parser.write(body)
        parser.finalize()
    except FormParserError:
        return None
    if not parts.ended:  # cut short: a part never ended, so its bytes were never counted
        return None
    charset = options.get(b"charset", b"").lower()
    return _MULTIPART + _field(charset) + parts.summary.digest()


def _json_content(body: bytes) -> bytes | None:
    # Parsed and written by the json module's C code: a 1 MiB batch costs a few ms, not tens.
    floats: list[str] = []

    def parse_float(text: str) -> float:
        floats.append(text)
        return float(text)

    try:
        # Measured before it is parsed: too deep a body is refused by its route anyway.
        if not bounded_json.within(body, LIMITS.json_depth):
            return None
        value = json.loads(body, parse_float=parse_float)
    except ValueError:
        return None
    # A repeated key keeps its last value, as for the route that reads the body.
    canonical = json.dumps(value, sort_keys=True, separators=(",", ":"))
    # Each number as written: 2.5 and 2.50 are one float but not one text. The texts go in
    # sorted, since the keys' order moves them; two floats that swap texts between them are one
    # request to the route, which reads floats.
    return _JSON + _field(canonical.encode("ascii")) + ",".join(sorted(floats)).encode("ascii")
