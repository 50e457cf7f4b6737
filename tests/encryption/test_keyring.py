"""Key lengths: a key-encryption key is exactly 32 bytes (AES-256), never cut down; HMAC keys are 32 or more."""

from __future__ import annotations

import base64

import pytest
from django.core.exceptions import ImproperlyConfigured

from core.keys import load_key
from encryption.keyring import KeyRing, keyring_get, keyring_reset

from .conftest import ring


@pytest.fixture(autouse=True)
def _fresh_ring():
    keyring_reset()
    yield
    keyring_reset()


@pytest.mark.parametrize("length", [16, 31, 33, 48, 64])
def test_a_kek_that_is_not_exactly_32_bytes_is_refused(settings, length):
    settings.ENCRYPTION_KEYRING = ring("test-1", test_1=b"k" * length)
    with pytest.raises(ImproperlyConfigured, match=r"ENCRYPTION_KEYRING key test-1 must|at least 32 bytes"):
        keyring_get()


def test_a_longer_kek_is_refused_with_its_length(settings):
    settings.ENCRYPTION_KEYRING = ring("test-1", test_1=b"k" * 32, test_2=b"n" * 48)
    with pytest.raises(ImproperlyConfigured, match="test-2 must be exactly 32 bytes of key .AES-256., not 48"):
        keyring_get()


def test_the_key_ring_itself_refuses_a_kek_of_the_wrong_length():
    with pytest.raises(ImproperlyConfigured, match="exactly 32 bytes, not 40"):
        KeyRing(active_id="a", keys={"a": b"k" * 40}, development=True)


def test_a_32_byte_kek_is_accepted(settings):
    settings.ENCRYPTION_KEYRING = ring("test-1", test_1=b"k" * 32)
    assert keyring_get().active_id == "test-1"


def test_hmac_keys_may_be_longer_than_32_bytes():
    assert len(load_key(base64.urlsafe_b64encode(b"h" * 64).decode(), "BLIND_INDEX_KEY")) == 64
