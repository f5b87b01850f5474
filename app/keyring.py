"""Secret material: the cursor-signing secret and the key-encryption keys (KEKs).

Production takes both from settings and refuses to start without them; development and tests
create them once in the data directory (atomically: `create_once`).

Several KEKs may be configured by id (`ILONET_KEKS`, a JSON object id → base64 key) with one of
them active (`ILONET_KEK_ID`): new data keys are wrapped under the active KEK, and a data key
wrapped under any configured KEK still opens, so an old KEK stays listed until
`ilonet keys rotate` has re-wrapped every data key under the active one.
"""

from __future__ import annotations

import base64
import contextlib
import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.config import Settings

KEK_BYTES = 32


@dataclass(frozen=True, slots=True)
class Keyring:
    secret_key: bytes
    kek: bytes  # the active KEK: new data keys are wrapped under it
    kek_id: str
    keks: Mapping[str, bytes] = field(default_factory=dict)  # every KEK that still opens

    def kek_for(self, kek_id: str) -> bytes:
        """The KEK a data key was wrapped under (by the id stored beside it)."""
        if kek_id == self.kek_id:
            return self.kek
        try:
            return self.keks[kek_id]
        except KeyError:
            raise RuntimeError(
                f"No KEK with id {kek_id!r} is configured (ILONET_KEKS): keep it until "
                "`ilonet keys rotate` has re-wrapped its data keys."
            ) from None


def create_once(path: Path, make: Callable[[], bytes]) -> bytes:
    """The file's content, made by `make` and written only if the file does not exist yet.

    Several processes may race to create it: each writes a private temporary file and links it
    into place (link(2) fails if the name exists, and the name never shows a partial file), so
    exactly one content wins and every process returns that one.
    """
    if path.exists():
        return path.read_bytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    content = make()
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(8)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):  # another process won: its key is the one
            os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path.read_bytes()


def _dev_secret(path: Path, size: int) -> bytes:
    encoded = create_once(path, lambda: base64.b64encode(secrets.token_bytes(size)))
    return base64.b64decode(encoded.decode().strip())


def _decode_kek(kek_id: str, value: str) -> bytes:
    key = base64.b64decode(value)
    if len(key) != KEK_BYTES:
        raise RuntimeError(f"KEK {kek_id!r} must be {KEK_BYTES} bytes, base64-encoded (AES-256).")
    return key


def load_keyring(settings: Settings) -> Keyring:
    configured = {kid: _decode_kek(kid, value) for kid, value in settings.keks.items()}
    if settings.kek:
        configured[settings.kek_id] = _decode_kek(settings.kek_id, settings.kek)
    if settings.production and (not settings.secret_key or not configured):
        raise RuntimeError(
            "Production needs ILONET_SECRET_KEY and ILONET_KEK or ILONET_KEKS (base64, 32 bytes)."
        )
    secret = (
        settings.secret_key.encode()
        if settings.secret_key
        else _dev_secret(settings.data_dir / "dev-secret-key", 32)
    )
    if not configured:
        configured[settings.kek_id] = _dev_secret(settings.data_dir / "dev-kek", KEK_BYTES)
    if settings.kek_id not in configured:
        raise RuntimeError(
            f"The active KEK id ILONET_KEK_ID={settings.kek_id!r} is not among the configured "
            f"KEKs ({', '.join(sorted(configured))})."
        )
    return Keyring(
        secret_key=secret,
        kek=configured[settings.kek_id],
        kek_id=settings.kek_id,
        keks=MappingProxyType(configured),
    )
