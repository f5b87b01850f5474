"""`ilonet keys rotate`: re-wrap every data key under the active KEK (app/db/rekey.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from app.cli.common import (
    FAILED,
    OK,
    configure_logging,
    data_dir_option,
    database,
    progress,
    run_async,
)
from app.cli.common import settings_for as _settings

if TYPE_CHECKING:
    from app.config import Settings


async def rotate_keys(
    app_database_url: str, settings: Settings, *, batch_size: int
) -> dict[str, Any]:
    from app.db import rekey
    from app.db.engine import make_engine, make_sessionmaker
    from app.keyring import load_keyring

    keyring = load_keyring(settings)
    engine = make_engine(app_database_url, pool_size=1, settings=settings)
    try:
        maker = make_sessionmaker(engine)
        async with maker() as session:
            total = sum((await rekey.remaining(session, keyring)).values())
        with progress(total, f"re-wrapping data keys under {keyring.kek_id}") as advance:
            done = await rekey.rotate(maker, keyring, batch_size=batch_size, progress=advance)
        async with maker() as session:
            left = await rekey.remaining(session, keyring)
    finally:
        await engine.dispose()
    return {"kek_id": keyring.kek_id, "rewrapped": done, "remaining": left}


@click.group()
def keys() -> None:
    """Key operations."""


@keys.command()
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=200,
    show_default=True,
    help="Rows re-wrapped per transaction",
)
@data_dir_option
def rotate(batch_size: int, data_dir: Path | None) -> int:
    """Re-wrap every data key under the active KEK (ILONET_KEK_ID); resumable, idempotent, safe
    beside a running server. Exit 1 while data keys under another KEK are left."""
    from app.db.engine import app_url

    configure_logging()
    settings = _settings(data_dir)
    with database(settings) as owner_url:
        result = run_async(
            rotate_keys(app_url(settings, owner_url), settings, batch_size=batch_size)
        )
    click.echo(json.dumps(result, indent=2))
    return OK if not any(result["remaining"].values()) else FAILED
