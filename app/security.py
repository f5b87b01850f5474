"""Bearer-JWT verification against the configured trusted issuers, and the typed Principal."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.claims import audit_refusal, bind_claims
from app.config import (
    ANY_ORGANISATION,
    ISSUER_MAX_CHARS,
    ORG_CODE,
    Settings,
    TrustedIssuer,
)
from app.dev_issuer import AUDIENCE, DEV_ISSUER
from app.jwks import JwksCache
from app.keyring import create_once
from app.policies import Actor
from app.policies.acl import ROLES, SCOPES
from app.problems import Unauthenticated
from app.tokens import load_or_create_dev_key, public_pem


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


# Bounds of what a token may carry, chosen from where the claims are stored: the organisation
# code column is String(16), "iss|sub" keys idempotency (String(300), with ISSUER_MAX_CHARS)
# and sub is created_by/actor_sub (String(300)).
MAX_TOKEN_CHARS = 8192
SUB_MAX_CHARS = 300 - 1 - ISSUER_MAX_CHARS
OFFICER_ID_MAX_CHARS = 64
ROLES_MAX = 16
ROLE_MAX_CHARS = 64
SCOPE_MAX_CHARS = 1024
# 9999-12-31T23:59:59Z: a NumericDate past it is not a date but an attack on the arithmetic.
MAX_NUMERIC_DATE = 253_402_300_799


@dataclass(frozen=True, slots=True)
class IssuerKeys:
    issuer: str
    algorithms: tuple[str, ...]
    by_kid: dict[str, str | dict[str, Any]]  # kid -> PEM or JWK
    without_kid: str | None  # the PEM that verifies tokens naming no kid


@lru_cache(maxsize=64)
def _read_file(path: str, mtime: float) -> bytes:
    return Path(path).read_bytes()


def _load_issuer(issuer: TrustedIssuer, jwks: JwksCache | None = None) -> IssuerKeys:
    by_kid: dict[str, str | dict[str, Any]] = {}
    without_kid = None
    if issuer.jwks_url is not None and jwks is not None:
        by_kid.update(jwks.keys(issuer.jwks_url))
    if issuer.jwks_file is not None:
        raw = _read_file(str(issuer.jwks_file), issuer.jwks_file.stat().st_mtime)
        for key in json.loads(raw).get("keys", []):
            if "kid" in key:
                by_kid[str(key["kid"])] = key
    if issuer.pem_file is not None:
        pem = _read_file(str(issuer.pem_file), issuer.pem_file.stat().st_mtime).decode()
        if issuer.kid is None:
            without_kid = pem
        else:
            by_kid[issuer.kid] = pem
    return IssuerKeys(issuer.issuer, tuple(issuer.algorithms), by_kid, without_kid)


# Settings do not change while serving: their issuers are made once per Settings object (the
# development key's files are not read again on every request). Bounded: tests make many.
_ISSUERS: dict[int, tuple[Settings, Mapping[str, TrustedIssuer]]] = {}


def trusted_issuers(settings: Settings) -> Mapping[str, TrustedIssuer]:
    """The configured issuers, and outside production the development issuer of `ilonet token`,
    which may speak for every organisation for at most ILONET_DEV_TOKEN_MAX_TTL_SECONDS."""
    made = _ISSUERS.get(id(settings))
    if made is not None and made[0] is settings:
        return made[1]
    if len(_ISSUERS) >= 64:
        _ISSUERS.clear()
    issuers = _make_issuers(settings)
    _ISSUERS[id(settings)] = (settings, issuers)
    return issuers


def _make_issuers(settings: Settings) -> Mapping[str, TrustedIssuer]:
    issuers = {i.issuer: i for i in settings.trusted_issuers}
    if settings.production:
        issuers.pop(DEV_ISSUER, None)
    elif DEV_ISSUER not in issuers:
        private = load_or_create_dev_key(settings)
        pub = settings.data_dir / "dev-jwt-key.pub.pem"
        create_once(pub, lambda: public_pem(private))
        issuers[DEV_ISSUER] = TrustedIssuer(
            issuer=DEV_ISSUER,
            algorithms=["RS256"],
            pem_file=pub,
            organisations=[ANY_ORGANISATION],
            max_token_lifetime_seconds=settings.dev_token_max_ttl_seconds,
        )
    return issuers


def _key(keys: IssuerKeys, header: dict[str, Any]) -> str | dict[str, Any]:
    """The issuer's key the token names by `kid`, or its one key without an id."""
    if "kid" not in header:
        if keys.without_kid is None:
            raise Unauthenticated("The token names no key id (kid); its issuer needs one.")
        return keys.without_kid
    kid = header["kid"]
    key = keys.by_kid.get(kid) if isinstance(kid, str) else None
    if key is None:
        raise Unauthenticated("The token's key id (kid) is unknown to its issuer.")
    if isinstance(key, dict) and key.get("alg", header.get("alg")) != header.get("alg"):
        raise Unauthenticated("The token's algorithm is not the one of its key (kid).")
    return key


async def prepare_keys(token: str, settings: Settings, jwks: JwksCache) -> None:
    """Before `verify_token`: fetch (or refetch, for an unknown kid) the key set of a JWKS-URL
    issuer the token names. Nothing is trusted here: the token is verified afterwards."""
    from jose import jwt
    from jose.exceptions import JOSEError

    try:
        header = jwt.get_unverified_header(token)
        iss = jwt.get_unverified_claims(token).get("iss")
    except JOSEError:
        return  # verify_token says what is wrong with it
    issuer = trusted_issuers(settings).get(iss) if isinstance(iss, str) else None
    if issuer is not None and issuer.jwks_url is not None:
        kid = header.get("kid")
        await jwks.prepare(issuer.jwks_url, kid if isinstance(kid, str) else None)


def verify_token(
    token: str, settings: Settings, *, now: float | None = None, jwks: JwksCache | None = None
) -> Principal:
    """Verify signature, algorithm, kid, iss, aud, the time claims (at `now`, default the clock)
    and the bounds of every claim (RFC 8725), and that the issuer may speak for the token's
    organisation."""
    return _verify(token, settings, now=now, jwks=jwks)[0]


def _verify(
    token: str, settings: Settings, *, now: float | None = None, jwks: JwksCache | None = None
) -> tuple[Principal, float]:
    """The verified Principal and the token's expiry (NumericDate)."""
    # python-jose (with cryptography's X.509 support) is imported by the first verification
    # and warmed once the server answers (app.main.WARM_AFTER_START), not by every start.
    from jose import jwt
    from jose.exceptions import JOSEError

    if len(token) > MAX_TOKEN_CHARS:
        raise Unauthenticated(f"The bearer token is too long (over {MAX_TOKEN_CHARS} characters).")
    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.get_unverified_claims(token)
    except JOSEError as exc:
        raise Unauthenticated("The bearer token is not a well-formed JWT.") from exc
    iss = unverified.get("iss")
    issuer = trusted_issuers(settings).get(iss) if isinstance(iss, str) else None
    if issuer is None:
        raise Unauthenticated("The token's issuer is not trusted.")
    keys = _load_issuer(issuer, jwks)
    alg = header.get("alg")
    if alg not in keys.algorithms:
        raise Unauthenticated("The token's algorithm is not allowed for its issuer.")
    key = _key(keys, header)
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[alg],
            audience=AUDIENCE,
            issuer=issuer.issuer,
            # exp, nbf, iat and sub are checked below, strictly typed (python-jose reads "exp"
            # strings as numbers and fails on lists with a TypeError).
            options={
                "verify_signature": True,
                "verify_aud": True,
                "verify_iss": True,
                "verify_exp": False,
                "verify_nbf": False,
                "verify_iat": False,
                "verify_sub": False,
                "require_aud": True,
                "require_iss": True,
            },
        )
    except JOSEError as exc:
        raise Unauthenticated(f"The bearer token was rejected: {exc}") from exc
    _check_times(claims, issuer, settings.jwt_leeway_seconds, time.time() if now is None else now)
    principal = _principal(issuer.issuer, claims)
    if not issuer.may_speak_for(principal.org):
        raise UnvouchedOrganisation(principal)
    return principal, _required_date(claims, "exp")


class UnvouchedOrganisation(Unauthenticated):
    """A well-signed token naming an organisation its issuer may not speak for (ACL-CLAIM):
    refused like any untrue claim, and audited, since a trusted issuer signed it."""

    def __init__(self, principal: Principal) -> None:
        self.principal = principal
        self.problem = f"the token's issuer may not speak for organisation {principal.org} (org)"
        super().__init__(
            f"The token's issuer may not speak for organisation {principal.org} (org)."
        )


class TokenCache:
    """Tokens verified once, remembered until they expire (bounded, oldest dropped first).

    A token is the same bytes for its whole life, so its signature, issuer, audience and claim
    bounds need checking once; only its expiry moves, and it is checked again on every hit
    (with the leeway, as `_check_times` does). Failures are not cached. The issuers and their
    keys are the settings' (read at start-up); a key file changed while serving applies to the
    tokens this instance has not seen yet, a restart applies it to all. Tokens of a JWKS-URL
    issuer are not remembered: its key set changes while serving.
    """

    def __init__(self, settings: Settings, *, size: int = 4096) -> None:
        self.settings = settings
        self.size = size
        self._verified: dict[str, tuple[Principal, float]] = {}
        # Claims found true of the data (ACL-CLAIM); they stay true, so only the bound is kept.
        self._bound: dict[tuple[str, frozenset[str], str | None], None] = {}

    def knows(self, token: str) -> bool:
        """The token was verified here and is remembered (its expiry is checked by `verify`)."""
        return token in self._verified

    def is_bound(self, principal: Principal) -> bool:
        return (principal.org, principal.roles, principal.officer_id) in self._bound

    def remember_bound(self, principal: Principal) -> None:
        if len(self._bound) >= self.size:
            self._bound.pop(next(iter(self._bound)))
        self._bound[(principal.org, principal.roles, principal.officer_id)] = None

    def verify(self, token: str, *, jwks: JwksCache | None = None) -> Principal:
        now = time.time()
        hit = self._verified.get(token)
        if hit is not None:
            if hit[1] > now - self.settings.jwt_leeway_seconds:
                return hit[0]
            del self._verified[token]
        principal, exp = _verify(token, self.settings, now=now, jwks=jwks)
        issuer = trusted_issuers(self.settings).get(principal.iss)
        if issuer is not None and issuer.jwks_url is not None:
            # A JWKS URL's keys rotate while serving: a removed key must stop its tokens at once.
            return principal
        if len(self._verified) >= self.size:
            self._verified.pop(next(iter(self._verified)))
        self._verified[token] = (principal, exp)
        return principal


_TIME_CLAIMS = {"exp": "expiry", "iat": "issued-at", "nbf": "not-before"}


def _required_date(claims: dict[str, Any], name: str) -> float:
    date = _numeric_date(claims, name)
    if date is None:
        raise Unauthenticated(f"The token has no {_TIME_CLAIMS[name]} claim ({name}).")
    return date


def _numeric_date(claims: dict[str, Any], name: str) -> float | None:
    if name not in claims:
        return None
    value = claims[name]
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not 0 <= value <= MAX_NUMERIC_DATE
    ):
        raise Unauthenticated(
            f"The token's {_TIME_CLAIMS[name]} claim ({name}) must be a JSON number of seconds "
            "since 1970 (RFC 7519 NumericDate)."
        )
    return float(value)


def _check_times(claims: dict[str, Any], issuer: TrustedIssuer, leeway: int, now: float) -> None:
    """exp and iat are required, nbf is checked when present; exp - iat is capped per issuer."""
    exp = _required_date(claims, "exp")
    iat = _required_date(claims, "iat")
    nbf = _numeric_date(claims, "nbf")
    if exp <= now - leeway:
        raise Unauthenticated("The token has expired (exp).")
    if iat > now + leeway:
        raise Unauthenticated("The token is issued in the future (iat).")
    if nbf is not None and nbf > now + leeway:
        raise Unauthenticated("The token is not valid yet (nbf).")
    if exp <= iat:
        raise Unauthenticated("The token expires before it is issued (exp, iat).")
    if exp - iat > issuer.max_token_lifetime_seconds:
        raise Unauthenticated(
            f"The token's lifetime (exp - iat) exceeds the {issuer.max_token_lifetime_seconds} "
            "seconds its issuer may grant."
        )


def _bounded_text(value: object, limit: int) -> bool:
    return isinstance(value, str) and 0 < len(value) <= limit and value.isprintable()


def _principal(iss: str, claims: dict[str, Any]) -> Principal:
    sub = claims.get("sub")
    org = claims.get("org")
    roles = claims.get("roles", [])
    scope = claims.get("scope", "")
    officer_id = claims.get("officer_id")
    if sub is None:
        raise Unauthenticated("The token has no subject claim (sub).")
    if not _bounded_text(sub, SUB_MAX_CHARS):
        raise Unauthenticated(
            f"The token's subject claim (sub) must be 1 to {SUB_MAX_CHARS} printable characters."
        )
    if org is None or org == "":
        raise Unauthenticated("The token has no organisation claim (org).")
    if not isinstance(org, str) or not ORG_CODE.fullmatch(org):
        raise Unauthenticated(
            "The token's organisation claim (org) must be an organisation code "
            "(2 to 16 of A-Z, 0-9, _ and -, starting with a letter)."
        )
    if (
        not isinstance(roles, list)
        or len(roles) > ROLES_MAX
        or not all(isinstance(r, str) and len(r) <= ROLE_MAX_CHARS for r in roles)
    ):
        raise Unauthenticated(
            f"The token's roles claim (roles) must be a list of at most {ROLES_MAX} role names."
        )
    unknown = set(roles) - ROLES
    if unknown:
        raise Unauthenticated(f"The token names unknown roles: {', '.join(sorted(unknown))}.")
    if not isinstance(scope, str) or len(scope) > SCOPE_MAX_CHARS:
        raise Unauthenticated(
            f"The token's scope claim (scope) must be a space-separated string of at most "
            f"{SCOPE_MAX_CHARS} characters."
        )
    if officer_id is not None and not _bounded_text(officer_id, OFFICER_ID_MAX_CHARS):
        raise Unauthenticated(
            f"The token's officer_id claim (officer_id) must be 1 to {OFFICER_ID_MAX_CHARS} "
            "printable characters."
        )
    return Principal(
        iss=iss,
        sub=sub,
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
    settings = request.app.state.settings
    jwks: JwksCache = request.app.state.jwks
    cache: TokenCache | None = getattr(request.app.state, "tokens", None)
    if cache is None or cache.settings is not settings:
        cache = request.app.state.tokens = TokenCache(settings)
    # A token verified before needs no key fetched (only other issuers' tokens are remembered).
    if len(credentials.credentials) <= MAX_TOKEN_CHARS and not cache.knows(credentials.credentials):
        await prepare_keys(credentials.credentials, settings, jwks)
    try:
        principal = cache.verify(credentials.credentials, jwks=jwks)
    except UnvouchedOrganisation as refused:
        await audit_refusal(request, refused.principal, [refused.problem])
        raise
    if not cache.is_bound(principal):
        await bind_claims(request, principal)
        cache.remember_bound(principal)
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(authenticate)]
