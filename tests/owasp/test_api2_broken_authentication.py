"""OWASP API Security Top 10 (2023), API2 Broken Authentication: every forged, stolen-issuer,
out-of-date or oversized token is a 401 `unauthenticated` problem and leaves no trace.

The attacks go through HTTP against a write (POST /v1/authorities for NL, with an Idempotency-Key)
so that a token that got through would leave an authority, an audit event and an idempotency key
behind; each test asserts the problem body and that none of those rows was written. A second
issuer, bound to FR only, plays the trusted-but-foreign identity provider.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwt
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings, TrustedIssuer
from app.models import AuditEvent, Authority, IdempotencyKey
from app.security import MAX_TOKEN_CHARS
from tests.conftest import TEST_ISSUER, Keys
from tests.factories import PLAINTEXT, Auth, authority_body, create_record, deployed_ilo

AUTHORITIES = "/v1/authorities"
RECORDS = "/v1/processing-records"
FR_ISSUER = "https://idp.fr.example"
UNAUTHENTICATED = {
    "type": "/problems/unauthenticated",
    "title": "Authentication required",
    "status": 401,
}


@dataclass(frozen=True)
class Issuer:
    name: str
    private_pem: bytes


@pytest.fixture(scope="module")
def fr_issuer(tmp_path_factory: pytest.TempPathFactory) -> tuple[Issuer, Path]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public_file = tmp_path_factory.mktemp("fr-idp") / "fr.pub.pem"
    public_file.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return Issuer(FR_ISSUER, private_pem), public_file


@pytest.fixture(scope="module")
def settings(settings: Settings, fr_issuer: tuple[Issuer, Path]) -> Settings:
    """The harness's settings plus a second trusted issuer that may speak for FR only."""
    _, public_file = fr_issuer
    foreign = TrustedIssuer(
        issuer=FR_ISSUER, algorithms=["RS256"], pem_file=public_file, organisations=["FR"]
    )
    return settings.model_copy(update={"trusted_issuers": [*settings.trusted_issuers, foreign]})


@pytest.fixture
def harness(signing_keys: Keys) -> Issuer:
    return Issuer(TEST_ISSUER, signing_keys.private_pem)


def claims(issuer: str = TEST_ISSUER, **overrides: Any) -> dict[str, Any]:
    """A valid NL deploying-authority claim set; an override of None drops the claim."""
    now = int(time.time())
    base: dict[str, Any] = {
        "iss": issuer,
        "sub": "nl-attacker",
        "aud": "ilonet",
        "iat": now,
        "nbf": now,
        "exp": now + 300,
        "org": "NL",
        "roles": ["deploying_authority"],
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def sign(
    issuer: Issuer, body: dict[str, Any], *, alg: str = "RS256", kid: str | None = None
) -> str:
    headers = {"kid": kid} if kid else None
    return str(jwt.encode(body, issuer.private_pem.decode(), algorithm=alg, headers=headers))


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


async def _counts(session: AsyncSession) -> tuple[int, int, int]:
    def count(model: type[Any]) -> Any:
        return select(func.count()).select_from(model)

    return (
        await session.scalar(count(Authority)) or 0,
        await session.scalar(count(AuditEvent)) or 0,
        await session.scalar(count(IdempotencyKey)) or 0,
    )


async def refused(
    client: httpx.AsyncClient, session: AsyncSession, token: str, reason: str, *, audited: int = 0
) -> dict[str, Any]:
    """POST an NL authority with `token`: a 401 problem naming `reason`, and nothing stored but
    `audited` audit events (a well-signed token with untrue claims is on record: ACL-CLAIM)."""
    before = await _counts(session)
    response = await client.post(
        AUTHORITIES,
        json=authority_body("NL", name="Forged"),
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "api2-attack"},
    )
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"] == 'Bearer realm="ilonet"'
    body: dict[str, Any] = response.json()
    assert {k: body[k] for k in UNAUTHENTICATED} == UNAUTHENTICATED
    assert body["instance"] == AUTHORITIES
    assert reason in body["detail"], body["detail"]
    assert set(body) == {*UNAUTHENTICATED, "detail", "instance"}
    assert await _counts(session) == (before[0], before[1] + audited, before[2])
    return body


# --- control: the token these attacks start from is good ------------------------------------


async def test_control_the_unforged_token_creates_the_authority(
    client: httpx.AsyncClient, session: AsyncSession, harness: Issuer
) -> None:
    before = await _counts(session)
    response = await client.post(
        AUTHORITIES,
        json=authority_body("NL", name="Genuine"),
        headers={"Authorization": f"Bearer {sign(harness, claims())}", "Idempotency-Key": "ok"},
    )
    assert response.status_code == 201, response.text
    assert response.json()["organisation"] == "NL"
    authorities, events, keys = await _counts(session)
    assert (authorities, keys) == (before[0] + 1, before[2] + 1)
    assert events > before[1]


async def test_control_the_foreign_issuer_speaks_for_its_own_organisation(
    client: httpx.AsyncClient, session: AsyncSession, fr_issuer: tuple[Issuer, Path]
) -> None:
    fr, _ = fr_issuer
    token = sign(fr, claims(FR_ISSUER, org="FR", sub="fr-manager"))
    response = await client.post(
        AUTHORITIES,
        json=authority_body("FR", name="Ministère de l'Intérieur"),
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "fr-ok"},
    )
    assert response.status_code == 201, response.text
    stored = await session.scalar(select(Authority).where(Authority.organisation == "FR"))
    assert stored is not None
    assert stored.name == "Ministère de l'Intérieur"


# --- issuer binding ---------------------------------------------------------------------------


async def test_api2_foreign_issuer_cannot_read_nl_processing_records(
    client: httpx.AsyncClient, session: AsyncSession, auth: Auth, fr_issuer: tuple[Issuer, Path]
) -> None:
    ilo = await deployed_ilo(client, auth)
    record = await create_record(client, ilo)
    nl_dpo = await client.get(RECORDS, headers=auth("NL", ["dpo"], sub="nl-dpo"))
    assert [r["id"] for r in nl_dpo.json()["items"]] == [record["id"]]  # there is something to leak

    fr, _ = fr_issuer
    forged = {"Authorization": f"Bearer {sign(fr, claims(FR_ISSUER, org='NL', roles=['dpo']))}"}
    before = await _counts(session)
    for path in (RECORDS, f"{RECORDS}/{record['id']}"):
        response = await client.get(path, headers=forged)
        assert response.status_code == 401, response.text
        body = response.json()
        assert body == {
            **UNAUTHENTICATED,
            "detail": "The token's issuer may not speak for organisation NL (org).",
            "instance": path,
        }
        assert ilo.officer_id not in response.text
        assert not any(p in response.text for p in PLAINTEXT)
    # no read, only the refusals on record: a trusted issuer signed claims it may not make
    assert await _counts(session) == (before[0], before[1] + 2, before[2])
    refusals = (
        await session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(2))
    ).all()
    assert [(e.action, e.organisation, e.rules, e.details["status"]) for e in refusals] == [
        ("policy.denied", "NL", ["ACL-CLAIM"], 401)
    ] * 2
    assert {e.actor["iss"] for e in refusals} == {FR_ISSUER}


async def test_api2_foreign_issuer_cannot_create_an_nl_authority(
    client: httpx.AsyncClient, session: AsyncSession, fr_issuer: tuple[Issuer, Path]
) -> None:
    fr, _ = fr_issuer
    token = sign(fr, claims(FR_ISSUER, org="NL", sub="fr-posing-as-nl"))
    await refused(client, session, token, "may not speak for organisation NL", audited=1)
    assert await session.scalar(select(Authority).where(Authority.name == "Forged")) is None


# --- signature and algorithm ----------------------------------------------------------------


async def test_api2_alg_none_is_refused(client: httpx.AsyncClient, session: AsyncSession) -> None:
    header = b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    token = f"{header}.{b64(json.dumps(claims()).encode())}."
    await refused(client, session, token, "algorithm")


async def test_api2_hs256_signed_with_the_rsa_public_key_is_refused(
    client: httpx.AsyncClient, session: AsyncSession, signing_keys: Keys
) -> None:
    secret = signing_keys.public_file.read_bytes()
    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    signing_input = f"{header}.{b64(json.dumps(claims()).encode())}"
    mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    await refused(client, session, f"{signing_input}.{b64(mac)}", "algorithm")


async def test_api2_tampered_signature_is_refused(
    client: httpx.AsyncClient, session: AsyncSession, harness: Issuer
) -> None:
    header, payload, signature = sign(harness, claims()).split(".")
    raw = bytearray(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))
    raw[0] ^= 0x01
    await refused(client, session, f"{header}.{payload}.{b64(bytes(raw))}", "Signature")


async def test_api2_payload_changed_after_signing_is_refused(
    client: httpx.AsyncClient, session: AsyncSession, harness: Issuer
) -> None:
    header, _, signature = sign(harness, claims(org="FR")).split(".")
    payload = b64(json.dumps(claims(org="NL")).encode())
    await refused(client, session, f"{header}.{payload}.{signature}", "Signature")


async def test_api2_unknown_kid_at_a_pem_issuer_is_refused(
    client: httpx.AsyncClient, session: AsyncSession, harness: Issuer
) -> None:
    # Signed with the right key: the kid alone must decide, as a rotated-out key id would.
    await refused(client, session, sign(harness, claims(), kid="rotated-out-2025"), "key id")


# --- iss and aud ------------------------------------------------------------------------------


async def test_api2_wrong_audience_is_refused(
    client: httpx.AsyncClient, session: AsyncSession, harness: Issuer
) -> None:
    await refused(client, session, sign(harness, claims(aud="another-service")), "audience")


async def test_api2_wrong_issuer_is_refused(
    client: httpx.AsyncClient, session: AsyncSession, harness: Issuer
) -> None:
    token = sign(harness, claims(issuer="https://idp.attacker.example"))
    await refused(client, session, token, "issuer is not trusted")


async def test_api2_token_signed_by_one_issuer_naming_another_is_refused(
    client: httpx.AsyncClient, session: AsyncSession, fr_issuer: tuple[Issuer, Path]
) -> None:
    fr, _ = fr_issuer
    await refused(client, session, sign(fr, claims(TEST_ISSUER)), "Signature")


# --- time claims ------------------------------------------------------------------------------


async def test_api2_expired_token_is_refused(
    client: httpx.AsyncClient, session: AsyncSession, harness: Issuer
) -> None:
    now = int(time.time())
    token = sign(harness, claims(iat=now - 900, nbf=now - 900, exp=now - 300))
    await refused(client, session, token, "expired")


@pytest.mark.parametrize("claim", ["exp", "iat", "sub"])
async def test_api2_missing_required_claim_is_refused(
    client: httpx.AsyncClient, session: AsyncSession, harness: Issuer, claim: str
) -> None:
    token = sign(harness, {k: v for k, v in claims().items() if k != claim})
    await refused(client, session, token, f"({claim})")


async def test_api2_nbf_in_the_future_is_refused(
    client: httpx.AsyncClient, session: AsyncSession, harness: Issuer
) -> None:
    await refused(client, session, sign(harness, claims(nbf=int(time.time()) + 600)), "(nbf)")


async def test_api2_iat_in_the_future_is_refused(
    client: httpx.AsyncClient, session: AsyncSession, harness: Issuer
) -> None:
    now = int(time.time())
    token = sign(harness, claims(iat=now + 600, exp=now + 900))
    await refused(client, session, token, "(iat)")


@pytest.mark.parametrize("claim", ["exp", "iat", "nbf"])
async def test_api2_numeric_date_as_a_string_is_refused(
    client: httpx.AsyncClient, session: AsyncSession, harness: Issuer, claim: str
) -> None:
    good = claims()
    token = sign(harness, {**good, claim: str(good[claim])})
    await refused(client, session, token, f"({claim})")


@pytest.mark.parametrize("value", [[], {}, True], ids=["list", "object", "boolean"])
async def test_api2_numeric_date_of_another_json_type_is_refused(
    client: httpx.AsyncClient, session: AsyncSession, harness: Issuer, value: object
) -> None:
    await refused(client, session, sign(harness, claims(iat=value)), "(iat)")


async def test_api2_exp_in_2286_is_refused(
    client: httpx.AsyncClient, session: AsyncSession, harness: Issuer
) -> None:
    await refused(client, session, sign(harness, claims(exp=9_999_999_999)), "lifetime")


async def test_api2_lifetime_beyond_the_issuers_cap_is_refused(
    client: httpx.AsyncClient, session: AsyncSession, harness: Issuer
) -> None:
    now = int(time.time())
    # One second over the default cap of an hour, issued a minute ago and still valid.
    token = sign(harness, claims(iat=now - 60, nbf=now - 60, exp=now - 60 + 3601))
    await refused(client, session, token, "lifetime")


async def test_control_a_token_without_nbf_is_accepted(
    client: httpx.AsyncClient, harness: Issuer
) -> None:
    token = sign(harness, claims(nbf=None))
    response = await client.get(
        "/v1/organisations/NL", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["code"] == "NL"


# --- unbounded claims -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"org": "NL" + "X" * 15}, "(org)"),
        ({"org": "nl\n"}, "(org)"),
        ({"sub": "s" * 201}, "(sub)"),
        ({"sub": "nl\r\nforged: log line"}, "(sub)"),
        ({"officer_id": "o" * 65}, "(officer_id)"),
        ({"roles": ["deploying_authority"] * 17}, "(roles)"),
        ({"roles": ["x" * 5000]}, "(roles)"),
        ({"scope": "officers:read " * 100}, "(scope)"),
    ],
    ids=[
        "org-17-chars",
        "org-control-char",
        "sub-201-chars",
        "sub-control-chars",
        "officer-id-65-chars",
        "roles-17-entries",
        "role-5000-chars",
        "scope-1400-chars",
    ],
)
async def test_api2_oversized_or_malformed_claim_is_401_not_500(
    client: httpx.AsyncClient,
    session: AsyncSession,
    harness: Issuer,
    overrides: dict[str, Any],
    reason: str,
) -> None:
    body = await refused(client, session, sign(harness, claims(**overrides)), reason)
    assert "x" * 100 not in body["detail"]  # the refusal does not echo an oversized claim


async def test_api2_oversized_token_is_refused_before_parsing(
    client: httpx.AsyncClient, session: AsyncSession, harness: Issuer
) -> None:
    token = sign(harness, claims(padding="p" * 6_500))
    # longer than a token may be, shorter than a header field may be: the token's bound answers
    assert MAX_TOKEN_CHARS < len(token) < Settings().max_header_field_bytes - len("Bearer ")
    await refused(client, session, token, "too long")
