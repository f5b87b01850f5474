"""README.md as a person uses it: its Quick start is what CI runs, and every shell example that
calls the CLI or the API runs verbatim, in order, in one shell, against one real server started
as installed (`.venv/bin/ilonet serve`), the way the README tells a newcomer to run them.

The only change to the text is the server's origin: the examples say `API=http://127.0.0.1:8000`,
the test's server listens on a free port. The shell runs in a directory of its own whose `.venv`
is the project's virtualenv and whose `.ilonet` is the server's data dir, so `.venv/bin/ilonet`
and `.ilonet/dev-kek` mean what they mean in the repository root.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.drills.harness import Sandbox, sandbox
from tests.test_cli_commands import wait_ready

ROOT = Path(__file__).resolve().parents[1]
README_ORIGIN = "http://127.0.0.1:8000"
SHELL_TIMEOUT = 600.0

# Blocks not run here, each found by a text only it holds, with the reason.
NOT_RUN = {
    ".venv/bin/ilonet serve": "starts the server: the test starts it the same way",
    "scripts/check.py": "the test command itself (.ci/run)",
    "scripts/generate_sdk.py": "tests/sdk generates and plays the SDK",
    "db.internal": "migrates an operator's own database server",
    "podman build": "builds the container image",
    "pip-compile": "recompiles the lock files",
}
# Blocks run after the server has stopped (a restore needs it stopped), in README order.
AFTER_STOP = ("ilonet keys rotate", "ilonet restore")


def _readme() -> str:
    return (ROOT / "README.md").read_text()


def _quick_start_blocks() -> list[str]:
    section = _readme().split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return [b.strip() for b in re.findall(r"```sh\n(.*?)```", section, re.DOTALL)]


def shell_blocks() -> list[str]:
    return [b.strip() for b in re.findall(r"^```sh\n(.*?)^```", _readme(), re.DOTALL | re.M)]


def _not_run(block: str) -> str | None:
    if block.endswith(".venv/bin/ilonet serve"):
        return NOT_RUN[".venv/bin/ilonet serve"]
    found = [reason for key, reason in NOT_RUN.items() if key in block]
    return found[0] if found else None


def runnable() -> tuple[list[str], list[str]]:
    """The blocks run while serving, and those run after the server stopped."""
    serving: list[str] = []
    stopped: list[str] = []
    for block in shell_blocks():
        if _not_run(block) is None:
            (stopped if any(k in block for k in AFTER_STOP) else serving).append(block)
    return serving, stopped


def test_quick_start_has_the_two_commands() -> None:
    serve, check = _quick_start_blocks()[:2]
    assert "\n" not in serve
    assert serve.endswith(".venv/bin/ilonet serve")
    assert "\n" not in check
    assert check.endswith(".venv/bin/python scripts/check.py")


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text().strip().splitlines()
    assert ci[-1] == _quick_start_blocks()[1]


def test_every_shell_block_is_run_or_says_why_not() -> None:
    blocks = shell_blocks()
    for key in NOT_RUN:
        matching = [b for b in blocks if key in b]
        assert matching, f"no README block holds {key!r} any more: drop it from NOT_RUN"
    serving, stopped = runnable()
    assert len(serving) >= 6
    assert [any(k in b for b in stopped) for k in AFTER_STOP] == [True, True]
    origins = sum(b.count(README_ORIGIN) for b in serving + stopped)
    assert origins == 1, "the examples name the server once, as API=…"


@pytest.fixture(scope="module")
def box() -> Iterator[Sandbox]:
    if shutil.which("jq") is None or shutil.which("curl") is None:
        pytest.fail("the README's examples need curl and jq: apt-get install -y curl jq")
    with sandbox() as b:
        (b.root / ".venv").symlink_to(Path(sys.executable).parent.parent)
        (b.root / ".ilonet").symlink_to(b.data_dir)
        (b.root / "tmp").mkdir()
        yield b


def run_blocks(box: Sandbox, blocks: list[str], origin: str) -> list[str]:
    """Run `blocks` in one bash (errexit, nounset, pipefail); each block's stdout."""
    script = "".join(
        f"echo '### block {i}'\n{block.replace(README_ORIGIN, origin)}\n"
        for i, block in enumerate(blocks)
    )
    env = box.env({"TMPDIR": str(box.root / "tmp")})
    env.pop("ILONET_DATA_DIR")  # the examples use ./.ilonet, as in the repository root
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=box.root,
        env=env,
        capture_output=True,
        text=True,
        timeout=SHELL_TIMEOUT,
        check=False,
    )
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 0, f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}"
    outputs = re.split(r"^### block \d+\n", done.stdout, flags=re.M)[1:]
    assert len(outputs) == len(blocks), done.stdout
    return outputs


def json_lines(output: str) -> list[Any]:
    found = []
    for line in output.splitlines():
        try:
            found.append(json.loads(line))
        except ValueError:
            continue
    return found


def no_problem(output: str) -> list[Any]:
    """The JSON answers in `output`, none of them a problem (RFC 9457)."""
    answers = json_lines(output)
    problems = [a for a in answers if isinstance(a, dict) and "/problems/" in str(a.get("type"))]
    assert problems == [], output
    return answers


def only_file(box: Sandbox, name: str) -> Path:
    (found,) = (box.root / "tmp").glob(f"*/{name}")
    return found


@pytest.mark.long
def test_every_readme_example_runs_verbatim(box: Sandbox) -> None:
    server = box.serve()
    wait_ready(box, server)
    serving, stopped = runnable()
    outputs = dict(
        zip(
            (b.split("\n", 1)[0] for b in serving),
            run_blocks(box, serving, server.base_url),
            strict=True,
        )
    )
    by_first = {first: no_problem(out) for first, out in outputs.items()}
    calling, walkthrough, networks, board, documents, onboarding = list(by_first.values())[:6]
    auditing = outputs[
        "# once: the log's public key (also published in the operator's documentation)"
    ]

    assert [a.get("code") for a in calling if "code" in a] == ["DK"]
    assert len(calling[0]["items"]) == 3
    # the walkthrough: a deployment made actual, the answer recorded and corrected, NR-1, figures
    assert walkthrough[0]["status"] == "deployed"
    assert [a["outcome"] for a in walkthrough[1:3]] == ["confirmed", "confirmed"]
    assert walkthrough[2]["travel_document_issued_on"] is not None
    assert "NR-1" in walkthrough
    assert "suppression" in walkthrough[-1]
    assert only_file(box, "sn.html").read_text().lstrip().lower().startswith("<!doctype html")
    # networks: the walkthrough's ILO is a member today, and is designated facilitator
    (member,) = networks[0]["members"]
    assert networks[1]["candidates"] == [member["officer_id"]]
    assert networks[2]["officer_id"] == member["officer_id"]
    # the Board: the member appointed, the decision (one yes of 31 seats), the report written
    assert board[0]["organisation"] == "NL"
    assert "not_adopted" in board
    assert only_file(box, "report.html").stat().st_size > 1000
    (uploaded,) = documents
    assert uploaded["title"] == "Q3 risk analysis"
    rows = [a for a in onboarding if isinstance(a, dict) and "row" in a]
    assert [(r["row"], r["outcome"]) for r in rows] == [
        (1, "created"),
        (2, "created"),
        (1, "allowed"),
        (2, "allowed"),
    ]
    headers = box.auth()("NL")
    stored = httpx.get(
        f"{server.base_url}/v1/officers", params={"external_reference": "IND-1"}, headers=headers
    ).json()["items"]
    assert [o["id"] for o in stored] == [rows[0]["id"]]
    planned = httpx.get(
        f"{server.base_url}/v1/deployments", params={"external_reference": "DEP-1"}, headers=headers
    ).json()["items"]
    assert planned == [], "a dry run writes nothing"
    # an existing case: loaded with its answered request; the refused transfer reported
    cases = next(out for first, out in by_first.items() if first.startswith("jq -nc --arg officer"))
    (case,) = [a for a in cases if isinstance(a, dict) and "row" in a]
    assert (case["outcome"], [(t["outcome"], t["follow_up"]) for t in case["transfers"]]) == (
        "created",
        [("created", "created"), ("reported", None)],
    )
    assert "GDPR-45" in case["detail"]
    # the auditor: the walkthrough record's events proved included in the checkpoint the
    # witness cosigned, checked offline with the log's and the witness's public keys
    report = json.loads(auditing[auditing.index("{") :])
    cosigned = only_file(box, "cosigned.note").read_text().splitlines()
    assert report["valid"] is True
    assert report["witnesses"] == ["dpa.example"]
    assert report["tree_size"] == int(cosigned[1])
    assert report["events_included"] >= 1, "at least the record's creation"
    # the Commission's auditor: the whole log up to that checkpoint, every entry, checked offline
    whole = outputs[
        "# the whole log up to that checkpoint: every entry fetched, the tree recomputed offline"
    ]
    exported, checked = json.loads(whole.splitlines()[0]), json.loads(whole[whole.index("{\n") :])
    assert exported["tree_size"] == report["tree_size"]
    assert (checked["valid"], checked["root_hash"]) == (True, report["root_hash"])
    assert (checked["entries"], checked["witnesses"]) == (report["tree_size"], ["dpa.example"])

    assert box.stop(server, signal.SIGTERM) == 0
    keys, backup = run_blocks(box, stopped, server.base_url)
    rotated = json.loads(keys)  # printed indented
    assert rotated["kek_id"] == "kek-2"
    assert sum(rotated["rewrapped"].values()) > 0
    assert not any(rotated["remaining"].values())
    made, restored = no_problem(backup)
    assert made["bytes"] == (box.root / made["backup"]).stat().st_size
    assert restored["restored"] == made["backup"]
    assert restored["previous_cluster"]
    assert os.path.isdir(restored["previous_cluster"])
