"""Test harness: one embedded PostgreSQL per session, a migrated template database, a rolled-back
transaction per test, fresh databases for tests that need real commits, and real JWTs signed by a
test key that the app trusts through its normal issuer configuration."""

from __future__ import annotations

import asyncio
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

from app import egress
from app.config import APP_DB_ROLE, Settings, TrustedIssuer
from app.db import migrate
from app.db.embedded import EmbeddedPostgres
from app.db.engine import make_engine
from app.main import create_app
from app.security import mint_token, public_pem

TEST_ISSUER = "https://idp.test.ilonet.example"
TEMPLATE_DB = "ilonet_template"
TEST_DB = "ilonet_test"


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
def settings(tmp_path_factory: pytest.TempPathFactory, signing_keys: Keys) -> Settings:
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
    )


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
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Postgres]:
    server = EmbeddedPostgres(tmp_path_factory.mktemp("pg") / "pgdata")
    server.start()
    pg = Postgres(server)
    try:
        asyncio.run(pg.admin(f'CREATE DATABASE "{TEMPLATE_DB}"'))
        migrate.upgrade(pg.owner_url(TEMPLATE_DB))
        asyncio.run(pg.clone(TEST_DB))
        yield pg
    finally:
        server.stop()


@pytest.fixture(scope="session")
async def app_engine(postgres: Postgres) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(postgres.app_url(TEST_DB), pool_size=5)
    yield engine
    await engine.dispose()


@pytest.fixture
async def connection(app_engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """One connection per test inside a transaction that is rolled back at the end."""
    async with app_engine.connect() as conn:
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


@pytest.fixture
def app(
    settings: Settings, app_engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> FastAPI:
    application = create_app(settings)
    application.state.engine = app_engine
    application.state.sessionmaker = sessionmaker
    return application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


TokenFactory = Callable[..., str]


@pytest.fixture
def token(signing_keys: Keys) -> TokenFactory:
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


@pytest.fixture
def auth(token: TokenFactory) -> Callable[..., dict[str, str]]:
    def headers(*args: object, **kwargs: object) -> dict[str, str]:
        return {"Authorization": f"Bearer {token(*args, **kwargs)}"}

    return headers


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
    engine = make_engine(fresh_db.app_url, pool_size=5)
    application.state.engine = engine
    application.state.sessionmaker = async_sessionmaker(engine, expire_on_commit=False)
    transport = httpx.ASGITransport(app=application)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c, engine
    await engine.dispose()


@pytest.fixture
def public_receiver(monkeypatch: pytest.MonkeyPatch) -> None:
    """cms.example.nl stands for a webhook receiver on the internet: its name is answered here,
    so no test asks a real resolver (and none depends on the network)."""

    async def resolve(host: str) -> list[str]:
        if host != "cms.example.nl":
            raise egress.Unresolved(host)
        return ["93.184.215.14"]

    monkeypatch.setattr(egress, "default_resolver", resolve)


# One Schemathesis run per session, shared by the conformance test and OWASP API9: a fixture
# imported into two test modules would be two fixtures, and run twice.
from tests.conformance.harness import schemathesis_run  # noqa: E402, F401
