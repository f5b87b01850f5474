"""`ilonet import officers|deployments FILE.csv`: bulk onboarding as a client would do it.

The rows are sent to the batch route (`POST /v1/officers:batch`, `/v1/deployments:batch`) over
HTTP with the caller's token, in chunks of at most 500, each chunk with an Idempotency-Key
derived from the file, the chunk and the mode (a rerun after a lost answer replays instead of
writing twice). Every row's outcome is reported; the exit status is 0 when every row was
created (or, in a dry run, allowed).

CSV columns are the fields of the single route's body; lists are separated by `;`. An officer's
`phone` and `email` form its contact; a deployment may name its officer by
`officer_external_reference` instead of `officer_id` (looked up with
`GET /v1/officers?external_reference=`).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import hashlib
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from app.schemas.batch import BATCH_MAX

LIST_FIELDS = {
    "expertise",
    "region_countries",
    "topics",
    "tasks",
    "represented_member_states",
    "co_deploying_member_states",
}
ROUTES = {"officers": "/v1/officers:batch", "deployments": "/v1/deployments:batch"}


@dataclass(frozen=True, slots=True)
class RowOutcome:
    row: int  # the CSV line's data row number, from 1
    outcome: str
    status: int
    id: str | None
    external_reference: str | None
    detail: str


def _item(kind: str, row: dict[str, str]) -> dict[str, Any]:
    item: dict[str, Any] = {}
    for name, raw in row.items():
        value = (raw or "").strip()
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


def read_rows(kind: str, path: Path) -> list[dict[str, Any]]:
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
            found.raise_for_status()
            officers = found.json()["items"]
            cache[reference] = officers[0]["id"] if officers else None
        if cache[reference] is not None:
            item["officer_id"] = cache[reference]
        else:
            item["officer_id"] = "00000000-0000-0000-0000-000000000000"  # reported as a 404


def _detail(item: dict[str, Any]) -> str:
    decision = item.get("decision") or {}
    violations = decision.get("violations") or []
    if violations:
        return "; ".join(f"{v['rule']}: {v['message']}" for v in violations)
    problem = item.get("problem") or {}
    return str(problem.get("detail", ""))


def _chunk_failed(start: int, size: int, response: httpx.Response) -> list[RowOutcome]:
    try:
        detail = str(response.json().get("detail", response.text[:200]))
    except ValueError:
        detail = response.text[:200]
    return [
        RowOutcome(start + i + 1, "failed", response.status_code, None, None, detail)
        for i in range(size)
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
) -> list[RowOutcome]:
    """Send `items` to the batch route in chunks; every row's outcome, in order. In
    all_or_nothing mode each chunk is its own transaction."""
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
            outcomes.extend(_chunk_failed(start, len(chunk), response))
        else:
            for item in response.json()["items"]:
                outcomes.append(
                    RowOutcome(
                        row=start + item["index"] + 1,
                        outcome=item["outcome"],
                        status=item["status"],
                        id=item["id"],
                        external_reference=item["external_reference"],
                        detail=_detail(item),
                    )
                )
        if progress is not None:
            progress(len(chunk))
    return outcomes


def succeeded(outcomes: Sequence[RowOutcome], *, dry_run: bool) -> bool:
    wanted = "allowed" if dry_run else "created"
    return all(o.outcome == wanted for o in outcomes)


async def _run(args: argparse.Namespace) -> int:
    from app.progress import ProgressBar

    items = read_rows(args.kind, args.file)
    digest = hashlib.sha256(args.file.read_bytes()).hexdigest()[:24]
    bar = ProgressBar(len(items), f"importing {args.kind}")
    async with httpx.AsyncClient(
        base_url=args.url,
        headers={"Authorization": f"Bearer {args.token}"},
        timeout=httpx.Timeout(120.0),
    ) as client:
        try:
            outcomes = await import_rows(
                client,
                args.kind,
                items,
                mode=args.mode,
                dry_run=args.dry_run,
                chunk_size=args.chunk_size,
                key_prefix=f"import-{args.kind}-{digest}",
                progress=bar.advance,
            )
        finally:
            bar.close()
    for o in outcomes:
        print(json.dumps(o.__dict__, ensure_ascii=False))
    counts: dict[str, int] = {}
    for o in outcomes:
        counts[o.outcome] = counts.get(o.outcome, 0) + 1
    print(json.dumps({"rows": len(outcomes), **counts}), file=sys.stderr)
    return 0 if succeeded(outcomes, dry_run=args.dry_run) else 1


def cmd_import(args: argparse.Namespace, _settings: object) -> int:
    return asyncio.run(_run(args))


def add_parsers(sub: Any) -> None:
    imp = sub.add_parser(
        "import", help="bulk onboarding from a CSV file through the batch routes (as a client)"
    )
    imp.add_argument("kind", choices=sorted(ROUTES))
    imp.add_argument("file", type=Path)
    imp.add_argument("--token", required=True, help="a bearer token of the importing caller")
    imp.add_argument("--url", default="http://127.0.0.1:8000", help="the ILONet server")
    imp.add_argument("--mode", choices=["all_or_nothing", "per_item"], default="all_or_nothing")
    imp.add_argument("--dry-run", action="store_true")
    imp.add_argument("--chunk-size", type=int, default=BATCH_MAX)
    imp.set_defaults(func=cmd_import)
