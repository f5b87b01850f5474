"""Another organisation's tokens against every guarded action and every read route.

Generated from the action registry (tests/scenarios.py plays each action), the route table
(tests/route_matrix.py), the read policies and the role table (app/policies/roles.py). The
world's resources are the Netherlands' (and the Board's, kept by the Commission); the callers
are France's, with every role it may hold, every role at once, an issuer bound to France
speaking for another organisation, and an ILO token naming a Dutch officer; and the
Commission's, whose chair and secretariat act Board-wide.

- A token whose claims are untrue (ACL-CLAIM) is a 401, nothing is stored, the refusal audited.
- A foreign write is a 403 or a 404, nothing is stored, the denial audited — except a
  Board-wide role on an action the Board takes for any organisation, which is allowed.
- A foreign read answers what the read policy computes for the bound caller (403, 404 or 200;
  documents by audience), and a refused read is audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI
from jose import jwt
from sqlalchemy import func, literal_column, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from app.config import Settings, TrustedIssuer
from app.models import AuditEvent
from app.policies import Actor
from app.policies.roles import BOARD_WIDE, role_problems
from app.policies.visibility import READ_POLICIES
from app.policies.vocabulary import Role, Scope
from app.reference import load_role_holders
from app.routers.policy_marks import READS
from app.services.actions import REGISTRY
from app.tokens import mint_token, public_pem
from tests import factories
from tests.conftest import TEST_ISSUER, Keys
from tests.factories import Auth
from tests.route_matrix import READ_REQUESTS, marked, row_shown
from tests.routers.test_registry_parity import _snapshot, _write
from tests.scenarios import SCENARIOS, World

FR_ISSUER = "https://idp.fr.test.ilonet.example"
FOREIGN = "FR"
ALL_SCOPES = tuple(s.value for s in Scope)
# Actions in which the Board's chair or secretariat act for whichever organisation the network
# or meeting concerns (Art. 5, 8(3)); elsewhere a Board role acts for its own organisation only.
BOARD_ACTS_FOR_ANY = frozenset(
    {
        "network.update",
        "network.designate_facilitator",
        "network_meeting.record",
        "network_meeting.cancel",
        "ad_hoc_action.assign",
        "ad_hoc_action.update",
    }
)
# Creations that name no organisation but the caller's: a foreign caller makes its own.
OWN_CREATIONS = frozenset({"network.create", "document.upload", "webhook.create"})


@pytest.fixture(scope="module")
def fr_keys(tmp_path_factory: pytest.TempPathFactory) -> Keys:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path: Path = tmp_path_factory.mktemp("fr-issuer") / "fr.pub.pem"
    path.write_bytes(public_pem(private))
    return Keys(private, path)


@pytest.fixture
def settings(settings: Settings, fr_keys: Keys) -> Settings:
    """The harness's issuer, plus France's identity provider, which speaks for France only."""
    fr = TrustedIssuer(
        issuer=FR_ISSUER, algorithms=["RS256"], pem_file=fr_keys.public_file, organisations=["FR"]
    )
    return settings.model_copy(update={"trusted_issuers": [*settings.trusted_issuers, fr]})


@pytest.fixture(autouse=True)
def _receivers(public_receiver: None) -> None:
    """Webhook scenarios subscribe cms.example.nl (answered by the fixture, not by DNS)."""


@dataclass(frozen=True)
class Caller:
    name: str
    org: str
    roles: tuple[str, ...]
    scopes: tuple[str, ...] = ()
    officer: str | None = None  # "own": an officer of `org`; "nl": the world's Dutch ILO
    issuer: str = TEST_ISSUER
    bound: bool = True  # are the claims true? (else ACL-CLAIM: 401)


def _may_hold(role: Role, org: str) -> bool:
    """As the role table and the participants say (the binding's own rule, app/policies/roles)."""
    return not list(role_problems(load_role_holders().get(org), org, frozenset({role.value})))


def _single(org: str, role: Role) -> Caller:
    return Caller(
        f"{org.lower()}-{role}",
        org,
        (role.value,),
        scopes=ALL_SCOPES if role == Role.integration else (),
        officer="own" if role == Role.ilo and org == FOREIGN else None,
        bound=_may_hold(role, org),
    )


FR_HOLDS = tuple(r.value for r in Role if _may_hold(r, FOREIGN))
CALLERS = (
    *(_single(FOREIGN, r) for r in Role),
    Caller("fr-every-role-it-holds", FOREIGN, FR_HOLDS, ALL_SCOPES, officer="own"),
    Caller("fr-every-role", FOREIGN, tuple(r.value for r in Role), ALL_SCOPES, bound=False),
    Caller("fr-ilo-as-dutch-officer", FOREIGN, ("ilo",), officer="nl", bound=False),
    Caller("fr-issuer-as-nl", "NL", ("deploying_authority", "ilo"), issuer=FR_ISSUER, bound=False),
    Caller("fr-issuer-as-com", "COM", ("sb_secretariat",), issuer=FR_ISSUER, bound=False),
    *(_single("COM", r) for r in Role),
)


@dataclass
class Stage:
    world: World | None
    nl_officer: str
    fr_officer: str
    auth: Auth
    fr_keys: Keys
    minted: dict[str, dict[str, str]] = field(default_factory=dict)

    def headers(self, caller: Caller) -> dict[str, str]:
        """The caller's token, minted once per stage (a token is verified once, then cached)."""
        if caller.name not in self.minted:
            self.minted[caller.name] = self._mint(caller)
        return self.minted[caller.name]

    def _mint(self, caller: Caller) -> dict[str, str]:
        officer = {"own": self.fr_officer, "nl": self.nl_officer}.get(caller.officer or "")
        sub = f"foreign-{caller.name}"
        if caller.issuer == TEST_ISSUER:
            return self.auth(
                caller.org,
                list(caller.roles),
                sub=sub,
                officer_id=officer,
                scopes=list(caller.scopes) or None,
            )
        token = mint_token(
            private_pem=self.fr_keys.private_pem,
            issuer=caller.issuer,
            sub=sub,
            org=caller.org,
            roles=list(caller.roles),
            officer_id=officer,
        )
        return {"Authorization": f"Bearer {token}"}

    def actor(self, caller: Caller) -> Actor:
        officer = {"own": self.fr_officer, "nl": self.nl_officer}.get(caller.officer or "")
        return Actor(
            sub=caller.name,
            org=caller.org,
            roles=frozenset(caller.roles),
            officer_id=officer,
            scopes=frozenset(caller.scopes),
        )


@pytest.fixture
async def stage(client: httpx.AsyncClient, world: World, auth: Auth, fr_keys: Keys) -> Stage:
    fr = auth(FOREIGN, ["deploying_authority"], sub="fr-setup")
    _, officer = await factories.create_officer_with_authority(client, fr, organisation=FOREIGN)
    return Stage(world, world.ilo.officer_id, officer["id"], auth, fr_keys)


def _world(stage: Stage) -> World:
    assert stage.world is not None
    return stage.world


async def _refusals(session: AsyncSession, caller: Caller) -> int:
    """The audited refusals of this caller so far (403, 404 on a resource that exists, 401)."""
    count = await session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(
            AuditEvent.action == "policy.denied",
            AuditEvent.actor["sub"].astext == f"foreign-{caller.name}",
        )
    )
    return int(count or 0)


def _owner(write_headers: dict[str, str]) -> str:
    if not write_headers:
        return "COM"  # the reference data's editor (tests/routers/test_registry_parity.py)
    token = write_headers["Authorization"].removeprefix("Bearer ")
    return str(jwt.get_unverified_claims(token)["org"])


def _expect_write(action: str, caller: Caller, stage: Stage) -> str:
    """'unbound' (401), 'allowed' (2xx, Board-wide), or 'denied' (403/404)."""
    if not caller.bound:
        return "unbound"
    requirement = REGISTRY[action].policy.requirement
    board_wide = set(caller.roles) & BOARD_WIDE and caller.org == "COM"
    actor = stage.actor(caller)
    if board_wide and action in BOARD_ACTS_FOR_ANY and requirement.admits(actor):
        return "allowed"
    return "denied"


async def _attempt_write(
    client: httpx.AsyncClient,
    connection: AsyncConnection,
    session: AsyncSession,
    stage: Stage,
    action: str,
    caller: Caller,
    unaudited: dict[str, str],
) -> str | None:
    """One foreign write; a problem found, or None. A refusal whose audit event stays is put in
    `unaudited` (the caller's sub -> the problem if it is not audited), for the action's count."""
    write = SCENARIOS[action](_world(stage))
    headers = stage.headers(caller)
    where = f"{caller.name} on {action}"
    expected = _expect_write(action, caller, stage)
    undone = expected == "allowed" or action in OWN_CREATIONS
    if undone:
        # what such a write stores is undone, so that the next caller meets the same world
        refusals = await _refusals(session, caller)
        savepoint = await connection.begin_nested()
        try:
            response = await _write(client, write, headers)
            audited = await _refusals(session, caller) == refusals + 1
        finally:
            await savepoint.rollback()
        if expected == "allowed":
            if response.status_code not in (200, 201, 204):
                return f"{where}: Board-wide, expected allowed, got {response.text[:300]}"
            return None
        if response.status_code in (200, 201):
            stored = response.json().get("organisation")
            if stored != caller.org:
                return f"{where}: created for {stored}, not for the caller's {caller.org}"
            return None
    else:
        response = await _write(client, write, headers)
        audited = True  # counted with the action's other refusals, in `unaudited`
    status = response.status_code
    if expected == "unbound":
        if status != 401:
            return f"{where}: untrue claims, expected 401, got {status} {response.text[:300]}"
    elif status not in (403, 404):
        return f"{where}: expected 403 or 404, got {status} {response.text[:300]}"
    elif status == 403 and response.json()["type"] != "/problems/policy-denied":
        return f"{where}: a 403 that is no policy denial: {response.text[:300]}"
    if not audited:
        return f"{where}: {status} without its audit event"
    if not undone:
        unaudited[f"foreign-{caller.name}"] = f"{where}: {status} without its audit event"
    return None


@pytest.mark.long
async def test_acl_org_no_foreign_token_writes_through_any_action(
    client: httpx.AsyncClient,
    connection: AsyncConnection,
    session: AsyncSession,
    stage: Stage,
) -> None:
    problems: list[str] = []
    attempts = 0
    for action in sorted(SCENARIOS):
        owner = _owner(SCENARIOS[action](_world(stage)).headers)
        callers = [c for c in CALLERS if c.org != owner or not c.bound]
        before = await _snapshot(session)
        refusals = await _refusals_by_caller(session)
        unaudited: dict[str, str] = {}
        for caller in callers:
            attempts += 1
            found = await _attempt_write(
                client, connection, session, stage, action, caller, unaudited
            )
            if found:
                problems.append(found)
        if await _snapshot(session) != before:
            problems.append(f"{action}: a foreign attempt changed stored rows")
        # each refusal is one audit event of its caller (every caller makes one attempt here)
        after = await _refusals_by_caller(session)
        for sub, problem in unaudited.items():
            if after.get(sub, 0) != refusals.get(sub, 0) + 1:
                problems.append(problem)
    assert not problems, "\n".join(problems)
    assert attempts > len(SCENARIOS) * 20  # every action, every foreign caller


def _expect_read(kind: str, row: tuple[str, str | None] | None, actor: Actor) -> int:
    seen = READ_POLICIES[kind](actor)
    if seen.refusal is not None or (row is None and seen.rows.none):
        return 403
    if row is None:
        return 200
    return 200 if row_shown(kind, seen, row) else 404


async def _refusals_by_caller(session: AsyncSession) -> dict[str, int]:
    sub = AuditEvent.actor.op("->>")(literal_column("'sub'"))
    rows = await session.execute(
        select(sub, func.count()).where(AuditEvent.action == "policy.denied").group_by(sub)
    )
    return {str(sub): int(count) for sub, count in rows.all()}


@pytest.mark.long
async def test_acl_org_foreign_reads_answer_what_the_read_policy_computes(
    client: httpx.AsyncClient, app: FastAPI, session: AsyncSession, stage: Stage
) -> None:
    marks = marked(app)
    problems: list[str] = []
    refused = {f"foreign-{c.name}": 0 for c in CALLERS}
    before = await _refusals_by_caller(session)
    for route in sorted(READ_REQUESTS):
        kind = marks[route][READS]
        path, row = READ_REQUESTS[route](_world(stage))
        for caller in CALLERS:
            response = await client.get(path, headers=stage.headers(caller))
            where = f"{caller.name} on {route}: {response.status_code} {response.text[:200]}"
            expected = _expect_read(kind, row, stage.actor(caller)) if caller.bound else 401
            if response.status_code != expected:
                problems.append(f"expected {expected}, {where}")
            elif expected != 200:
                refused[f"foreign-{caller.name}"] += 1
    after = await _refusals_by_caller(session)
    # every refused read is an audit event of its caller, none more
    audited = {sub: after.get(sub, 0) - before.get(sub, 0) for sub in refused}
    assert not problems, "\n".join(problems)
    assert audited == refused
    assert sum(refused.values()) > len(READ_REQUESTS) * len(CALLERS) // 3  # not vacuous


@pytest.fixture
async def committed_stage(
    committed_client: tuple[httpx.AsyncClient, Any], auth: Auth, fr_keys: Keys
) -> tuple[httpx.AsyncClient, Stage, str, dict[str, str]]:
    """On a database whose requests commit (the change feed shows committed events only): a
    Dutch ILO deployed in Senegal, the Senegal network, and a French officer."""
    client, _ = committed_client
    ilo = await factories.deployed_ilo(client, auth)
    nl = auth("NL", ["deploying_authority"], sub="nl-setup")
    network = await client.post(
        "/v1/networks",
        json={"name": "ILO network Senegal", "kind": "local", "countries": ["SN"]},
        headers=nl,
    )
    assert network.status_code == 201, network.text
    fr = auth(FOREIGN, ["deploying_authority"], sub="fr-setup")
    _, officer = await factories.create_officer_with_authority(client, fr, organisation=FOREIGN)
    stage = Stage(None, ilo.officer_id, officer["id"], auth, fr_keys)
    return client, stage, network.json()["id"], ilo.headers


async def test_acl_org_a_network_document_on_every_read_path_is_for_its_members(
    committed_stage: tuple[httpx.AsyncClient, Stage, str, dict[str, str]],
) -> None:
    """ILO-5.1, ILO-9.3: a network's document reaches the network's members (the Dutch ILO, its
    organisation), its uploader and authorised staff — on the list, the single read, its content,
    its versions, the search and the change feed alike — and no other organisation's caller."""
    client, stage, network_id, ilo_headers = committed_stage
    body = {
        "title": "Senegal route notes",
        "category": "a_analytical_product",
        "audience": "network",
        "network_id": network_id,
        "media_type": "text/plain",
        "content": "Departures from Saint-Louis rose in the third quarter.",
    }
    uploaded = await client.post("/v1/documents", json=body, headers=ilo_headers)
    assert uploaded.status_code == 201, uploaded.text
    document_id = uploaded.json()["id"]
    members = frozenset({("NL", stage.nl_officer)})
    readers = [
        *CALLERS,
        Caller("nl-ilo", "NL", ("ilo",), officer="nl"),
        Caller("nl-deploying_authority", "NL", ("deploying_authority",)),
        Caller("nl-integration", "NL", ("integration",), ("documents:read", "events:read")),
    ]
    problems: list[str] = []
    for caller in [c for c in readers if c.bound]:
        headers = stage.headers(caller)
        audiences = READ_POLICIES["document"](stage.actor(caller)).documents
        shown = audiences is not None and audiences.shows(
            organisation="NL", audience="network", category=body["category"], members=members
        )
        answers = {
            "single": await client.get(f"/v1/documents/{document_id}", headers=headers),
            "content": await client.get(f"/v1/documents/{document_id}/content", headers=headers),
            "version": await client.get(
                f"/v1/documents/{document_id}/versions/1/content", headers=headers
            ),
        }
        for path, answer in answers.items():
            if answer.status_code not in ((200,) if shown else (403, 404)):
                problems.append(f"{caller.name} {path}: {answer.status_code}, shown={shown}")
        listed = await client.get("/v1/documents?limit=200", headers=headers)
        found = await client.get("/v1/documents/search?q=Saint-Louis", headers=headers)
        feed = await _feed(client, headers)
        in_list = _ids(listed, "items")
        in_search = _ids(found, None)
        in_feed = (
            None
            if feed is None
            else {e["resource_id"] for e in feed if e["resource_type"] == "document"}
        )
        for name, ids in (("list", in_list), ("search", in_search), ("feed", in_feed)):
            if ids is not None and (document_id in ids) != shown:
                problems.append(f"{caller.name} {name}: listed={document_id in ids}, {shown=}")
    assert not problems, "\n".join(problems)
    # not vacuous: the network's own members and authorised staff were among the readers
    assert {c.name for c in readers} >= {"nl-ilo", "fr-authorised_staff", "fr-deploying_authority"}


async def _feed(client: httpx.AsyncClient, headers: dict[str, str]) -> list[dict[str, Any]] | None:
    """Every feed event the caller sees; None when it may not read the feed."""
    events: list[dict[str, Any]] = []
    after: str | None = None
    while True:
        params = {"limit": "200", **({"after": after} if after else {})}
        response = await client.get("/v1/events", params=params, headers=headers)
        if response.status_code == 403:
            return None
        assert response.status_code == 200, response.text
        page = response.json()
        events.extend(page["items"])
        after = page.get("next_after")
        if not page["items"] or not after:
            return events


def _ids(response: httpx.Response, key: str | None) -> set[str] | None:
    """The document ids a list or search answered; None when the caller may not list at all."""
    if response.status_code == 403:
        return None
    assert response.status_code == 200, response.text
    body = response.json()
    items = body[key] if key else (body["items"] if isinstance(body, dict) else body)
    return {i["id"] for i in items}
