"""Test harness: one embedded PostgreSQL per session, a migrated template database, a rolled-back
transaction per test, fresh databases for tests that need real commits, and real JWTs signed by a
test key that the app trusts through its normal issuer configuration.

Built once per session and reset per test: the app (tests/shared_app.py) and the world of the
registry-generated tests (tests/world.py), which lives in a database of its own; a test that asks
for `world` has its rolled-back transaction in that database."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from app import clock, egress
from app.config import APP_DB_ROLE, Settings, TrustedIssuer
from app.db import migrate
from app.db.embedded import EmbeddedPostgres
from app.db.engine import make_engine
from app.main import create_app
from app.tokens import mint_token, public_pem
from tests.audit_witnesses import REGISTERED
from tests.factories import TODAY
from tests.shared_app import SharedApp
from tests.world import World, build_world, refreshed

# The service takes the run's day as today (app/clock.py; the servers the drills start, through
# their environment, tests/drills/harness.py): a record dated by one day and its transfer by the
# next would break the rules for a run that crosses midnight (UTC), not for the code.
clock.pin(TODAY)

TEST_ISSUER = "https://idp.test.ilonet.example"
TEMPLATE_DB = "ilonet_template"
TEST_DB = "ilonet_test"
WORLD_DB = "ilonet_world"


@dataclass(frozen=True)
class Keys:
    private_pem: bytes
    public_file: Path


@pytest.fixture(scope="session")
def signing_keys(tmp_path_factory: pytest.TempPathFactory) -> Keys:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path = tmp_path_factory.mktemp("keys") / "issuer.pub.pem"
    path.write_bytes(public_pem(private_pem))
    return Keys(private_pem, path)


@pytest.fixture(scope="session")
def harness_settings(tmp_path_factory: pytest.TempPathFactory, signing_keys: Keys) -> Settings:
    return Settings(
        env="test",
        data_dir=tmp_path_factory.mktemp("data"),
        trusted_issuers=[
            # The harness plays every organisation's identity provider, so its issuer is bound
            # to all of them, explicitly; tests/owasp/test_api2_broken_authentication.py adds
            # an issuer bound to one organisation.
            TrustedIssuer(
                issuer=TEST_ISSUER,
                algorithms=["RS256", "PS256"],
                pem_file=signing_keys.public_file,
                organisations=["*"],
            )
        ],
        max_body_bytes=65_536,
        audit_witness_keys=REGISTERED,
    )


@pytest.fixture(scope="session")
def settings(harness_settings: Settings) -> Settings:
    """The app's settings; a module may override this fixture (its `app` is then its own)."""
    return harness_settings


# A test holds one transaction open while it computes (builds the OpenAPI document, renders a
# page): on a loaded machine that can leave it idle longer than a request's transaction may be.
HARNESS_ENGINE = Settings(db_idle_in_transaction_timeout_ms=600_000)


@dataclass
class Postgres:
    server: EmbeddedPostgres

    def owner_url(self, database: str) -> str:
        return self.server.url(database=database)

    def app_url(self, database: str) -> str:
        return self.server.url(user=APP_DB_ROLE, database=database)

    async def admin(self, sql: str) -> None:
        connection = await asyncpg.connect(self.server.url())
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    async def clone(self, name: str) -> None:
        await self.admin(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE_DB}"')

    async def drop(self, name: str) -> None:
        await self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    # Not under pytest's temporary directory: another pytest session of the same user makes
    # that 0700 again, and the server (run as its own user when root) would lose its data.
    root = Path(tempfile.mkdtemp(prefix="ilonet-test-pg-"))
    server = EmbeddedPostgres(root / "pgdata")
    server.start()
    pg = Postgres(server)
    try:
        # A scratch cluster: its data need only outlive its processes (tests/drills/harness.py)
        for setting in ("fsync", "full_page_writes"):
            asyncio.run(pg.admin(f"ALTER SYSTEM SET {setting} = off"))
        asyncio.run(pg.admin("SELECT pg_reload_conf()"))
        asyncio.run(pg.admin(f'CREATE DATABASE "{TEMPLATE_DB}"'))
        migrate.upgrade(pg.owner_url(TEMPLATE_DB))
        asyncio.run(pg.clone(TEST_DB))
        yield pg
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
async def app_engine(postgres: Postgres) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(postgres.app_url(TEST_DB), pool_size=5, settings=HARNESS_ENGINE)
    yield engine
    await engine.dispose()


@pytest.fixture
def database_engine(request: pytest.FixtureRequest, app_engine: AsyncEngine) -> AsyncEngine:
    """The database a test's transaction is in: the world's for a test that acts on the world
    (asks for `world`), the test database otherwise."""
    if "world_engine" in request.fixturenames:
        engine: AsyncEngine = request.getfixturevalue("world_engine")
        return engine
    return app_engine


@pytest.fixture
async def connection(database_engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """One connection per test inside a transaction that is rolled back at the end."""
    async with database_engine.connect() as conn:
        transaction = await conn.begin()
        try:
            yield conn
        finally:
            if transaction.is_active:
                await transaction.rollback()


@pytest.fixture
def sessionmaker(connection: AsyncConnection) -> async_sessionmaker[AsyncSession]:
    # Request commits become savepoint releases inside the test's transaction.
    return async_sessionmaker(
        bind=connection,
        expire_on_commit=False,
        autoflush=False,
        join_transaction_mode="create_savepoint",
    )


@pytest.fixture
async def session(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    """A session to inspect stored rows, in the same transaction the app writes in."""
    async with sessionmaker() as s:
        yield s


@pytest.fixture(scope="session")
def built_app(harness_settings: Settings) -> SharedApp:
    return SharedApp(create_app(harness_settings))


@pytest.fixture
def app(
    built_app: SharedApp,
    harness_settings: Settings,
    settings: Settings,
    database_engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> Iterator[FastAPI]:
    """The session's app as create_app() left it (an app of its own for a module that
    overrides `settings`), on the test's transaction."""
    with contextlib.ExitStack() as stack:
        if settings is harness_settings:
            application = stack.enter_context(built_app.as_built(settings))
        else:
            application = create_app(settings)
        application.state.engine = database_engine
        application.state.sessionmaker = sessionmaker
        yield application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


TokenFactory = Callable[..., str]


def token_factory(signing_keys: Keys) -> TokenFactory:
    def make(
        org: str = "NL",
        roles: list[str] | None = None,
        *,
        sub: str | None = None,
        officer_id: str | None = None,
        scopes: list[str] | None = None,
        ttl: int = 600,
        **extra: object,
    ) -> str:
        roles = roles or ["deploying_authority"]
        return mint_token(
            private_pem=signing_keys.private_pem,
            issuer=TEST_ISSUER,
            sub=sub or f"{org.lower()}-{'-'.join(roles)}",
            org=org,
            roles=roles,
            officer_id=officer_id,
            scopes=scopes,
            ttl_seconds=ttl,
            extra=dict(extra),
        )

    return make


def auth_factory(token: TokenFactory) -> Callable[..., dict[str, str]]:
    def headers(*args: object, **kwargs: object) -> dict[str, str]:
        return {"Authorization": f"Bearer {token(*args, **kwargs)}"}

    return headers


@pytest.fixture
def token(signing_keys: Keys) -> TokenFactory:
    return token_factory(signing_keys)


@pytest.fixture
def auth(token: TokenFactory) -> Callable[..., dict[str, str]]:
    return auth_factory(token)


@dataclass
class FreshDatabase:
    name: str
    owner_url: str
    app_url: str


@pytest.fixture
async def fresh_db(postgres: Postgres) -> AsyncIterator[FreshDatabase]:
    """A migrated database of the test's own, for tests that need real commits."""
    name = f"ilonet_{uuid.uuid4().hex[:12]}"
    await postgres.clone(name)
    try:
        yield FreshDatabase(name, postgres.owner_url(name), postgres.app_url(name))
    finally:
        await postgres.drop(name)


@pytest.fixture
async def committed_client(
    settings: Settings, fresh_db: FreshDatabase
) -> AsyncIterator[tuple[httpx.AsyncClient, AsyncEngine]]:
    """An app on a fresh database whose requests really commit; also the engine to inspect it."""
    application = create_app(settings)
    engine = make_engine(fresh_db.app_url, pool_size=5, settings=HARNESS_ENGINE)
    application.state.engine = engine
    application.state.sessionmaker = async_sessionmaker(engine, expire_on_commit=False)
    transport = httpx.ASGITransport(app=application)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c, engine
    await engine.dispose()


async def _resolve_public_receiver(host: str) -> list[str]:
    if host != "cms.example.nl":
        raise egress.Unresolved(host)
    return ["93.184.215.14"]


@pytest.fixture
def public_receiver(monkeypatch: pytest.MonkeyPatch) -> None:
    """cms.example.nl stands for a webhook receiver on the internet: its name is answered here,
    so no test asks a real resolver (and none depends on the network)."""
    monkeypatch.setattr(egress, "default_resolver", _resolve_public_receiver)


@pytest.fixture(scope="session")
async def world_engine(postgres: Postgres) -> AsyncIterator[AsyncEngine]:
    """The world's database (a clone of the migrated template), as the application role."""
    await postgres.clone(WORLD_DB)
    engine = make_engine(postgres.app_url(WORLD_DB), pool_size=5, settings=HARNESS_ENGINE)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="session")
async def built_world(
    world_engine: AsyncEngine, harness_settings: Settings, signing_keys: Keys
) -> World:
    """The world, made once through the API by an app whose requests really commit."""
    application = create_app(harness_settings)
    application.state.engine = world_engine
    maker = async_sessionmaker(world_engine, expire_on_commit=False)
    application.state.sessionmaker = maker
    transport = httpx.ASGITransport(app=application)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(egress, "default_resolver", _resolve_public_receiver)
        async with (
            httpx.AsyncClient(transport=transport, base_url="http://testserver") as client,
            maker() as session,
        ):
            return await build_world(client, auth_factory(token_factory(signing_keys)), session)


@pytest.fixture
def world(built_world: World, world_engine: AsyncEngine, signing_keys: Keys) -> World:
    """The world of tests/world.py, with tokens issued now; the test's `connection`, `session`,
    `client` and `app` are on the world's database, in a transaction rolled back at the end."""
    return refreshed(built_world, signing_keys.private_pem)


# One Schemathesis run per part and session, shared by the conformance test and OWASP API9: a
# fixture imported into two test modules would be two fixtures, and run twice.
from tests.conformance.harness import schemathesis_run, schemathesis_runs  # noqa: E402, F401

# Under pytest-xdist (scripts/check.py) each worker is a session of its own: its own embedded
# PostgreSQL in a temp dir of its own, its own app and world. tests/schedule.py decides what the
# workers are handed, in which order (a module at a time, the Schemathesis run's readers together).
from tests.schedule import (  # noqa: E402, F401
    pytest_collection_modifyitems,
    pytest_xdist_make_scheduler,
)
