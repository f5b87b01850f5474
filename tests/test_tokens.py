"""Minting (app/tokens.py) signs what python-jose signs, byte for byte, and python-jose verifies
it (tests/test_security.py verifies minted tokens through app/security.py)."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jose import jwt

from app.dev_issuer import AUDIENCE
from app.tokens import mint_token, public_pem


def _pem(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


PRIVATE = _pem(rsa.generate_private_key(public_exponent=65537, key_size=2048))


@pytest.mark.parametrize(
    ("kid", "officer", "scopes", "extra"),
    [
        (None, None, None, None),
        ("k-1", "o-1", ["read:all", "write"], {"x": ["é", 1, None], "nested": {"b": 2, "a": 1}}),
    ],
)
def test_the_token_is_the_one_python_jose_makes(
    kid: str | None, officer: str | None, scopes: list[str] | None, extra: dict[str, object] | None
) -> None:
    minted = mint_token(
        private_pem=PRIVATE,
        issuer="https://idp.example",
        sub="s-1",
        org="NL",
        roles=["ilo"],
        officer_id=officer,
        scopes=scopes,
        kid=kid,
        extra=extra,
    )
    claims = jwt.get_unverified_claims(minted)
    headers = {"kid": kid} if kid else None
    assert minted == jwt.encode(claims, PRIVATE.decode(), algorithm="RS256", headers=headers)
    verified = jwt.decode(minted, public_pem(PRIVATE).decode(), "RS256", audience=AUDIENCE)
    assert verified == claims
    assert verified["exp"] - verified["iat"] == 3600
    assert (verified.get("officer_id"), verified.get("scope")) == (
        officer,
        " ".join(scopes) if scopes else None,
    )


def test_a_key_that_is_not_rsa_is_refused() -> None:
    with pytest.raises(TypeError, match="RSA"):
        mint_token(
            private_pem=_pem(ec.generate_private_key(ec.SECP256R1())),
            issuer="i",
            sub="s",
            org="NL",
            roles=["ilo"],
        )
