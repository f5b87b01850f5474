"""The Schemathesis run, in parts (PARTS) made once per test session each and shared by the
tests that read them: a real server (`ilonet serve`) on a fresh PostgreSQL database per part,
called with several roles' real tokens (every check, fixed seed, bounded examples, every phase
in one part or another; see schemathesis.toml and schemathesis_hooks.py). A test that asks for
`schemathesis_run` is parametrized with a part's name, and named in tests/schedule.py
(SAME_WORKER), so that a run on several workers makes each part once, on one worker."""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from app.tokens import mint_token
from tests.conformance.parts import PARTS, Part
from tests.conftest import TEST_ISSUER, Keys, Postgres
from tests.drills.harness import READY_TIMEOUT

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CONFIG = Path(__file__).with_name("schemathesis.toml")
TOKENS_ENV = "ILONET_CONFORMANCE_TOKENS"  # read by schemathesis_hooks.py

Operation = tuple[str, str]  # (METHOD, documented path)


@dataclass(frozen=True)
class Run:
    returncode: int
    output: str
    document: dict[str, object]
    # (method, documented path or the raw path when none matches) -> statuses answered
    statuses: dict[Operation, set[int]]
    requests: int
    # the documented operations the part selected
    selected: set[Operation]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_ready(url: str, process: subprocess.Popen[bytes]) -> None:
    """Poll /readyz until the server answers 200 (or fail when the process died), within the
    drills' deadline: a loaded machine can take more than a minute to start a server."""
    deadline = time.monotonic() + READY_TIMEOUT
    with httpx.Client(base_url=url, timeout=2.0) as http:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise AssertionError(f"the server exited with {process.returncode}")
            try:
                if http.get("/readyz").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            try:
                process.wait(timeout=0.1)
            except subprocess.TimeoutExpired:
                continue
    raise AssertionError("the server never became ready")


def _seed(url: str, token: str) -> str:
    """An authority and an officer of NL, so the ILO token names a real officer (the server's
    first writes: on a loaded machine they take seconds)."""
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=url, headers=headers, timeout=READY_TIMEOUT) as http:
        authority = http.post(
            "/v1/authorities",
            json={"organisation": "NL", "name": "IND", "authority_kind": "immigration"},
        )
        assert authority.status_code == 201, authority.text
        officer = http.post(
            "/v1/officers",
            json={
                "authority_id": authority.json()["id"],
                "surname": "Jansen",
                "given_names": "Eva",
            },
        )
        assert officer.status_code == 201, officer.text
        return str(officer.json()["id"])


def _templates(document: dict[str, object]) -> list[tuple[re.Pattern[str], str]]:
    """Documented paths as regular expressions: one segment per parameter, then any; the most
    literal first, so that `/v1/webhooks/{id}:enable` is not taken for `/v1/webhooks/{id}`."""
    paths = sorted(
        document["paths"],  # type: ignore[call-overload]
        key=lambda p: -len(re.sub(r"\{\w+\}", "", p)),
    )
    one = [(re.compile("^" + re.sub(r"\{\w+\}", "[^/]+", p) + "$"), p) for p in paths]
    any_ = [(re.compile("^" + re.sub(r"\{\w+\}", ".+", p) + "$"), p) for p in paths]
    return one + any_


def statuses_of(har: Path, document: dict[str, object]) -> dict[Operation, set[int]]:
    templates = _templates(document)
    seen: dict[Operation, set[int]] = {}
    for entry in json.loads(har.read_text())["log"]["entries"]:
        path = httpx.URL(entry["request"]["url"]).raw_path.decode().split("?", 1)[0]
        template = next((t for regex, t in templates if regex.match(path)), path)
        operation = (entry["request"]["method"].upper(), template)
        seen.setdefault(operation, set()).add(int(entry["response"]["status"]))
    return seen


@pytest.fixture(scope="session")
def schemathesis_runs(
    postgres: Postgres, signing_keys: Keys, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str], Run]:
    """The run of a part, made the first time a test asks for it."""
    made: dict[str, Run] = {}

    def run_of(name: str) -> Run:
        if name not in made:
            work = tmp_path_factory.mktemp(f"conformance-{name}")
            made[name] = _run(PARTS[name], work, postgres, signing_keys)
        return made[name]

    return run_of


@pytest.fixture
def schemathesis_run(
    request: pytest.FixtureRequest, schemathesis_runs: Callable[[str], Run]
) -> Run:
    """The run of the part the test is parametrized with (`indirect`, a name of PARTS)."""
    return schemathesis_runs(request.param)


def _run(part: Part, work: Path, postgres: Postgres, signing_keys: Keys) -> Run:
    """Schemathesis over `part` against a server of its own on a fresh database, both ended
    once the run is over."""
    database = f"ilonet_{uuid.uuid4().hex[:12]}"
    asyncio.run(postgres.clone(database))

    def token(org: str, role: str, sub: str, **claims: object) -> str:
        return mint_token(
            private_pem=signing_keys.private_pem,
            issuer=TEST_ISSUER,
            sub=sub,
            org=org,
            roles=[role],
            ttl_seconds=3600,
            **claims,  # type: ignore[arg-type]
        )

    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": postgres.owner_url(database),
        "ILONET_ENV": "test",
        "ILONET_DATA_DIR": str(work / "data"),
        "ILONET_TRUSTED_ISSUERS": json.dumps(
            [
                {
                    "issuer": TEST_ISSUER,
                    "algorithms": ["RS256"],
                    "pem_file": str(signing_keys.public_file),
                    "organisations": ["*"],
                }
            ]
        ),
        "ILONET_MAX_BODY_BYTES": "65536",
        # Schemathesis is one client sending as fast as it can: the limits are not under test.
        "ILONET_RATE_LIMIT_CLIENT_PER_MINUTE": "0",
        "ILONET_RATE_LIMIT_ORG_PER_MINUTE": "0",
    }
    log = (work / "server.log").open("wb")
    server = subprocess.Popen(
        [str(BIN / "ilonet"), "serve", "--migrate", "--port", str(port)],
        cwd=work,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(url, server)
        nl = token("NL", "deploying_authority", "st-nl")
        officer_id = _seed(url, nl)
        tokens = [
            nl,
            token("NL", "ilo", "st-ilo", officer_id=officer_id),
            token("NL", "dpo", "st-dpo"),
            token("NL", "auditor", "st-auditor"),
            token("COM", "reference_admin", "st-com"),
            token(
                "FRONTEX",
                "integration",
                "st-frontex",
                scopes=["officers:read", "deployments:read", "webhooks:write"],
            ),
            token("EUROPOL", "integration", "st-europol"),  # no scope: 403 on reads
        ]
        # Asked for once before the run: the server builds the document on first request, which
        # on a loaded machine takes longer than Schemathesis waits for it (ten seconds).
        document = httpx.get(f"{url}/openapi.json", timeout=120).json()
        reports = work / "reports"
        result = subprocess.run(
            [
                str(BIN / "schemathesis"),
                "--config-file",
                str(CONFIG),
                "run",
                f"{url}/openapi.json",
                *part.options(),
                "--workers",
                "1",
                "--report",
                "har",
                "--report-har-path",
                str(reports / "run.har"),
                "--no-color",
            ],
            cwd=ROOT,
            env={
                **os.environ,
                "SCHEMATHESIS_HOOKS": "tests.conformance.schemathesis_hooks",
                TOKENS_ENV: json.dumps(tokens),
            },
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        output = result.stdout + result.stderr
        (work / "schemathesis.log").write_text(output)
        har = reports / "run.har"
        requests = len(json.loads(har.read_text())["log"]["entries"])
        selected = {
            (method.upper(), path)
            for path, item in document["paths"].items()
            if part.selects(path)
            for method in item
        }
        statuses = statuses_of(har, document)
        return Run(result.returncode, output, document, statuses, requests, selected)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
        asyncio.run(postgres.drop(database))
