"""The `ilonet` command end to end: real subprocesses, each test with its own data dir and port.

`serve` starts a real embedded PostgreSQL, so the server tests are few and bounded; every server
they start is stopped, and every PostgreSQL left for their data dir ended, by `sandbox()`.
"""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator

import httpx
import pytest

from tests.drills.harness import STOP_TIMEOUT, Sandbox, sandbox

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


@pytest.fixture
def box() -> Iterator[Sandbox]:
    with sandbox() as b:
        yield b


@pytest.fixture
def empty_box() -> Iterator[Sandbox]:
    with sandbox(seeded=False) as b:
        yield b


def test_serve_accepts_a_dev_token_and_stops_cleanly_on_sigterm(empty_box: Sandbox) -> None:
    """The first start on an empty data dir: initdb, the migrations, a development key."""
    box = empty_box
    assert not box.data_dir.exists()
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


def test_token_is_refused_in_production(empty_box: Sandbox) -> None:
    box = empty_box
    done = box.run(
        "token", "--org", "NL", "--role", "deploying_authority", env={"ILONET_ENV": "production"}
    )
    assert done.returncode != 0
    assert done.stdout.strip() == ""
    assert "eyJ" not in done.stderr
    assert "production" in done.stderr
    assert not (box.data_dir / "dev-jwt-key.pem").exists()


@pytest.mark.parametrize(
    ("env", "said"),
    [
        (
            {"ILONET_JWT_LEEWAY_SECONDS": "999"},
            "ILONET_JWT_LEEWAY_SECONDS: Input should be less than or equal to 300",
        ),
        (
            {"ILONET_ENV": "production", "ILONET_CALENDAR_DATE": "2026-12-01"},
            "in production the calendar follows the clock: unset calendar_date",
        ),
    ],
)
def test_a_refused_setting_is_a_usage_error_naming_its_variable(
    empty_box: Sandbox, env: dict[str, str], said: str
) -> None:
    done = empty_box.run("serve", env=env)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == f"ilonet serve: the configuration is refused: {said}"
    assert empty_box.postgres_processes() == []


@pytest.mark.parametrize("ttl", ["0", "-1", "86401"])
def test_token_refuses_a_ttl_out_of_range(empty_box: Sandbox, ttl: str) -> None:
    done = empty_box.run("token", "--org", "NL", "--role", "deploying_authority", "--ttl", ttl)
    assert done.returncode != 0
    assert done.stdout.strip() == ""
    assert "--ttl" in done.stderr


@pytest.mark.parametrize(
    ("org", "role", "says"),
    [
        ("FR", "sb_secretariat", "role sb_secretariat is held by commission"),
        ("NL", "ep_reader", "role ep_reader is held by european_parliament"),
        ("ZZ", "ilo", "organisation ZZ is no participant of the network"),
        ("NL", "boss", "unknown role boss (roles: auditor, authorised_staff,"),
    ],
)
def test_acl_claim_token_refuses_what_the_server_would_refuse(
    empty_box: Sandbox, org: str, role: str, says: str
) -> None:
    """A development token claiming a role its organisation may not hold is refused by the
    command, with the reason, rather than by the server later (docs/ROLES.md)."""
    done = empty_box.run("token", "--org", org, "--role", role)
    assert done.returncode == 2
    assert done.stdout.strip() == ""
    assert done.stderr.startswith(f"ilonet token: {says}")


def test_openapi_writes_the_document(empty_box: Sandbox) -> None:
    out = empty_box.root / "o.json"
    done = empty_box.run("openapi", "--output", str(out))
    assert done.returncode == 0, done.stderr
    document = json.loads(out.read_text())
    assert document["openapi"].startswith("3.")
    assert "/v1/organisations" in document["paths"]
    assert "get" in document["paths"]["/v1/organisations"]


def test_commands_beside_serve_leave_its_database_running_and_the_next_serve_takes_it_over(
    box: Sandbox,
) -> None:
    """`audit verify`, `sweep` and `migrate` attach to the PostgreSQL serve runs and leave it;
    a SIGKILLed serve cannot stop it, and the next serve takes it over."""
    server = box.serve()
    box.wait_ready(server)
    postmaster = box.database.running_pid()
    assert postmaster is not None
    url = f"{server.base_url}/v1/organisations/NL"
    headers = box.auth()("NL")
    for command in (("sweep",), ("migrate",), ("audit", "verify")):
        done = box.run(*command)
        assert done.returncode == 0, (command, done.stdout, done.stderr)
        assert "embedded PostgreSQL kept running" in done.stderr, (command, done.stderr)
        assert box.database.running_pid() == postmaster, command
        response = httpx.get(url, headers=headers, timeout=10)
        assert response.status_code == 200, (command, response.text)
        assert response.json() == NETHERLANDS
    # the chain `sweep` and `migrate` left verifies (the last command's report)
    assert json.loads(done.stdout)["valid"] is True

    server.process.kill()
    assert server.process.wait(timeout=STOP_TIMEOUT) == -signal.SIGKILL
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


@pytest.mark.parametrize("command", [("migrate",), ("audit", "verify")])
def test_a_command_stops_the_postgres_it_started(box: Sandbox, command: tuple[str, ...]) -> None:
    """On the sandbox's data dir, migrated and with its PostgreSQL stopped (seed_data_dir)."""
    assert box.database.running_pid() is None
    done = box.run(*command)
    assert done.returncode == 0, done.stderr
    assert "embedded PostgreSQL stopped" in done.stderr
    assert box.database.running_pid() is None
    assert box.postgres_processes() == []
