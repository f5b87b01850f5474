"""`ilonet audit export [--log]|verify-proof|verify-log` and `ilonet witness keygen|cosign
[--post]`: the command-line glue of the offline verifiers (app/audit_verify.py: a bundle of
proofs; app/audit_log.py: the whole log) and the witness (app/audit_witness.py). None of them
needs the database."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from app.cli.common import FAILED, OK, refused

TOKEN_ENV = "ILONET_TOKEN"  # noqa: S105 (the name of a variable, not a secret)


def _text(value: str) -> str:
    """A key given inline, or @path to read it from a file."""
    return Path(value[1:]).read_text(encoding="utf-8").strip() if value.startswith("@") else value


def _token(token: str | None) -> str:
    found = token or os.environ.get(TOKEN_ENV)
    if not found:
        raise refused(f"a bearer token is needed: --token or {TOKEN_ENV}")
    return found


F = TypeVar("F", bound=Callable[..., Any])

url_option = click.option("--url", required=True, help="The API's base URL")
token_option = click.option("--token", default=None, help=f"Bearer token (default ${TOKEN_ENV})")


def checked_against(command: F) -> F:
    """What an offline check holds its file against: the log's and the witnesses' keys, how many
    cosignatures it needs, cosigned notes and checkpoints seen before."""
    for option in (
        click.option("--known", multiple=True, help="A checkpoint seen before (a file)"),
        click.option("--cosigned", multiple=True, help="A witness's cosigned note (a file)"),
        click.option(
            "--require", type=int, default=0, show_default=True, help="Cosignatures required"
        ),
        click.option("--witness", multiple=True, help="Witness verifier key or @file"),
        click.option("--log-key", multiple=True, required=True, help="Log verifier key or @file"),
    ):
        command = option(command)
    return command


def _keys(log_key: tuple[str, ...], witness: tuple[str, ...]) -> tuple[list[Any], list[Any]]:
    from app.db.audit_note import parse_verifier

    return [parse_verifier(_text(k)) for k in log_key], [parse_verifier(_text(k)) for k in witness]


@click.command("verify-proof")
@click.argument("bundle", type=click.Path(dir_okay=False, path_type=Path))
@checked_against
def verify_proof(
    bundle: Path,
    log_key: tuple[str, ...],
    witness: tuple[str, ...],
    require: int,
    cosigned: tuple[str, ...],
    known: tuple[str, ...],
) -> int:
    """Check a proof bundle offline (no database, no server); exit 1 says why it fails."""
    from app.audit_verify import Rejected, verify_bundle
    from app.db.audit_note import NoteError, merge, split

    try:
        data = json.loads(bundle.read_text(encoding="utf-8"))
        logs, witnesses = _keys(log_key, witness)
        notes = [Path(p).read_text(encoding="utf-8") for p in cosigned]
        if isinstance(data, dict) and isinstance(data.get("checkpoints"), list):
            bodies = {split(n)[0]: n for n in data["checkpoints"]}
            for note in notes:  # a witness's cosigned copy joins the same checkpoint
                body = split(note)[0]
                if body in bodies:
                    data["checkpoints"].append(merge([bodies[body], note]))
        seen = [Path(p).read_text(encoding="utf-8") for p in known]
        report = verify_bundle(data, logs=logs, witnesses=witnesses, require=require, known=seen)
    except (Rejected, NoteError, OSError, ValueError) as error:
        click.echo(json.dumps({"valid": False, "reason": str(error)}, indent=2))
        return FAILED
    click.echo(json.dumps(report.as_dict(), indent=2))
    return OK


@click.command("verify-log")
@click.argument("log", type=click.Path(dir_okay=False, path_type=Path))
@checked_against
def verify_log(
    log: Path,
    log_key: tuple[str, ...],
    witness: tuple[str, ...],
    require: int,
    cosigned: tuple[str, ...],
    known: tuple[str, ...],
) -> int:
    """Check a whole exported log offline (`export --log`; no database, no server): every entry
    hashed, the tree's root recomputed and held against the signed, cosigned checkpoint and
    the known ones; exit 1 says what failed."""
    from app.audit_log import verify_log as check
    from app.audit_verify import Rejected
    from app.db.audit_note import NoteError

    try:
        logs, witnesses = _keys(log_key, witness)
        report = check(
            log,
            logs=logs,
            witnesses=witnesses,
            require=require,
            known=[Path(p).read_text(encoding="utf-8") for p in known],
            cosigned=[Path(p).read_text(encoding="utf-8") for p in cosigned],
        )
    except (Rejected, NoteError, OSError, ValueError) as error:
        click.echo(json.dumps({"valid": False, "reason": str(error)}, indent=2))
        return FAILED
    click.echo(json.dumps(report.as_dict(), indent=2))
    return OK


@click.command("export")
@url_option
@token_option
@click.option(
    "--log", "whole", is_flag=True, help="The whole log: checkpoint and every entry (verify-log)"
)
@click.option("--resource-type", default=None)
@click.option("--resource-id", default=None)
@click.option("--since", type=int, default=None, help="Size of the checkpoint seen before")
@click.option("--tree-size", type=int, default=None, help="Prove against this checkpoint")
@click.option("--output", "-o", default=None, help="[default: audit-bundle.json, audit-log.ndjson]")
def export(
    url: str,
    token: str | None,
    whole: bool,
    resource_type: str | None,
    resource_id: str | None,
    since: int | None,
    tree_size: int | None,
    output: str | None,
) -> int:
    """Fetch a proof bundle from the API (for verify-proof), every page of its events in one
    file (the pages after the first are proved in the first one's checkpoint); with --log the
    whole log instead, its checkpoint and every entry up to its size (for verify-log)."""
    import httpx

    if whole:
        if resource_type or resource_id or since is not None:
            raise click.UsageError("--log exports every entry: no --resource-*, no --since")
        return _export_log(url, _token(token), tree_size, Path(output or "audit-log.ndjson"))
    output = output or "audit-bundle.json"

    asked = {
        "resource_type": resource_type,
        "resource_id": resource_id,
        "since": since,
        "tree_size": tree_size,
    }
    params: dict[str, Any] = {k: v for k, v in asked.items() if v is not None}
    headers = {"Authorization": f"Bearer {_token(token)}"}
    bundle: dict[str, Any] | None = None
    cursor: str | None = None
    while bundle is None or cursor is not None:
        page_params = {**params, "cursor": cursor} if cursor else params
        answer = httpx.get(
            f"{url}/v1/audit/bundle", params=page_params, headers=headers, timeout=60
        )
        if answer.status_code != 200:
            raise refused(f"{answer.status_code} {answer.text}")
        page = answer.json()
        cursor = page.pop("next_cursor", None)
        if bundle is None:
            bundle = page
        else:
            bundle["events"].extend(page["events"])
    Path(output).write_text(json.dumps(bundle, indent=2) + "\n", encoding="utf-8")
    click.echo(f"wrote {output}")
    return OK


def _export_log(url: str, token: str, tree_size: int | None, output: Path) -> int:
    import httpx

    from app.audit_log_export import ExportFailed, export_log

    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=url, headers=headers, timeout=120) as client:
        try:
            size = export_log(client, output, tree_size)
        except ExportFailed as error:
            raise refused(str(error)) from None
        except httpx.HTTPError as error:
            raise refused(f"{url}: {error}") from None
    click.echo(json.dumps({"wrote": str(output), "tree_size": size}))
    return OK


@click.group()
def witness() -> None:
    """Witness the audit log with your own key."""


@witness.command()
@click.argument("name")
@click.option("--output", "-o", required=True, help="Where to write the private key")
@click.option("--log", is_flag=True, help="A log signing key (ILONET_AUDIT_LOG_KEYS)")
def keygen(name: str, output: str, log: bool) -> int:
    """Make a key for NAME (a witness, or with --log the log's origin); prints its verifier key."""
    from app.db.audit_note import COSIGNATURE_V1, ED25519, generate

    signer = generate(name, ED25519 if log else COSIGNATURE_V1)
    Path(output).write_text(signer.skey() + "\n", encoding="utf-8")
    os.chmod(output, 0o600)
    click.echo(signer.verifier.vkey())
    return OK


@witness.command()
@url_option
@token_option
@click.option("--log-key", required=True, help="The log's verifier key or @file")
@click.option("--key", required=True, help="The witness's private key or @file")
@click.option("--state-dir", default=".ilonet-witness", show_default=True)
@click.option("--output", "-o", default=None, help="The cosigned note (default stdout)")
@click.option("--post", is_flag=True, help="Post the cosignature to the log (scope audit:witness)")
def cosign(
    url: str,
    token: str | None,
    log_key: str,
    key: str,
    state_dir: str,
    output: str | None,
    post: bool,
) -> int:
    """Check that the newest checkpoint extends the last one cosigned; cosign it (and with
    --post hand the cosignature back to the log, whose bundles then carry it)."""
    from app.audit_witness import Refused, cosign_latest, post_cosignature
    from app.db.audit_note import parse_signer, parse_verifier

    try:
        witnessed = cosign_latest(
            api=url,
            token=_token(token),
            log=parse_verifier(_text(log_key)),
            witness=parse_signer(_text(key)),
            state_dir=Path(state_dir),
        )
    except Refused as error:
        click.echo(json.dumps({"cosigned": False, "reason": str(error)}, indent=2))
        return FAILED
    if output:
        Path(output).write_text(witnessed.note, encoding="utf-8")
    else:
        click.echo(witnessed.note, nl=False)
    if post:
        answer = post_cosignature(api=url, token=_token(token), note=witnessed.note)
        if answer.status_code != 201:
            raise refused(f"the log refused the cosignature: {answer.status_code} {answer.text}")
        click.echo(json.dumps({"posted": True, **answer.json()}, indent=2), err=True)
    return OK
