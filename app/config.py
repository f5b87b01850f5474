"""Settings read from ILONET_* environment variables (and DATABASE_URL)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, BaseModel, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

APP_DB_ROLE = "ilonet_app"
DEV_ISSUER = "ilonet-dev"
AUDIENCE = "ilonet"


class TrustedIssuer(BaseModel):
    """One token issuer the service trusts: its keys (PEM or JWKS file) and allowed algorithms."""

    issuer: str
    algorithms: list[
        Literal["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384"]
    ]
    pem_file: Path | None = None
    jwks_file: Path | None = None


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ILONET_", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_URL", "ILONET_DATABASE_URL")
    )
    # Connection used by the application itself (a non-owner role); derived when not given.
    app_database_url: str | None = None
    data_dir: Path = Path(".ilonet")
    host: str = "127.0.0.1"
    port: int = 8000

    trusted_issuers: list[TrustedIssuer] = Field(default_factory=list)
    jwt_leeway_seconds: int = 30
    dev_token_max_ttl_seconds: int = 86_400

    max_body_bytes: int = 1_048_576
    idempotency_ttl_hours: int = 24
    page_size_default: int = 50
    page_size_max: int = 200

    # Secret for signing pagination cursors; generated in the data dir outside production.
    secret_key: str | None = None
    # Key-encryption key for personal data (base64 of 32 bytes) and its id, for rotation.
    kek: str | None = None
    kek_id: str = "kek-1"

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

    # Requests per minute (bucket size and refill) per client (iss+sub) and per organisation;
    # 0 turns a limit off. Instances share their consumption every rate_limit_sync_seconds.
    rate_limit_client_per_minute: int = 600
    rate_limit_org_per_minute: int = 3000
    rate_limit_sync_seconds: float = 1.0
    # How often the 404s for resources that do not exist are written as aggregate audit events.
    denial_aggregate_seconds: float = 60.0

    @field_validator("trusted_issuers", mode="before")
    @classmethod
    def _parse_issuers(cls, value: object) -> object:
        if isinstance(value, str):
            return json.loads(value) if value.strip() else []
        return value

    @property
    def production(self) -> bool:
        return self.env == "production"


@lru_cache
def get_settings() -> Settings:
    return Settings()
