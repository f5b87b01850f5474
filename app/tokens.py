"""Minting tokens: the development signing key of a data dir, its public half, and signed JWTs.

Kept apart from app/security.py (verifying tokens at the edge) so that `ilonet token` loads no
web framework and no database layer. A token is an RS256 JWS in compact form (RFC 7515), signed
with `cryptography` itself: byte for byte what python-jose's `jwt.encode` makes (the signature is
deterministic, tests/test_tokens.py compares them), without loading python-jose to mint."""

from __future__ import annotations

import base64
import json
import time
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

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
    header: dict[str, Any] = {"typ": "JWT", "alg": "RS256"}
    if kid:
        header["kid"] = kid
    signing_input = b".".join(
        [
            _base64url(json.dumps(header, separators=(",", ":"), sort_keys=True).encode()),
            _base64url(json.dumps(claims, separators=(",", ":")).encode()),
        ]
    )
    signature = _signing_key(private_pem).sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
    return b".".join([signing_input, _base64url(signature)]).decode()


def _base64url(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


@lru_cache(maxsize=16)
def _signing_key(private_pem: bytes) -> rsa.RSAPrivateKey:
    """The RSA key of a PEM, loaded once: loading validates the key (about 50 ms), which every
    mint would otherwise repeat."""
    key = serialization.load_pem_private_key(private_pem, password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise TypeError("RS256 needs an RSA private key")
    return key
