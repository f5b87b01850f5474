"""Trusted issuers' keys by JWKS URL: fetched, cached, and refetched for key rotation.

An issuer configured with `jwks_url` has its key set fetched on first use and kept for
`jwks_cache_seconds`. A token naming a `kid` the cached set lacks (the identity provider rotated
its key) makes one refetch — at most one per `jwks_min_refresh_seconds` per issuer, however many
such tokens arrive at once, so a stream of made-up `kid`s cannot turn into a stream of requests
to the identity provider. A failed fetch keeps the keys already known.

Egress: the JWKS URLs are configured by the operator, and only those exact URLs are fetched
(no redirects followed, at most MAX_JWKS_BYTES read). They are the explicit exception to
app/egress.py, which governs URLs that clients supply: an https URL, or plain http to
127.0.0.1/localhost outside production (a local identity provider) — loopback only because
it is configured (app/config.py checks that).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

log = logging.getLogger("ilonet.jwks")
MAX_JWKS_BYTES = 256 * 1024
JwkSet = dict[str, dict[str, Any]]


@dataclass
class _Entry:
    keys: JwkSet = field(default_factory=dict)
    fetched_at: float | None = None  # the last successful fetch
    refreshed_for_kid_at: float | None = None  # the last refetch an unknown kid caused
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class JwksCache:
    """The key sets of the JWKS-URL issuers, shared by one process's requests."""

    def __init__(
        self,
        *,
        ttl_seconds: float = 300.0,
        min_refresh_seconds: float = 30.0,
        timeout_seconds: float = 3.0,
        clock: Callable[[], float] = time.monotonic,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.ttl = ttl_seconds
        self.min_refresh = min_refresh_seconds
        self.timeout = timeout_seconds
        self.clock = clock
        self.transport = transport
        self.fetches = 0
        self._entries: dict[str, _Entry] = {}

    def keys(self, url: str) -> JwkSet:
        """The keys known for this URL now (empty before the first fetch)."""
        entry = self._entries.get(url)
        return dict(entry.keys) if entry else {}

    async def prepare(self, url: str, kid: str | None) -> None:
        """Make the key set fresh enough to verify a token naming `kid`."""
        entry = self._entries.setdefault(url, _Entry())
        async with entry.lock:
            now = self.clock()
            if entry.fetched_at is None or now - entry.fetched_at >= self.ttl:
                await self._fetch(url, entry)
                return
            if kid is None or kid in entry.keys:
                return
            last = entry.refreshed_for_kid_at
            if last is not None and now - last < self.min_refresh:
                return  # rate-limited: the token is refused with the keys we have
            entry.refreshed_for_kid_at = now
            await self._fetch(url, entry)

    async def _fetch(self, url: str, entry: _Entry) -> None:
        import httpx  # only an instance trusting a JWKS issuer fetches: not at import

        self.fetches += 1
        try:
            async with (
                httpx.AsyncClient(
                    timeout=self.timeout, follow_redirects=False, transport=self.transport
                ) as client,
                client.stream("GET", url, headers={"Accept": "application/json"}) as r,
            ):
                r.raise_for_status()
                body = b""
                async for chunk in r.aiter_bytes():
                    body += chunk
                    if len(body) > MAX_JWKS_BYTES:
                        raise ValueError("JWKS document too large")
            document = json.loads(body)
            keys = {
                str(k["kid"]): k
                for k in document.get("keys", [])
                if isinstance(k, dict) and isinstance(k.get("kid"), str)
            }
        except (httpx.HTTPError, ValueError, AttributeError) as exc:
            log.warning("JWKS fetch failed for %s: %s", url, type(exc).__name__)
            if entry.fetched_at is None:
                entry.fetched_at = self.clock() - self.ttl + self.min_refresh  # retry soon
            return
        entry.keys = keys
        entry.fetched_at = self.clock()
