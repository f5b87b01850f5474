"""The whole audit log fetched into one file for the whole-log verifier (`ilonet audit export
--log`, app/audit_log.py): the checkpoint with its cosignatures, then every entry up to its
size, page by page (GET /v1/audit/entries), streamed to disk as they arrive."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from app.audit_log import header

PAGE = 16_384  # entries asked for at once (the route's bound)
WAIT_MAX = 60.0  # the longest Retry-After followed


class ExportFailed(Exception):
    """The API refused a request or answered what the log cannot be."""


def _get(client: Any, path: str, params: dict[str, Any]) -> Any:
    """GET, waiting out a 429's Retry-After (an export asks many pages in a row)."""
    while True:
        answer = client.get(path, params=params)
        if answer.status_code != 429:
            return answer
        time.sleep(min(float(answer.headers.get("Retry-After", "1")), WAIT_MAX))


def export_log(client: Any, output: Path, tree_size: int | None) -> int:
    """Write the log up to `tree_size` (default: the head, signed now) to `output` through an
    httpx client (base URL and token set); returns the checkpoint's size."""
    params = {"tree_size": tree_size} if tree_size is not None else {}
    answer = _get(client, "/v1/audit/bundle", params)
    if answer.status_code != 200:
        raise ExportFailed(f"{answer.status_code} {answer.text}")
    note = answer.json()["checkpoints"][-1]  # the asked checkpoint, with its cosignatures
    size = int(note.split("\n")[1])
    with output.open("wb") as out:
        out.write(header(note))
        start = 0
        while start < size:
            params = {"start": start, "end": min(start + PAGE, size)}
            with client.stream("GET", "/v1/audit/entries", params=params) as page:
                if page.status_code == 429:
                    time.sleep(min(float(page.headers.get("Retry-After", "1")), WAIT_MAX))
                    continue
                if page.status_code != 200:
                    raise ExportFailed(f"{page.status_code} {page.read().decode(errors='replace')}")
                received, last = 0, b"\n"
                for chunk in page.iter_bytes(1 << 20):
                    out.write(chunk)
                    received += chunk.count(b"\n")
                    last = chunk[-1:]
            if received == 0 or last != b"\n":
                raise ExportFailed(f"the log's entries from {start} came back empty or cut off")
            start += received
    return size
