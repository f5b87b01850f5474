"""The API as clients nobody on the project wrote see it, against one real `ilonet serve` (its own
embedded PostgreSQL) that both share: the Python client `scripts/generate_sdk.py` generates from
openapi/openapi.json, built and installed as a package into a clean venv, and TypeScript types
`openapi-typescript` generates from the same document, checked by `tsc --strict`. Each plays the
README's walkthrough (tests/sdk/walkthrough_sdk.py, tests/sdk/walkthrough.ts) as a process of its
own; the tokens it asks for are minted here (`TOKEN {claims}` on its stdout, the token back on
its stdin)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.drills.harness import sandbox
from tests.factories import TODAY
from tests.node_tools import node_tool

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
SPEC = ROOT / "openapi" / "openapi.json"
pytestmark = pytest.mark.sdk
TIMEOUT = 300


@dataclass
class Live:
    base_url: str
    auth: Callable[..., dict[str, str]]


@pytest.fixture(scope="module")
def live() -> Iterator[Live]:
    with sandbox() as box:
        server = box.serve()
        box.wait_ready(server)
        yield Live(server.base_url, box.auth())
        box.stop(server)


def run(command: list[str], cwd: Path | None = None) -> str:
    result = subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )
    assert result.returncode == 0, (command, result.stdout[-3000:], result.stderr[-3000:])
    return result.stdout


def play(command: list[str], live: Live, cwd: Path) -> list[str]:
    """Run a walkthrough, answering each `TOKEN {claims}` it prints with a token for them; the
    other lines it printed."""
    process = subprocess.Popen(
        [*command, live.base_url, TODAY.isoformat()],
        cwd=cwd,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdin is not None
    assert process.stdout is not None
    said = []
    for line in process.stdout:
        if line.startswith("TOKEN "):
            claims = json.loads(line.removeprefix("TOKEN "))
            org, roles = claims.pop("org"), claims.pop("roles")
            token = live.auth(org, roles, **claims)["Authorization"].removeprefix("Bearer ")
            process.stdin.write(token + "\n")
            process.stdin.flush()
        else:
            said.append(line.rstrip("\n"))
    assert process.wait(timeout=TIMEOUT) == 0, "\n".join(said)
    return said


def walked(said: list[str]) -> None:
    """What either walkthrough saw: the deployment, the transfer and its ground, the follow-up,
    the denial for NR-1, the withheld figure, the sheet's page as text."""
    assert said[-6].endswith(": deployed in SN"), said
    assert said[-5].endswith(": GDPR-49.1d to SN"), said
    assert said[-4] == "follow-up: confirmed after 0 days", said
    assert said[-3] == "forbidden transfer: 403 /problems/policy-denied NR-1", said
    assert said[-2].startswith("sheet SN: "), said
    assert said[-2].endswith("cells withheld (< 5)"), said
    assert said[-1].startswith("sheet SN as HTML: "), said


def test_the_generated_package_installs_into_a_clean_venv_and_walks_through(
    live: Live, tmp_path: Path
) -> None:
    project = tmp_path / "ilonet-sdk"
    run([sys.executable, str(ROOT / "scripts" / "generate_sdk.py"), "--output", str(project)])
    pip = Path(sys.executable).parent / "pip"
    # the package's wheel, built by its own build backend (setuptools, which the project's
    # environment has): a temporary environment made only to hold a backend would add nothing
    wheels = tmp_path / "wheels"
    build = [str(pip), "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(wheels)]
    run([*build, str(project)])
    (wheel,) = wheels.glob("ilonet_sdk-*.whl")
    venv = tmp_path / "venv"
    # a venv with nothing in it; the project's pip installs the wheel and what it declares
    # (httpx, attrs) there, leaving Python to compile what the walkthrough imports
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    run([str(pip), "--python", str(python), "install", "-q", "--no-compile", str(wheel)])
    said = play([str(python), "-I", str(HERE / "walkthrough_sdk.py")], live, tmp_path)
    version = json.loads(SPEC.read_text(encoding="utf-8"))["info"]["version"]
    assert said[0] == f"ilonet-sdk {version}", said
    walked(said)
    print("\n".join(["", "SDK scenario:", *said]))


def test_the_typescript_types_check_under_strict_tsc_and_walk_through(
    live: Live, tmp_path: Path
) -> None:
    tsc = node_tool("tsc")
    run(
        [
            str(node_tool("openapi-typescript")),
            str(SPEC),
            "--default-non-nullable=false",
            "-o",
            str(tmp_path / "api.d.ts"),
        ],
        cwd=tmp_path,
    )
    (tmp_path / "walkthrough.ts").write_text((HERE / "walkthrough.ts").read_text("utf-8"), "utf-8")
    options = {
        "strict": True,
        "target": "es2022",
        "lib": ["es2022"],
        "module": "node16",
        "moduleResolution": "node16",
        "noEmitOnError": True,
        "skipLibCheck": True,
        "typeRoots": [str(ROOT / "node_modules" / "@types")],
        "types": ["node"],
    }
    config = {"compilerOptions": options, "files": ["walkthrough.ts"]}
    (tmp_path / "tsconfig.json").write_text(json.dumps(config), encoding="utf-8")
    run([str(tsc), "-p", str(tmp_path)])
    said = play(["node", str(tmp_path / "walkthrough.js")], live, tmp_path)
    walked(said)
    print("\n".join(["", "TypeScript scenario:", *said]))
