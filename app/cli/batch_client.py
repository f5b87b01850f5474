"""The HTTP side of `ilonet import`: CSV or JSONL rows to the batch routes (`POST
/v1/officers:batch`, `/v1/deployments:batch`, `/v1/processing-records:batch`) with the caller's
token, in chunks of at most 500, each chunk with an
Idempotency-Key derived from the file, the chunk and the mode (a rerun after a lost answer
replays instead of writing twice), and every row's outcome.

CSV columns are the fields of the single route's body; lists are separated by `;`. An officer's
`phone` and `email` form its contact; a deployment may name its officer by
`officer_external_reference` instead of `officer_id` (looked up with
`GET /v1/officers?external_reference=`). A JSONL file (`.jsonl`, `.ndjson`) holds one body item
per line: the only form of `cases`, whose item nests a record with its transfers and answers. An
answer that is not the batch's per-row report (a
401, a 403 for the whole call, a 422 for a malformed row) stops the import as an HttpProblem.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx

BATCH_MAX = 500  # app.schemas.batch.BATCH_MAX, without importing the API's schemas
LIST_FIELDS = {
    "expertise",
    "region_countries",
    "topics",
    "tasks",
    "represented_member_states",
    "co_deploying_member_states",
}
ROUTES = {
    "officers": "/v1/officers:batch",
    "deployments": "/v1/deployments:batch",
    "cases": "/v1/processing-records:batch",
}
JSONL = (".jsonl", ".ndjson")
_ROW_POINTER = re.compile(r"^/items/(\d+)(/.*)?$")


@dataclass(frozen=True, slots=True)
class RowOutcome:
    row: int  # the CSV line's data row number, from 1
    outcome: str
    status: int
    id: str | None
    external_reference: str | None
    detail: str
    # a case's transfers: index, outcome, status, id and the answer's outcome
    transfers: list[dict[str, Any]] | None = None

    def as_dict(self) -> dict[str, Any]:
        said = asdict(self)
        if self.transfers is None:
            del said["transfers"]
        return said


class HttpProblem(Exception):
    """An answer that stops the import: its status, title, detail and request id in one line."""

    def __init__(self, response: httpx.Response, *, first_row: int = 1) -> None:
        self.status = response.status_code
        self.request_id = response.headers.get("x-request-id")
        try:
            body: Any = response.json()
        except ValueError:
            body = {}
        body = body if isinstance(body, dict) else {}
        self.title = str(body.get("title") or response.reason_phrase)
        self.detail = str(body.get("detail") or response.text[:200]).strip()
        rows = []
        for error in body.get("errors") or []:
            match = _ROW_POINTER.match(str(error.get("pointer", "")))
            if match:
                field = (match.group(2) or "").strip("/").replace("/", ".")
                where = f"row {first_row + int(match.group(1))}" + (f" {field}" if field else "")
                rows.append(f"{where}: {error.get('detail', 'invalid')}")
        if rows:
            self.detail = f"{self.detail} ({'; '.join(rows[:5])}{' …' if len(rows) > 5 else ''})"
        super().__init__(self.line())

    def line(self) -> str:
        said = f"{self.status} {self.title}" + (f": {self.detail}" if self.detail else "")
        return said + (f" (request id {self.request_id})" if self.request_id else "")


def _item(kind: str, row: dict[str, str]) -> dict[str, Any]:
    item: dict[str, Any] = {}
    for name, raw in row.items():
        value = (raw or "").strip() if isinstance(raw, str) else ""
        if not name or not value:
            continue
        if name in LIST_FIELDS:
            item[name] = [v.strip() for v in value.split(";") if v.strip()]
        else:
            item[name] = value
    if kind == "officers":
        contact = {k: item.pop(k) for k in ("phone", "email") if k in item}
        if contact:
            item["contact"] = contact
    return item


def _jsonl(path: Path) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            item = json.loads(line)
            if not isinstance(item, dict):
                raise ValueError(f"line {number} is not a JSON object")
            items.append(item)
    return items


def read_rows(kind: str, path: Path) -> list[dict[str, Any]]:
    """The items of a CSV file (a header line; lists separated by `;`) or of a JSONL file (one
    JSON object a line, as the batch route takes it). Cases are JSONL only (ValueError)."""
    if path.suffix.lower() in JSONL:
        return _jsonl(path)
    if kind == "cases":
        raise ValueError("cases nest transfers and answers: give a JSONL file (.jsonl)")
    with path.open(newline="", encoding="utf-8") as handle:
        return [_item(kind, row) for row in csv.DictReader(handle)]


async def _resolve_officers(client: httpx.AsyncClient, items: list[dict[str, Any]]) -> None:
    """officer_external_reference → officer_id, as a client reconciling by its own ids."""
    cache: dict[str, str | None] = {}
    for item in items:
        reference = item.pop("officer_external_reference", None)
        if reference is None or "officer_id" in item:
            continue
        if reference not in cache:
            found = await client.get("/v1/officers", params={"external_reference": reference})
            if found.status_code != 200:
                raise HttpProblem(found)
            officers = found.json()["items"]
            cache[reference] = officers[0]["id"] if officers else None
        if cache[reference] is not None:
            item["officer_id"] = cache[reference]
        else:
            item["officer_id"] = "00000000-0000-0000-0000-000000000000"  # reported as a 404


def _detail(item: dict[str, Any]) -> str:
    decision = item.get("decision") or {}
    violations = decision.get("violations") or []
    problem = item.get("problem") or {}
    said = (
        "; ".join(f"{v['rule']}: {v['message']}" for v in violations)
        if violations and item.get("outcome") != "created"
        else str(problem.get("detail", ""))
    )
    for t in item.get("transfers") or []:
        if t["outcome"] in ("reported", "denied", "failed"):
            said += f"{'; ' if said else ''}transfer {t['index'] + 1} {t['outcome']}: " + _detail(
                {**t, "transfers": None}
            )
    return said


def _transfers(item: dict[str, Any]) -> list[dict[str, Any]] | None:
    if "transfers" not in item:
        return None
    return [
        {
            "index": t["index"],
            "outcome": t["outcome"],
            "status": t["status"],
            "id": t["id"],
            "follow_up": (t.get("follow_up") or {}).get("outcome"),
        }
        for t in item["transfers"]
    ]


async def import_rows(
    client: httpx.AsyncClient,
    kind: str,
    items: Sequence[dict[str, Any]],
    *,
    mode: str = "all_or_nothing",
    dry_run: bool = False,
    chunk_size: int = BATCH_MAX,
    key_prefix: str | None = None,
    progress: Callable[[int], None] | None = None,
    report: Callable[[list[RowOutcome]], None] | None = None,
) -> list[RowOutcome]:
    """Send `items` to the batch route in chunks; every row's outcome, in order (each chunk's
    also to `report` as it is answered). In all_or_nothing mode each chunk is its own
    transaction. An answer other than the per-row report raises HttpProblem."""
    if not 1 <= chunk_size <= BATCH_MAX:
        raise ValueError(f"chunk_size must be 1..{BATCH_MAX}")
    rows = [dict(i) for i in items]
    if kind == "deployments":
        await _resolve_officers(client, rows)
    params = {"mode": mode, "dry_run": "true" if dry_run else "false"}
    outcomes: list[RowOutcome] = []
    for start in range(0, len(rows), chunk_size):
        chunk = rows[start : start + chunk_size]
        headers = {}
        if key_prefix is not None:
            headers["Idempotency-Key"] = f"{key_prefix}-{mode}-{int(dry_run)}-{start}"
        response = await client.post(
            ROUTES[kind], params=params, json={"items": chunk}, headers=headers
        )
        if response.status_code != 200:
            raise HttpProblem(response, first_row=start + 1)
        answered = [
            RowOutcome(
                row=start + item["index"] + 1,
                outcome=item["outcome"],
                status=item["status"],
                id=item["id"],
                external_reference=item["external_reference"],
                detail=_detail(item),
                transfers=_transfers(item),
            )
            for item in response.json()["items"]
        ]
        outcomes.extend(answered)
        if report is not None:
            report(answered)
        if progress is not None:
            progress(len(chunk))
    return outcomes


def succeeded(outcomes: Sequence[RowOutcome], *, dry_run: bool) -> bool:
    wanted = "allowed" if dry_run else "created"
    return all(o.outcome == wanted for o in outcomes)
