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
import uuid
from pathlib import Path
from typing import Any

import uvicorn
from fastapi import APIRouter, Depends, Response
from sqlalchemy import Table, insert

from app.config import Settings, TrustedIssuer
from app.db.session import ReadSession
from app.main import create_app
from app.models import Deployment
from app.rate_limit import enforce
from app.schemas.deployment import DeploymentCreate, DeploymentOut
from app.security import CurrentPrincipal

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
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=args.port,
        log_config=None,
        access_log=False,
        server_header=False,
        loop="uvloop",
        http="httptools",
    )


if __name__ == "__main__":
    main()
