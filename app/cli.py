"""The `ilonet` command: serve, migrate, token, openapi, sweep, audit verify, keys rotate,
import, backup and restore."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

from app.config import DEV_ISSUER, Settings, get_settings
from app.db import migrate
from app.db.embedded import EmbeddedPostgres
from app.db.engine import app_url
from app.middleware import configure_logging

log = logging.getLogger("ilonet.cli")
EMBEDDED_DATABASE = "ilonet"


class _Shutdown(BaseException):
    """Raised by our signal handler so that every `finally` (stopping PostgreSQL) runs."""


def _raise_shutdown(signum: int, frame: FrameType | None) -> None:
    raise _Shutdown(signum)


@contextmanager
def database(settings: Settings, *, own_running: bool = False) -> Iterator[str]:
    """The owner's URL: DATABASE_URL, or the embedded server in the data dir.

    On exit the embedded server is stopped only if this command started it: `sweep`, `migrate`
    and `audit verify` run beside a `serve` and must leave its database running. `serve`
    (`own_running`) also takes over, and so stops, a server a SIGKILLed run left behind.
    """
    if settings.database_url:
        yield settings.database_url
        return
    embedded = EmbeddedPostgres(settings.data_dir.resolve() / "pgdata")
    try:
        embedded.start()
        asyncio.run(migrate.ensure_database(embedded.url(), EMBEDDED_DATABASE))
        yield embedded.url(database=EMBEDDED_DATABASE)
    finally:
        if embedded.started_here or own_running:
            embedded.stop()
            log.info("embedded PostgreSQL stopped")
        else:
            log.info("embedded PostgreSQL kept running: this command did not start it")


def _migrate_on_start(args: argparse.Namespace, settings: Settings) -> bool:
    if args.migrate is not None:
        return bool(args.migrate)
    if settings.migrate_on_start is not None:
        return settings.migrate_on_start
    return not settings.database_url


def _prepare_schema(owner_url: str, *, apply: bool) -> None:
    """Migrate (under the migration lock, see app/migrations/env.py), or say what is pending:
    `/readyz` answers 503 until an operator has run `ilonet migrate`."""
    if apply:
        migrate.upgrade(owner_url)
        return
    current, head = asyncio.run(migrate.revision_of(owner_url)), migrate.head_revision()
    if current != head:
        log.warning(
            "schema not at head: /readyz answers 503 until `ilonet migrate` has run",
            extra={"event": f"migration {current or 'none'} -> {head}"},
        )


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from app.http_limits import REQUEST_LINE_BYTES
    from app.main import create_app

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    workers = args.workers or settings.workers
    if workers > 1 and settings.metrics_port is not None:
        # Each process keeps its own counters: N workers cannot share one metrics port.
        print(
            "ILONET_METRICS_PORT serves the metrics of one process: with it, run one worker per "
            "instance (several instances behind the load balancer), or leave it unset.",
            file=sys.stderr,
        )
        return 2
    previous = {sig: signal.signal(sig, _raise_shutdown) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        with database(settings, own_running=True) as owner_url:
            _prepare_schema(owner_url, apply=_migrate_on_start(args, settings))
            app_database_url = app_url(settings, owner_url)
            options = {
                "host": args.host,
                "port": args.port,
                "log_config": None,
                "access_log": False,
                "server_header": False,
                "loop": "uvloop",
                # httptools, answering 431 to a request head far above ILONET_MAX_HEADER_BYTES
                "http": "app.http_limits:BoundedHttpToolsProtocol",
                "h11_max_incomplete_event_size": settings.max_header_bytes + REQUEST_LINE_BYTES,
            }
            log.info("serving on http://%s:%s", args.host, args.port)
            if workers > 1:
                _serve_workers(settings, app_database_url, workers, options)
            else:
                app = create_app(settings, app_database_url=app_database_url)
                # uvicorn handles the signal, shuts down gracefully, then re-raises it: our
                # handler turns that into _Shutdown so the embedded server is stopped first.
                uvicorn.Server(uvicorn.Config(app, **options)).run()
    except _Shutdown:
        pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0


def _serve_workers(
    settings: Settings, app_database_url: str, workers: int, options: dict[str, Any]
) -> None:
    """N worker processes on one socket (uvicorn's supervisor), each building the app from the
    environment (`app.main:worker_app`). The secrets of the data dir are created here first, so
    that workers only read them. The supervisor ends its workers on SIGINT/SIGTERM and returns
    (no re-raise), then the embedded server is stopped by `database()`."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from app.keyring import load_keyring

    load_keyring(settings)
    os.environ["ILONET_APP_DATABASE_URL"] = app_database_url
    os.environ["ILONET_DATA_DIR"] = str(settings.data_dir.resolve())
    config = uvicorn.Config("app.main:worker_app", factory=True, workers=workers, **options)
    Multiprocess(config, sockets=[config.bind_socket()]).run()


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    with database(settings) as owner_url:
        if args.revision.startswith("-") or args.downgrade:
            migrate.downgrade(owner_url, args.revision)
        else:
            migrate.upgrade(owner_url, args.revision)
    print(f"migrated to {args.revision}")
    return 0


def cmd_token(args: argparse.Namespace, settings: Settings) -> int:
    from app.policies.roles import ROLE_TABLE, role_problems
    from app.reference import load_role_holders
    from app.security import load_or_create_dev_key, mint_token

    if settings.production:
        print("ilonet token mints development tokens; production refuses them.", file=sys.stderr)
        return 2
    if args.ttl <= 0 or args.ttl > settings.dev_token_max_ttl_seconds:
        print(f"--ttl must be 1..{settings.dev_token_max_ttl_seconds} seconds", file=sys.stderr)
        return 2
    unknown = sorted(set(args.role) - {r.value for r in ROLE_TABLE})
    if unknown:
        known = ", ".join(sorted(r.value for r in ROLE_TABLE))
        print(f"ilonet token: unknown role {', '.join(unknown)} (roles: {known})", file=sys.stderr)
        return 2
    untrue = list(role_problems(load_role_holders().get(args.org), args.org, frozenset(args.role)))
    if untrue:
        # The server would refuse such a token (ACL-CLAIM, docs/ROLES.md): say so now.
        print(f"ilonet token: {'; '.join(untrue)}", file=sys.stderr)
        return 2
    token = mint_token(
        private_pem=load_or_create_dev_key(settings),
        issuer=DEV_ISSUER,
        sub=args.sub or f"dev-{args.org.lower()}-{'-'.join(args.role)}",
        org=args.org,
        roles=args.role,
        officer_id=args.officer,
        scopes=args.scope,
        ttl_seconds=args.ttl,
    )
    print(token)
    return 0


def cmd_openapi(args: argparse.Namespace, settings: Settings) -> int:
    from app.main import create_app

    schema = create_app(settings).openapi()
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    print(f"wrote {out}")
    return 0


async def _verify_audit(
    app_database_url: str, settings: Settings, *, incremental: bool = False
) -> dict[str, object]:
    from app.db import audit
    from app.db.engine import make_engine, make_sessionmaker

    # Verifying a long log is one long read: no statement timeout for this command.
    unbounded = settings.model_copy(update={"db_statement_timeout_ms": 0})
    engine = make_engine(app_database_url, pool_size=1, settings=unbounded)
    try:
        async with make_sessionmaker(engine)() as session, session.begin():
            await audit.seal_pending(session)
        async with make_sessionmaker(engine)() as session, session.begin():
            # A valid verification records a checkpoint; --incremental starts from the latest.
            return (await audit.verify(session, incremental=incremental)).as_dict()
    finally:
        await engine.dispose()


def cmd_audit(args: argparse.Namespace, settings: Settings) -> int:
    with database(settings) as owner_url:
        incremental = bool(getattr(args, "incremental", False))
        url = app_url(settings, owner_url)
        result = asyncio.run(_verify_audit(url, settings, incremental=incremental))
    print(json.dumps(result, indent=2))
    return 0 if result["valid"] else 1


async def _sweep(app_database_url: str, settings: Settings) -> dict[str, int]:
    from app.db.engine import make_engine, make_sessionmaker
    from app.services.retention_sweep import sweep_once

    engine = make_engine(app_database_url, pool_size=1, settings=settings)
    totals = {"records_erased": 0, "contacts_erased": 0}
    try:
        while True:
            async with make_sessionmaker(engine)() as session, session.begin():
                result = await sweep_once(session=session, settings=settings)
            totals["records_erased"] += result.records_erased
            totals["contacts_erased"] += result.contacts_erased
            if result.total == 0:
                return totals
    finally:
        await engine.dispose()


def cmd_sweep(args: argparse.Namespace, settings: Settings) -> int:
    with database(settings) as owner_url:
        totals = asyncio.run(_sweep(app_url(settings, owner_url), settings))
    print(json.dumps(totals))
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ilonet", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the API (embedded PostgreSQL unless DATABASE_URL)")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    serve.add_argument("--data-dir", type=Path, default=None)
    serve.add_argument(
        "--workers", type=int, default=None, help="worker processes (default ILONET_WORKERS or 1)"
    )
    serve.add_argument(
        "--migrate",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="apply pending migrations first (default: yes when embedded, no with DATABASE_URL)",
    )
    serve.set_defaults(func=cmd_serve)

    mig = sub.add_parser("migrate", help="apply migrations (as the database owner)")
    mig.add_argument("revision", nargs="?", default="head")
    mig.add_argument("--downgrade", action="store_true")
    mig.add_argument("--data-dir", type=Path, default=None)
    mig.set_defaults(func=cmd_migrate)

    tok = sub.add_parser("token", help="mint a development JWT (refused in production)")
    tok.add_argument("--org", required=True)
    tok.add_argument(
        "--role",
        action="append",
        required=True,
        help="a role the organisation may hold (docs/ROLES.md); repeat for several",
    )
    tok.add_argument("--officer", default=None)
    tok.add_argument("--scope", action="append", default=None)
    tok.add_argument("--sub", default=None)
    tok.add_argument("--ttl", type=int, default=3600)
    tok.add_argument("--data-dir", type=Path, default=None)
    tok.set_defaults(func=cmd_token)

    aud = sub.add_parser("audit", help="audit log tools")
    aud_sub = aud.add_subparsers(dest="audit_command", required=True)
    verify = aud_sub.add_parser("verify", help="seal pending events and verify the hash chain")
    verify.add_argument("--data-dir", type=Path, default=None)
    verify.add_argument(
        "--incremental",
        action="store_true",
        help="start from the latest checkpoint (whose seal must still hold its hash)",
    )
    verify.set_defaults(func=cmd_audit)

    swp = sub.add_parser("sweep", help="erase personal data past retention (idempotent)")
    swp.add_argument("--data-dir", type=Path, default=None)
    swp.set_defaults(func=cmd_sweep)

    api = sub.add_parser("openapi", help="write the OpenAPI document")
    api.add_argument("--output", default="openapi/openapi.json")
    api.set_defaults(func=cmd_openapi)

    from app import cli_backup, cli_import, cli_keys

    cli_keys.add_parsers(sub)
    cli_import.add_parsers(sub)
    cli_backup.add_parsers(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    configure_logging()
    overrides: dict[str, object] = {}
    for name in ("host", "port", "data_dir"):
        value = getattr(args, name, None)
        if value is not None:
            overrides[name] = value
    settings = get_settings().model_copy(update=overrides)
    if getattr(args, "host", "") is None:
        args.host = settings.host
    if getattr(args, "port", 0) is None:
        args.port = settings.port
    result: int = args.func(args, settings)
    return result


if __name__ == "__main__":
    sys.exit(main())
