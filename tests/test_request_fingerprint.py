"""The Idempotency-Key fingerprint names a request's content, not its encoding
(app/request_fingerprint.py). The server path (a replay, a 422) is tested in
tests/routers/test_conventions.py; here, what counts as the same request."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from app.request_fingerprint import raw_fingerprint, request_fingerprint

TARGET = "/v1/documents/files"
METADATA = json.dumps({"title": "Activity report 2024", "audience": "steering_board"})
FILE = ("report.txt", b"173 liaison officers in 41 countries.\n", "text/plain")


def encoded(files: dict[str, Any], data: dict[str, str]) -> tuple[str, bytes]:
    """A form as httpx encodes it, with a boundary of its own drawing."""
    request = httpx.Request("POST", f"http://ilonet{TARGET}", files=files, data=data)
    return request.headers["content-type"], request.read()


def form_fingerprint(files: dict[str, Any], data: dict[str, str]) -> str:
    return request_fingerprint("POST", TARGET, *encoded(files, data)).value


def test_two_encodings_of_one_form_have_one_fingerprint() -> None:
    first, second = (
        encoded({"file": FILE}, {"metadata": METADATA}),
        encoded({"file": FILE}, {"metadata": METADATA}),
    )
    assert first != second  # each request draws its own boundary

    assert (
        request_fingerprint("POST", TARGET, *first).value
        == request_fingerprint("POST", TARGET, *second).value
    )


@pytest.mark.parametrize(
    ("files", "data"),
    [
        pytest.param(
            {"file": (FILE[0], FILE[1] + b" ", FILE[2])}, {"metadata": METADATA}, id="byte"
        ),
        pytest.param({"file": ("other.txt", FILE[1], FILE[2])}, {"metadata": METADATA}, id="name"),
        pytest.param({"file": (FILE[0], FILE[1], "text/csv")}, {"metadata": METADATA}, id="type"),
        pytest.param({"file": FILE}, {"metadata": METADATA.replace("2024", "2025")}, id="field"),
        pytest.param({"document": FILE}, {"metadata": METADATA}, id="part name"),
        pytest.param({"file": FILE}, {"metadata": METADATA, "note": ""}, id="one part more"),
    ],
)
def test_a_change_to_a_part_changes_the_fingerprint(
    files: dict[str, Any], data: dict[str, str]
) -> None:
    assert form_fingerprint(files, data) != form_fingerprint({"file": FILE}, {"metadata": METADATA})


def test_the_method_and_the_target_count() -> None:
    content_type, body = encoded({"file": FILE}, {"metadata": METADATA})
    fingerprints = {
        request_fingerprint(method, target, content_type, body).value
        for method, target in [("POST", TARGET), ("PUT", TARGET), ("POST", TARGET + "?x=1")]
    }
    assert len(fingerprints) == 3


def test_json_written_otherwise_has_one_fingerprint() -> None:
    compact = b'{"b":[1,2.50,{"y":null,"x":"\\u00e9"}],"a":true}'
    spaced = ' {\n  "a": true,\n  "b": [1, 2.50, {"x": "é", "y": null}]\n}\n'.encode()

    assert (
        request_fingerprint("POST", "/v1/x", "application/json", compact).value
        == request_fingerprint("POST", "/v1/x", "application/merge-patch+json", spaced).value
    )


@pytest.mark.parametrize(
    "other",
    [
        b'{"a":true,"b":[1,2.5,{"x":"\\u00e9","y":null}]}',  # 2.50 written as 2.5
        b'{"a":true,"b":[2.50,1,{"x":"\\u00e9","y":null}]}',  # an array's order
        b'{"a":true,"b":[1,2.50,{"x":"\\u00e8","y":null}]}',  # a string
        b'{"a":"true","b":[1,2.50,{"x":"\\u00e9","y":null}]}',  # a type
    ],
)
def test_a_change_to_a_json_value_changes_the_fingerprint(other: bytes) -> None:
    body = b'{"a":true,"b":[1,2.50,{"x":"\\u00e9","y":null}]}'
    assert (
        request_fingerprint("POST", "/v1/x", "application/json", body).value
        != request_fingerprint("POST", "/v1/x", "application/json", other).value
    )


def test_a_repeated_json_key_counts_as_the_route_reads_it() -> None:
    """json.loads, as the route reads the body, keeps a repeated key's last value."""
    fingerprint = request_fingerprint("POST", "/v1/x", "application/json", b'{"a":1,"a":2}')
    assert (
        fingerprint.value
        == request_fingerprint("POST", "/v1/x", "application/json", b'{"a":2}').value
    )
    assert (
        fingerprint.value
        != request_fingerprint("POST", "/v1/x", "application/json", b'{"a":1}').value
    )


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", b'{"a":'),  # not JSON
        ("application/json", b"\xff\xfe{}"),  # not UTF-8
        ("application/json", b"[" * 100 + b"]" * 100),  # deeper than any route takes
        ("multipart/form-data", b"--x\r\n\r\n--x--\r\n"),  # no boundary
        ("multipart/form-data; boundary=x", b"not a form"),
        (
            "multipart/form-data; boundary=x",
            b'--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1',
        ),
        ("text/csv", b"a,b\r\n1,2\r\n"),
        (None, b""),
    ],
)
def test_a_body_that_does_not_parse_as_its_type_keeps_its_raw_fingerprint(
    content_type: str | None, body: bytes
) -> None:
    fingerprint = request_fingerprint("POST", "/v1/x", content_type, body)
    assert fingerprint.value == raw_fingerprint("POST", "/v1/x", body)
    assert fingerprint.matches(raw_fingerprint("POST", "/v1/x", body))
    assert not fingerprint.matches(raw_fingerprint("POST", "/v1/x", body + b" "))


def test_a_key_stored_with_the_raw_fingerprint_matches_the_same_bytes_only() -> None:
    content_type, body = encoded({"file": FILE}, {"metadata": METADATA})
    fingerprint = request_fingerprint("POST", TARGET, content_type, body)
    stored_before = raw_fingerprint("POST", TARGET, body)

    assert fingerprint.value != stored_before
    assert fingerprint.matches(stored_before)
    assert fingerprint.matches(fingerprint.value)
    anew = request_fingerprint("POST", TARGET, *encoded({"file": FILE}, {"metadata": METADATA}))
    assert anew.matches(fingerprint.value)
    assert not anew.matches(stored_before)
