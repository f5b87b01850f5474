"""What `ilonet` loads to run a light command: read from `python -X importtime` in a fresh
process, so every import counts, those a command makes when it runs included.

A command loads what it uses. `ilonet token` mints with the data dir's key and the role table:
no web framework, no database layer, no use case, not even the pydantic settings or python-jose.
The help and the offline audit commands load no more. The CPU time this saves is measured by
bench/cli_startup.py (BENCHMARKS.md), not here.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Never loaded by a light command: the server's stack and the database layer.
HEAVY = (
    "fastapi",
    "starlette",
    "uvicorn",
    "sqlalchemy",
    "asyncpg",
    "app.services",
    "app.main",
    "app.routers",
    "app.security",
    "app.claims",
    "app.problems",
    "app.schemas",
)
# ... nor, for the commands that need no settings, the settings and what they load.
SETTINGS = ("pydantic_settings", "app.config", "httpx", "rich")

LIGHT: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # command line: (modules it must load, so the reading is not vacuous; modules it must not)
    "--help": (("click", "app.cli.root"), (*HEAVY, *SETTINGS, "app.policies", "jose")),
    "token --help": (("app.cli.token",), (*HEAVY, *SETTINGS, "app.policies", "jose")),
    "token --org NL --role deploying_authority": (
        ("app.tokens", "app.policies.roles", "app.reference", "cryptography"),
        (*HEAVY, *SETTINGS, "app.db", "jose"),
    ),
    "token --org NL --role ilo --officer o-1 --scope x --ttl 60": (
        ("app.tokens",),
        (*HEAVY, *SETTINGS, "app.db", "jose"),
    ),
    "audit --help": (("app.cli.audit_proofs",), (*HEAVY, *SETTINGS, "app.policies")),
    "audit verify-proof --help": (("app.cli.audit_proofs",), (*HEAVY, *SETTINGS)),
    "witness keygen dpa.example -o witness.key": (("app.db.audit_note",), (*HEAVY, *SETTINGS)),
    "import --help": (("app.cli.importing",), (*HEAVY, *SETTINGS, "app.policies")),
}

LINE = re.compile(r"^import time:\s+\d+ \|\s+\d+ \|\s*(\S+)$")


def loaded(args: list[str], cwd: Path) -> set[str]:
    """The modules a fresh `ilonet ARGS` imports (it must exit 0)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ILONET_")}
    env |= {"ILONET_DATA_DIR": str(cwd / "data"), "ILONET_ENV": "development"}
    done = subprocess.run(
        [
            sys.executable,
            "-X",
            "importtime",
            "-c",
            "import sys; from app.cli import main; sys.exit(main(sys.argv[1:]))",
            *args,
        ],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return {m.group(1) for m in map(LINE.match, done.stderr.splitlines()) if m}


def under(modules: set[str], name: str) -> bool:
    """`name` or a module inside it was loaded."""
    return any(m == name or m.startswith(f"{name}.") for m in modules)


def test_the_reading_sees_what_is_loaded(tmp_path: Path) -> None:
    modules = loaded(["--help"], tmp_path)
    assert {"click", "app.cli", "app.cli.root", "json"} <= modules
    assert under(modules, "click.core")


@pytest.mark.parametrize("command", sorted(LIGHT))
def test_a_light_command_loads_only_what_it_uses(command: str, tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    needed, never = LIGHT[command]
    modules = loaded(command.split(), tmp_path)
    assert [n for n in needed if n not in modules] == []
    assert [n for n in never if under(modules, n)] == []
