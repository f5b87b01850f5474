"""`ilonet sweep` and `ilonet audit verify`: the maintenance a running server also does, run by
hand beside it (its embedded PostgreSQL is left running)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from app.cli.common import (
    FAILED,
    OK,
    configure_logging,
    data_dir_option,
    database,
    run_async,
    stderr_console,
)
from app.cli.common import settings_for as _settings

if TYPE_CHECKING:
    from app.config import Settings


async def verify_audit(
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


@click.group()
def audit() -> None:
    """Audit log tools."""


@audit.command()
@click.option(
    "--incremental",
    is_flag=True,
    help="Start from the latest checkpoint (whose seal must still hold its hash)",
)
@data_dir_option
def verify(incremental: bool, data_dir: Path | None) -> int:
    """Seal pending audit events and verify the hash chain; exit 1 names the first broken link."""
    from app.db.engine import app_url

    configure_logging()
    settings = _settings(data_dir)
    with database(settings) as owner_url:
        url = app_url(settings, owner_url)
        result = run_async(verify_audit(url, settings, incremental=incremental))
    click.echo(json.dumps(result, indent=2))
    return OK if result["valid"] else FAILED


async def sweep_all(app_database_url: str, settings: Settings) -> dict[str, int]:
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


def run_sweep(settings: Settings) -> dict[str, int]:
    """Sweep until nothing is left past retention; what was erased."""
    from app.db.engine import app_url

    with database(settings) as owner_url:
        totals: dict[str, int] = run_async(sweep_all(app_url(settings, owner_url), settings))
    return totals


@click.command()
@data_dir_option
def sweep(data_dir: Path | None) -> int:
    """Erase now what is past retention (records past retain_until, officers' contact details
    after their last deployment); idempotent."""
    configure_logging()
    with stderr_console().status("erasing what is past retention"):
        totals = run_sweep(_settings(data_dir))
    click.echo(json.dumps(totals))
    return OK
