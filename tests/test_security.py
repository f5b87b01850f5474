"""Bearer-JWT verification (RFC 8725): issuer and its organisations, algorithm allow-list, kid,
aud, exp, iat, nbf when present, the issuer's lifetime cap, sub and the bounds of every claim."""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jose import jwk, jwt
from pydantic import ValidationError

from app.config import ISSUER_MAX_CHARS, Settings, TrustedIssuer
from app.main import create_app
from app.problems import Unauthenticated
from app.security import SUB_MAX_CHARS, verify_token
from app.tokens import mint_token
from tests.conftest import TEST_ISSUER, Keys

URL = "/v1/organisations/NL"


def _claims(**overrides: object) -> dict[str, object]:
    now = int(time.time())
    claims: dict[str, object] = {
        "iss": TEST_ISSUER,
        "sub": "client-1",
        "aud": "ilonet",
        "iat": now - 5,
        "nbf": now - 5,
        "exp": now + 300,
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
        ({"exp": -3600}, "expired"),
        ({"nbf": +3600}, "not yet valid"),
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
    # exp and nbf are seconds from now, taken when the test runs (not when it was collected)
    now = int(time.time())
    timed = {k: now + v for k, v in overrides.items() if k in ("exp", "nbf") and isinstance(v, int)}
    status, body = await _status(client, _sign(signing_keys, _claims(**{**overrides, **timed})))
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
                    issuer="https://jwks.example",
                    algorithms=["ES256"],
                    jwks_file=jwks_file,
                    organisations=["NL"],
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
    from app.tokens import load_or_create_dev_key

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


# --- issuer configuration ---------------------------------------------------------------------


def _issuer_fields(**overrides: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "issuer": "https://idp.nl.example",
        "algorithms": ["RS256"],
        "organisations": ["NL"],
        "pem_file": "/keys/nl.pem",
    }
    fields.update(overrides)
    return {k: v for k, v in fields.items() if v is not None}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"organisations": None}, "organisations\n  Field required"),
        ({"organisations": []}, "organisations\n  List should have at least 1 item"),
        ({"organisations": ["*", "NL"]}, "must be the only entry"),
        ({"organisations": ["nl", "NETHERLANDS-MINISTRY"]}, "not organisation codes: nl, NETH"),
        ({"organizations": ["NL"]}, "organizations\n  Extra inputs are not permitted"),
        ({"pem_file": None}, "needs pem_file, jwks_file or jwks_url"),
        ({"pem_file": None, "jwks_file": "/keys/jwks.json", "kid": "k1"}, "kid names the key"),
        (
            {"max_token_lifetime_seconds": 0},
            "max_token_lifetime_seconds\n  Input should be greater",
        ),
        (
            {"max_token_lifetime_seconds": 86_401},
            "max_token_lifetime_seconds\n  Input should be less",
        ),
        ({"issuer": "https://" + "i" * 92}, "issuer\n  String should have at most 99"),
        ({"algorithms": ["HS256"]}, "algorithms.0\n  Input should be 'RS256'"),
    ],
    ids=[
        "no-organisations",
        "empty-organisations",
        "wildcard-with-others",
        "not-codes",
        "misspelt-field",
        "no-key",
        "kid-without-pem",
        "zero-lifetime",
        "lifetime-over-a-day",
        "long-issuer",
        "hmac",
    ],
)
def test_trusted_issuer_configuration_is_refused(
    overrides: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        TrustedIssuer.model_validate(_issuer_fields(**overrides))


def test_trusted_issuers_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    entry = _issuer_fields(organisations=["NL", "BE"], max_token_lifetime_seconds=600, kid="nl-1")
    monkeypatch.setenv("ILONET_TRUSTED_ISSUERS", json.dumps([entry]))
    (issuer,) = Settings().trusted_issuers
    assert (issuer.organisations, issuer.max_token_lifetime_seconds, issuer.kid) == (
        ["NL", "BE"],
        600,
        "nl-1",
    )
    assert [issuer.may_speak_for(org) for org in ("NL", "BE", "FR")] == [True, True, False]
    default = TrustedIssuer.model_validate(_issuer_fields())
    assert default.max_token_lifetime_seconds == 3600


def test_the_wildcard_binding_is_refused_in_production(tmp_path: Path) -> None:
    wildcard = TrustedIssuer.model_validate(_issuer_fields(organisations=["*"]))
    listed = TrustedIssuer.model_validate(_issuer_fields(organisations=["NL", "BE"]))
    with pytest.raises(ValidationError, match=r'"\*" is given for https://idp\.nl\.example'):
        Settings(env="production", data_dir=tmp_path, trusted_issuers=[listed, wildcard])
    assert Settings(env="production", trusted_issuers=[listed]).trusted_issuers == [listed]
    assert wildcard.may_speak_for("FRONTEX")
    assert Settings(env="test", trusted_issuers=[wildcard]).trusted_issuers == [wildcard]


@pytest.mark.parametrize(
    "fields",
    [
        {"jwt_leeway_seconds": -1},
        {"jwt_leeway_seconds": 301},
        {"dev_token_max_ttl_seconds": 0},
        {"dev_token_max_ttl_seconds": 86_401},
    ],
)
def test_token_time_settings_are_bounded(fields: dict[str, int]) -> None:
    with pytest.raises(ValidationError, match=next(iter(fields))):
        Settings.model_validate(fields)


# --- issuer binding, kid and lifetime, at unit level -----------------------------------------


def _with_issuer(settings: Settings, keys: Keys, **fields: object) -> Settings:
    issuer = TrustedIssuer.model_validate(
        {
            "issuer": TEST_ISSUER,
            "algorithms": ["RS256"],
            "pem_file": keys.public_file,
            "organisations": ["NL"],
            **fields,
        }
    )
    return settings.model_copy(update={"trusted_issuers": [issuer]})


def test_an_issuer_speaks_only_for_its_organisations(
    settings: Settings, signing_keys: Keys
) -> None:
    bound = _with_issuer(settings, signing_keys, organisations=["NL", "BE"])
    for org in ("NL", "BE"):
        assert verify_token(_sign(signing_keys, _claims(org=org)), bound).org == org
    with pytest.raises(Unauthenticated, match="may not speak for organisation FR"):
        verify_token(_sign(signing_keys, _claims(org="FR")), bound)


def test_a_pem_issuer_with_a_kid_verifies_only_that_kid(
    settings: Settings, signing_keys: Keys
) -> None:
    configured = _with_issuer(settings, signing_keys, kid="nl-2026")
    pem = signing_keys.private_pem.decode()
    named = jwt.encode(_claims(), pem, algorithm="RS256", headers={"kid": "nl-2026"})
    assert verify_token(named, configured).sub == "client-1"
    with pytest.raises(Unauthenticated, match="names no key id"):
        verify_token(_sign(signing_keys, _claims()), configured)
    other = jwt.encode(_claims(), pem, algorithm="RS256", headers={"kid": "nl-2025"})
    with pytest.raises(Unauthenticated, match="key id \\(kid\\) is unknown"):
        verify_token(other, configured)


def test_a_pem_issuer_without_kid_refuses_every_kid(settings: Settings, signing_keys: Keys) -> None:
    pem = signing_keys.private_pem.decode()
    assert verify_token(_sign(signing_keys, _claims()), settings).org == "NL"
    for kid in ("any", 5):
        token = jwt.encode(_claims(), pem, algorithm="RS256", headers={"kid": kid})
        with pytest.raises(Unauthenticated, match="key id \\(kid\\) is unknown"):
            verify_token(token, settings)


def _es256_jwks(tmp_path: Path, settings: Settings, jwk_alg: str | None) -> tuple[str, Settings]:
    private = ec.generate_private_key(ec.SECP256R1())
    private_pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    public_jwk = dict(jwk.construct(public.decode(), "ES256").to_dict())
    public_jwk["kid"] = "k1"
    if jwk_alg is None:
        public_jwk.pop("alg", None)
    else:
        public_jwk["alg"] = jwk_alg
    jwks_file = tmp_path / "jwks.json"
    jwks_file.write_text(json.dumps({"keys": [public_jwk]}))
    issuer = TrustedIssuer(
        issuer="https://jwks.example",
        algorithms=["ES256", "ES384"],
        jwks_file=jwks_file,
        organisations=["NL"],
    )
    return private_pem, settings.model_copy(update={"trusted_issuers": [issuer]})


def test_a_jwks_issuer_needs_a_kid_and_the_keys_algorithm(
    tmp_path: Path, settings: Settings
) -> None:
    private_pem, configured = _es256_jwks(tmp_path, settings, jwk_alg=None)
    claims = _claims(iss="https://jwks.example")
    good = jwt.encode(claims, private_pem, algorithm="ES256", headers={"kid": "k1"})
    assert verify_token(good, configured).iss == "https://jwks.example"
    with pytest.raises(Unauthenticated, match="names no key id"):
        verify_token(jwt.encode(claims, private_pem, algorithm="ES256"), configured)
    private_pem, pinned = _es256_jwks(tmp_path, settings, jwk_alg="ES384")
    token = jwt.encode(claims, private_pem, algorithm="ES256", headers={"kid": "k1"})
    with pytest.raises(Unauthenticated, match="not the one of its key"):
        verify_token(token, pinned)


NOW = 1_800_000_000


@pytest.mark.parametrize(
    ("overrides", "refusal"),
    [
        ({}, None),
        ({"nbf": None}, None),
        ({"iat": NOW + 30, "nbf": None}, None),  # within the 30 s leeway
        ({"iat": NOW + 31, "nbf": None}, "issued in the future \\(iat\\)"),
        ({"nbf": NOW + 30}, None),
        ({"nbf": NOW + 31}, "not valid yet \\(nbf\\)"),
        ({"iat": NOW - 600, "nbf": NOW - 600, "exp": NOW - 29}, None),
        ({"iat": NOW - 600, "nbf": NOW - 600, "exp": NOW - 30}, "expired \\(exp\\)"),
        ({"iat": NOW, "exp": NOW + 600}, None),  # exactly the issuer's cap
        ({"iat": NOW, "exp": NOW + 601}, "exceeds the 600 seconds"),
        ({"iat": NOW - 601, "nbf": NOW - 601, "exp": NOW}, "exceeds the 600 seconds"),
        ({"iat": NOW + 10, "exp": NOW + 10}, "expires before it is issued"),
        ({"iat": NOW + 0.25, "exp": NOW + 300.5}, None),  # NumericDate may be fractional
        ({"exp": float("inf")}, "expiry claim \\(exp\\) must be a JSON number"),
        ({"exp": 10**400}, "expiry claim \\(exp\\) must be a JSON number"),
        ({"iat": -1}, "issued-at claim \\(iat\\) must be a JSON number"),
        ({"nbf": float("nan")}, "not-before claim \\(nbf\\) must be a JSON number"),
        ({"iat": False}, "issued-at claim \\(iat\\) must be a JSON number"),
    ],
)
def test_time_claims_at_a_fixed_clock(
    settings: Settings,
    signing_keys: Keys,
    overrides: dict[str, object],
    refusal: str | None,
) -> None:
    configured = _with_issuer(settings, signing_keys, max_token_lifetime_seconds=600)
    claims = {**_claims(), "iat": NOW - 5, "nbf": NOW - 5, "exp": NOW + 300, **overrides}
    token = _sign(signing_keys, {k: v for k, v in claims.items() if v is not None})
    if refusal is None:
        assert verify_token(token, configured, now=NOW).sub == "client-1"
    else:
        with pytest.raises(Unauthenticated, match=refusal):
            verify_token(token, configured, now=NOW)


def test_a_null_time_claim_is_not_a_missing_one(settings: Settings, signing_keys: Keys) -> None:
    token = _sign(signing_keys, {**_claims(), "nbf": None})
    with pytest.raises(Unauthenticated, match="not-before claim \\(nbf\\) must be a JSON number"):
        verify_token(token, settings)


def test_dev_tokens_live_at_most_the_dev_ttl_and_speak_for_every_organisation(
    tmp_path: Path,
) -> None:
    from app.tokens import load_or_create_dev_key

    dev = Settings(env="development", data_dir=tmp_path, dev_token_max_ttl_seconds=7200)
    key = load_or_create_dev_key(dev)

    def mint(org: str, ttl: int) -> str:
        return mint_token(
            private_pem=key, issuer="ilonet-dev", sub="d", org=org, roles=["dpo"], ttl_seconds=ttl
        )

    # `ilonet token --ttl` accepts 1..ILONET_DEV_TOKEN_MAX_TTL_SECONDS: the issuer's own cap.
    assert [verify_token(mint(org, 7200), dev).org for org in ("NL", "FRONTEX")] == [
        "NL",
        "FRONTEX",
    ]
    with pytest.raises(Unauthenticated, match="exceeds the 7200 seconds"):
        verify_token(mint("NL", 7201), dev)


# --- malformed tokens -------------------------------------------------------------------------


def _unsigned(header: object, payload: object) -> str:
    def part(value: object) -> str:
        raw = value if isinstance(value, bytes) else json.dumps(value).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    return f"{part(header)}.{part(payload)}.c2ln"


@pytest.mark.parametrize(
    ("make", "detail"),
    [
        (lambda k: _unsigned(["RS256"], _claims()), "not a well-formed JWT"),
        (lambda k: _unsigned({"alg": "RS256"}, [1, 2]), "not a well-formed JWT"),
        (lambda k: _unsigned({"alg": "RS256"}, b"\xff\xfe"), "not a well-formed JWT"),
        (lambda k: _unsigned({"alg": "RS256"}, {**_claims(), "iss": 7}), "issuer is not trusted"),
        (lambda k: _sign(k, _claims(aud=5)), "rejected"),
        (lambda k: _sign(k, _claims(aud=[5])), "rejected"),
        (lambda k: _sign(k, _claims(jti=5)), "rejected"),
        (lambda k: _sign(k, _claims(sub=7)), "\\(sub\\)"),
        (lambda k: _sign(k, _claims(sub="")), "\\(sub\\)"),
        (lambda k: _sign(k, _claims(org=7)), "\\(org\\)"),
        (lambda k: _sign(k, _claims(org="N")), "\\(org\\)"),
        (lambda k: _sign(k, _claims(roles="dpo")), "\\(roles\\)"),
        (lambda k: _sign(k, _claims(roles=[["dpo"]])), "\\(roles\\)"),
        (lambda k: _sign(k, _claims(scope=["officers:read"])), "\\(scope\\)"),
        (lambda k: _sign(k, _claims(officer_id=7)), "\\(officer_id\\)"),
        (lambda k: _sign(k, _claims(officer_id="")), "\\(officer_id\\)"),
    ],
    ids=[
        "header-list",
        "payload-list",
        "payload-not-utf8",
        "iss-number",
        "aud-number",
        "aud-list-of-numbers",
        "jti-number",
        "sub-number",
        "sub-empty",
        "org-number",
        "org-one-letter",
        "roles-string",
        "roles-nested",
        "scope-list",
        "officer-id-number",
        "officer-id-empty",
    ],
)
async def test_malformed_tokens_are_401_never_500(
    client: httpx.AsyncClient,
    signing_keys: Keys,
    make: Callable[[Keys], str],
    detail: str,
) -> None:
    status, body = await _status(client, make(signing_keys))
    assert (status, body["type"]) == (401, "/problems/unauthenticated")
    assert re.search(detail, str(body["detail"])), body["detail"]


def test_claim_bounds_fit_the_columns_they_are_stored_in(
    settings: Settings, signing_keys: Keys
) -> None:
    longest = "https://" + "i" * (ISSUER_MAX_CHARS - len("https://"))
    issuer = TrustedIssuer(
        issuer=longest,
        algorithms=["RS256"],
        pem_file=signing_keys.public_file,
        organisations=["*"],
    )
    configured = settings.model_copy(update={"trusted_issuers": [issuer]})
    claims = _claims(iss=longest, sub="s" * SUB_MAX_CHARS, org="ABCDEFGHIJKLMNOP")
    principal = verify_token(_sign(signing_keys, claims), configured)
    assert len(principal.client_key) == 300  # idempotency_key.client is String(300)
    assert len(principal.org) == 16  # every organisation column is String(16)
    with pytest.raises(Unauthenticated, match="\\(sub\\)"):
        verify_token(_sign(signing_keys, {**claims, "sub": "s" * (SUB_MAX_CHARS + 1)}), configured)
