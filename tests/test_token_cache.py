"""Verified tokens are cached until they expire; failures are never cached."""

from __future__ import annotations

import time

import pytest

from app import security, tokens
from app.config import Settings
from app.jwks import JwksCache
from app.problems import Unauthenticated
from app.security import TokenCache
from tests.conftest import TEST_ISSUER, Keys


def _mint(signing_keys: Keys, *, ttl: int = 600, org: str = "NL") -> str:
    return tokens.mint_token(
        private_pem=signing_keys.private_pem,
        issuer=TEST_ISSUER,
        sub="nl-cache",
        org=org,
        roles=["deploying_authority"],
        ttl_seconds=ttl,
    )


def test_a_verified_token_is_verified_once_until_it_expires(
    settings: Settings, signing_keys: Keys, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    verify = security._verify

    def counted(
        token: str, s: Settings, *, now: float | None = None, jwks: JwksCache | None = None
    ) -> tuple[object, float]:
        calls.append(token)
        return verify(token, s, now=now, jwks=jwks)

    monkeypatch.setattr(security, "_verify", counted)
    cache = TokenCache(settings)
    token = _mint(signing_keys)
    first = cache.verify(token)
    assert cache.verify(token) is first
    assert calls == [token]

    # Past its expiry (and the leeway) the cached token is refused like any expired one.
    clock = time.time() + 600 + settings.jwt_leeway_seconds + 1
    monkeypatch.setattr(time, "time", lambda: clock)
    with pytest.raises(Unauthenticated, match="expired"):
        cache.verify(token)
    assert calls == [token, token]


def test_a_rejected_token_is_not_cached(settings: Settings, signing_keys: Keys) -> None:
    cache = TokenCache(settings, size=2)
    forged = _mint(signing_keys)[:-4] + "AAAA"
    for _ in range(2):
        with pytest.raises(Unauthenticated):
            cache.verify(forged)
    assert forged not in cache._verified
    tokens = [_mint(signing_keys, ttl=600 + i) for i in range(3)]
    for token in tokens:
        cache.verify(token)
    assert list(cache._verified) == tokens[1:]  # bounded: the oldest goes first


def test_a_cache_knows_only_the_tokens_it_verified(settings: Settings, signing_keys: Keys) -> None:
    """What lets a request skip preparing keys: a token the cache holds was verified here."""
    cache = TokenCache(settings)
    token = _mint(signing_keys)
    assert not cache.knows(token)
    cache.verify(token)
    assert cache.knows(token)
    assert not cache.knows(token[:-4] + "AAAA")


def test_the_trusted_issuers_are_made_once_per_settings(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The development key's files are read when a Settings object is first used, not on every
    request; another Settings object gets its own issuers."""
    first = security.trusted_issuers(settings)
    reads: list[object] = []

    def read(s: object) -> bytes:
        reads.append(s)
        return b""

    monkeypatch.setattr(security, "load_or_create_dev_key", read)
    assert security.trusted_issuers(settings) is first
    assert reads == []
    other = settings.model_copy(update={"jwt_leeway_seconds": settings.jwt_leeway_seconds + 1})
    assert security.trusted_issuers(other) is not first
    assert TEST_ISSUER in security.trusted_issuers(other)
