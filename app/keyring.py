"""Secret material: the cursor-signing secret and the key-encryption key (KEK).

Production takes both from settings and refuses to start without them; development and tests
create them once in the data directory.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from pathlib import Path

from app.config import Settings


@dataclass(frozen=True, slots=True)
class Keyring:
    secret_key: bytes
    kek: bytes
    kek_id: str


def _dev_secret(path: Path, size: int) -> bytes:
    if path.exists():
        return base64.b64decode(path.read_text().strip())
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_bytes(size)
    path.touch(mode=0o600)
    path.write_text(base64.b64encode(value).decode())
    return value


def load_keyring(settings: Settings) -> Keyring:
    if settings.production and (not settings.secret_key or not settings.kek):
        raise RuntimeError("Production needs ILONET_SECRET_KEY and ILONET_KEK (base64, 32 bytes).")
    secret = (
        settings.secret_key.encode()
        if settings.secret_key
        else _dev_secret(settings.data_dir / "dev-secret-key", 32)
    )
    kek = (
        base64.b64decode(settings.kek)
        if settings.kek
        else _dev_secret(settings.data_dir / "dev-kek", 32)
    )
    if len(kek) != 32:
        raise RuntimeError("ILONET_KEK must be 32 bytes, base64-encoded (AES-256).")
    return Keyring(secret_key=secret, kek=kek, kek_id=settings.kek_id)
