"""The benchmark's server: the real app (as `ilonet serve` builds it) plus a PLAIN insert route.

    python -m bench.server --port P --database-url URL --issuer-pem FILE --data-dir DIR

`POST /bench/plain/deployments` runs on the same ASGI stack as the guarded
`POST /v1/deployments`: the same middleware (request id, body limit, security headers, metrics),
the same JWT verification and rate-limit dependency, the same request model (DeploymentCreate)
and response model (DeploymentOut), a session per request that commits once. It only leaves
out what a guarded write adds: the officer lookup and policy decision, history, audit and
outbox events, idempotency. It is defined here, not in app/, and never served by `ilonet`.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import uuid
from pathlib import Path
from typing import Any

import uvicorn
import uvloop
from fastapi import APIRouter, Depends, Response
from sqlalchemy import Table, insert

from app.config import Settings, TrustedIssuer
from app.db.session import ReadSession
from app.main import create_app
from app.models import Deployment
from app.rate_limit import enforce
from app.schemas.deployment import DeploymentCreate, DeploymentOut
from app.security import CurrentPrincipal
from bench import stalls

ISSUER = "https://idp.bench.ilonet.example"
PLAIN_PATH = "/bench/plain/deployments"
_TABLE: Table = Deployment.__table__  # type: ignore[assignment]
_INSERT = insert(_TABLE).returning(*_TABLE.c)

plain = APIRouter(dependencies=[Depends(enforce)])


@plain.post(PLAIN_PATH, status_code=201, response_model=DeploymentOut)
async def plain_deployment(
    body: DeploymentCreate, session: ReadSession, principal: CurrentPrincipal
) -> Response:
    """The unguarded baseline: validate, insert the row, render it."""
    values: dict[str, Any] = body.model_dump(mode="python", exclude={"officer_id"})
    values.update(
        id=uuid.uuid4(),
        officer_id=body.officer_id,
        organisation=principal.org,
        status="planned",
        version=1,
    )
    connection = await session.connection()
    row = (await connection.execute(_INSERT, values)).mappings().one()
    out = DeploymentOut.model_validate({**row, "eu_funding_eligible": False})
    return Response(
        out.model_dump_json(),
        status_code=201,
        media_type="application/json",
        headers={"Location": f"/v1/deployments/{row['id']}", "ETag": f'"v{row["version"]}"'},
    )


class LoopLag:
    """A task that asks to wake every TICK seconds and records how late it wakes (ms)."""

    TICK = 0.005

    def __init__(self) -> None:
        self.late: list[float] = []
        self.task: asyncio.Task[None] | None = None

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            before = loop.time()
            await asyncio.sleep(self.TICK)
            self.late.append((loop.time() - before - self.TICK) * 1000)

    def take(self) -> dict[str, Any]:
        """The lag since the last call, and start over."""
        if self.task is None:
            self.task = asyncio.create_task(self.run())
        late, self.late = sorted(self.late), []
        if not late:
            return {"n": 0, "p50_ms": None, "p99_ms": None, "max_ms": None}
        return {
            "n": len(late),
            "p50_ms": round(statistics.median(late), 1),
            "p99_ms": round(late[min(len(late) - 1, int(len(late) * 0.99))], 1),
            "max_ms": round(late[-1], 1),
        }


lag = LoopLag()
probes = APIRouter()


@probes.get("/bench/loop-lag")
async def loop_lag() -> dict[str, Any]:
    return lag.take()


def settings_for(data_dir: Path, issuer_pem: Path) -> Settings:
    return Settings(
        env="test",
        data_dir=data_dir,
        rate_limit_client_per_minute=0,
        rate_limit_org_per_minute=0,
        trusted_issuers=[
            TrustedIssuer(
                issuer=ISSUER,
                algorithms=["RS256"],
                pem_file=issuer_pem,
                organisations=["*"],
                max_token_lifetime_seconds=6 * 3600,
            )
        ],
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--database-url", required=True, help="the application role's URL")
    parser.add_argument("--issuer-pem", type=Path, required=True)
    parser.add_argument("--data-dir", type=Path, required=True)
    args = parser.parse_args()
    app = create_app(
        settings_for(args.data_dir, args.issuer_pem), app_database_url=args.database_url
    )
    app.include_router(plain)
    app.include_router(probes)
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=args.port,
        log_config=None,
        access_log=False,
        server_header=False,
        loop="uvloop",
        http="httptools",
    )
    watch = stalls.install()

    async def serve() -> None:
        if watch is not None:
            watch.start()
        await uvicorn.Server(config).serve()

    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(serve())


if __name__ == "__main__":
    main()
