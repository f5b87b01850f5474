"""`ilonet backup FILE` and `ilonet restore FILE`: the embedded database (app/db/backup.py)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from app.config import Settings


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    from app.cli import database
    from app.db.backup import backup
    from app.db.embedded import EmbeddedPostgres

    if settings.database_url:
        print(
            "ilonet backup copies the embedded database; back up DATABASE_URL's server with "
            "its own tools.",
            file=sys.stderr,
        )
        return 2
    with database(settings):
        size = backup(EmbeddedPostgres(settings.data_dir.resolve() / "pgdata"), args.file)
    print(json.dumps({"backup": str(args.file), "bytes": size}))
    return 0


def cmd_restore(args: argparse.Namespace, settings: Settings) -> int:
    from app.db.backup import restore

    if settings.database_url:
        print("ilonet restore restores the embedded database only.", file=sys.stderr)
        return 2
    try:
        moved = restore(args.file, settings.data_dir.resolve() / "pgdata")
    except RuntimeError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(
        json.dumps({"restored": str(args.file), "previous_cluster": str(moved) if moved else None})
    )
    return 0


def add_parsers(sub: Any) -> None:
    back = sub.add_parser(
        "backup", help="physical backup of the embedded database to FILE (safe while serving)"
    )
    back.add_argument("file", type=Path)
    back.add_argument("--data-dir", type=Path, default=None)
    back.set_defaults(func=cmd_backup)
    rest = sub.add_parser(
        "restore", help="replace the embedded database with a backup (server stopped)"
    )
    rest.add_argument("file", type=Path)
    rest.add_argument("--data-dir", type=Path, default=None)
    rest.set_defaults(func=cmd_restore)
