"""What the image ships: a runtime-only lock that agrees with the development lock, and a regular
(non-editable) install that carries its migrations and can migrate a database on its own."""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import uuid
import zipfile
from pathlib import Path

import asyncpg
import pytest

from app.db import migrate
from tests.conftest import Postgres

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9_.-]+)==([^ \\]+)", re.MULTILINE)
DEV_ONLY = {
    "pytest",
    "pytest-asyncio",
    "pytest-xdist",
    "ruff",
    "mypy",
    "pip-tools",
    "schemathesis",
}
pytestmark = pytest.mark.long


def pins(lock: str) -> dict[str, str]:
    text = (ROOT / lock).read_text()
    return {name.lower(): version for name, version in PIN.findall(text)}


def canonical(requirement: str) -> str:
    return re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_the_runtime_lock_ships_no_development_tools_and_agrees_with_the_dev_lock() -> None:
    runtime, dev = pins("requirements-runtime.lock"), pins("requirements.lock")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert {canonical(r) for r in project["dependencies"]} <= set(runtime)
    assert set(runtime).isdisjoint(DEV_ONLY)
    assert {canonical(r) for r in project["optional-dependencies"]["dev"]} <= set(dev)
    disagreements = {n: (v, dev.get(n)) for n, v in runtime.items() if dev.get(n) != v}
    assert disagreements == {}, "recompile requirements-runtime.lock with -c requirements.lock"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel the image installs, built from a copy of the sources (the tree stays clean)."""
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "app", source / "app", ignore=shutil.ignore_patterns("__pycache__"))
    dist = tmp_path_factory.mktemp("dist")
    pip_wheel = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation"]
    subprocess.run(
        [*pip_wheel, "--wheel-dir", str(dist), str(source)],
        check=True,
        capture_output=True,
    )
    (built,) = dist.glob("ilonet-*.whl")
    return built


def test_the_wheel_carries_the_migrations_reference_data_and_explorer(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    versions = {Path(n).name for n in names if n.startswith("app/migrations/versions/")}
    shipped = {p.name for p in (ROOT / "app/migrations/versions").glob("*.py")}
    assert versions == shipped
    assert {"app/migrations/env.py", "app/migrations/script.py.mako"} <= names
    assert {f"app/reference/{p.name}" for p in (ROOT / "app/reference").glob("*.json")} <= names
    assert any(n.startswith("app/static/vendor/") for n in names)
    assert not any(n.startswith(("tests/", "bench/", "scripts/")) for n in names)


async def test_the_installed_package_migrates_a_database_on_its_own(
    wheel: Path, postgres: Postgres, tmp_path: Path
) -> None:
    installed = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(installed)
    name = f"ilonet_installed_{uuid.uuid4().hex[:12]}"
    await postgres.admin(f'CREATE DATABASE "{name}"')
    # -S: no site initialisation, so the editable install of this checkout is out of the way and
    # `app` can only come from the extracted wheel (the dependencies from this venv's packages).
    script = (
        "import sys; from app.db import migrate; "
        "assert migrate.SCRIPT_LOCATION.is_relative_to(sys.argv[1]), migrate.SCRIPT_LOCATION; "
        "migrate.upgrade(sys.argv[2])"
    )
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-S", "-c", script, str(installed), postgres.owner_url(name)],
        env={"PYTHONPATH": f"{installed}:{sysconfig.get_paths()['purelib']}"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    connection = await asyncpg.connect(postgres.owner_url(name))
    try:
        assert await connection.fetchval("SELECT version_num FROM alembic_version") == (
            migrate.head_revision()
        )
    finally:
        await connection.close()
        await postgres.admin(f'DROP DATABASE "{name}" WITH (FORCE)')
