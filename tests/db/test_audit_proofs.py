"""The audit log's Merkle tree end to end: built as events are sealed, signed into checkpoints,
proved over the API, and checked by the offline verifier and a witness with nothing but public
keys, which accept the log as it is and reject a tampered event, a dropped one, a truncated
log, a fork (two auditors shown different trees) and a missing witness."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from app import cli
from app.audit_verify import FORMAT, Rejected, verify_bundle
from app.audit_witness import Refused, check_and_cosign, cosign_latest
from app.db import audit, audit_merkle, audit_note
from app.db.audit_note import COSIGNATURE_V1, Checkpoint, Verifier
from app.db.engine import make_sessionmaker
from tests import factories
from tests.conftest import FreshDatabase
from tests.factories import Auth

AUDITOR = ("COM", ["auditor"])


@pytest.fixture
async def owner(fresh_db: FreshDatabase) -> AsyncIterator[asyncpg.Connection]:
    async with factories.connected(fresh_db.owner_url) as connection:
        yield connection


async def get(client: httpx.AsyncClient, auth: Auth, path: str, **params: Any) -> Any:
    response = await client.get(path, params=params, headers=auth(*AUDITOR))
    assert response.status_code == 200, response.text
    return response.json()


async def log_key(client: httpx.AsyncClient, auth: Auth) -> Verifier:
    keys = await get(client, auth, "/v1/audit/log-key")
    (vkey,) = keys["verifier_keys"]
    verifier = audit_note.parse_verifier(vkey)
    assert verifier.name == keys["origin"]
    return verifier


async def grow(client: httpx.AsyncClient, auth: Auth) -> str:
    """Four events: authority, officer, deployment created, and the officer's contact read."""
    nl = auth("NL", ["deploying_authority"])
    _, officer, _ = await factories.create_deployment_chain(client, nl)
    assert (await client.get(f"/v1/officers/{officer['id']}", headers=nl)).status_code == 200
    return str(officer["id"])


async def test_the_tree_grows_with_the_seals_and_the_offline_verifier_accepts_its_proofs(
    committed_client: tuple[httpx.AsyncClient, AsyncEngine],
    owner: asyncpg.Connection,
    auth: Auth,
    tmp_path: Path,
) -> None:
    client, _ = committed_client
    log = await log_key(client, auth)
    officer_id = await grow(client, auth)
    first = await get(client, auth, "/v1/audit/bundle", resource_type="officer")
    assert first["format"] == FORMAT
    (note,) = first["checkpoints"]
    checkpoint = audit_note.signed_by(note, log)
    assert checkpoint.size == 4
    # The tree's leaves are the sealed events' canonical bytes, in seal order.
    rows = await owner.fetch(
        "SELECT s.position, n.hash FROM audit_seal s JOIN audit_tree_node n"
        " ON n.level = 0 AND n.idx = s.position - 1 ORDER BY s.position"
    )
    assert [r["position"] for r in rows] == [1, 2, 3, 4]
    assert checkpoint.root == audit_merkle.root([bytes(r["hash"]) for r in rows])
    events = first["events"]
    assert [json.loads(e["leaf"])["action"] for e in events] == [
        "officer.created",
        "officer.contact_read",
    ]
    assert {json.loads(e["leaf"])["resource_id"] for e in events} == {officer_id}
    report = verify_bundle(first, logs=[log])
    assert (report.tree_size, report.events) == (4, 2)
    assert report.root_hash == checkpoint.root.hex()
    # A page of events at a time, every one once, each page proved in the first's checkpoint.
    paged, cursor = [], None
    while True:
        extra: dict[str, str] = {"cursor": cursor} if cursor else {}
        page = await get(
            client, auth, "/v1/audit/bundle", resource_type="officer", limit=1, **extra
        )
        assert len(page["events"]) == 1
        assert page["checkpoints"] == [note]
        paged.append(page)
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert [e for p in paged for e in p["events"]] == events
    assert [verify_bundle(p, logs=[log]).events for p in paged] == [1, 1]

    # More events; the next checkpoint extends the first, proved by a consistency proof.
    await grow(client, auth)
    second = await get(client, auth, "/v1/audit/bundle", since=4, resource_type="deployment")
    assert [audit_note.signed_by(n, log).size for n in second["checkpoints"]] == [4, 8]
    assert [(p["first"], p["second"]) for p in second["consistency"]] == [(4, 8)]
    assert verify_bundle(second, logs=[log], known=[note]).events == 2
    listed = (await get(client, auth, "/v1/audit/checkpoints"))["items"]
    assert [c["tree_size"] for c in listed] == [8, 4]
    assert await get(client, auth, "/v1/audit/checkpoints/latest") == listed[0]
    # newest first, a page at a time, `before` still bounding the tree sizes
    first = await get(client, auth, "/v1/audit/checkpoints", limit=1)
    assert [c["tree_size"] for c in first["items"]] == [8]
    rest = await get(client, auth, "/v1/audit/checkpoints", limit=1, cursor=first["next_cursor"])
    assert ([c["tree_size"] for c in rest["items"]], rest["next_cursor"]) == ([4], None)
    below = await get(client, auth, "/v1/audit/checkpoints", before=8)
    assert [c["tree_size"] for c in below["items"]] == [4]

    # A witness checks the API's consistency proof from the checkpoint it cosigned before.
    witness = audit_note.generate("dpa.example", COSIGNATURE_V1)
    before = check_and_cosign(previous=None, latest=note, proof=[], log=log, witness=witness)
    proof = await get(client, auth, "/v1/audit/consistency", first=4, second=8)
    now = check_and_cosign(
        previous=before.note,
        latest=second["checkpoints"][1],
        proof=[base64.b64decode(h) for h in proof["proof"]],
        log=log,
        witness=witness,
    )
    with pytest.raises(Rejected, match="0 known witness"):
        verify_bundle(second, logs=[log], witnesses=[witness.verifier], require=1)
    cosigned = {**second, "checkpoints": [*second["checkpoints"], now.note]}
    report = verify_bundle(cosigned, logs=[log], witnesses=[witness.verifier], require=1)
    assert report.witnesses == ["dpa.example"]

    # The stand-alone command: the bundle, the log's key, exit 0; a tampered copy, exit 1.
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(second))
    assert cli.main(["audit", "verify-proof", str(path), "--log-key", log.vkey()]) == 0
    second["events"][0]["leaf"] = second["events"][0]["leaf"].replace("NL", "FR")
    path.write_text(json.dumps(second))
    assert cli.main(["audit", "verify-proof", str(path), "--log-key", log.vkey()]) == 1

    # The chain and the tree are verified together; a tree node changed behind the log's back
    # is reported although every event and seal is intact.
    assert (await get(client, auth, "/v1/audit/verify"))["valid"]
    await owner.execute("ALTER TABLE audit_tree_node DISABLE TRIGGER audit_tree_node_append_only")
    await owner.execute(
        "UPDATE audit_tree_node SET hash = $1 WHERE level = 1 AND idx = 0", b"0" * 32
    )
    broken = await get(client, auth, "/v1/audit/verify")
    assert (broken["valid"], broken["reason"]) == (
        False,
        "the Merkle tree differs from the sealed events",
    )


async def test_the_existing_chain_enters_the_tree_before_anything_new_is_sealed(
    committed_client: tuple[httpx.AsyncClient, AsyncEngine],
    owner: asyncpg.Connection,
    auth: Auth,
) -> None:
    client, engine = committed_client
    await grow(client, auth)
    async with make_sessionmaker(engine)() as session, session.begin():
        assert await audit.seal_pending(session) == 4
    # As if sealed before the tree existed (the migration adds it empty).
    await owner.execute("ALTER TABLE audit_tree_node DISABLE TRIGGER audit_tree_node_no_truncate")
    await owner.execute("TRUNCATE audit_tree_node")
    await grow(client, auth)
    async with make_sessionmaker(engine)() as session, session.begin():
        assert await audit.seal_pending(session, batch=3) == 3  # 4 caught up, then 3 sealed
    assert await owner.fetchval("SELECT count(*) FROM audit_tree_node WHERE level = 0") == 7
    result = await get(client, auth, "/v1/audit/verify")
    assert (result["valid"], result["sealed_events"], result["tree_size"]) == (True, 8, 8)


# --- the offline verifier and the witness against a tampering operator -------------------------

ORIGIN = "ilonet.test/audit-log"


def leaf(i: int) -> str:
    return json.dumps({"id": i, "action": "officer.contact_read"}, separators=(",", ":"))


class Log:
    """A log as an operator could run it, honestly or not: its leaves, nodes and key."""

    def __init__(self, leaves: list[str], key: audit_note.Signer) -> None:
        self.leaves, self.key = leaves, key
        self.nodes = audit_merkle.build([audit_merkle.leaf_hash(x.encode()) for x in leaves])

    def checkpoint(self, size: int) -> str:
        root = audit_merkle.range_hash(0, size, self.nodes) if size else audit_merkle.EMPTY_ROOT
        body = Checkpoint.make(ORIGIN, size, root).body
        return audit_note.note(body, [self.key.sign(body)])

    def proof(self, ranges: list[tuple[int, int]]) -> list[str]:
        hashes = audit_merkle.proof_hashes(ranges, self.nodes)
        return [base64.b64encode(h).decode() for h in hashes]

    def bundle(self, size: int, since: int | None, indices: list[int]) -> dict[str, Any]:
        sizes = [since, size] if since else [size]
        return {
            "format": FORMAT,
            "checkpoints": [self.checkpoint(s) for s in sizes],
            "consistency": [
                {
                    "first": since,
                    "second": size,
                    "proof": self.proof(audit_merkle.consistency_ranges(since, size)),
                }
            ]
            if since
            else [],
            "events": [
                {
                    "leaf": self.leaves[i],
                    "index": i,
                    "tree_size": size,
                    "proof": self.proof(audit_merkle.inclusion_ranges(i, size)),
                }
                for i in indices
            ],
        }


@pytest.fixture
def key() -> audit_note.Signer:
    return audit_note.generate(ORIGIN)


def test_an_honest_bundle_verifies_and_a_tampered_event_does_not(key: audit_note.Signer) -> None:
    log = Log([leaf(i) for i in range(20)], key)
    honest = log.bundle(20, 13, [0, 12, 19])
    assert verify_bundle(honest, logs=[key.verifier]).events == 3
    tampered = log.bundle(20, 13, [12])
    tampered["events"][0]["leaf"] = tampered["events"][0]["leaf"].replace("read", "wrote")
    with pytest.raises(Rejected, match="event at index 12 is not in the checkpoint"):
        verify_bundle(tampered, logs=[key.verifier])
    other_key = audit_note.generate(ORIGIN)
    with pytest.raises(Rejected, match="not signed by the log's key"):
        verify_bundle(honest, logs=[other_key.verifier])


def test_a_dropped_event_is_caught(key: audit_note.Signer) -> None:
    """The operator removes event 7 and rebuilds the tree: the checkpoint an auditor kept is
    not a prefix of the new one, and event 7's earlier proof fails against the new head."""
    honest = Log([leaf(i) for i in range(12)], key)
    seen = honest.checkpoint(10)
    dropped = Log([leaf(i) for i in range(12) if i != 7], key)
    rebuilt = dropped.bundle(11, 10, [])
    rebuilt["checkpoints"] = rebuilt["checkpoints"][1:]  # not showing its own checkpoint 10
    with pytest.raises(Rejected, match="checkpoint 11 does not extend checkpoint 10"):
        verify_bundle(rebuilt, logs=[key.verifier], known=[seen])
    kept = honest.bundle(11, None, [7])
    kept["checkpoints"] = [dropped.checkpoint(11)]
    with pytest.raises(Rejected, match="event at index 7 is not in the checkpoint"):
        verify_bundle(kept, logs=[key.verifier])


def test_a_truncated_log_is_caught(key: audit_note.Signer) -> None:
    log = Log([leaf(i) for i in range(16)], key)
    seen = log.checkpoint(16)
    shorter = log.bundle(12, None, [3])  # the operator now shows only 12 leaves
    with pytest.raises(Rejected, match="no consistency proof from size 12 to 16"):
        verify_bundle(shorter, logs=[key.verifier], known=[seen])
    witness = audit_note.generate("dpa.example", COSIGNATURE_V1)
    with pytest.raises(Refused, match="shrank from 16 to 12"):
        check_and_cosign(
            previous=seen, latest=log.checkpoint(12), proof=[], log=key.verifier, witness=witness
        )


def test_a_fork_two_auditors_shown_different_trees_is_caught(key: audit_note.Signer) -> None:
    common = [leaf(i) for i in range(9)]
    shown_a = Log([*common, leaf(100)], key)
    shown_b = Log([*common, leaf(200)], key)
    a, b = shown_a.bundle(10, 9, [9]), shown_b.bundle(10, 9, [9])
    assert verify_bundle(a, logs=[key.verifier]).tree_size == 10  # each alone looks fine
    assert verify_bundle(b, logs=[key.verifier]).tree_size == 10
    with pytest.raises(Rejected, match="two checkpoints of size 10 with different roots"):
        verify_bundle(b, logs=[key.verifier], known=a["checkpoints"])
    # A witness that cosigned A's tree refuses B's; one that saw a smaller tree refuses a
    # later tree grown from B's branch if its proof starts from A's.
    witness = audit_note.generate("dpa.example", COSIGNATURE_V1)
    cosigned = check_and_cosign(
        previous=None, latest=shown_a.checkpoint(10), proof=[], log=key.verifier, witness=witness
    )
    with pytest.raises(Refused, match="fork"):
        check_and_cosign(
            previous=cosigned.note,
            latest=shown_b.checkpoint(10),
            proof=[],
            log=key.verifier,
            witness=witness,
        )
    grown_b = Log([*common, leaf(200), leaf(201)], key)
    proof = audit_merkle.proof_hashes(audit_merkle.consistency_ranges(10, 11), grown_b.nodes)
    with pytest.raises(Refused, match="does not extend 10"):
        check_and_cosign(
            previous=cosigned.note,
            latest=grown_b.checkpoint(11),
            proof=proof,
            log=key.verifier,
            witness=witness,
        )


def test_k_witnesses_are_required_and_only_their_own_keys_count(key: audit_note.Signer) -> None:
    log = Log([leaf(i) for i in range(30)], key)
    edps = audit_note.generate("edps.example", COSIGNATURE_V1)
    cnil = audit_note.generate("cnil.example", COSIGNATURE_V1)
    witnesses = [edps.verifier, cnil.verifier]
    bundle = log.bundle(30, 20, [4])
    with pytest.raises(Rejected, match="0 known witness cosignature"):
        verify_bundle(bundle, logs=[key.verifier], witnesses=witnesses, require=1)
    proof = audit_merkle.proof_hashes(audit_merkle.consistency_ranges(20, 30), log.nodes)
    edps_seen = check_and_cosign(
        previous=None, latest=log.checkpoint(20), proof=[], log=key.verifier, witness=edps
    )
    by_edps = check_and_cosign(
        previous=edps_seen.note,
        latest=log.checkpoint(30),
        proof=proof,
        log=key.verifier,
        witness=edps,
        now=1_800_000_000,
    )
    bundle["checkpoints"].append(by_edps.note)
    report = verify_bundle(bundle, logs=[key.verifier], witnesses=witnesses, require=1)
    assert report.witnesses == ["edps.example"]
    with pytest.raises(Rejected, match=r"1 known witness cosignature\(s\), 2 required"):
        verify_bundle(bundle, logs=[key.verifier], witnesses=witnesses, require=2)
    # A cosignature by a key the auditor does not list does not count.
    impostor = audit_note.generate("cnil.example", COSIGNATURE_V1)
    forged = check_and_cosign(
        previous=None, latest=log.checkpoint(30), proof=[], log=key.verifier, witness=impostor
    )
    bundle["checkpoints"].append(forged.note)
    with pytest.raises(Rejected, match="2 required"):
        verify_bundle(bundle, logs=[key.verifier], witnesses=witnesses, require=2)
    by_cnil = check_and_cosign(
        previous=None, latest=log.checkpoint(30), proof=[], log=key.verifier, witness=cnil
    )
    bundle["checkpoints"].append(by_cnil.note)
    report = verify_bundle(bundle, logs=[key.verifier], witnesses=witnesses, require=2)
    assert report.witnesses == ["edps.example", "cnil.example"]


def test_witness_keygen_writes_a_private_key_and_prints_its_verifier_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "witness.key"
    assert cli.main(["witness", "keygen", "dpa.example", "-o", str(path)]) == 0
    signer = audit_note.parse_signer(path.read_text())
    assert capsys.readouterr().out.strip() == signer.verifier.vkey()
    assert (signer.name, signer.kind, path.stat().st_mode & 0o777) == (
        "dpa.example",
        COSIGNATURE_V1,
        0o600,
    )


def test_the_witness_command_keeps_its_last_checkpoint_and_refuses_a_rewritten_log(
    key: audit_note.Signer, tmp_path: Path
) -> None:
    """`ilonet witness cosign` against a log served over HTTP: first use cosigns, a grown log
    is checked with the consistency proof it asks for, a rewritten one is refused and the
    witness's state stays at the last checkpoint it cosigned."""
    served = {"log": Log([leaf(i) for i in range(5)], key), "size": 5}

    def answer(request: httpx.Request) -> httpx.Response:
        log, size = served["log"], served["size"]
        assert isinstance(log, Log)
        assert isinstance(size, int)
        assert request.headers["Authorization"] == "Bearer t"
        if request.url.path == "/v1/audit/checkpoints/latest":
            return httpx.Response(200, json={"note": log.checkpoint(size)})
        first, second = int(request.url.params["first"]), int(request.url.params["second"])
        ranges = audit_merkle.consistency_ranges(first, second)
        return httpx.Response(200, json={"proof": log.proof(ranges)})

    witness = audit_note.generate("dpa.example", COSIGNATURE_V1)

    def cosign() -> str:
        return cosign_latest(
            api="http://log.test",
            token="t",
            log=key.verifier,
            witness=witness,
            state_dir=tmp_path,
            transport=httpx.MockTransport(answer),
        ).note

    assert notes_cosigned_by(cosign(), witness) == 5
    served.update(log=Log([leaf(i) for i in range(9)], key), size=9)
    assert notes_cosigned_by(cosign(), witness) == 9
    served.update(log=Log([leaf(i) for i in range(3)] + [leaf(99) for _ in range(7)], key), size=10)
    with pytest.raises(Refused, match="does not extend 9"):
        cosign()
    (state,) = tmp_path.glob("*.checkpoint")
    assert audit_note.signed_by(state.read_text(), key.verifier).size == 9


def notes_cosigned_by(note: str, witness: audit_note.Signer) -> int:
    assert audit_note.cosigners(note, [witness.verifier]) == [witness.name]
    return Checkpoint.parse(audit_note.split(note)[0]).size
