"""Blind index: keyed HMAC-SHA256 of normalised values, to find repeat referrals without plaintext.

Store `person_index(...)` (or `blind_index(...)`) in a `BlindIndexField` and look rows up
by exact match: `Referral.objects.filter(person_index=person_index(given_name=..., ...))`.
The key is `BLIND_INDEX_KEY`, never a KEK. Each index names its purpose, so a name and a
postcode with the same letters give unrelated indexes. Normalisation (Unicode NFKC,
casefold, accents dropped, apostrophes dropped, hyphens, dots and commas as spaces,
whitespace collapsed, titles and generational suffixes dropped) makes "Mr Seán O’Brien-Smith"
and "sean obrien smith" match. An index still lets anyone with the database see which rows
share a value, so index only what duplicate detection needs: the whole person (all name parts
and the date of birth), never one name or the date of birth alone, which would group cases by
surname or birthday without the key.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import re
import unicodedata

from django.db import models

from .keyring import blind_index_key

INDEX_LENGTH = 64
_APOSTROPHES = re.compile(r"['\u2018\u2019\u02bc\u02b9`\u00b4]")
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015_.,;:/]+")
_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "rev", "master"})
_SUFFIXES = frozenset({"jr", "jnr", "junior", "sr", "snr", "senior", "ii", "iii", "iv"})


class BlindIndexField(models.CharField):
    """A hex HMAC (64 characters), indexed for exact-match lookups."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("max_length", INDEX_LENGTH)
        kwargs.setdefault("db_index", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple:
        name, path, args, kwargs = super().deconstruct()
        # Always explicit: __init__ defaults it to True, so an omitted db_index=False would come back True.
        kwargs["db_index"] = self.db_index
        return name, path, args, kwargs


def normalise_text(value: str) -> str:
    """Return NFKC, casefolded text with accents dropped and whitespace collapsed."""
    folded = unicodedata.normalize("NFKC", value).casefold()
    stripped = "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))
    return " ".join(unicodedata.normalize("NFKC", stripped).split())


def normalise_name(value: str) -> str:
    """Return a name's parts, normalised, without titles, suffixes, apostrophes or hyphens."""
    text = _APOSTROPHES.sub("", normalise_text(value))
    parts = [p for p in _SEPARATORS.split(text) if p]
    while parts and parts[0] in _TITLES:
        parts.pop(0)
    while parts and parts[-1] in _SUFFIXES:
        parts.pop()
    return " ".join(parts)


def blind_index(value: str, *, purpose: str) -> str:
    """Return the hex HMAC-SHA256 of an already normalised value for one purpose."""
    message = purpose.encode() + b"\x00" + value.encode("utf-8")
    return hmac.new(blind_index_key(), message, hashlib.sha256).hexdigest()


def person_index(*, given_name: str, family_name: str, date_of_birth: datetime.date | None) -> str:
    """Return one index for "the same person": all name parts (in any order) plus the date of birth.

    Sorting the parts lets given and family names swapped between forms, or a middle name
    moved, still match; the date of birth keeps different people apart. No name, no index ("").
    """
    parts = sorted(normalise_name(f"{given_name} {family_name}").split())
    if not parts:
        return ""
    dob = date_of_birth.isoformat() if date_of_birth else ""
    return blind_index(" ".join(parts) + "|" + dob, purpose="person")
