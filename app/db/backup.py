"""Backup and restore of the embedded database with the wheel's own tools.

A backup is a physical base backup (`pg_basebackup`, tar format with the WAL it needs, one
file). A physical copy keeps the cluster as it was — every database and role, and its
transaction-id counter: the audit sealer and the change feed order by transaction id
(`pg_current_xact_id()`), and a logical dump restored into a fresh cluster would start that
counter again below the restored events, so events written afterwards would sort before ones
already sealed or read. After a physical restore the counter goes on from where it stood.

The backup holds the database only: the key-encryption keys (ILONET_KEKS, or `dev-kek` in a
development data dir) are not in it and must be kept apart — without them the sealed personal
data of a backup cannot be read.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
import time
from pathlib import Path

from app.db.embedded import SUPERUSER, EmbeddedPostgres, _bin


def backup(server: EmbeddedPostgres, file: Path) -> int:
    """Write a base backup of the running embedded server to `file`; its size in bytes."""
    file.parent.mkdir(parents=True, exist_ok=True)
    partial = file.with_name(f".{file.name}.partial")
    with partial.open("wb") as out:
        done = subprocess.run(  # noqa: S603
            [
                str(_bin("pg_basebackup")),
                "-h",
                str(server.socket_dir),
                "-U",
                SUPERUSER,
                "-D",
                "-",
                "-F",
                "tar",
                "-X",
                "fetch",
                "-c",
                "fast",
                "--no-password",
            ],
            stdout=out,
            stderr=subprocess.PIPE,
            timeout=3600,
            check=False,
        )
    if done.returncode != 0:
        partial.unlink(missing_ok=True)
        raise RuntimeError(f"pg_basebackup failed: {done.stderr.decode(errors='replace')}")
    partial.replace(file)
    return file.stat().st_size


def restore(file: Path, pgdata: Path) -> Path | None:
    """Make `pgdata` the cluster of the backup; the server there must not be running. A
    cluster already there is moved aside (its new path is returned), never deleted."""
    server = EmbeddedPostgres(pgdata)
    if server.running_pid() is not None:
        raise RuntimeError(
            f"The embedded PostgreSQL in {pgdata} is running: stop `ilonet serve` first."
        )
    with tarfile.open(file) as archive:  # refuse a file that is not a base backup, first
        names = set(archive.getnames())
        if "backup_label" not in names or "PG_VERSION" not in names:
            raise RuntimeError(f"{file} is not an ilonet backup (no backup_label).")
    moved = None
    if pgdata.exists() and any(pgdata.iterdir()):
        moved = pgdata.with_name(f"{pgdata.name}.replaced-{time.strftime('%Y%m%dT%H%M%S')}")
        shutil.move(str(pgdata), str(moved))
    staging = pgdata.with_name(f".{pgdata.name}.restoring")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(mode=0o700, parents=True)
    with tarfile.open(file) as archive:
        archive.extractall(staging, filter="data")
    (staging / "pg_wal").mkdir(exist_ok=True)
    os.chmod(staging, 0o700)
    staging.replace(pgdata)
    return moved
