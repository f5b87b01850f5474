"""Bearer-JWT verification (RFC 8725): issuer, algorithm allow-list, aud, exp, nbf, sub, kid."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jose import jwk, jwt

from app.config import Settings, TrustedIssuer
from app.main import create_app
from app.security import mint_token, verify_token
from tests.conftest import TEST_ISSUER, Keys

URL = "/v1/organisations/NL"


def _claims(**overrides: object) -> dict[str, object]:
    now = int(time.time())
    claims: dict[str, object] = {
        "iss": TEST_ISSUER,
        "sub": "client-1",
        "aud": "ilonet",
        "exp": now + 300,
        "nbf": now - 5,
        "org": "NL",
        "roles": ["deploying_authority"],
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _sign(keys: Keys, claims: dict[str, object], alg: str = "RS256") -> str:
    return str(jwt.encode(claims, keys.private_pem.decode(), algorithm=alg))


async def _status(client: httpx.AsyncClient, token: str) -> tuple[int, dict[str, object]]:
    response = await client.get(URL, headers={"Authorization": f"Bearer {token}"})
    return response.status_code, response.json()


async def test_valid_token_is_accepted(client: httpx.AsyncClient, signing_keys: Keys) -> None:
    status, body = await _status(client, _sign(signing_keys, _claims()))
    assert status == 200
    assert body["code"] == "NL"


async def test_missing_token_is_401_with_challenge(client: httpx.AsyncClient) -> None:
    response = await client.get(URL)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "/problems/unauthenticated"


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"exp": None}, "exp"),
        ({"exp": int(time.time()) - 3600}, "expired"),
        ({"nbf": int(time.time()) + 3600}, "not yet valid"),
        ({"aud": "someone-else"}, "audience"),
        ({"aud": None}, "aud"),
        ({"sub": None}, "sub"),
        ({"iss": "https://evil.example"}, "issuer"),
        ({"org": None}, "organisation"),
        ({"roles": ["superuser"]}, "unknown roles"),
    ],
    ids=[
        "no-exp",
        "expired",
        "nbf-future",
        "wrong-aud",
        "no-aud",
        "no-sub",
        "untrusted-iss",
        "no-org",
        "unknown-role",
    ],
)
async def test_bad_claims_are_401(
    client: httpx.AsyncClient, signing_keys: Keys, overrides: dict[str, object], reason: str
) -> None:
    status, body = await _status(client, _sign(signing_keys, _claims(**overrides)))
    assert status == 401
    assert body["type"] == "/problems/unauthenticated"


def test_token_without_exp_is_rejected_by_verify(settings: Settings, signing_keys: Keys) -> None:
    token = _sign(signing_keys, _claims(exp=None))
    with pytest.raises(Exception, match="exp"):
        verify_token(token, settings)


async def test_alg_none_is_refused(client: httpx.AsyncClient) -> None:
    header = base64.urlsafe_b64encode(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    payload = base64.urlsafe_b64encode(json.dumps(_claims()).encode())
    token = f"{header.decode().rstrip('=')}.{payload.decode().rstrip('=')}."
    status, _ = await _status(client, token)
    assert status == 401


async def test_hs256_signed_with_the_public_key_is_refused(
    client: httpx.AsyncClient, signing_keys: Keys
) -> None:
    # The classic key-confusion attack: HMAC with the issuer's public PEM as the secret.
    public = signing_keys.public_file.read_bytes().decode()
    import hashlib
    import hmac

    header = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').decode().rstrip("=")
    payload = base64.urlsafe_b64encode(json.dumps(_claims()).encode()).decode().rstrip("=")
    mac = hmac.new(public.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    token = f"{header}.{payload}.{base64.urlsafe_b64encode(mac).decode().rstrip('=')}"
    status, body = await _status(client, token)
    assert status == 401
    assert "algorithm" in str(body["detail"])


async def test_signature_from_another_key_is_refused(client: httpx.AsyncClient) -> None:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    token = mint_token(private_pem=other, issuer=TEST_ISSUER, sub="x", org="NL", roles=["dpo"])
    status, _ = await _status(client, token)
    assert status == 401


async def test_garbage_token_is_401(client: httpx.AsyncClient) -> None:
    status, _ = await _status(client, "not-a-jwt")
    assert status == 401


def _jwks_settings(tmp_path: Path, public_jwk: dict[str, object], base: Settings) -> Settings:
    jwks_file = tmp_path / "jwks.json"
    jwks_file.write_text(json.dumps({"keys": [public_jwk]}))
    return base.model_copy(
        update={
            "trusted_issuers": [
                TrustedIssuer(
                    issuer="https://jwks.example", algorithms=["ES256"], jwks_file=jwks_file
                )
            ]
        }
    )


def test_jwks_key_chosen_by_kid_and_unknown_kid_refused(tmp_path: Path, settings: Settings) -> None:
    private = ec.generate_private_key(ec.SECP256R1())
    private_pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    public_jwk = jwk.construct(public_pem, "ES256").to_dict()
    public_jwk["kid"] = "key-2026"
    configured = _jwks_settings(tmp_path, public_jwk, settings)
    claims = _claims(iss="https://jwks.example")
    good = jwt.encode(claims, private_pem, algorithm="ES256", headers={"kid": "key-2026"})
    principal = verify_token(good, configured)
    assert (principal.iss, principal.org, principal.sub) == (
        "https://jwks.example",
        "NL",
        "client-1",
    )
    unknown = jwt.encode(claims, private_pem, algorithm="ES256", headers={"kid": "key-1999"})
    with pytest.raises(Exception, match="key id"):
        verify_token(unknown, configured)


def test_production_refuses_the_dev_issuer(tmp_path: Path) -> None:
    dev = Settings(env="development", data_dir=tmp_path)
    from app.security import load_or_create_dev_key

    token = mint_token(
        private_pem=load_or_create_dev_key(dev),
        issuer="ilonet-dev",
        sub="d",
        org="NL",
        roles=["dpo"],
    )
    assert verify_token(token, dev).org == "NL"
    production = dev.model_copy(update={"env": "production"})
    with pytest.raises(Exception, match="issuer is not trusted"):
        verify_token(token, production)


def test_principal_carries_scopes_and_officer(settings: Settings, signing_keys: Keys) -> None:
    token = _sign(
        signing_keys,
        _claims(roles=["ilo", "integration"], officer_id="off-7", scope="officers:read bogus:x"),
    )
    principal = verify_token(token, settings)
    assert principal.roles == frozenset({"ilo", "integration"})
    assert principal.officer_id == "off-7"
    assert principal.scopes == frozenset({"officers:read"})


def test_create_app_uses_its_own_settings(settings: Settings) -> None:
    assert create_app(settings).state.settings is settings
