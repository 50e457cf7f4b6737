"""A software passkey for tests: real P-256 keys, real CBOR, real ECDSA signatures (what a browser sends).

It answers the library's begin endpoints exactly as navigator.credentials.create()/get() would, so the
tests exercise django-otp-webauthn's own verification (py_webauthn), not a stand-in for it. The signing
is a few lines of textbook P-256 arithmetic rather than the `cryptography` package, which only the
encryption app may import (tests/encryption/test_architecture.py); py_webauthn checks every signature.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import struct
from dataclasses import dataclass, field

import cbor2

FLAG_USER_PRESENT = 0x01
FLAG_USER_VERIFIED = 0x04
FLAG_ATTESTED_CREDENTIAL = 0x40

# NIST P-256 (secp256r1), FIPS 186-4 D.1.2.3.
P = 0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF
N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
G = (
    0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296,
    0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5,
)

Point = tuple[int, int] | None


def _add(a: Point, b: Point) -> Point:
    if a is None:
        return b
    if b is None:
        return a
    (x1, y1), (x2, y2) = a, b
    if x1 == x2 and (y1 + y2) % P == 0:
        return None
    if a == b:
        slope = (3 * x1 * x1 - 3) * pow(2 * y1, -1, P) % P  # the curve's a is -3
    else:
        slope = (y2 - y1) * pow(x2 - x1, -1, P) % P
    x3 = (slope * slope - x1 - x2) % P
    return x3, (slope * (x1 - x3) - y1) % P


def _multiply(k: int, point: Point) -> Point:
    result = None
    while k:
        if k & 1:
            result = _add(result, point)
        point = _add(point, point)
        k >>= 1
    return result


def _der_integer(value: int) -> bytes:
    body = value.to_bytes((value.bit_length() + 8) // 8, "big")
    return bytes([0x02, len(body)]) + body


@dataclass
class P256Key:
    secret: int = field(default_factory=lambda: secrets.randbelow(N - 1) + 1)

    @property
    def public(self) -> tuple[int, int]:
        return _multiply(self.secret, G)

    def sign(self, message: bytes) -> bytes:
        """ECDSA with SHA-256, DER-encoded as WebAuthn authenticators send it."""
        digest = int.from_bytes(hashlib.sha256(message).digest(), "big")
        while True:
            k = secrets.randbelow(N - 1) + 1
            r = _multiply(k, G)[0] % N
            s = pow(k, -1, N) * (digest + r * self.secret) % N
            if r and s:
                body = _der_integer(r) + _der_integer(s)
                return bytes([0x30, len(body)]) + body


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class SoftAuthenticator:
    """One passkey on one device; `origin` is what the browser would put in clientDataJSON."""

    origin: str = "http://localhost:8000"
    credential_id: bytes = field(default_factory=lambda: os.urandom(32))
    key: P256Key = field(default_factory=P256Key)
    sign_count: int = 0
    user_handle: bytes = b""

    def _cose_public_key(self) -> bytes:
        x, y = self.key.public
        return cbor2.dumps({1: 2, 3: -7, -1: 1, -2: x.to_bytes(32, "big"), -3: y.to_bytes(32, "big")})

    def _client_data(self, kind: str, challenge: str) -> bytes:
        return json.dumps({"type": kind, "challenge": challenge, "origin": self.origin, "crossOrigin": False}).encode()

    def create(self, options: dict) -> dict:
        """The PublicKeyCredential JSON for registration options from the begin endpoint ("none" attestation)."""
        self.user_handle = b64url_decode(options["user"]["id"])
        auth_data = (
            hashlib.sha256(options["rp"]["id"].encode()).digest()
            + bytes([FLAG_USER_PRESENT | FLAG_USER_VERIFIED | FLAG_ATTESTED_CREDENTIAL])
            + struct.pack(">I", self.sign_count)
            + bytes(16)  # AAGUID: none
            + struct.pack(">H", len(self.credential_id))
            + self.credential_id
            + self._cose_public_key()
        )
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return {
            "id": b64url(self.credential_id),
            "rawId": b64url(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(self._client_data("webauthn.create", options["challenge"])),
                "attestationObject": b64url(attestation),
                "transports": ["internal"],
            },
            "clientExtensionResults": {"credProps": {"rk": True}},
        }

    def get(self, options: dict, *, rp_id: str = "localhost") -> dict:
        """The PublicKeyCredential JSON answering authentication options (signs the challenge)."""
        self.sign_count += 1
        auth_data = (
            hashlib.sha256(options.get("rpId", rp_id).encode()).digest()
            + bytes([FLAG_USER_PRESENT | FLAG_USER_VERIFIED])
            + struct.pack(">I", self.sign_count)
        )
        client_data = self._client_data("webauthn.get", options["challenge"])
        signature = self.key.sign(auth_data + hashlib.sha256(client_data).digest())
        return {
            "id": b64url(self.credential_id),
            "rawId": b64url(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client_data),
                "authenticatorData": b64url(auth_data),
                "signature": b64url(signature),
                "userHandle": b64url(self.user_handle) if self.user_handle else None,
            },
            "clientExtensionResults": {},
        }


# --- the library's endpoints, driven as its script drives them -------------------------------------------
REGISTRATION_BEGIN = "/accounts/webauthn/registration/begin/"
REGISTRATION_COMPLETE = "/accounts/webauthn/registration/complete/"
AUTHENTICATION_BEGIN = "/accounts/webauthn/authentication/begin/"
AUTHENTICATION_COMPLETE = "/accounts/webauthn/authentication/complete/"


def post_json(client, url: str, payload: dict):
    return client.post(url, json.dumps(payload), content_type="application/json")


def register(client, authenticator: SoftAuthenticator):
    """Begin and complete a registration ceremony; returns the complete endpoint's response."""
    begun = client.post(REGISTRATION_BEGIN)
    assert begun.status_code == 200, begun.content
    return post_json(client, REGISTRATION_COMPLETE, authenticator.create(begun.json()))


def authenticate(client, authenticator: SoftAuthenticator, *, next_url: str = ""):
    """Begin and complete an authentication ceremony; returns the complete endpoint's response."""
    begun = client.post(AUTHENTICATION_BEGIN)
    assert begun.status_code == 200, begun.content
    url = AUTHENTICATION_COMPLETE + (f"?next={next_url}" if next_url else "")
    return post_json(client, url, authenticator.get(begun.json()))
