"""Envelope encryption of personal data at rest (AES-256-GCM).

Each record gets its own data key; the data key is stored wrapped by the key-encryption key
(KEK) from settings, with the KEK's id so keys can be rotated. Erasure destroys the wrapped data
key and the ciphertext (crypto-shredding): without the data key the KEK alone decrypts nothing.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_NONCE = 12


@dataclass(frozen=True, slots=True)
class Sealed:
    ciphertext: bytes
    wrapped_key: bytes
    kek_id: str


def seal(payload: dict[str, Any], *, kek: bytes, kek_id: str, context: bytes) -> Sealed:
    """Encrypt a JSON payload under a fresh data key; `context` binds it to its record."""
    data_key = AESGCM.generate_key(bit_length=256)
    nonce = os.urandom(_NONCE)
    plaintext = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
    ciphertext = nonce + AESGCM(data_key).encrypt(nonce, plaintext, context)
    key_nonce = os.urandom(_NONCE)
    wrapped = key_nonce + AESGCM(kek).encrypt(key_nonce, data_key, kek_id.encode() + context)
    return Sealed(ciphertext=ciphertext, wrapped_key=wrapped, kek_id=kek_id)


def open_sealed(
    ciphertext: bytes, wrapped_key: bytes, *, kek: bytes, kek_id: str, context: bytes
) -> dict[str, Any]:
    """Decrypt; raises cryptography's InvalidTag when anything does not match."""
    data_key = AESGCM(kek).decrypt(
        wrapped_key[:_NONCE], wrapped_key[_NONCE:], kek_id.encode() + context
    )
    plaintext = AESGCM(data_key).decrypt(ciphertext[:_NONCE], ciphertext[_NONCE:], context)
    value: dict[str, Any] = json.loads(plaintext)
    return value


def rewrap(
    wrapped_key: bytes,
    *,
    old_kek: bytes,
    old_kek_id: str,
    new_kek: bytes,
    new_kek_id: str,
    context: bytes,
) -> bytes:
    """The same data key wrapped under another KEK (KEK rotation): the ciphertext is untouched,
    so nothing but the wrapped key and its KEK id change. Raises InvalidTag on a wrong KEK."""
    data_key = AESGCM(old_kek).decrypt(
        wrapped_key[:_NONCE], wrapped_key[_NONCE:], old_kek_id.encode() + context
    )
    key_nonce = os.urandom(_NONCE)
    return key_nonce + AESGCM(new_kek).encrypt(key_nonce, data_key, new_kek_id.encode() + context)
