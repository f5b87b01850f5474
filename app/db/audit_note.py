"""Checkpoints as C2SP signed notes: the log's Ed25519 signature and witnesses' cosignatures.

Pure (no database): the offline verifier and the witness command use it as the server does.
- A checkpoint (C2SP tlog-checkpoint) is the note body "<origin>\\n<size>\\n<base64 root>\\n".
- A note (C2SP signed-note) is the body, a blank line and signature lines
  "— <name> <base64(key id || signature)>"; an Ed25519 key's id is the first four bytes of
  SHA-256(name || "\\n" || 0x01 || public key).
- A cosignature (C2SP tlog-cosignature, cosignature/v1, key type 0x04) signs
  "cosignature/v1\\ntime <t>\\n" + the body; its signature is the 8-byte time, then Ed25519.
- Keys are written as the Go note package writes them: verifier "<name>+<hex id>+<base64(type
  || public key)>", signer "PRIVATE+KEY+<name>+<hex id>+<base64(type || seed)>".
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ED25519 = 0x01
COSIGNATURE_V1 = 0x04
DASH = "\u2014"
_NAME = re.compile(r"^[^\s+]+$")
_RAW = serialization.Encoding.Raw


class NoteError(ValueError):
    """A note, checkpoint or key that cannot be read or does not verify."""


@dataclass(frozen=True, slots=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    body: str

    @classmethod
    def make(cls, origin: str, size: int, root: bytes) -> Checkpoint:
        if not _NAME.match(origin) or len(root) != 32 or size < 0:
            raise NoteError("a checkpoint needs an origin without spaces, a size, a 32-byte root")
        body = f"{origin}\n{size}\n{base64.b64encode(root).decode()}\n"
        return cls(origin, size, root, body)

    @classmethod
    def parse(cls, body: str) -> Checkpoint:
        lines = body.split("\n")
        if len(lines) < 4 or lines[-1] != "" or not lines[1].isdigit():
            raise NoteError("not a checkpoint body (origin, size, root hash lines)")
        if lines[1] != str(int(lines[1])):
            raise NoteError("a checkpoint size has no leading zeros")
        try:
            root = base64.b64decode(lines[2], validate=True)
        except binascii.Error:
            raise NoteError("the checkpoint's root hash is not base64") from None
        if len(root) != 32:
            raise NoteError("the checkpoint's root hash is not 32 bytes")
        return cls(lines[0], int(lines[1]), root, body)


@dataclass(frozen=True, slots=True)
class Signature:
    name: str
    key_id: bytes
    signature: bytes

    def line(self) -> str:
        encoded = base64.b64encode(self.key_id + self.signature).decode()
        return f"{DASH} {self.name} {encoded}\n"


@dataclass(frozen=True, slots=True)
class Verifier:
    name: str
    kind: int
    public: bytes

    @property
    def key_id(self) -> bytes:
        return key_id(self.name, self.kind, self.public)

    def vkey(self) -> str:
        encoded = base64.b64encode(bytes([self.kind]) + self.public).decode()
        return f"{self.name}+{self.key_id.hex()}+{encoded}"

    def verifies(self, body: str, signature: Signature) -> bool:
        """Whether the signature is this key's over the note body (a cosignature: over the
        cosigned message, with the time it names)."""
        if signature.name != self.name or signature.key_id != self.key_id:
            return False
        message, raw = body.encode(), signature.signature
        if self.kind == COSIGNATURE_V1:
            if len(raw) != 72:
                return False
            message, raw = _cosigned(struct.unpack(">Q", raw[:8])[0], body), raw[8:]
        try:
            Ed25519PublicKey.from_public_bytes(self.public).verify(raw, message)
        except (InvalidSignature, ValueError):
            return False
        return True


@dataclass(frozen=True, slots=True)
class Signer:
    name: str
    kind: int
    private: Ed25519PrivateKey

    @property
    def verifier(self) -> Verifier:
        return Verifier(
            self.name,
            self.kind,
            self.private.public_key().public_bytes(_RAW, serialization.PublicFormat.Raw),
        )

    def skey(self) -> str:
        seed = self.private.private_bytes(_RAW, serialization.PrivateFormat.Raw, _NO_ENCRYPTION)
        encoded = base64.b64encode(bytes([self.kind]) + seed).decode()
        return f"PRIVATE+KEY+{self.name}+{self.verifier.key_id.hex()}+{encoded}"

    def sign(self, body: str, *, timestamp: int | None = None) -> Signature:
        """The log's signature (Ed25519), or a cosignature at `timestamp` (cosignature/v1)."""
        if self.kind == COSIGNATURE_V1:
            if timestamp is None:
                raise NoteError("a cosignature needs the time it is made")
            raw = struct.pack(">Q", timestamp) + self.private.sign(_cosigned(timestamp, body))
        else:
            raw = self.private.sign(body.encode())
        return Signature(self.name, self.verifier.key_id, raw)


_NO_ENCRYPTION = serialization.NoEncryption()


def _cosigned(timestamp: int, body: str) -> bytes:
    return f"cosignature/v1\ntime {timestamp}\n".encode() + body.encode()


def key_id(name: str, kind: int, public: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([kind]) + public).digest()[:4]


def generate(name: str, kind: int = ED25519) -> Signer:
    if not _NAME.match(name):
        raise NoteError("a key name has no spaces and no '+'")
    return Signer(name, kind, Ed25519PrivateKey.generate())


def _fields(text: str, count: int) -> list[str]:
    parts = text.strip().split("+", count - 1)  # base64 may hold "+"
    if len(parts) != count:
        raise NoteError("not a key in the note format")
    return parts


def _typed(name: str, hex_id: str, encoded: str) -> tuple[int, bytes]:
    try:
        raw = base64.b64decode(encoded, validate=True)
    except binascii.Error:
        raise NoteError("the key is not base64") from None
    if len(raw) != 33 or raw[0] not in (ED25519, COSIGNATURE_V1):
        raise NoteError("only Ed25519 keys (types 0x01 and 0x04) are read")
    return raw[0], raw[1:]


def parse_verifier(text: str) -> Verifier:
    name, hex_id, encoded = _fields(text, 3)
    kind, public = _typed(name, hex_id, encoded)
    verifier = Verifier(name, kind, public)
    if verifier.key_id.hex() != hex_id.lower():
        raise NoteError(f"the key id of {name} does not match its key")
    return verifier


def parse_signer(text: str) -> Signer:
    private, key, name, hex_id, encoded = _fields(text, 5)
    if (private, key) != ("PRIVATE", "KEY"):
        raise NoteError("not a private key in the note format")
    kind, seed = _typed(name, hex_id, encoded)
    signer = Signer(name, kind, Ed25519PrivateKey.from_private_bytes(seed))
    if signer.verifier.key_id.hex() != hex_id.lower():
        raise NoteError(f"the key id of {name} does not match its key")
    return signer


def note(body: str, signatures: list[Signature]) -> str:
    return body + "\n" + "".join(s.line() for s in signatures)


def split(text: str) -> tuple[str, list[Signature]]:
    """The body and signature lines of a note (unreadable signature lines are an error)."""
    body, separator, rest = text.rpartition("\n\n")
    if not separator or not rest.endswith("\n"):
        raise NoteError("not a signed note (a body, a blank line, signature lines)")
    signatures = []
    for line in rest[:-1].split("\n"):
        dash, _, tail = line.partition(" ")
        name, _, encoded = tail.partition(" ")
        if dash != DASH or not name or not encoded:
            raise NoteError("a signature line is '— <name> <base64 signature>'")
        try:
            raw = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            raise NoteError("a signature is not base64") from None
        if len(raw) < 5:
            raise NoteError("a signature is too short")
        signatures.append(Signature(name, raw[:4], raw[4:]))
    return body + "\n", signatures


def merge(texts: list[str]) -> str:
    """One note carrying every signature of several notes of the same body (a checkpoint
    fetched from the log, the same with each witness's cosignature)."""
    bodies = {split(t)[0] for t in texts}
    if len(bodies) != 1:
        raise NoteError("the notes sign different checkpoints")
    seen: dict[str, Signature] = {}
    for text in texts:
        for signature in split(text)[1]:
            seen.setdefault(signature.line(), signature)
    return note(bodies.pop(), list(seen.values()))


def signed_by(text: str, verifier: Verifier) -> Checkpoint:
    """The checkpoint of a note that this key signed; NoteError otherwise."""
    body, signatures = split(text)
    if not any(verifier.verifies(body, s) for s in signatures):
        raise NoteError(f"the checkpoint is not signed by {verifier.name}")
    return Checkpoint.parse(body)


def cosigners(text: str, witnesses: list[Verifier]) -> list[str]:
    """The names of the witnesses whose valid cosignature the note carries."""
    body, signatures = split(text)
    return [w.name for w in witnesses if any(w.verifies(body, s) for s in signatures)]
