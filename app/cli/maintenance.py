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
    app_database_url: str, settings: Settings, *, incremental: bool = False, leaves: bool = False
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
            if leaves:
                result = await audit.verify_leaves(session)
                return {"mode": "leaves", **result.as_dict()}
            # A valid verification records a checkpoint; --incremental starts from the latest.
            result = await audit.verify(session, incremental=incremental)
            return {"mode": "recompute", **result.as_dict()}
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
@click.option(
    "--leaves",
    is_flag=True,
    help="Fast: recompute the Merkle tree from its stored leaf hashes, without re-encoding the "
    "events or walking the chain (trusts each stored leaf hash to be its event's)",
)
@data_dir_option
def verify(incremental: bool, leaves: bool, data_dir: Path | None) -> int:
    """Seal pending audit events and verify the hash chain and the Merkle tree, every leaf
    recomputed from its event; exit 1 names the first broken link."""
    from app.db.engine import app_url

    if incremental and leaves:
        raise click.UsageError("--leaves verifies the whole tree; --incremental walks the chain")
    configure_logging()
    settings = _settings(data_dir)
    with database(settings) as owner_url:
        url = app_url(settings, owner_url)
        result = run_async(verify_audit(url, settings, incremental=incremental, leaves=leaves))
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
