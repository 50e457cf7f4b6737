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


@lru_cache(maxsize=4)
def _key(setting_value: str) -> bytes:
    return load_key(setting_value, "AUDIT_HMAC_KEY")


def hmac_key() -> bytes:
    """The audit chain's own key (AUDIT_HMAC_KEY), never shared with any other purpose."""
    return _key(settings.AUDIT_HMAC_KEY)


def timestamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def body(values: tuple) -> bytes:
    """Canonical bytes of one event's fields (in BODY_FIELDS order, occurred_at first)."""
    return _dumps([timestamp(values[0]), *values[1:]]).encode("ascii")


def mac(key: bytes, sequence: int, previous_mac: str, event_body: bytes) -> str:
    """HMAC-SHA256 over version, sequence, previous MAC and body: any edit, move or removal changes it."""
    message = b"%s|%d|%s|" % (FORMAT_VERSION.encode(), sequence, previous_mac.encode("ascii"))
    return hmac.new(key, message + event_body, hashlib.sha256).hexdigest()
