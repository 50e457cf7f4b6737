"""Encrypted attachment files: round trips, tampering of any kind raises, memory stays flat."""

from __future__ import annotations

import io
import tracemalloc

import pytest

from encryption.exceptions import DecryptionError, EncryptionError, KeyShredded
from encryption.services import case_key_create, case_key_shred
from encryption.storage import (
    CHUNK_SIZE,
    encrypted_file_delete,
    encrypted_file_open,
    encrypted_file_path,
    encrypted_file_save,
)

pytestmark = pytest.mark.django_db

_STEP = CHUNK_SIZE + 16


class _Pattern(io.RawIOBase):
    """A readable stream of `size` bytes generated on the fly (never held in memory)."""

    def __init__(self, size: int) -> None:
        self.remaining = size
        self.block = bytes(range(256)) * (CHUNK_SIZE // 256)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = min(len(buffer), self.remaining, len(self.block))
        buffer[:n] = self.block[:n]
        self.remaining -= n
        return n


def _save(data_key, data: bytes, filename: str = "report.pdf", content_type: str = "application/pdf") -> str:
    return encrypted_file_save(
        data_key=data_key, fileobj=io.BytesIO(data), filename=filename, content_type=content_type
    )


def _read(data_key, ref: str) -> bytes:
    with encrypted_file_open(data_key=data_key, ref=ref) as handle:
        return b"".join(handle)


@pytest.mark.parametrize("size", [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE])
def test_files_of_every_boundary_size_round_trip(size):
    data_key = case_key_create()
    data = bytes(i % 251 for i in range(size))
    ref = _save(data_key, data, filename="Zoë’s statement.docx", content_type="application/msword")
    with encrypted_file_open(data_key=data_key, ref=ref) as handle:
        assert (handle.filename, handle.content_type) == ("Zoë’s statement.docx", "application/msword")
        assert b"".join(handle) == data


def test_stored_name_is_random_and_holds_no_metadata():
    data_key = case_key_create()
    ref = _save(data_key, b"content", filename="Quillfeather-Canary.pdf")
    path = encrypted_file_path(ref)
    assert path.name == ref
    raw = path.read_bytes()
    assert b"Quillfeather" not in raw
    assert b"application/pdf" not in raw
    assert b"content" not in raw


def _tamper(data_key, edit) -> str:
    ref = _save(data_key, bytes(range(256)) * (3 * CHUNK_SIZE // 256))
    path = encrypted_file_path(ref)
    path.write_bytes(edit(path.read_bytes()))
    return ref


def _body_start(raw: bytes) -> int:
    return 45 + 4 + int.from_bytes(raw[45:49], "big")


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda raw: raw[:-1] + bytes([raw[-1] ^ 1]), id="flipped-byte-last-chunk"),
        pytest.param(lambda raw: raw[:100] + bytes([raw[100] ^ 1]) + raw[101:], id="flipped-byte-first-chunk"),
        pytest.param(lambda raw: raw[: _body_start(raw) + 2 * _STEP], id="truncated-at-chunk-boundary"),
        pytest.param(lambda raw: raw[: _body_start(raw) + _STEP + 10], id="truncated-mid-chunk"),
        pytest.param(lambda raw: raw + raw[_body_start(raw) : _body_start(raw) + _STEP], id="chunk-appended"),
        pytest.param(
            lambda raw: (
                raw[: _body_start(raw)]
                + raw[_body_start(raw) + _STEP : _body_start(raw) + 2 * _STEP]
                + raw[_body_start(raw) : _body_start(raw) + _STEP]
                + raw[_body_start(raw) + 2 * _STEP :]
            ),
            id="chunks-reordered",
        ),
    ],
)
def test_tampered_files_raise(edit):
    data_key = case_key_create()
    ref = _tamper(data_key, edit)
    with pytest.raises(DecryptionError, match="failed authentication"):
        _read(data_key, ref)


def test_tampered_header_raises():
    data_key = case_key_create()
    ref = _tamper(data_key, lambda raw: raw[:50] + bytes([raw[50] ^ 1]) + raw[51:])
    with pytest.raises(DecryptionError, match="header failed"):
        encrypted_file_open(data_key=data_key, ref=ref)


def test_file_of_another_case_or_reference_raises():
    first, second = case_key_create(), case_key_create()
    ref = _save(first, b"first case")
    with pytest.raises(DecryptionError, match="another case"):
        encrypted_file_open(data_key=second, ref=ref)
    other_ref = _save(first, b"other file")
    encrypted_file_path(other_ref).write_bytes(encrypted_file_path(ref).read_bytes())
    with pytest.raises(DecryptionError, match="another case or reference"):
        encrypted_file_open(data_key=first, ref=other_ref)


def test_shredded_case_files_are_unreadable():
    data_key = case_key_create()
    ref = _save(data_key, b"evidence")
    case_key_shred(data_key=data_key)
    with pytest.raises(KeyShredded):
        encrypted_file_open(data_key=data_key, ref=ref)


def test_references_cannot_name_other_paths():
    with pytest.raises(EncryptionError):
        encrypted_file_open(data_key=case_key_create(), ref="../../etc/passwd")
    ref = _save(case_key_create(), b"x")
    encrypted_file_delete(ref=ref)
    assert not encrypted_file_path(ref).exists()


def test_fifty_megabytes_stream_in_constant_memory():
    size = 50 * 1024 * 1024
    data_key = case_key_create()
    tracemalloc.start()
    try:
        ref = encrypted_file_save(
            data_key=data_key, fileobj=_Pattern(size), filename="big.bin", content_type="application/octet-stream"
        )
        _, save_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        total = 0
        with encrypted_file_open(data_key=data_key, ref=ref) as handle:
            for chunk in handle:
                total += len(chunk)
        _, read_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert total == size
    assert save_peak < 2 * 1024 * 1024, save_peak
    assert read_peak < 2 * 1024 * 1024, read_peak
