"""Real processes for the CLI tests and the drills: `ilonet serve` on a free port with its own
data dir (and so its own embedded PostgreSQL), `ilonet` commands beside it, development tokens
signed with the data dir's key, and a sandbox that ends every process it started.

Waits are for conditions (a readiness probe, a process exit), each with a deadline.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest

from app.config import Settings
from app.db.embedded import EmbeddedPostgres, socket_dir_for
from app.dev_issuer import DEV_ISSUER
from app.tokens import load_or_create_dev_key, mint_token
from tests.factories import TODAY

ILONET = Path(sys.executable).parent / "ilonet"
# A deadline, not a wait: a fresh data dir's initdb and migrations, or three instances started
# together, take more than a minute on a loaded machine (the suite runs on several workers).
READY_TIMEOUT = 180.0
STOP_TIMEOUT = 20.0
COMMAND_TIMEOUT = 60.0


# Not passed on to the processes a test starts: the test's own database, and the setting that
# stops Python writing bytecode (with it every `ilonet` process, a second of CPU or more, would
# compile again each module it imports; without it the first writes __pycache__/, which git
# ignores, and the others read it).
KEPT_OUT = frozenset({"DATABASE_URL", "PYTHONDONTWRITEBYTECODE"})


# `serve` closes a connection left idle for 5 s (uvicorn's keep-alive); a client reusing one at
# that moment reads a reset. The clients of real servers drop an idle connection well before.
KEEPALIVE_EXPIRY = 2.0


def client_limits(**limits: int) -> httpx.Limits:
    """Connection limits for a client of a real server: no connection reused once the server
    may be closing it."""
    return httpx.Limits(keepalive_expiry=KEEPALIVE_EXPIRY, **limits)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Server:
    """One `ilonet serve` process and the file its output goes to."""

    process: subprocess.Popen[bytes]
    log_path: Path
    base_url: str

    def messages(self) -> list[str]:
        """The `msg` of every JSON log line written so far."""
        found: list[str] = []
        for line in self.log_path.read_text(errors="replace").splitlines():
            try:
                record: Any = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict) and isinstance(record.get("msg"), str):
                found.append(record["msg"])
        return found

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@dataclass
class Sandbox:
    """A temp dir with its own ILONET_DATA_DIR, and the servers started in it."""

    root: Path
    servers: list[Server] = field(default_factory=list)

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def pgdata(self) -> Path:
        return self.data_dir.resolve() / "pgdata"

    @property
    def database(self) -> EmbeddedPostgres:
        """The embedded PostgreSQL of this data dir (to stop or start it behind serve's back)."""
        return EmbeddedPostgres(self.pgdata)

    def owner_url(self) -> str:
        return self.database.url(database="ilonet")

    def auth(self) -> Callable[..., dict[str, str]]:
        """Headers factory like the `auth` fixture, with development tokens `serve` trusts."""
        private_pem = load_or_create_dev_key(Settings(data_dir=self.data_dir))

        def headers(
            org: str = "NL",
            roles: list[str] | None = None,
            *,
            sub: str | None = None,
            officer_id: str | None = None,
            scopes: list[str] | None = None,
        ) -> dict[str, str]:
            roles = roles or ["deploying_authority"]
            token = mint_token(
                private_pem=private_pem,
                issuer=DEV_ISSUER,
                sub=sub or f"{org.lower()}-{'-'.join(roles)}",
                org=org,
                roles=roles,
                officer_id=officer_id,
                scopes=scopes,
                ttl_seconds=3600,
            )
            return {"Authorization": f"Bearer {token}"}

        return headers

    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = {
            name: value
            for name, value in os.environ.items()
            if name not in KEPT_OUT and not name.startswith("ILONET_")
        }
        env["ILONET_DATA_DIR"] = str(self.data_dir)
        env["ILONET_ENV"] = "development"
        env.update(extra or {})
        if env["ILONET_ENV"] != "production":  # which takes the clock's day, and refuses a pin
            # the run's day, as in the tests' own process (tests/conftest.py)
            env.setdefault("ILONET_CALENDAR_DATE", TODAY.isoformat())
        return env

    def load_env(self) -> dict[str, str]:
        """For a drill that loads the server as fast as it can: the rate limits (tested on
        their own) would answer much of the load with 429 instead of what the drill is after."""
        return {"ILONET_RATE_LIMIT_CLIENT_PER_MINUTE": "0", "ILONET_RATE_LIMIT_ORG_PER_MINUTE": "0"}

    def run(
        self, *args: str, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(ILONET), *args],
            cwd=self.root,
            env=self.env(env),
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )

    def serve(self, env: dict[str, str] | None = None, args: list[str] | None = None) -> Server:
        port = free_port()
        log_path = self.root / f"serve-{len(self.servers)}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [str(ILONET), "serve", "--host", "127.0.0.1", "--port", str(port), *(args or [])],
                cwd=self.root,
                env=self.env(env),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        server = Server(process, log_path, f"http://127.0.0.1:{port}")
        self.servers.append(server)
        return server

    def wait_ready(self, server: Server) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                pytest.fail(
                    f"serve exited with {server.process.returncode} before it was ready:\n"
                    + server.log()
                )
            try:
                if httpx.get(f"{server.base_url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        pytest.fail(f"serve was not ready within {READY_TIMEOUT:.0f} s:\n" + server.log())

    def stop(self, server: Server, sig: signal.Signals = signal.SIGTERM) -> int:
        """Send `sig` and return the exit code (failing the test if it takes too long)."""
        server.process.send_signal(sig)
        try:
            return server.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            pytest.fail(f"serve did not exit within {STOP_TIMEOUT:.0f} s of {sig.name}")

    def postgres_processes(self) -> list[Any]:
        """Live `postgres` processes whose command line names this sandbox's data dir."""
        marker = str(self.pgdata)
        found: list[Any] = []
        for proc in psutil.process_iter(["name", "cmdline", "status"]):
            info = proc.info
            if info["status"] == psutil.STATUS_ZOMBIE:
                continue
            cmdline: list[str] = info["cmdline"] or []
            is_postgres = info["name"] == "postgres" or (
                bool(cmdline) and Path(cmdline[0]).name == "postgres"
            )
            if is_postgres and any(marker in arg for arg in cmdline):
                found.append(proc)
        return found

    def kill_leftovers(self) -> None:
        for server in self.servers:
            if server.process.poll() is not None:
                continue
            # a pg_ctl it is running would outlive it, and might start a server after this
            helpers: list[Any] = []
            with suppress(psutil.NoSuchProcess):
                helpers = psutil.Process(server.process.pid).children(recursive=True)
            server.process.kill()
            server.process.wait(timeout=STOP_TIMEOUT)
            for helper in helpers:
                with suppress(psutil.NoSuchProcess):
                    if helper.name() != "postgres":
                        helper.kill()
        leftovers = self.postgres_processes()
        for proc in leftovers:  # SIGQUIT: PostgreSQL's immediate shutdown
            with suppress(psutil.NoSuchProcess):
                proc.send_signal(signal.SIGQUIT)
        _, alive = psutil.wait_procs(leftovers, timeout=10)
        for proc in alive:
            with suppress(psutil.NoSuchProcess):
                proc.kill()
        shutil.rmtree(socket_dir_for(self.pgdata), ignore_errors=True)


# A test's cluster need only outlive its server's processes, never the machine: no fsync. Every
# drill's crash is of a process (SIGKILL, `pg_ctl stop -m immediate`), after which the kernel
# still holds every write PostgreSQL made, so what the drills prove does not change.
SCRATCH_SETTINGS = "\n# a test's scratch cluster\nfsync = off\nfull_page_writes = off\n"

_seed: list[Path] = []


def seed_data_dir() -> Path:
    """A data dir as `ilonet migrate` leaves a fresh one (initdb, every migration, PostgreSQL
    stopped), made once per process; sandboxes start from a copy of it."""
    if not _seed:
        root = Path(tempfile.mkdtemp(prefix="ilonet-seed-"))
        atexit.register(shutil.rmtree, root, ignore_errors=True)
        box = Sandbox(root)
        done = subprocess.run(
            [str(ILONET), "migrate"],
            cwd=root,
            env=box.env(),
            capture_output=True,
            text=True,
            timeout=READY_TIMEOUT,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert box.database.running_pid() is None, "migrate stops the PostgreSQL it started"
        with (box.pgdata / "postgresql.conf").open("a") as conf:
            conf.write(SCRATCH_SETTINGS)
        _seed.append(box.data_dir)
    return _seed[0]


@contextmanager
def sandbox(*, seeded: bool = True) -> Iterator[Sandbox]:
    """A sandbox whose servers (and their PostgreSQL) never outlive it, whatever the test did.

    `seeded`: its data dir starts as a copy of `seed_data_dir()`, migrated and stopped, which
    spares each test initdb and the migrations; a test of what a first start does asks for an
    empty data dir (`seeded=False`).

    Its dir is a temp dir of its own, not under pytest's base temp: pytest resets that base to
    mode 0700 when any session starts, which would lock the PostgreSQL user (as root the server
    runs as an unprivileged user) out of a data dir below it.
    """
    root = Path(tempfile.mkdtemp(prefix="ilonet-sandbox-"))
    box = Sandbox(root)
    if seeded:
        shutil.copytree(seed_data_dir(), box.data_dir, symlinks=True)
    try:
        yield box
    finally:
        box.kill_leftovers()
        shutil.rmtree(root, ignore_errors=True)
