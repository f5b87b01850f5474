"""`ilonet import officers|deployments FILE.csv|FILE.jsonl` (bulk onboarding) and `ilonet import
cases FILE.jsonl` (existing cases: a record with its past transfers and answers a line), as a
client does it, over HTTP (app/cli/batch_client.py): a progress bar and a summary on stderr, one
JSON line per row on stdout; exit 0 when every row was created (or, in a dry run, allowed) — a
case's refused transfer is reported, not a failed row."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from app.cli.common import FAILED, OK, USAGE, progress, readable_file, refused, run_async

if TYPE_CHECKING:
    from app.cli.batch_client import RowOutcome

MODES = ("all_or_nothing", "per_item")
COLUMNS = {
    "officers": "authority_id, surname, given_names, expertise, phone, email, external_reference, "
    "… (the fields of POST /v1/officers)",
    "deployments": "officer_id or officer_external_reference, posting_type, host_country, city, "
    "region_countries, topics, tasks, starts_on, ends_on, external_reference, … (the fields of "
    "POST /v1/deployments)",
    "cases": "one JSON object a line: record (the body of POST /v1/processing-records, with "
    "began_on) and transfers, each {transfer: the body of POST .../transfers, follow_up: the "
    "body of POST .../follow-up}",
}
ROUTE = {"officers": "officers", "deployments": "deployments", "cases": "processing-records"}


async def _send(
    kind: str, file: Path, items: list[dict[str, Any]], options: dict[str, Any]
) -> tuple[list[RowOutcome], BaseException | None]:
    import httpx

    from app.cli.batch_client import import_rows

    digest = options["digest"]
    outcomes: list[RowOutcome] = []
    async with httpx.AsyncClient(
        base_url=options["url"],
        headers={"Authorization": f"Bearer {options['token']}"},
        timeout=httpx.Timeout(120.0, connect=10.0),
    ) as client:
        with progress(len(items), f"importing {kind}") as advance:
            try:
                await import_rows(
                    client,
                    kind,
                    items,
                    mode=options["mode"],
                    dry_run=options["dry_run"],
                    chunk_size=options["chunk_size"],
                    key_prefix=f"import-{kind}-{digest}",
                    progress=advance,
                    report=outcomes.extend,
                )
            except Exception as error:  # reported after the rows that were answered
                return outcomes, error
    return outcomes, None


def _summary(outcomes: list[RowOutcome], *, dry_run: bool) -> str:
    counts: dict[str, int] = {}
    for o in outcomes:
        counts[o.outcome] = counts.get(o.outcome, 0) + 1
    said = ", ".join(f"{n} {outcome}" for outcome, n in counts.items()) or "none answered"
    tail = " (dry run: nothing written)" if dry_run else ""
    return f"{len(outcomes)} rows: {said}{tail}"


def _import(kind: str, file: Path, options: dict[str, Any]) -> int:
    import csv

    import httpx

    from app.cli.batch_client import HttpProblem, read_rows

    if not options["token"].strip() or any(c.isspace() for c in options["token"]):
        raise refused("--token is empty or has spaces: give the bare token", USAGE)
    readable_file(file)
    try:
        items = read_rows(kind, file)
    except (UnicodeDecodeError, csv.Error) as unreadable:
        raise refused(f"{file}: not a UTF-8 CSV file ({unreadable})", USAGE) from unreadable
    except ValueError as unreadable:  # JSONL: not JSON, or not an object a line; cases as CSV
        raise refused(f"{file}: {unreadable}", USAGE) from unreadable
    if not items:
        raise refused(f"{file}: no rows", USAGE)
    options = {**options, "digest": hashlib.sha256(file.read_bytes()).hexdigest()[:24]}
    outcomes, error = run_async(_send(kind, file, items, options))
    for o in outcomes:
        click.echo(json.dumps(o.as_dict(), ensure_ascii=False))
        if o.outcome not in ("created", "allowed") or o.detail:
            click.echo(f"row {o.row}: {o.outcome} ({o.status}) {o.detail}".rstrip(), err=True)
    if isinstance(error, HttpProblem):
        raise refused(error.line(), FAILED)
    if isinstance(error, httpx.TransportError):
        reason = str(error) or type(error).__name__
        unreachable = isinstance(error, httpx.NetworkError | httpx.TimeoutException)
        said = "cannot reach" if unreachable else "no answer from"
        raise refused(f"{said} {options['url']}: {reason}", FAILED)
    if error is not None:
        raise error
    click.echo(
        f"{click.get_current_context().command_path}: "
        + _summary(outcomes, dry_run=bool(options["dry_run"])),
        err=True,
    )
    wanted = "allowed" if options["dry_run"] else "created"
    return OK if all(o.outcome == wanted for o in outcomes) else FAILED


def _command(kind: str) -> click.Command:
    @click.command(
        name=kind,
        help=f"Import {kind} from FILE through POST /v1/{ROUTE[kind]}:batch: "
        + (
            f"JSONL (UTF-8), {COLUMNS[kind]}."
            if kind == "cases"
            else f"CSV (UTF-8, a header line; lists separated by ';') or JSONL (one JSON object "
            f"a line). Columns: {COLUMNS[kind]}."
        ),
        epilog="Exit codes: 0 every row created (allowed, with --dry-run); 1 a row refused or "
        "failed, an HTTP problem (401, 403 …) or an unreachable server; 2 usage (a missing "
        "file, an empty file, a wrong option).",
    )
    @click.argument("file", type=click.Path(path_type=Path))
    @click.option(
        "--token",
        envvar="ILONET_TOKEN",
        required=True,
        help="Bearer token of the importing caller (or ILONET_TOKEN)",
    )
    @click.option(
        "--url", default="http://127.0.0.1:8000", show_default=True, help="The ILONet server"
    )
    @click.option(
        "--mode",
        type=click.Choice(MODES),
        default="all_or_nothing",
        show_default=True,
        help="all_or_nothing: a refused row rolls its chunk back; per_item: keep allowed rows",
    )
    @click.option("--dry-run", is_flag=True, help="Decide every row, write nothing")
    @click.option(
        "--chunk-size",
        type=click.IntRange(1, 500),
        default=500,
        show_default=True,
        help="Rows per request (each chunk its own transaction)",
    )
    def command(file: Path, **options: Any) -> int:
        return _import(kind, file, options)

    return command


@click.group(name="import")
def import_group() -> None:
    """Bulk onboarding and existing cases from a file through the batch routes, as a client
    (over HTTP)."""


import_group.add_command(_command("officers"))
import_group.add_command(_command("deployments"))
import_group.add_command(_command("cases"))
