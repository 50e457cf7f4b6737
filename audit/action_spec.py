"""The shape of an audit action's declaration: what its details may hold (Kind) and its label and sentence."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    """What a details value may be: ids, codes and counts, never free text."""

    INT = "int"
    BOOL = "bool"
    UUID = "uuid"
    CODE = "code"  # upper-case code such as NFA_SIGNPOSTED or GET
    NAME = "name"  # lower-case identifier such as a URL name or a model label
    REFERENCE = "reference"  # case reference PRV-YYYY-NNNNNN
    DATE = "date"  # ISO date, for search ranges
    KEY_ID = "key_id"  # a key-encryption key's id from the key ring, such as kek-2
    HTTP_METHOD = "http_method"  # GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, or OTHER for any other
    MINUTE = "minute"  # a UTC minute such as 2026-11-28 06:45


@dataclass(frozen=True)
class ActionSpec:
    label: str
    # Placeholders: {actor}, {target}, {case_reference}, {reason_code} and any details key.
    sentence: str
    details: dict[str, Kind] = field(default_factory=dict)
    # Details keys renamed since events were written, old -> current: stored events are never
    # rewritten (append-only, and the MAC covers their details as written), so readers map them.
    renamed: dict[str, str] = field(default_factory=dict)
