"""Encrypted attachment files: streamed in 64 KiB chunks, each one authenticated, names random.

Files live under `ENCRYPTION_FILE_ROOT`, named by a random file id (the reference the
caller stores), never by the original name. Layout of one file:

    preamble  magic "PVEF" | version(1) | data key id(16) | file id(16) | nonce prefix(8)
    header    length(4, big-endian) | AES-GCM(JSON {"filename", "content_type"})
    chunks    AES-GCM(plaintext chunk i), 64 KiB + 16-byte tag each, the last one shorter

Nonces are the per-file random prefix followed by a 4-byte counter (the header uses
0xFFFFFFFF, chunk i uses i). The associated data of chunk i is the preamble, i and a
final-chunk flag, so a truncated, extended or reordered file, or one flipped byte, raises
`DecryptionError`. The data key is the case's, so shredding the case shreds its files.
Memory stays at a few chunks whatever the file size.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from django.conf import settings

from .datakeys import case_key
from .exceptions import DecryptionError, EncryptionError
from .models import DataKey

CHUNK_SIZE = 64 * 1024
_TAG = 16
MAGIC = b"PVEF"
VERSION = 1
_PREAMBLE = len(MAGIC) + 1 + 16 + 16 + 8
_HEADER_COUNTER = b"\xff\xff\xff\xff"
_MAX_HEADER = 16 * 1024
_MAX_CHUNKS = 0xFFFFFFFF
_REF = re.compile(r"^[0-9a-f]{32}$")


def encrypted_file_save(*, data_key: DataKey, fileobj: BinaryIO, filename: str, content_type: str) -> str:
    """Encrypt a stream to a new file and return its reference; the original name is only inside."""
    cipher = case_key(data_key.pk, data_key=data_key).aead
    file_id = uuid.uuid4()
    prefix = os.urandom(8)
    preamble = MAGIC + bytes([VERSION]) + data_key.pk.bytes + file_id.bytes + prefix
    meta = json.dumps({"filename": filename, "content_type": content_type}, ensure_ascii=False).encode()
    header = cipher.encrypt(prefix + _HEADER_COUNTER, meta, preamble + b"header")
    path = _path(file_id.hex)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    # Written under a temporary name and renamed: a crash never leaves a reference to half a file.
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(preamble + len(header).to_bytes(4, "big") + header)
            _write_chunks(out, fileobj, cipher, preamble, prefix)
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return file_id.hex


def _write_chunks(out: BinaryIO, source: BinaryIO, cipher: object, preamble: bytes, prefix: bytes) -> None:
    index = 0
    current = _read_full(source, CHUNK_SIZE)
    while True:
        following = _read_full(source, CHUNK_SIZE) if len(current) == CHUNK_SIZE else b""
        final = not following
        nonce = prefix + index.to_bytes(4, "big")
        out.write(cipher.encrypt(nonce, current, _chunk_aad(preamble, index, final=final)))
        if final:
            return
        index += 1
        if index >= _MAX_CHUNKS:
            raise EncryptionError("The file is too large for one encrypted file.")
        current = following


class EncryptedFile:
    """An open encrypted file: metadata decrypted on open, content streamed by iteration."""

    def __init__(self, *, handle: BinaryIO, cipher: object, preamble: bytes, filename: str, content_type: str) -> None:
        self._handle = handle
        self._cipher = cipher
        self._preamble = preamble
        self.filename = filename
        self.content_type = content_type

    def __enter__(self) -> EncryptedFile:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._handle.close()

    def __iter__(self) -> Iterator[bytes]:
        """Yield the plaintext chunk by chunk; raise DecryptionError at the first bad, missing or extra chunk."""
        prefix = self._preamble[-8:]
        step = CHUNK_SIZE + _TAG
        try:
            index = 0
            current = _read_full(self._handle, step)
            while True:
                following = _read_full(self._handle, step) if len(current) == step else b""
                final = not following
                aad = _chunk_aad(self._preamble, index, final=final)
                try:
                    yield self._cipher.decrypt(prefix + index.to_bytes(4, "big"), current, aad)
                except InvalidTag:
                    raise DecryptionError(f"Encrypted file chunk {index} failed authentication.") from None
                if final:
                    return
                index += 1
                current = following
        finally:
            self.close()

    def read(self) -> bytes:
        """Return the whole plaintext (for small files only; stream large ones)."""
        return b"".join(self)


def encrypted_file_open(*, data_key: DataKey, ref: str) -> EncryptedFile:
    """Open a file saved by encrypted_file_save under the same case's data key, checking its header."""
    handle = _path(ref).open("rb")
    try:
        preamble = _read_full(handle, _PREAMBLE)
        if len(preamble) != _PREAMBLE or preamble[:4] != MAGIC or preamble[4] != VERSION:
            raise DecryptionError(f"Encrypted file {ref} has an unknown layout.")
        if preamble[5:21] != data_key.pk.bytes or preamble[21:37] != uuid.UUID(hex=ref).bytes:
            raise DecryptionError(f"Encrypted file {ref} belongs to another case or reference.")
        cipher = case_key(data_key.pk, data_key=data_key).aead
        length = int.from_bytes(_read_full(handle, 4), "big")
        header = _read_full(handle, length) if length <= _MAX_HEADER else b""
        try:
            meta = json.loads(cipher.decrypt(preamble[-8:] + _HEADER_COUNTER, header, preamble + b"header"))
        except InvalidTag:
            raise DecryptionError(f"Encrypted file {ref} header failed authentication.") from None
    except BaseException:
        handle.close()
        raise
    return EncryptedFile(
        handle=handle, cipher=cipher, preamble=preamble, filename=meta["filename"], content_type=meta["content_type"]
    )


def encrypted_file_delete(*, ref: str) -> None:
    """Delete an encrypted file (shredding the case's key already made it unreadable)."""
    _path(ref).unlink(missing_ok=True)


def encrypted_file_path(ref: str) -> Path:
    """Return where a reference is stored (for backups and tests; the bytes there are ciphertext)."""
    return _path(ref)


def _path(ref: str) -> Path:
    # The reference comes back from storage rows: refuse anything that could name another path.
    if not _REF.match(ref):
        raise EncryptionError("Not an encrypted file reference.")
    return Path(settings.ENCRYPTION_FILE_ROOT) / ref[:2] / ref


def _chunk_aad(preamble: bytes, index: int, *, final: bool) -> bytes:
    return preamble + index.to_bytes(4, "big") + (b"\x01" if final else b"\x00")


def _read_full(source: BinaryIO, size: int) -> bytes:
    # Streams (uploads, sockets) may return short reads before their end.
    parts = []
    remaining = size
    while remaining:
        part = source.read(remaining)
        if not part:
            break
        parts.append(part)
        remaining -= len(part)
    return b"".join(parts)
