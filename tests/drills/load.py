"""Load for the drills: writers that POST processing records with an Idempotency-Key of their own
and retry each one (same key, same body) until it is acknowledged, readers beside them, and a log
of every answer (or of no answer) with its duration."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import asyncpg
import httpx

from tests.factories import Ilo, record_body

NO_RESPONSE = 0  # the status logged for a request that got no HTTP response


@dataclass(frozen=True)
class Outcome:
    phase: str
    method: str
    status: int
    problem_type: str | None
    retry_after: str | None
    seconds: float
    error: str = ""


@dataclass
class Load:
    """Shared state of one run: what was acknowledged, what every request got, the phase."""

    ilo: Ilo
    phase: str = "up"
    acknowledged: dict[str, str] = field(default_factory=dict)  # key -> record id
    replayed: set[str] = field(default_factory=set)  # keys acknowledged by a stored replay
    outcomes: list[Outcome] = field(default_factory=list)
    stop: asyncio.Event = field(default_factory=asyncio.Event)

    def body(self, key: str) -> dict[str, object]:
        return record_body(self.ilo.officer_id, necessity_justification=f"Drill request {key}.")

    async def _send(
        self, client: httpx.AsyncClient, method: str, url: str, **kwargs: object
    ) -> httpx.Response | None:
        phase = self.phase
        started = time.monotonic()
        try:
            response = await client.request(method, url, **kwargs)  # type: ignore[arg-type]
        except httpx.TransportError as exc:
            self.outcomes.append(
                Outcome(
                    phase,
                    method,
                    NO_RESPONSE,
                    None,
                    None,
                    time.monotonic() - started,
                    type(exc).__name__,
                )
            )
            return None
        problem_type = None
        if response.headers.get("content-type") == "application/problem+json":
            problem_type = response.json().get("type")
        self.outcomes.append(
            Outcome(
                phase,
                method,
                response.status_code,
                problem_type,
                response.headers.get("retry-after"),
                time.monotonic() - started,
            )
        )
        return response

    async def post_once(self, client: httpx.AsyncClient, key: str) -> None:
        """POST one record once; a 201 acknowledges it, anything else leaves it to a retry."""
        headers = {**self.ilo.headers, "Idempotency-Key": key}
        response = await self._send(
            client, "POST", "/v1/processing-records", json=self.body(key), headers=headers
        )
        if response is not None and response.status_code == 201:
            self.acknowledged[key] = response.json()["id"]

    async def post_until_acknowledged(self, client: httpx.AsyncClient, key: str) -> None:
        """POST one record, retrying with the same key and body until a 201 (or stop)."""
        headers = {**self.ilo.headers, "Idempotency-Key": key}
        body = self.body(key)
        while True:
            response = await self._send(
                client, "POST", "/v1/processing-records", json=body, headers=headers
            )
            if response is not None and response.status_code == 201:
                self.acknowledged[key] = response.json()["id"]
                if response.headers.get("idempotent-replayed") == "true":
                    self.replayed.add(key)
                return
            # 409: the first attempt is still in flight; any other 4xx is a mistake of the drill
            if (
                response is not None
                and response.status_code in range(400, 500)
                and response.status_code != 409
            ):
                raise AssertionError(f"POST {key}: {response.status_code} {response.text}")
            if self.stop.is_set() and self.phase != "recovered":
                return
            await asyncio.sleep(0.05)  # pacing of a retrying client, not a wait for an outcome

    async def writer(self, client: httpx.AsyncClient, keys: Callable[[], str | None]) -> None:
        while not self.stop.is_set():
            key = keys()
            if key is None:
                return
            await self.post_until_acknowledged(client, key)

    async def reader(self, client: httpx.AsyncClient) -> None:
        while not self.stop.is_set():
            await self._send(client, "GET", "/v1/organisations/NL", headers=self.ilo.headers)
            await asyncio.sleep(0.01)


def new_key() -> str:
    return f"drill-{uuid.uuid4().hex}"


async def stored_records(owner_url: str, officer_id: str) -> dict[str, str]:
    """Every processing record of the officer in the database: necessity text -> id."""
    connection = await asyncpg.connect(owner_url)
    try:
        rows = await connection.fetch(
            "SELECT id::text AS id, necessity_justification AS why"
            " FROM processing_record WHERE officer_id = $1",
            uuid.UUID(officer_id),
        )
    finally:
        await connection.close()
    return {row["why"]: row["id"] for row in rows}


async def wait_for(condition: Callable[[], bool], *, within: float, what: str) -> None:
    """Poll `condition` until it holds; fail with `what` at the deadline."""
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)
