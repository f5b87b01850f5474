"""Secret files of a fresh data dir are created once, atomically: processes that start together
(parallel `ilonet token` runs) end up with one signing key, and every token they mint verifies."""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any

from app.config import Settings
from app.dev_issuer import DEV_ISSUER
from app.keyring import create_once, load_keyring
from app.security import verify_token
from app.tokens import load_or_create_dev_key, mint_token

PROCESSES = 6


def _mint(data_dir: str, barrier: Any, queue: Any) -> None:
    settings = Settings(env="development", data_dir=Path(data_dir))
    barrier.wait()  # every process reaches the empty data dir at the same moment
    pem = load_or_create_dev_key(settings)
    keyring = load_keyring(settings)
    token = mint_token(private_pem=pem, issuer=DEV_ISSUER, sub="dev", org="NL", roles=["dpo"])
    queue.put((token, keyring.kek, keyring.secret_key))


def test_parallel_minting_on_a_fresh_data_dir_creates_one_key_and_every_token_verifies(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "fresh"
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(PROCESSES)
    queue = context.Queue()
    workers = [
        context.Process(target=_mint, args=(str(data_dir), barrier, queue))
        for _ in range(PROCESSES)
    ]
    for worker in workers:
        worker.start()
    results = [queue.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    settings = Settings(env="development", data_dir=data_dir)
    for token, _, _ in results:
        assert verify_token(token, settings).sub == "dev"
    assert len({kek for _, kek, _ in results}) == 1  # one KEK, or records would be unreadable
    assert len({secret for _, _, secret in results}) == 1
    # no temporary file is left behind, and the key is private to its owner
    assert sorted(p.name for p in data_dir.iterdir()) == [
        "dev-jwt-key.pem",
        "dev-jwt-key.pub.pem",
        "dev-kek",
        "dev-secret-key",
    ]
    assert (data_dir / "dev-jwt-key.pem").stat().st_mode & 0o077 == 0


def test_create_once_keeps_the_first_content(tmp_path: Path) -> None:
    path = tmp_path / "secret"
    assert create_once(path, lambda: b"first") == b"first"
    assert create_once(path, lambda: b"second") == b"first"
