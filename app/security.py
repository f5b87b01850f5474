"""Bearer-JWT verification against the configured trusted issuers, and the typed Principal."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from jose import JWTError, jwt

from app.config import AUDIENCE, DEV_ISSUER, Settings, TrustedIssuer
from app.policies import Actor
from app.policies.acl import ROLES, SCOPES
from app.problems import Unauthenticated


@dataclass(frozen=True, slots=True)
class Principal:
    """Who calls: the verified claims of the bearer token."""

    iss: str
    sub: str
    org: str
    roles: frozenset[str]
    officer_id: str | None
    scopes: frozenset[str]
    # ILONet itself (the retention sweep); never set from a token.
    system: bool = False

    @property
    def client_key(self) -> str:
        """Scope of a client's idempotency keys and cursors."""
        return f"{self.iss}|{self.sub}"

    def actor(self) -> Actor:
        return Actor(
            sub=self.sub,
            org=self.org,
            roles=self.roles,
            officer_id=self.officer_id,
            scopes=self.scopes,
            system=self.system,
        )

    def audit_actor(self) -> dict[str, object]:
        return {"iss": self.iss, "sub": self.sub, "org": self.org, "roles": sorted(self.roles)}


# --- keys -----------------------------------------------------------------------------------


def dev_key_path(settings: Settings) -> Path:
    return settings.data_dir / "dev-jwt-key.pem"


def load_or_create_dev_key(settings: Settings) -> bytes:
    """The local development signing key (PEM private key), created on first use."""
    path = dev_key_path(settings)
    if path.exists():
        return path.read_bytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.touch(mode=0o600)
    path.write_bytes(pem)
    return pem


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
    return str(jwt.encode(claims, private_pem.decode(), algorithm="RS256", headers=headers))


@dataclass(frozen=True, slots=True)
class IssuerKeys:
    issuer: str
    algorithms: tuple[str, ...]
    pem: str | None
    jwks: dict[str, dict[str, Any]]  # kid -> JWK


@lru_cache(maxsize=64)
def _read_file(path: str, mtime: float) -> bytes:
    return Path(path).read_bytes()


def _load_issuer(issuer: TrustedIssuer) -> IssuerKeys:
    pem = None
    jwks: dict[str, dict[str, Any]] = {}
    if issuer.pem_file is not None:
        pem = _read_file(str(issuer.pem_file), issuer.pem_file.stat().st_mtime).decode()
    if issuer.jwks_file is not None:
        raw = _read_file(str(issuer.jwks_file), issuer.jwks_file.stat().st_mtime)
        for key in json.loads(raw).get("keys", []):
            if "kid" in key:
                jwks[str(key["kid"])] = key
    return IssuerKeys(issuer.issuer, tuple(issuer.algorithms), pem, jwks)


def trusted_issuers(settings: Settings) -> dict[str, TrustedIssuer]:
    issuers = {i.issuer: i for i in settings.trusted_issuers}
    if settings.production:
        issuers.pop(DEV_ISSUER, None)
    elif DEV_ISSUER not in issuers:
        load_or_create_dev_key(settings)
        pub = settings.data_dir / "dev-jwt-key.pub.pem"
        if not pub.exists():
            pub.write_bytes(public_pem(load_or_create_dev_key(settings)))
        issuers[DEV_ISSUER] = TrustedIssuer(issuer=DEV_ISSUER, algorithms=["RS256"], pem_file=pub)
    return issuers


def verify_token(token: str, settings: Settings) -> Principal:
    """Verify signature, algorithm, iss, aud, exp, nbf and sub (RFC 8725), then read the claims."""
    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.get_unverified_claims(token)
    except JWTError as exc:
        raise Unauthenticated("The bearer token is not a well-formed JWT.") from exc
    iss = unverified.get("iss")
    issuer = trusted_issuers(settings).get(iss) if isinstance(iss, str) else None
    if issuer is None:
        raise Unauthenticated("The token's issuer is not trusted.")
    keys = _load_issuer(issuer)
    alg = header.get("alg")
    if alg not in keys.algorithms:
        raise Unauthenticated("The token's algorithm is not allowed for its issuer.")
    key: str | dict[str, Any]
    if keys.jwks:
        kid = header.get("kid")
        if not isinstance(kid, str) or kid not in keys.jwks:
            raise Unauthenticated("The token's key id is unknown.")
        key = keys.jwks[kid]
    elif keys.pem is not None:
        key = keys.pem
    else:
        raise Unauthenticated("No key is configured for the token's issuer.")
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=list(keys.algorithms),
            audience=AUDIENCE,
            issuer=issuer.issuer,
            options={
                "verify_signature": True,
                "verify_aud": True,
                "verify_iss": True,
                "verify_exp": True,
                "verify_nbf": True,
                "verify_sub": True,
                "require_exp": True,
                "require_aud": True,
                "require_iss": True,
                "require_sub": True,
                "leeway": settings.jwt_leeway_seconds,
            },
        )
    except JWTError as exc:
        raise Unauthenticated(f"The bearer token was rejected: {exc}.") from exc
    return _principal(issuer.issuer, claims)


def _principal(iss: str, claims: dict[str, Any]) -> Principal:
    org = claims.get("org")
    roles = claims.get("roles", [])
    scope = claims.get("scope", "")
    officer_id = claims.get("officer_id")
    if not isinstance(org, str) or not org:
        raise Unauthenticated("The token has no organisation claim (org).")
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise Unauthenticated("The token's roles claim must be a list of strings.")
    unknown = set(roles) - ROLES
    if unknown:
        raise Unauthenticated(f"The token names unknown roles: {', '.join(sorted(unknown))}.")
    if not isinstance(scope, str):
        raise Unauthenticated("The token's scope claim must be a space-separated string.")
    if officer_id is not None and not isinstance(officer_id, str):
        raise Unauthenticated("The token's officer_id claim must be a string.")
    return Principal(
        iss=iss,
        sub=str(claims["sub"]),
        org=org,
        roles=frozenset(roles),
        officer_id=officer_id,
        scopes=frozenset(s for s in scope.split() if s in SCOPES),
    )


_bearer = HTTPBearer(auto_error=False, description="A JWT from a trusted issuer (RFC 6750).")


async def authenticate(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The dependency every /v1 route takes: the verified caller, or a 401 problem."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthenticated()
    principal = verify_token(credentials.credentials, request.app.state.settings)
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(authenticate)]
