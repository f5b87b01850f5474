"""CPU time (user + sys) of `ilonet` commands, each run as installed, as an operator types it.

    python -m bench.cli_startup [--repeats 7] [--json]

Each command runs `--repeats` times as a child process of the console script next to this
Python (`.venv/bin/ilonet`), in a fresh temporary data dir (ILONET_DATA_DIR) where a first,
untimed `ilonet token` has made the development key, so no run generates an RSA key. Each run's
CPU time is its own (os.wait4); the table gives the minimum and the median, the load average
(`uptime`) is printed with them: on a shared machine CPU time grows with the load.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.policy_decisions import environment

ILONET = Path(sys.executable).parent / "ilonet"
COMMANDS: tuple[tuple[str, ...], ...] = (
    ("--help",),
    ("token", "--help"),
    ("token", "--org", "NL", "--role", "deploying_authority"),
    ("token", "--org", "COM", "--role", "sb_secretariat", "--ttl", "600"),
    ("audit", "verify-proof", "--help"),
    ("witness", "keygen", "dpa.example", "-o", "witness.key"),
)


def cpu_seconds(argv: list[str], env: dict[str, str], cwd: Path) -> float:
    """User + sys CPU seconds of one run of `argv`, which must succeed."""
    child = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(argv)}: exit {child.returncode}")
    return usage.ru_utime + usage.ru_stime


def measure(repeats: int) -> list[dict[str, Any]]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="ilonet-cli-bench-") as tmp:
        root = Path(tmp)
        (root / "data").mkdir()
        env = {**os.environ, "ILONET_DATA_DIR": str(root / "data"), "ILONET_ENV": "development"}
        cpu_seconds([str(ILONET), *COMMANDS[2]], env, root)  # makes the data dir's key
        for command in COMMANDS:
            runs = [cpu_seconds([str(ILONET), *command], env, root) for _ in range(repeats)]
            rows.append(
                {
                    "command": "ilonet " + " ".join(command),
                    "cpu_s_min": round(min(runs), 3),
                    "cpu_s_median": round(statistics.median(runs), 3),
                }
            )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    rows = measure(args.repeats)
    load = os.getloadavg()
    print(f"| command | CPU s (user+sys) min | median of {args.repeats} |")
    print("| --- | ---: | ---: |")
    for row in rows:
        print(f"| `{row['command']}` | {row['cpu_s_min']:.3f} | {row['cpu_s_median']:.3f} |")
    print(f"load average: {load[0]:.2f}, {load[1]:.2f}, {load[2]:.2f}")
    if args.json:
        print(json.dumps({**environment(), "load_average": load, "commands": rows}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
