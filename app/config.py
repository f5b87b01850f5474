"""Settings read from ILONET_* environment variables (and DATABASE_URL)."""

from __future__ import annotations

import json
import re
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal, Self
from urllib.parse import urlsplit

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    IPvAnyNetwork,
    StringConstraints,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.bounds import LOG_KEYS_MAX, PUBLIC_ORIGIN_MAX, SIGNER_KEY_MAX, VERIFIER_KEY_MAX
from app.dev_issuer import (
    DEFAULT_DATA_DIR,
    DEFAULT_ENVIRONMENT,
    DEV_TOKEN_MAX_TTL_SECONDS,
    Environment,
)
from app.policies.disclosure import THRESHOLD

APP_DB_ROLE = "ilonet_app"


# An organisation code as the organisation table stores it (String(16)): NL, FRONTEX, EUROPOL.
ORG_CODE = re.compile(r"[A-Z][A-Z0-9_-]{1,15}")
# The explicit binding of an issuer that may speak for every organisation (never in production).
ANY_ORGANISATION = "*"
# iss and sub together key a client's idempotency keys ("iss|sub", String(300)).
ISSUER_MAX_CHARS = 99


class TrustedIssuer(BaseModel):
    """One token issuer the service trusts: its keys (PEM or JWKS file), allowed algorithms, the
    organisations its tokens may speak for and the longest token lifetime (exp - iat) it issues.

    A JWKS file's keys are chosen by the token's `kid`. A PEM file with `kid` set is the key of
    that id only; a PEM file without `kid` verifies the tokens that name no `kid` at all.
    """

    model_config = ConfigDict(extra="forbid")

    issuer: str = Field(min_length=1, max_length=ISSUER_MAX_CHARS)
    algorithms: list[
        Literal["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384"]
    ] = Field(min_length=1)
    organisations: list[str] = Field(min_length=1)
    pem_file: Path | None = None
    kid: str | None = Field(default=None, min_length=1, max_length=128)
    jwks_file: Path | None = None
    # The issuer's key set by URL (app/jwks.py): https, or http to 127.0.0.1/localhost outside
    # production; cached, and refetched once (rate-limited) when a token names an unknown kid.
    jwks_url: str | None = Field(default=None, max_length=2000)
    max_token_lifetime_seconds: int = Field(default=3600, gt=0, le=86_400)

    @field_validator("organisations")
    @classmethod
    def _organisation_codes(cls, value: list[str]) -> list[str]:
        if ANY_ORGANISATION in value:
            if value != [ANY_ORGANISATION]:
                raise ValueError(f'"{ANY_ORGANISATION}" must be the only entry when given')
            return value
        bad = [code for code in value if not ORG_CODE.fullmatch(code)]
        if bad:
            raise ValueError(f"not organisation codes: {', '.join(bad)}")
        return value

    @model_validator(mode="after")
    def _keys(self) -> Self:
        if self.pem_file is None and self.jwks_file is None and self.jwks_url is None:
            raise ValueError("a trusted issuer needs pem_file, jwks_file or jwks_url")
        if self.jwks_url is not None:
            parts = urlsplit(self.jwks_url)
            local = parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost")
            if not parts.hostname or parts.username or (parts.scheme != "https" and not local):
                raise ValueError(
                    "jwks_url must be an https URL (or http to 127.0.0.1/localhost) without "
                    "user information"
                )
        if self.kid is not None and self.pem_file is None:
            raise ValueError("kid names the key of pem_file")
        return self

    @property
    def any_organisation(self) -> bool:
        return self.organisations == [ANY_ORGANISATION]

    def may_speak_for(self, organisation: str) -> bool:
        return self.any_organisation or organisation in self.organisations


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ILONET_", extra="ignore")

    env: Environment = DEFAULT_ENVIRONMENT
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_URL", "ILONET_DATABASE_URL")
    )
    # Connection used by the application itself (a non-owner role); derived when not given.
    app_database_url: str | None = None
    data_dir: Path = DEFAULT_DATA_DIR
    # The day taken as today instead of the clock's (app/clock.py): for a drill or a test run
    # that must not change day halfway. Never in production, where erasure dates follow it.
    calendar_date: date | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    # Prometheus metrics on their own port (app/metrics.py); none when unset.
    metrics_host: str = "127.0.0.1"
    metrics_port: int | None = Field(default=None, ge=1, le=65535)

    trusted_issuers: list[TrustedIssuer] = Field(default_factory=list)
    jwt_leeway_seconds: int = Field(default=30, ge=0, le=300)
    # JWKS-URL issuers: how long a fetched key set is kept, and the shortest interval between
    # two refetches caused by tokens naming an unknown kid (app/jwks.py).
    jwks_cache_seconds: float = Field(default=300.0, gt=0)
    jwks_min_refresh_seconds: float = Field(default=30.0, ge=0)
    # The longest lifetime (exp - iat) of the development issuer's tokens (`ilonet token --ttl`).
    dev_token_max_ttl_seconds: int = Field(
        default=DEV_TOKEN_MAX_TTL_SECONDS, gt=0, le=DEV_TOKEN_MAX_TTL_SECONDS
    )

    # Database reachability bounds: connecting, waiting for a pooled connection, and the
    # Retry-After a client gets with the 503 when the database cannot be reached.
    db_connect_timeout_seconds: float = Field(default=3.0, gt=0)
    db_pool_timeout_seconds: float = Field(default=3.0, gt=0)
    db_retry_after_seconds: int = Field(default=5, ge=1)
    # Connections per process (pool plus overflow), and how long one statement may run or a
    # transaction may sit idle before PostgreSQL ends it: a slow query or a stuck request cannot
    # hold a worker (or its locks) forever. 0 turns a timeout off. The pool holds them all: an
    # overflow connection is closed when it comes back to a full pool, so under a burst each
    # request opened one again (connect, type introspection, every statement prepared anew).
    db_pool_size: int = Field(default=20, ge=1)
    db_max_overflow: int = Field(default=0, ge=0)
    db_statement_timeout_ms: int = Field(default=30_000, ge=0)
    db_idle_in_transaction_timeout_ms: int = Field(default=60_000, ge=0)
    # Worker processes of `serve` (each with its own pool); see README "Running several instances".
    workers: int = Field(default=1, ge=1, le=64)
    # Apply pending migrations when `serve` starts. Unset: yes for the embedded PostgreSQL, no
    # for DATABASE_URL (an operator's step: `ilonet migrate`, or `serve --migrate`).
    migrate_on_start: bool | None = None

    max_body_bytes: int = 1_048_576
    # Request headers: all fields together (names, values, separators) and any one field; above
    # either, 431 request-header-fields-too-large (the server cuts off a head far above it).
    max_header_bytes: int = Field(default=16_384, ge=1024)
    # Above the longest bearer token accepted (MAX_TOKEN_CHARS), so a token's own bound answers.
    max_header_field_bytes: int = Field(default=12_288, ge=256)
    # Platform uploads (POST /v1/documents...) have their own body limit; the file inside it
    # at most document_max_bytes.
    document_upload_max_bytes: int = Field(default=16_777_216, ge=1024)
    document_max_bytes: int = Field(default=10_485_760, ge=1024)
    # ILO-3.4: an information report's statistics cell below this count is refused.
    document_small_cell_threshold: int = Field(default=THRESHOLD, ge=1, le=100)
    # Long work (an upload's extraction and scan) runs in a pool of worker processes per server
    # process (app/workers.py): how many, how many tasks may wait for one (503 past them), and
    # what one task may use: address space (MiB) and CPU seconds.
    task_processes: int = Field(default=2, ge=1, le=64)
    task_queue: int = Field(default=8, ge=0, le=10_000)
    task_memory_mb: int = Field(default=1024, ge=256)
    task_cpu_seconds: int = Field(default=20, ge=1, le=3600)
    # Impact analyses (POST /v1/reference/impact) running at once per server process; past it a
    # 503 with Retry-After (app/gates.py), so that analyses cannot take every core.
    impact_concurrency: int = Field(default=1, ge=1, le=64)
    idempotency_ttl_hours: int = 24
    page_size_default: int = 50
    page_size_max: int = 200
    # A list page ends early, with a next cursor, before its items exceed this many bytes.
    page_max_bytes: int = Field(default=1_048_576, ge=1024)
    # The origin clients reach the service at (https://ilonet.example.eu): absolute links are
    # built on it, never on the request's Host; https also turns on Strict-Transport-Security.
    # At most PUBLIC_ORIGIN_MAX characters (a page's `Link` states its length).
    public_url: str | None = None

    # Secret for signing pagination cursors; generated in the data dir outside production.
    secret_key: str | None = None
    # Key-encryption key for personal data (base64 of 32 bytes) and its id, for rotation.
    kek: str | None = None
    kek_id: str = "kek-1"
    # Every KEK that still opens data keys, by id (JSON: {"kek-1": "<base64>", ...}); kek_id
    # names the active one. Keep an old id here until `ilonet keys rotate` has finished.
    keks: dict[str, str] = Field(default_factory=dict)
    # The audit log's checkpoint signing keys (note format "PRIVATE+KEY+<origin>+<id>+..."):
    # each signs every checkpoint; all share one name, the log's origin. Rotation: add the new
    # key, publish its verifier key, drop the old one once auditors and witnesses hold the new.
    # Generated in the data dir outside production. At most LOG_KEYS_MAX keys, a name of at most
    # KEY_NAME_MAX characters (app/bounds.py), so the notes clients read are of a known length.
    audit_log_keys: list[Annotated[str, StringConstraints(max_length=SIGNER_KEY_MAX)]] = Field(
        default_factory=list, max_length=LOG_KEYS_MAX
    )
    audit_checkpoint_interval_seconds: float = 60.0
    # Witnesses of the audit log, by organisation: their verifier keys ("<name>+<id>+<key>",
    # `ilonet witness keygen`). A cosignature posted by that organisation's witness client
    # (scope audit:witness) must verify under one of them (AUDIT-W1). A name of at most
    # KEY_NAME_MAX characters.
    audit_witness_keys: dict[
        str, list[Annotated[str, StringConstraints(max_length=VERIFIER_KEY_MAX)]]
    ] = Field(default_factory=dict)

    retention_max_days: dict[str, int] = Field(
        default_factory=lambda: {
            "return": 730,
            "resettlement": 730,
            "legal_migration": 365,
            "smuggling_trafficking": 1095,
        }
    )
    officer_contact_retention_days: int = 365
    sweep_interval_seconds: int = 300
    sweep_batch_size: int = 200

    # Webhook delivery: attempts before a delivery is failed, the HTTP timeout of one attempt,
    # the retry backoff (full jitter below min(cap, base * 2**(attempts - 1))), the batch size
    # and how often the two jobs run.
    webhook_max_attempts: int = 8
    webhook_timeout_seconds: float = 5.0
    webhook_backoff_base_seconds: float = 30.0
    webhook_backoff_cap_seconds: float = 6 * 3600.0
    webhook_batch_size: int = 50
    webhook_interval_seconds: float = 2.0
    # How long a sender holds the deliveries it claimed (longer than one attempt can take: an
    # expired lease makes them claimable again, as after a crash).
    webhook_lease_seconds: float = 60.0
    # Networks webhooks may reach although they are not public (app/egress.py), e.g.
    # ["127.0.0.1/32"] for a receiver on this machine; empty: public addresses only.
    webhook_allowed_networks: list[IPvAnyNetwork] = Field(default_factory=list)
    # Delivered and failed deliveries are purged this long after they were queued; a rotated
    # secret keeps signing (beside the new one) for the overlap asked for, at most the maximum.
    webhook_delivery_retention_days: int = Field(default=30, ge=1, le=3650)
    webhook_secret_overlap_default_seconds: int = Field(default=24 * 3600, ge=0, le=7 * 86400)
    webhook_secret_overlap_max_seconds: int = Field(default=7 * 86400, ge=0, le=30 * 86400)

    # Requests per minute (bucket size and refill) per client (iss+sub) and per organisation;
    # 0 turns a limit off. Instances share their consumption every rate_limit_sync_seconds.
    rate_limit_client_per_minute: int = 600
    rate_limit_org_per_minute: int = 3000
    rate_limit_sync_seconds: float = 1.0
    # What a request costs beyond its one unit (app/rate_limit.py): each batch item, each
    # started block of analysed transfers (impact analysis), each started block of body bytes.
    rate_limit_cost_per_batch_item: int = Field(default=1, ge=0)
    rate_limit_transfers_per_unit: int = Field(default=1000, ge=1)
    rate_limit_bytes_per_unit: int = Field(default=262_144, ge=1024)
    # How often the 404s for resources that do not exist are written as aggregate audit events.
    denial_aggregate_seconds: float = 60.0
    # Statistics: a count below it (and above zero) is withheld, with the counts that would let
    # it be computed back, and a rate or median taken over such a count (ILO-12, ILO-12r). The
    # default and its legal basis: app/policies/disclosure.py THRESHOLD.
    statistics_min_cell: int = Field(default=THRESHOLD, ge=1, le=1000)

    @field_validator("trusted_issuers", mode="before")
    @classmethod
    def _parse_issuers(cls, value: object) -> object:
        if isinstance(value, str):
            return json.loads(value) if value.strip() else []
        return value

    @model_validator(mode="after")
    def _lease_outlasts_an_attempt(self) -> Settings:
        if self.webhook_lease_seconds <= self.webhook_timeout_seconds:
            raise ValueError("webhook_lease_seconds must be longer than webhook_timeout_seconds")
        return self

    @field_validator("public_url")
    @classmethod
    def _origin_only(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        parts = urlsplit(value.strip())
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise ValueError("an absolute http(s) origin is needed, e.g. https://ilonet.example.eu")
        if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
            raise ValueError("an origin only: scheme, host and port, no path, query or user")
        origin = f"{parts.scheme}://{parts.netloc}"
        if len(origin) > PUBLIC_ORIGIN_MAX:
            raise ValueError(f"an origin of at most {PUBLIC_ORIGIN_MAX} characters")
        return origin

    @property
    def behind_tls(self) -> bool:
        return self.public_url is not None and self.public_url.startswith("https://")

    @model_validator(mode="after")
    def _calendar_follows_the_clock_in_production(self) -> Self:
        if self.production and self.calendar_date is not None:
            raise ValueError("in production the calendar follows the clock: unset calendar_date")
        return self

    @model_validator(mode="after")
    def _no_wildcard_issuer_in_production(self) -> Self:
        if self.production:
            plain = [
                i.issuer
                for i in self.trusted_issuers
                if i.jwks_url is not None and not i.jwks_url.startswith("https://")
            ]
            if plain:
                raise ValueError(f"in production jwks_url must be https: {', '.join(plain)}")
            wildcard = [i.issuer for i in self.trusted_issuers if i.any_organisation]
            if wildcard:
                raise ValueError(
                    f"in production every trusted issuer lists its organisations; "
                    f'"{ANY_ORGANISATION}" is given for {", ".join(wildcard)}'
                )
        return self

    @property
    def production(self) -> bool:
        return self.env == "production"


@lru_cache
def get_settings() -> Settings:
    return Settings()
