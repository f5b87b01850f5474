"""Every check the project has: lint and format, then the suite with the types checked beside it.

Beside them, the JavaScript tools the suite runs over openapi/openapi.json (Spectral, Redocly,
openapi-typescript, tsc: package.json, pinned by package-lock.json) are installed by `npm ci`
into node_modules/, once: again only when package-lock.json changed (its time printed apart).
The tests that run a tool wait for it (tests/node_tools.py).

Run from the repository root with the project's virtualenv: `.venv/bin/python scripts/check.py`.
The suite runs on one pytest-xdist worker per CPU (at most MAX_WORKERS), each a session of its own.
Extra arguments go to pytest, after the worker options: `-n 0` runs the suite in one process.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

STEPS: list[tuple[str, list[str]]] = [
    ("ruff check", [str(BIN / "ruff"), "check", "."]),
    ("ruff format --check", [str(BIN / "ruff"), "format", "--check", "."]),
]
# Types are checked beside the suite: mypy keeps one core busy for half a minute, mostly while the
# suite's workers start (collecting, making their clusters), and its verdict counts all the same.
TYPES = ("mypy --strict", [str(BIN / "mypy"), "--strict"])


# Most of the suite's time is spent waiting on real processes (servers, clusters, a browser) and on
# PostgreSQL, but every worker builds its own cluster, app and world: past a few, more workers
# cost more than they save.
MAX_WORKERS = 4


def workers() -> int:
    return max(1, min(MAX_WORKERS, len(os.sched_getaffinity(0))))


def pytest_options() -> list[str]:
    """Workers, each handed a test module at a time (the units of tests/schedule.py), in its
    order (the longest first) rather than xdist's own (the largest module first)."""
    return ["-n", str(workers()), "--dist", "loadfile", "--no-loadscope-reorder"]


CHROMIUM = "/usr/bin/chromium"
# What the suite runs besides Python: the explorer test drives Debian's chromium, the README's
# examples (tests/test_readme.py) call curl and jq.
SYSTEM_PACKAGES = {CHROMIUM: "chromium", "/usr/bin/curl": "curl", "/usr/bin/jq": "jq"}


def ensure_system_packages() -> bool:
    """Install what is missing of SYSTEM_PACKAGES (apt-get, non-interactive, as root); Playwright
    never downloads a browser of its own."""
    missing = [name for path, name in SYSTEM_PACKAGES.items() if not Path(path).exists()]
    if not missing:
        return True
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        print(
            f"== {', '.join(missing)} missing: install them as root (apt-get install -y "
            f"{' '.join(missing)})",
            flush=True,
        )
        return False
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (
        ["apt-get", "update", "-q"],
        ["apt-get", "install", "-y", "-q", "--no-install-recommends", *missing],
    ):
        print(f"== {' '.join(command)}", flush=True)
        if subprocess.run(command, env=env, check=False).returncode != 0:  # noqa: S603
            print(f"== {' '.join(command)} failed", flush=True)
            return False
    return all(Path(path).exists() for path in SYSTEM_PACKAGES)


NODE_MODULES = ROOT / "node_modules"
PACKAGE_LOCK = ROOT / "package-lock.json"
# The digest of the package-lock.json node_modules/ was installed from by `npm ci`.
INSTALLED_FROM = NODE_MODULES / ".installed-from-lock"


class NodeTools:
    """`npm ci` (no install scripts) when node_modules/ was not installed from this lock, run
    beside ruff and the suite's start (a dozen seconds, mostly waiting on the disk and the
    network), under an exclusive lock on package-lock.json that the tests running a tool wait
    on (tests/node_tools.py)."""

    def __init__(self) -> None:
        self.ok = True
        self.report = ""
        self._thread: threading.Thread | None = None

    def start(self) -> bool:
        digest = hashlib.sha256(PACKAGE_LOCK.read_bytes()).hexdigest()
        if INSTALLED_FROM.exists() and INSTALLED_FROM.read_text(encoding="utf-8") == digest:
            return True
        npm = shutil.which("npm")
        if npm is None:
            print("== npm missing: install Node.js 20 (node and npm)", flush=True)
            return False
        print("== npm ci (one-time install of the JavaScript tools, beside the rest)", flush=True)
        locked = threading.Event()
        self._thread = threading.Thread(target=self._install, args=(npm, digest, locked))
        self._thread.start()
        locked.wait()  # no test can start before the lock is held
        return True

    def _install(self, npm: str, digest: str, locked: threading.Event) -> None:
        started = time.monotonic()
        output, self.ok = "", False
        try:
            with PACKAGE_LOCK.open("rb") as lock, tempfile.TemporaryFile() as out:
                fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
                locked.set()
                command = [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"]
                run = subprocess.run(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
                self.ok = run.returncode == 0
                if self.ok:
                    INSTALLED_FROM.write_text(digest, encoding="utf-8")
                out.seek(0)
                output = "" if self.ok else out.read().decode(errors="replace")
        finally:
            locked.set()
        took = f"{time.monotonic() - started:.1f}s, one-time install"
        self.report = f"{output}== npm ci {'ok' if self.ok else 'failed'} ({took})\n"

    def wait(self) -> bool:
        """Whether the tools are installed; the install's report, once, when there was one."""
        if self._thread is not None:
            self._thread.join()
            sys.stdout.write(self.report)
            self._thread = None
        return self.ok


def suite_environment() -> dict[str, str]:
    """The suite's environment: this one, but Python writes the bytecode it compiles. The
    install compiles nothing (`--no-compile`), and the suite starts dozens of Python processes
    (workers, servers, commands, the Schemathesis runs) that import the same modules: where
    PYTHONDONTWRITEBYTECODE is set, each would compile them all again from source."""
    return {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def main() -> int:
    node_tools = NodeTools()
    if not ensure_system_packages() or not node_tools.start():
        return 1
    for name, command in STEPS:
        started = time.monotonic()
        print(f"== {name}", flush=True)
        if subprocess.run(command, cwd=ROOT, check=False).returncode != 0:  # noqa: S603
            print(f"== {name} failed", flush=True)
            node_tools.wait()
            return 1
        print(f"== {name} ok ({time.monotonic() - started:.1f}s)", flush=True)
    name, command = TYPES
    print(f"== {name} (beside pytest; its output follows the suite's)", flush=True)
    started = time.monotonic()
    with tempfile.TemporaryFile() as out:
        types = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
        print("== pytest", flush=True)
        pytest = [str(BIN / "pytest"), *pytest_options(), *sys.argv[1:]]
        tests = subprocess.run(pytest, cwd=ROOT, env=suite_environment(), check=False).returncode  # noqa: S603
        typed = types.wait()
        out.seek(0)
        print(f"== {name}", flush=True)
        sys.stdout.write(out.read().decode(errors="replace"))
    if not node_tools.wait():
        return 1
    if typed != 0:
        print(f"== {name} failed", flush=True)
        return 1
    print(f"== {name} ok (finished within {time.monotonic() - started:.1f}s)", flush=True)
    return tests


if __name__ == "__main__":
    sys.exit(main())
