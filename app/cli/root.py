"""The `ilonet` group: its commands, and the one place that turns a refusal, a usage error or an
unexpected exception into one line on stderr and an exit code (0 ok, 1 failed, 2 usage)."""

from __future__ import annotations

import os
import sys
import traceback
from typing import TYPE_CHECKING

import click

from app.cli import audit_proofs, backup, importing, keys, maintenance, server, token
from app.cli.common import FAILED, USAGE, CommandError

if TYPE_CHECKING:
    from pydantic_settings import BaseSettings

INTERRUPTED = 130


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog="Exit codes: 0 done; 1 the work was refused or failed (a refused row, an HTTP "
    "problem, an unreachable server, a broken audit chain, data keys left); 2 usage (a wrong "
    "option, a missing file, a command refused by the set-up).",
)
def ilonet() -> None:
    """ILONet: the REST backend of the immigration liaison officers network."""


maintenance.audit.add_command(audit_proofs.export)
maintenance.audit.add_command(audit_proofs.verify_proof)
maintenance.audit.add_command(audit_proofs.verify_log)
for command in (
    server.serve,
    server.migrate,
    server.openapi,
    token.token,
    maintenance.sweep,
    maintenance.audit,
    audit_proofs.witness,
    keys.keys,
    importing.import_group,
    backup.backup,
    backup.restore,
):
    ilonet.add_command(command)


def run(argv: list[str] | None = None) -> int:
    """Run the command line; every outcome is an exit code, never a traceback."""
    try:
        result = ilonet.main(args=argv, prog_name="ilonet", standalone_mode=False)
    except CommandError as error:
        click.echo(error.message, err=True)
        return error.code
    except click.exceptions.Exit as done:
        return done.exit_code
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except click.Abort:
        click.echo("ilonet: interrupted", err=True)
        return INTERRUPTED
    except Exception as error:  # a bug or an unforeseen failure: one line, the trace on demand
        if os.environ.get("ILONET_TRACEBACK"):
            traceback.print_exc()
        name = " ".join(["ilonet", *(a for a in (argv or sys.argv[1:])[:1])])
        if isinstance(error, OSError):  # a file, a host, a connection: in the system's words
            click.echo(f"{name}: {error}", err=True)
            return FAILED
        refused = refused_settings(error)
        if refused is not None:
            click.echo(f"{name}: the configuration is refused: {refused}", err=True)
            return USAGE
        click.echo(
            f"{name}: unexpected {type(error).__name__}: {error} (ILONET_TRACEBACK=1 shows where)",
            err=True,
        )
        return FAILED
    return result if isinstance(result, int) else 0


def refused_settings(error: Exception) -> str | None:
    """Each refused setting by the variable that sets it, with pydantic's reason; None when
    `error` is not the settings' refusal. A light command never loads pydantic (it is looked
    up, not imported), and one that did not load it cannot have failed in it."""
    pydantic = sys.modules.get("pydantic")
    if pydantic is None or not isinstance(error, pydantic.ValidationError):
        return None
    from app.config import Settings

    if error.title != Settings.__name__:
        return None
    reasons = []
    for problem in error.errors(include_url=False):
        field = str(problem["loc"][0]) if problem["loc"] else None
        reason = problem["msg"].removeprefix("Value error, ")  # a validator's own words
        reasons.append(f"{_variable(Settings, field)}: {reason}" if field else reason)
    return "; ".join(reasons)


def _variable(settings: type[BaseSettings], field: str) -> str:
    info = settings.model_fields.get(field)
    alias = info.validation_alias if info is not None else None
    choices = getattr(alias, "choices", None)  # AliasChoices: the first is the documented one
    if choices and isinstance(choices[0], str):
        return choices[0]
    return f"{settings.model_config.get('env_prefix', '')}{field}".upper()


__all__ = ["USAGE", "ilonet", "run"]
