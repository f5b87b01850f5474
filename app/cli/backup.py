"""`ilonet backup FILE` and `ilonet restore FILE`: the embedded database (app/db/backup.py)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from app.cli.common import (
    FAILED,
    OK,
    USAGE,
    configure_logging,
    data_dir_option,
    database,
    readable_file,
    refused,
    stderr_console,
)
from app.cli.common import settings_for as _settings


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace FILE if it exists")
@data_dir_option
def backup(file: Path, force: bool, data_dir: Path | None) -> int:
    """Physical backup of the embedded database to FILE (safe while serving)."""
    from app.db.backup import backup as base_backup
    from app.db.embedded import EmbeddedPostgres

    settings = _settings(data_dir)
    if settings.database_url:
        raise refused(
            "copies the embedded database; back up DATABASE_URL's server with its own tools.",
            USAGE,
        )
    if file.exists() and not force:
        raise refused(f"{file} exists: give --force to replace it", USAGE)
    configure_logging()
    with database(settings), stderr_console().status(f"writing {file}"):
        try:
            size = base_backup(EmbeddedPostgres(settings.data_dir.resolve() / "pgdata"), file)
        except (RuntimeError, OSError) as error:
            raise refused(str(error).strip()) from error
    click.echo(json.dumps({"backup": str(file), "bytes": size}))
    return OK


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@data_dir_option
def restore(file: Path, data_dir: Path | None) -> int:
    """Replace the embedded database with the backup FILE (with serve stopped); the cluster it
    replaces is moved aside (pgdata.replaced-<time>), never deleted."""
    import tarfile

    from app.db.backup import restore as restore_backup

    settings = _settings(data_dir)
    if settings.database_url:
        raise refused("restores the embedded database only.", USAGE)
    readable_file(file)
    try:
        with stderr_console().status(f"restoring {file}"):
            moved = restore_backup(file, settings.data_dir.resolve() / "pgdata")
    except tarfile.TarError as error:
        raise refused(f"{file} is not an ilonet backup ({error})", FAILED) from error
    except RuntimeError as error:
        raise refused(str(error), FAILED) from error
    click.echo(
        json.dumps({"restored": str(file), "previous_cluster": str(moved) if moved else None})
    )
    return OK
