"""Minting tokens: the development signing key of a data dir, its public half, and signed JWTs.

Kept apart from app/security.py (verifying tokens at the edge) so that `ilonet token` loads no
web framework and no database layer."""

from __future__ import annotations

import time
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwk, jwt
from jose.backends.base import Key

from app.dev_issuer import AUDIENCE
from app.keyring import create_once


class WithDataDir(Protocol):
    """Settings, or the minting settings of app/dev_issuer.py."""

    @property
    def data_dir(self) -> Path: ...


def dev_key_path(settings: WithDataDir) -> Path:
    return settings.data_dir / "dev-jwt-key.pem"


def load_or_create_dev_key(settings: WithDataDir) -> bytes:
    """The local development signing key (PEM private key), created on first use.

    Processes that start together on a fresh data dir (parallel `ilonet token` runs) race to
    create it; `create_once` lets exactly one key win, and every process signs with that one.
    """

    def generate() -> bytes:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    return create_once(dev_key_path(settings), generate)


def public_pem(private_pem: bytes) -> bytes:
    key = serialization.load_pem_private_key(private_pem, password=None)
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def mint_token(
    *,
    private_pem: bytes,
    issuer: str,
    sub: str,
    org: str,
    roles: list[str],
    officer_id: str | None = None,
    scopes: list[str] | None = None,
    ttl_seconds: int = 3600,
    kid: str | None = None,
    extra: dict[str, Any] | None = None,
) -> str:
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": issuer,
        "sub": sub,
        "aud": AUDIENCE,
        "iat": now,
        "nbf": now,
        "exp": now + ttl_seconds,
        "org": org,
        "roles": roles,
    }
    if officer_id:
        claims["officer_id"] = officer_id
    if scopes:
        claims["scope"] = " ".join(scopes)
    claims.update(extra or {})
    headers = {"kid": kid} if kid else None
    return str(jwt.encode(claims, _signing_key(private_pem), algorithm="RS256", headers=headers))


@lru_cache(maxsize=16)
def _signing_key(private_pem: bytes) -> Key:
    """The RS256 key of a PEM, loaded once: loading validates the RSA key (about 50 ms), which
    every mint would otherwise repeat."""
    return jwk.construct(private_pem.decode(), "RS256")
