"""Signed checkpoints: the chain's (sequence, MAC) at a moment, signed with Ed25519, kept outside the database.

One JSON file per checkpoint in AUDIT_CHECKPOINT_DIR, named checkpoint-<sequence, 12 digits>.json:

    {"version": 1, "sequence": N, "mac": "<hex MAC of event N>", "created_at": "<ISO 8601, UTC>",
     "key_id": "<first 16 hex of SHA-256 of the public key>", "signature": "<URL-safe base64>"}

The signature covers "prevent-audit-checkpoint\\n" followed by the canonical JSON (sorted keys,
no spaces, ASCII) of every field except "signature". Only AUDIT_CHECKPOINT_PUBLIC_KEY is needed
to verify; the signing key stays on the host that writes them (docs/audit.md).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from core.keys import load_key
from encryption.signing import ed25519_public_key, ed25519_sign, ed25519_verify

FORMAT_VERSION = 1
_CONTEXT = b"prevent-audit-checkpoint\n"
_NAME = re.compile(r"^checkpoint-(\d{12})\.json$")
_GLOB = "checkpoint-*.json"
_MAC = re.compile(r"^[0-9a-f]{64}$")
_dumps = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode


class CheckpointError(Exception):
    """A checkpoint cannot be written, read or trusted; the message is one line naming the file."""


class NothingToAnchor(CheckpointError):
    """The chain is empty, or its last event has a checkpoint already: nothing new to sign."""


@dataclass(frozen=True)
class Checkpoint:
    version: int
    sequence: int
    mac: str
    created_at: str
    key_id: str
    signature: str = ""

    @property
    def file_name(self) -> str:
        return file_name(self.sequence)

    def signed_bytes(self) -> bytes:
        fields = {name: value for name, value in asdict(self).items() if name != "signature"}
        return _CONTEXT + _dumps(fields).encode("ascii")

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"


def file_name(sequence: int) -> str:
    """Names sort by sequence: twelve digits last until a trillion events."""
    return f"checkpoint-{sequence:012d}.json"


@lru_cache(maxsize=4)
def _key(setting_value: str, name: str) -> bytes:
    return load_key(setting_value, name)


def key_id(public_key: bytes) -> str:
    return hashlib.sha256(public_key).hexdigest()[:16]


def public_key() -> bytes:
    """The verifying key (AUDIT_CHECKPOINT_PUBLIC_KEY): all a verifier needs."""
    return _key(settings.AUDIT_CHECKPOINT_PUBLIC_KEY, "AUDIT_CHECKPOINT_PUBLIC_KEY")


def checkpoint_sign(*, sequence: int, mac: str, created_at: str) -> Checkpoint:
    """A checkpoint of event `sequence` signed with AUDIT_CHECKPOINT_SIGNING_KEY."""
    seed = _key(settings.AUDIT_CHECKPOINT_SIGNING_KEY, "AUDIT_CHECKPOINT_SIGNING_KEY")
    unsigned = Checkpoint(FORMAT_VERSION, sequence, mac, created_at, key_id(ed25519_public_key(seed)))
    signature = base64.urlsafe_b64encode(ed25519_sign(seed, unsigned.signed_bytes())).decode("ascii")
    checkpoint = Checkpoint(**{**asdict(unsigned), "signature": signature})
    # A signing key that does not match the published public key would write checkpoints nobody can verify.
    checkpoint_check(checkpoint, checkpoint.file_name, public_key())
    return checkpoint


def checkpoint_write(checkpoint: Checkpoint, folder: Path) -> Path:
    """Write the file atomically (temporary file, then a hard link that fails if the name exists): never overwrites."""
    folder.mkdir(mode=0o750, parents=True, exist_ok=True)
    target = folder / checkpoint.file_name
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".checkpoint-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="ascii") as stream:
            stream.write(checkpoint.to_json())
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o444)  # noqa: PTH101 - on the descriptor's path, before it gets its name
        try:
            os.link(temporary, target)
        except FileExistsError as exc:
            raise NothingToAnchor(f"{target.name} exists already (no event since); it is never overwritten.") from exc
    finally:
        Path(temporary).unlink(missing_ok=True)
    return target


def _parse(text: str, name: str) -> Checkpoint:
    try:
        data = json.loads(text)
        checkpoint = Checkpoint(**data)
    # ValueError: not JSON, or an integer of 5,000 digits; RecursionError: brackets nested 100,000 deep.
    except (ValueError, TypeError, RecursionError) as exc:
        raise CheckpointError(
            f"checkpoint {name} is not a checkpoint file (unreadable JSON or unknown fields)."
        ) from exc
    kinds = (int, int, str, str, str, str)
    values = (checkpoint.version, checkpoint.sequence, checkpoint.mac, checkpoint.created_at, checkpoint.key_id)
    if not all(type(value) is kind for value, kind in zip((*values, checkpoint.signature), kinds, strict=True)):
        raise CheckpointError(f"checkpoint {name} has a field of the wrong type.")
    return checkpoint


def checkpoint_check(checkpoint: Checkpoint, name: str, public: bytes) -> None:
    """Raise CheckpointError unless the checkpoint is well formed, named for its sequence and signed by `public`."""
    if checkpoint.version != FORMAT_VERSION or checkpoint.sequence < 1 or not _MAC.match(checkpoint.mac):
        raise CheckpointError(f"checkpoint {name} is not in format version {FORMAT_VERSION}.")
    if name != checkpoint.file_name:
        raise CheckpointError(f"checkpoint {name} holds sequence {checkpoint.sequence}: it has been renamed.")
    if checkpoint.key_id != key_id(public):
        raise CheckpointError(
            f"checkpoint {name} is signed by another key (key id {checkpoint.key_id}), not AUDIT_CHECKPOINT_PUBLIC_KEY."
        )
    try:
        signature = base64.urlsafe_b64decode(checkpoint.signature.encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError):
        signature = b""
    if not ed25519_verify(public, checkpoint.signed_bytes(), signature):
        raise CheckpointError(f"checkpoint {name} has a bad signature: its content or signature has been changed.")


def checkpoints_load(folder: Path) -> list[Checkpoint]:
    """Every checkpoint in the folder, verified, in sequence order; CheckpointError names the first bad file."""
    paths = sorted(folder.glob(_GLOB)) if folder.is_dir() else []
    if not paths:
        return []
    public = public_key()
    loaded = []
    for path in paths:
        if not _NAME.match(path.name):
            raise CheckpointError(f"checkpoint {path.name} is not named checkpoint-<12 digits>.json.")
        try:
            text = path.read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as exc:
            raise CheckpointError(f"checkpoint {path.name} cannot be read.") from exc
        checkpoint = _parse(text, path.name)
        checkpoint_check(checkpoint, path.name, public)
        loaded.append(checkpoint)
    return loaded


def checkpoint_newest(folder: Path) -> Checkpoint | None:
    """The newest checkpoint file alone (names sort by sequence), verified: cheap enough for a health check."""
    paths = sorted(path for path in folder.glob(_GLOB) if _NAME.match(path.name)) if folder.is_dir() else []
    if not paths:
        return None
    try:
        text = paths[-1].read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise CheckpointError(f"checkpoint {paths[-1].name} cannot be read.") from exc
    checkpoint = _parse(text, paths[-1].name)
    checkpoint_check(checkpoint, paths[-1].name, public_key())
    return checkpoint


def checkpoint_latest(folder: Path) -> Checkpoint | None:
    """The newest checkpoint (highest sequence), verified, or None when the folder holds none."""
    loaded = checkpoints_load(folder)
    return loaded[-1] if loaded else None
