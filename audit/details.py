"""Checking event fields against the allow-lists: ids, codes and counts pass, free text raises."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping

from audit.actions import ACTIONS, Kind

CODE_RE = re.compile(r"^[A-Z0-9_.:-]{1,64}$")
NAME_RE = re.compile(r"^[a-z0-9_.:-]{1,100}$")
REFERENCE_RE = re.compile(r"^PRV-\d{4}-\d{6}$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
KEY_ID_RE = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
TARGET_ID_RE = re.compile(r"^[A-Za-z0-9-]{1,64}$")
# An allow-list, not a shape: a client can send any method name, and it must not reach the log.
HTTP_METHOD_RE = re.compile(r"^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS|OTHER)\Z")
MINUTE_RE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}\Z")
_PATTERNS = {
    Kind.CODE: CODE_RE,
    Kind.NAME: NAME_RE,
    Kind.REFERENCE: REFERENCE_RE,
    Kind.DATE: DATE_RE,
    Kind.KEY_ID: KEY_ID_RE,
    Kind.HTTP_METHOD: HTTP_METHOD_RE,
    Kind.MINUTE: MINUTE_RE,
}
# 64-bit signed: what both databases' JSON and integer columns hold exactly.
_INT_LIMIT = 2**63


class AuditDetailsError(ValueError):
    """An event field or details value is not on the allow-list (the message names the key, never the value)."""


def _valid(kind: Kind, value: object) -> bool:
    if kind is Kind.BOOL:
        return isinstance(value, bool)
    if kind is Kind.INT:
        return isinstance(value, int) and not isinstance(value, bool) and -_INT_LIMIT < value < _INT_LIMIT
    if not isinstance(value, str):
        return False
    if kind is Kind.UUID:
        try:
            return str(uuid.UUID(value)) == value
        except ValueError:
            return False
    return bool(_PATTERNS[kind].match(value))


def action_check(action: str) -> str:
    """Return the action's value if it is declared in ACTIONS, else raise."""
    value = str(action)
    if value not in ACTIONS:
        raise AuditDetailsError("Unknown audit action; declare it in audit/actions.py.")
    return value


def details_clean(action: str, details: Mapping[str, object] | None) -> dict[str, object]:
    """Return a plain dict of details whose every key is allowed for the action and every value has its kind."""
    allowed = ACTIONS[action_check(action)].details
    cleaned: dict[str, object] = {}
    for key, value in (details or {}).items():
        kind = allowed.get(key)
        if kind is None:
            raise AuditDetailsError(f"Details key {key!r} is not allowed for {action}.")
        if isinstance(value, uuid.UUID):
            value = str(value)  # noqa: PLW2901 - normalise before the check
        if not _valid(kind, value):
            raise AuditDetailsError(f"Details key {key!r} of {action} must be a {kind.value}.")
        cleaned[key] = value
    return cleaned


def field_check(name: str, value: str, pattern: re.Pattern[str]) -> str:
    """Return the value if empty or matching the pattern; raise otherwise (free text never reaches the log)."""
    if value and not pattern.match(value):
        raise AuditDetailsError(f"Audit field {name} has the wrong shape.")
    return value
