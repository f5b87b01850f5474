"""`ilonet serve`, `ilonet migrate` and `ilonet openapi`: running the API and preparing its
schema and document."""

from __future__ import annotations

import json
import os
import signal
import threading
from functools import partial
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

import click

from app.cli.common import OK, USAGE, configure_logging, data_dir_option, database, log, refused
from app.cli.common import settings_for as _settings

if TYPE_CHECKING:
    from app.config import Settings


class _Shutdown(BaseException):
    """Raised by our signal handler so that every `finally` (stopping PostgreSQL) runs."""


def _raise_shutdown(signum: int, frame: FrameType | None) -> None:
    raise _Shutdown(signum)


def _migrate_on_start(migrate: bool | None, settings: Settings) -> bool:
    if migrate is not None:
        return migrate
    if settings.migrate_on_start is not None:
        return settings.migrate_on_start
    return not settings.database_url


def _prepare_schema(owner_url: str, *, apply: bool, after: threading.Event) -> None:
    """Migrate (under the migration lock, see app/migrations/env.py), or say what is pending:
    `/readyz` answers 503 until an operator has run `ilonet migrate`.

    Runs beside the app's import once `after` is set: what the migrations' environment imports
    (the models) is loaded by then, so the two threads never import the same modules at once."""
    import asyncio

    from app.db import migrate

    after.wait()

    if apply:
        migrate.upgrade_unless_at_head(owner_url)
        log.info("schema at head", extra={"event": "serve.schema"})
        return
    current, head = asyncio.run(migrate.revision_of(owner_url)), migrate.head_revision()
    if current != head:
        log.warning(
            "schema not at head: /readyz answers 503 until `ilonet migrate` has run",
            extra={"event": f"migration {current or 'none'} -> {head}"},
        )
    else:
        log.info("schema at head", extra={"event": "serve.schema"})


def _import_server(models_loaded: threading.Event) -> None:
    """What serving needs, imported while the embedded PostgreSQL starts (most of a start).

    The cyclic garbage collector is paused meanwhile (the import makes ~270,000 objects, nearly
    all kept for the life of the process: collecting through them is 10-20 % of the import's
    CPU) and what the import made is then frozen out of later collections (`gc.freeze`).

    The models and the engine's module come first, then `models_loaded` is set: the schema is
    prepared on the start thread from then on, beside the rest of the import."""
    import gc

    gc.disable()
    try:
        try:
            import app.db.engine
            import app.models
        finally:
            models_loaded.set()
        from app.deferred_models import import_fastapi_deferred

        import_fastapi_deferred()  # its OpenAPI models built when a document is first written
        import uvicorn  # noqa: F401

        import app.main  # noqa: F401
    finally:
        gc.freeze()
        gc.enable()
    log.info("app imported", extra={"event": "serve.imported"})


@click.command()
@click.option("--host", default=None, help="Listen address  [default: ILONET_HOST or 127.0.0.1]")
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=None,
    help="Port  [default: ILONET_PORT or 8000]",
)
@data_dir_option
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes  [default: ILONET_WORKERS or 1]",
)
@click.option(
    "--migrate/--no-migrate",
    default=None,
    help="Apply pending migrations first  [default: yes when embedded, no with DATABASE_URL]",
)
def serve(
    host: str | None,
    port: int | None,
    data_dir: Path | None,
    workers: int | None,
    migrate: bool | None,
) -> int:
    """Run the API (embedded PostgreSQL unless DATABASE_URL is set); Ctrl-C stops it cleanly."""
    configure_logging()
    settings = _settings(data_dir, host=host, port=port)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    workers = workers or settings.workers
    if workers > 1 and settings.metrics_port is not None:
        # Each process keeps its own counters: N workers cannot share one metrics port.
        raise refused(
            "ILONET_METRICS_PORT serves the metrics of one process: with it, run one worker per "
            "instance (several instances behind the load balancer), or leave it unset.",
            USAGE,
        )
    previous = {sig: signal.signal(sig, _raise_shutdown) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        models_loaded = threading.Event()
        with database(
            settings,
            own_running=True,
            meanwhile=partial(_import_server, models_loaded),
            prepare=partial(
                _prepare_schema,
                apply=_migrate_on_start(migrate, settings),
                after=models_loaded,
            ),
        ) as owner_url:
            import uvicorn

            from app.db.engine import app_url
            from app.http_limits import REQUEST_LINE_BYTES
            from app.main import create_app

            app_database_url = app_url(settings, owner_url)
            options: dict[str, Any] = {
                "host": settings.host,
                "port": settings.port,
                "log_config": None,
                "access_log": False,
                "server_header": False,
                "loop": "uvloop",
                # httptools, answering 431 to a request head far above ILONET_MAX_HEADER_BYTES
                "http": "app.http_limits:BoundedHttpToolsProtocol",
                "h11_max_incomplete_event_size": settings.max_header_bytes + REQUEST_LINE_BYTES,
                # no WebSocket route: an Upgrade request is served as plain HTTP, and uvicorn
                # does not import a WebSocket implementation at start
                "ws": "none",
            }
            log.info("serving on http://%s:%s", settings.host, settings.port)
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
    return OK


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


@click.command(context_settings={"ignore_unknown_options": True})
@click.argument("revision", default="head")
@click.option("--downgrade", is_flag=True, help="Go down to REVISION (also implied by -N)")
@data_dir_option
def migrate(revision: str, downgrade: bool, data_dir: Path | None) -> int:
    """Apply migrations up to REVISION (default head) as the database owner; -1 goes one down.

    Runs under the migration lock: concurrent runs queue."""
    from app.db import migrate as migrations

    configure_logging()
    settings = _settings(data_dir)
    with database(settings) as owner_url:
        if revision.startswith("-") or downgrade:
            migrations.downgrade(owner_url, revision)
        else:
            migrations.upgrade(owner_url, revision)
    click.echo(f"migrated to {revision}")
    return OK


@click.command()
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("openapi/openapi.json"),
    show_default=True,
    help="File to write",
)
def openapi(output: Path) -> int:
    """Write the OpenAPI document."""
    from app.main import create_app

    schema = create_app(_settings()).openapi()
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    click.echo(f"wrote {output}")
    return OK
