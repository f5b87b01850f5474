"""The `ilonet` command end to end: real subprocesses, each test with its own data dir and port.

`serve` starts a real embedded PostgreSQL, so the server tests are few and bounded; every server
they start is stopped, and every PostgreSQL left for their data dir ended, by `sandbox()`.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest

from app.db.embedded import socket_dir_for

ILONET = Path(sys.executable).parent / "ilonet"
READY_TIMEOUT = 60.0
STOP_TIMEOUT = 20.0
COMMAND_TIMEOUT = 60.0

NETHERLANDS = {
    "code": "NL",
    "name": "Netherlands",
    "kind": "member_state",
    "country": "NL",
    "bound_by_regulation": True,
    "board_seats": 1,
    "alternate_seats": 1,
    "voting_right": True,
    "former_name": None,
    "participation": "Takes part and is bound.",
}


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

    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = {
            name: value
            for name, value in os.environ.items()
            if name != "DATABASE_URL" and not name.startswith("ILONET_")
        }
        env["ILONET_DATA_DIR"] = str(self.data_dir)
        env["ILONET_ENV"] = "development"
        env.update(extra or {})
        return env

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

    def serve(self) -> Server:
        port = free_port()
        log_path = self.root / f"serve-{len(self.servers)}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [str(ILONET), "serve", "--host", "127.0.0.1", "--port", str(port)],
                cwd=self.root,
                env=self.env(),
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


@contextmanager
def sandbox(root: Path) -> Iterator[Sandbox]:
    """A sandbox whose servers (and their PostgreSQL) never outlive it, whatever the test did."""
    box = Sandbox(root)
    try:
        yield box
    finally:
        box.kill_leftovers()


@pytest.fixture
def box(tmp_path: Path) -> Iterator[Sandbox]:
    with sandbox(tmp_path) as b:
        yield b


def test_serve_accepts_a_dev_token_and_stops_cleanly_on_sigterm(box: Sandbox) -> None:
    server = box.serve()
    box.wait_ready(server)
    assert box.postgres_processes(), "serve runs an embedded PostgreSQL in its data dir"

    minted = box.run("token", "--org", "NL", "--role", "deploying_authority")
    assert minted.returncode == 0, minted.stderr
    token = minted.stdout.strip()
    assert token.count(".") == 2

    url = f"{server.base_url}/v1/organisations/NL"
    response = httpx.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert response.status_code == 200, response.text
    assert response.json() == NETHERLANDS
    assert httpx.get(url, timeout=10).status_code == 401

    assert box.stop(server, signal.SIGTERM) == 0
    assert "embedded PostgreSQL stopped" in server.messages(), server.log()
    assert box.postgres_processes() == []


def test_serve_takes_over_the_postgres_a_sigkilled_run_left(box: Sandbox) -> None:
    first = box.serve()
    box.wait_ready(first)
    first.process.kill()
    assert first.process.wait(timeout=STOP_TIMEOUT) == -signal.SIGKILL
    orphans = box.postgres_processes()
    assert orphans, "a SIGKILLed serve cannot stop its PostgreSQL"

    second = box.serve()
    box.wait_ready(second)
    takeover = [m for m in second.messages() if m.startswith("taking over")]
    assert takeover, second.log()
    assert f"(pid {orphans[0].pid})" in takeover[0]

    assert box.stop(second, signal.SIGTERM) == 0
    assert "embedded PostgreSQL stopped" in second.messages(), second.log()
    assert box.postgres_processes() == []


def test_token_is_refused_in_production(box: Sandbox) -> None:
    done = box.run(
        "token", "--org", "NL", "--role", "deploying_authority", env={"ILONET_ENV": "production"}
    )
    assert done.returncode != 0
    assert done.stdout.strip() == ""
    assert "eyJ" not in done.stderr
    assert "production" in done.stderr
    assert not (box.data_dir / "dev-jwt-key.pem").exists()


@pytest.mark.parametrize("ttl", ["0", "-1", "86401"])
def test_token_refuses_a_ttl_out_of_range(box: Sandbox, ttl: str) -> None:
    done = box.run("token", "--org", "NL", "--role", "deploying_authority", "--ttl", ttl)
    assert done.returncode != 0
    assert done.stdout.strip() == ""
    assert "--ttl" in done.stderr


def test_openapi_writes_the_document(box: Sandbox) -> None:
    out = box.root / "o.json"
    done = box.run("openapi", "--output", str(out))
    assert done.returncode == 0, done.stderr
    document = json.loads(out.read_text())
    assert document["openapi"].startswith("3.")
    assert "/v1/organisations" in document["paths"]
    assert "get" in document["paths"]["/v1/organisations"]
