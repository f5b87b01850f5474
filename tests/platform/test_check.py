"""The content check as a worker answers it (app/platform/check.py): the file's SHA-256, of
its bytes as sent, and its text to index without the NUL characters PostgreSQL cannot store."""

from __future__ import annotations

import hashlib

from app.platform.check import inspect
from app.platform.extract import JSON, extract


def test_the_check_answers_the_files_hash_and_its_text_without_nul() -> None:
    content = b'{"title": "Route\\u0000 analysis", "rows": ["Western Balkans"]}'
    assert "\x00" in extract(content, JSON).text  # the escape is a NUL in the value
    inspection = inspect(content, JSON)
    assert inspection.sha256 == hashlib.sha256(content).hexdigest()
    assert "\x00" not in inspection.text
    assert "Route analysis" in inspection.text
    assert "Western Balkans" in inspection.text
