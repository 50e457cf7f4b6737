"""The chain's canonical serialisation and MAC, shared by the writer and the verifier."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from functools import lru_cache

from django.conf import settings

from core.keys import load_key

FORMAT_VERSION = "v1"
_VERSION = FORMAT_VERSION.encode("ascii")
# Field order of the canonical body; the verifier reads exactly these columns in this order.
BODY_FIELDS = (
    "occurred_at",
    "actor_id",
    "actor_role",
    "local_authority_id",
    "action",
    "outcome",
    "target_type",
    "target_id",
    "case_reference",
    "reason_code",
    "details",
    "request_id",
)
_dumps = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)


@lru_cache(maxsize=4)
def _key(setting_value: str) -> bytes:
    return load_key(setting_value, "AUDIT_HMAC_KEY")


def hmac_key() -> bytes:
    """The audit chain's own key (AUDIT_HMAC_KEY), never shared with any other purpose."""
    return _key(settings.AUDIT_HMAC_KEY)


def micros(value: dt.datetime) -> int:
    """Microseconds since the Unix epoch: exact, and what the database can compute itself when verifying."""
    return (value - _EPOCH) // _MICROSECOND


def body(values: tuple | list) -> bytes:
    """Canonical bytes of one event's fields in BODY_FIELDS order, occurred_at given as micros()."""
    return _dumps(values).encode("ascii")


def event_body(event: object) -> bytes:
    values = [getattr(event, name) for name in BODY_FIELDS]
    values[0] = micros(values[0])
    return body(values)


def mac(key: bytes, sequence: int, previous_mac: str, event_body: bytes) -> str:
    """HMAC-SHA256 over version, sequence, previous MAC and body: any edit, move or removal changes it."""
    message = b"%s|%d|%s|%s" % (_VERSION, sequence, previous_mac.encode("ascii"), event_body)
    return hmac.digest(key, message, hashlib.sha256).hex()
