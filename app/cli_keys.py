"""`ilonet keys rotate`: re-wrap every data key under the active KEK (app/db/rekey.py)."""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path
from typing import Any

from app.config import Settings


async def rotate_keys(
    app_database_url: str, settings: Settings, *, batch_size: int
) -> dict[str, Any]:
    from app.db import rekey
    from app.db.engine import make_engine, make_sessionmaker
    from app.keyring import load_keyring
    from app.progress import ProgressBar

    keyring = load_keyring(settings)
    engine = make_engine(app_database_url, pool_size=1, settings=settings)
    try:
        maker = make_sessionmaker(engine)
        async with maker() as session:
            total = sum((await rekey.remaining(session, keyring)).values())
        bar = ProgressBar(total, f"re-wrapping data keys under {keyring.kek_id}")
        try:
            done = await rekey.rotate(maker, keyring, batch_size=batch_size, progress=bar.advance)
        finally:
            bar.close()
        async with maker() as session:
            left = await rekey.remaining(session, keyring)
    finally:
        await engine.dispose()
    return {"kek_id": keyring.kek_id, "rewrapped": done, "remaining": left}


def cmd_keys_rotate(args: argparse.Namespace, settings: Settings) -> int:
    from app.cli import database
    from app.db.engine import app_url

    with database(settings) as owner_url:
        result = asyncio.run(
            rotate_keys(app_url(settings, owner_url), settings, batch_size=args.batch_size)
        )
    print(json.dumps(result, indent=2))
    return 0 if not any(result["remaining"].values()) else 1


def add_parsers(sub: Any) -> None:
    keys = sub.add_parser("keys", help="key operations")
    keys_sub = keys.add_subparsers(dest="keys_command", required=True)
    rotate = keys_sub.add_parser(
        "rotate",
        help="re-wrap every data key under the active KEK (ILONET_KEK_ID); resumable, "
        "idempotent, safe beside a running server",
    )
    rotate.add_argument("--batch-size", type=int, default=200)
    rotate.add_argument("--data-dir", type=Path, default=None)
    rotate.set_defaults(func=cmd_keys_rotate)
