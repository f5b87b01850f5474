"""The commands as a person runs them: `.venv/bin/ilonet …` as installed, in a subprocess, against
one live server (`ilonet serve` in a sandbox of its own) — output, exit code, and what was
stored. Errors are one line on stderr and never a traceback; exit codes are 0 done, 1 refused
or failed work, 2 usage."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.policies.roles import ROLE_TABLE
from tests.drills.harness import Sandbox, Server, free_port, sandbox

pytestmark = pytest.mark.long


def wait_ready(box: Sandbox, server: Server, attempts: int = 4) -> None:
    """The harness's readiness wait, given more time: a fresh data dir's initdb and migrations
    take longer than one wait on a loaded machine."""
    for attempt in range(attempts):
        try:
            box.wait_ready(server)
            return
        except pytest.fail.Exception:
            if attempt == attempts - 1 or server.process.poll() is not None:
                raise


@dataclass
class Live:
    box: Sandbox
    server: Server
    token: str
    authority: str
    witness_key: Path  # Germany's witness's private key (`ilonet witness keygen`), registered

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        done = self.box.run(*args)
        assert "Traceback" not in done.stderr, done.stderr
        return done

    def get(self, path: str, **params: str) -> list[Any]:
        headers = {"Authorization": f"Bearer {self.token}"}
        answer = httpx.get(f"{self.server.base_url}{path}", params=params, headers=headers)
        assert answer.status_code == 200, answer.text
        items: list[Any] = answer.json()["items"]
        return items

    def csv(self, name: str, text: str) -> Path:
        path = self.box.root / name
        path.write_text(text)
        return path


@pytest.fixture(scope="module")
def live() -> Iterator[Live]:
    with sandbox() as box:
        key = box.root / "witness.key"
        made = box.run("witness", "keygen", "witness.bsi.example", "-o", str(key))
        assert made.returncode == 0, made.stderr
        keys = json.dumps({"DE": [made.stdout.strip()]})
        server = box.serve(env={"ILONET_AUDIT_WITNESS_KEYS": keys})
        wait_ready(box, server)
        minted = box.run("token", "--org", "NL", "--role", "deploying_authority")
        assert minted.returncode == 0, minted.stderr
        token = minted.stdout.strip()
        created = httpx.post(
            f"{server.base_url}/v1/authorities",
            json={"organisation": "NL", "name": "IND", "authority_kind": "immigration"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert created.status_code == 201, created.text
        yield Live(box, server, token, created.json()["id"], key)


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def rows(stdout: str) -> list[tuple[int, str, int]]:
    return [(r["row"], r["outcome"], r["status"]) for r in map(json.loads, lines(stdout))]


START, END = date.today() + timedelta(days=30), date.today() + timedelta(days=730)
DEPLOYMENTS = (
    "officer_external_reference,posting_type,host_country,city,tasks,starts_on,ends_on,"
    "external_reference\n"
    f"CLI-1,member_state_mission,SN,Dakar,return,{START},{END},CLI-DEP-1\n"
    f"CLI-2,member_state_mission,FR,Paris,return,{START},{END},CLI-DEP-2\n"
)


def test_import_all_or_nothing_then_per_item_and_dry_run(live: Live) -> None:
    officers = live.csv(
        "officers.csv",
        "authority_id,surname,given_names,expertise,email,external_reference\n"
        f"{live.authority},Jansen,Eva,c_routes;f_document_fraud,eva@ind.example.nl,CLI-1\n"
        f"{live.authority},de Vries,Sem,,,CLI-2\n",
    )
    url = live.server.base_url
    done = live.run("import", "officers", str(officers), "--token", live.token, "--url", url)
    assert done.returncode == 0, done.stderr
    assert rows(done.stdout) == [(1, "created", 201), (2, "created", 201)]
    assert lines(done.stderr)[-1] == "ilonet import officers: 2 rows: 2 created"
    stored = live.get("/v1/officers", external_reference="CLI-1")
    assert [(o["surname"], o["expertise"]) for o in stored] == [
        ("Jansen", ["c_routes", "f_document_fraud"])
    ]

    deployments = live.csv("deployments.csv", DEPLOYMENTS)
    common = ("--token", live.token, "--url", url, "--mode", "per_item")
    dry = live.run("import", "deployments", str(deployments), *common, "--dry-run")
    assert dry.returncode == 1
    assert rows(dry.stdout) == [(1, "allowed", 201), (2, "denied", 403)]
    assert "row 2: denied (403) ILO-2.2: " in dry.stderr  # the refused row, with its rule
    assert lines(dry.stderr)[-1] == (
        "ilonet import deployments: 2 rows: 1 allowed, 1 denied (dry run: nothing written)"
    )
    assert live.get("/v1/deployments", external_reference="CLI-DEP-1") == []

    written = live.run("import", "deployments", str(deployments), *common)
    assert written.returncode == 1
    assert rows(written.stdout) == [(1, "created", 201), (2, "denied", 403)]
    (dakar,) = live.get("/v1/deployments", external_reference="CLI-DEP-1")
    assert (dakar["city"], dakar["status"]) == ("Dakar", "planned")
    assert live.get("/v1/deployments", external_reference="CLI-DEP-2") == []

    # all or nothing: the refused row rolls the other back
    again = live.csv("again.csv", DEPLOYMENTS.replace("CLI-DEP-", "CLI-AON-"))
    whole = live.run("import", "deployments", str(again), "--token", live.token, "--url", url)
    assert whole.returncode == 1
    assert rows(whole.stdout) == [(1, "rolled_back", 424), (2, "denied", 403)]
    assert live.get("/v1/deployments", external_reference="CLI-AON-1") == []


def test_import_with_a_bad_token_shows_the_401_and_stops(live: Live) -> None:
    officers = live.csv(
        "refused.csv",
        f"authority_id,surname\n{live.authority},Bakker\n{live.authority},Visser\n",
    )
    url = live.server.base_url
    done = live.run("import", "officers", str(officers), "--token", "not.a.jwt", "--url", url)
    assert done.returncode == 1
    assert done.stdout == ""
    last = lines(done.stderr)[-1]
    assert last.startswith("ilonet import officers: 401 Authentication required: ")
    assert "(request id " in last
    assert "2/2" not in done.stderr  # the progress never reached the end
    assert [o for o in live.get("/v1/officers") if o["surname"] == "Bakker"] == []


def test_import_a_missing_file_or_unreachable_server_is_one_line(live: Live) -> None:
    missing = live.run("import", "officers", "nothere.csv", "--token", live.token)
    assert (missing.returncode, missing.stdout) == (2, "")
    assert missing.stderr == "ilonet import officers: nothere.csv: no such file\n"

    officers = live.csv("one.csv", f"authority_id,surname\n{live.authority},Smit\n")
    nowhere = f"http://127.0.0.1:{free_port()}"
    args = ("--token", live.token, "--url", nowhere)
    unreachable = live.run("import", "officers", str(officers), *args)
    assert (unreachable.returncode, unreachable.stdout) == (1, "")
    assert lines(unreachable.stderr)[-1].startswith(
        f"ilonet import officers: cannot reach {nowhere}: "
    )

    empty = live.csv("empty.csv", "authority_id,surname\n")
    assert live.run("import", "officers", str(empty), "--token", live.token).returncode == 2


COMMANDS = [
    ("serve",),
    ("migrate",),
    ("token",),
    ("openapi",),
    ("sweep",),
    ("audit", "verify"),
    ("keys", "rotate"),
    ("import", "officers"),
    ("import", "deployments"),
    ("backup",),
    ("restore",),
]


def test_every_command_has_its_own_help(live: Live) -> None:
    for command in COMMANDS:
        done = live.run(*command, "--help")
        assert done.returncode == 0, (command, done.stderr)
        assert done.stdout.startswith(f"Usage: ilonet {' '.join(command)} "), done.stdout
        assert done.stderr == ""
    imported = " ".join(live.run("import", "deployments", "--help").stdout.split())
    assert "POST /v1/deployments:batch" in imported
    assert "[default: all_or_nothing]" in imported
    served = " ".join(live.run("serve", "--help").stdout.split())
    assert "[default: ILONET_HOST or 127.0.0.1]" in served
    minted = " ".join(live.run("token", "--help").stdout.split())
    assert all(role.value in minted for role in ROLE_TABLE)
    top = " ".join(live.run("--help").stdout.split())
    assert "Exit codes: 0 done; 1" in top


def test_usage_errors_exit_2(live: Live) -> None:
    assert live.run("bogus").returncode == 2
    assert live.run("import", "officers", "x.csv").returncode == 2  # no --token
    mode = live.run("import", "officers", "x.csv", "--token", "t", "--mode", "some")
    assert mode.returncode == 2
    assert "'some' is not one of 'all_or_nothing', 'per_item'" in mode.stderr
    elsewhere = live.run("token", "--org", "NL", "--role", "ilo", "--data-dir", "nowhere")
    assert (elsewhere.returncode, elsewhere.stdout) == (2, "")
    assert elsewhere.stderr.startswith("ilonet token: no data dir ")
    assert not (live.box.root / "nowhere").exists()


def test_backup_refuses_to_replace_a_file_without_force(live: Live) -> None:
    kept = live.box.root / "kept.backup"
    kept.write_text("an older backup")
    refused = live.run("backup", str(kept))
    assert (refused.returncode, refused.stdout) == (2, "")
    assert lines(refused.stderr) == [f"ilonet backup: {kept} exists: give --force to replace it"]
    assert kept.read_text() == "an older backup"

    forced = live.run("backup", str(kept), "--force")
    assert forced.returncode == 0, forced.stderr
    assert f'"bytes": {kept.stat().st_size}' in forced.stdout
    assert "using the embedded PostgreSQL a running server started" in forced.stderr
    assert "taking over" not in forced.stderr


def test_a_witness_cosigns_posts_and_the_exported_bundle_carries_its_cosignature(
    live: Live,
) -> None:
    """keygen (the fixture) → cosign --post → export → verify-proof: one witness's cosignature
    meets --require 1 and not --require 2; a second post of it is refused (409)."""
    url, box = live.server.base_url, live.box
    witness = live.run(
        "token", "--org", "DE", "--role", "integration", "--scope", "audit:witness"
    ).stdout.strip()
    auditor = live.run("token", "--org", "COM", "--role", "auditor").stdout.strip()
    log_key = httpx.get(
        f"{url}/v1/audit/log-key", headers={"Authorization": f"Bearer {auditor}"}
    ).json()["verifier_keys"][0]
    vkey = json.loads(
        httpx.get(f"{url}/v1/audit/log-key", headers={"Authorization": f"Bearer {witness}"}).text
    )["verifier_keys"][0]
    assert vkey == log_key  # the witness's client reads the log's proofs too
    state, note = box.root / "witness-state", box.root / "cosigned.note"
    common = (
        "--url",
        url,
        "--token",
        witness,
        "--log-key",
        log_key,
        "--key",
        f"@{live.witness_key}",
    )
    cosigned = live.run(
        "witness", "cosign", *common, "--state-dir", str(state), "-o", str(note), "--post"
    )
    assert cosigned.returncode == 0, cosigned.stderr
    posted = json.loads(cosigned.stderr)
    assert (posted["posted"], posted["organisation"], posted["witness"]) == (
        True,
        "DE",
        "witness.bsi.example",
    )
    size = posted["tree_size"]
    again = live.run("witness", "cosign", *common, "--state-dir", str(state), "--post")
    # The post itself was audited, so the head grew: a new checkpoint, a new cosignature.
    assert again.returncode == 0, again.stderr
    replay = httpx.post(
        f"{url}/v1/audit/cosignatures",
        json={"note": note.read_text()},
        headers={"Authorization": f"Bearer {witness}"},
    )
    assert replay.status_code == 409, replay.text

    bundle = box.root / "bundle.json"
    exported = live.run(
        "audit",
        "export",
        "--url",
        url,
        "--token",
        auditor,
        "--tree-size",
        str(size),
        "-o",
        str(bundle),
    )
    assert exported.returncode == 0, exported.stderr
    witness_vkey = live.run("witness", "keygen", "x", "-o", str(box.root / "x.key")).stdout
    assert witness_vkey  # another witness's key: it holds no cosignature
    check = ("audit", "verify-proof", str(bundle), "--log-key", log_key)
    registered = ("--witness", _verifier(live.witness_key), "--witness", witness_vkey.strip())
    one = live.run(*check, *registered, "--require", "1")
    assert one.returncode == 0, one.stdout + one.stderr
    report = json.loads(one.stdout)
    assert (report["valid"], report["tree_size"], report["witnesses"]) == (
        True,
        size,
        ["witness.bsi.example"],
    )
    two = live.run(*check, *registered, "--require", "2")
    assert two.returncode == 1
    assert "carries 1 known witness cosignature(s), 2 required" in json.loads(two.stdout)["reason"]

    # The whole log up to that checkpoint: every entry fetched, the tree recomputed offline.
    log = box.root / "audit-log.ndjson"
    fetched = live.run(
        "audit", "export", "--log", "--url", url, "--token", auditor, "--tree-size", str(size),
        "-o", str(log),
    )  # fmt: skip
    assert fetched.returncode == 0, fetched.stderr
    assert json.loads(fetched.stdout) == {"wrote": str(log), "tree_size": size}
    assert len(log.read_bytes().splitlines()) == 1 + size  # the header, then the entries
    whole = ("audit", "verify-log", str(log), "--log-key", log_key, *registered, "--require", "1")
    checked = live.run(*whole)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert {k: v for k, v in json.loads(checked.stdout).items() if k != "root_hash"} == {
        "valid": True,
        "origin": report["origin"],
        "tree_size": size,
        "entries": size,
        "witnesses": ["witness.bsi.example"],
        "known_checkpoints_consistent": [],
    }
    log.write_bytes(log.read_bytes().replace(b'"allowed"', b'"alloweD"', 1))  # one byte
    tampered = live.run(*whole)
    assert tampered.returncode == 1
    assert json.loads(tampered.stdout) == {
        "valid": False,
        "reason": "the entries do not give the checkpoint's root: an entry was changed",
    }


def _verifier(private_key: Path) -> str:
    from app.db.audit_note import parse_signer

    return parse_signer(private_key.read_text().strip()).verifier.vkey()
