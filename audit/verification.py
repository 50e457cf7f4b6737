"""Checking the whole chain: every event's MAC, its link to the one before, and the head."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS

from audit import chain, triggers
from audit.models import GENESIS_MAC, HEAD_ID, AuditEvent, ChainHead

CHUNK_SIZE = 10_000


@dataclass(frozen=True)
class ChainReport:
    """The outcome of one check; first_bad_sequence is None when the chain is intact."""

    verified: int
    first_bad_sequence: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.first_bad_sequence is None and not self.problem


def _check_head(using: str, last_sequence: int, last_mac: str, verified: int) -> ChainReport:
    head = ChainHead.objects.using(using).filter(pk=HEAD_ID).values_list("sequence", "mac").first()
    if head is None:
        return ChainReport(verified, last_sequence + 1, "the chain head row is missing")
    if head[0] != last_sequence:
        # The head counts further than the events: the last ones were removed.
        first = min(head[0], last_sequence) + 1
        return ChainReport(verified, first, f"the head is at {head[0]} but the last event is {last_sequence}")
    if not hmac.compare_digest(head[1], last_mac):
        return ChainReport(verified, last_sequence, "the head's MAC does not match the last event")
    return ChainReport(verified)


def chain_check(*, using: str = DEFAULT_DB_ALIAS, chunk_size: int = CHUNK_SIZE) -> ChainReport:
    """Recompute every MAC in sequence order and name the first event that is edited, missing, forged or moved."""
    if not triggers.present(using=using):
        return ChainReport(0, None, "the append-only triggers are missing")
    key = chain.hmac_key()
    body, mac = chain.body, chain.mac
    rows = (
        AuditEvent.objects.using(using)
        .order_by("sequence")
        .values_list("sequence", "previous_mac", "mac", *chain.BODY_FIELDS)
        .iterator(chunk_size=chunk_size)
    )
    expected, previous = 1, GENESIS_MAC
    for row in rows:
        sequence = row[0]
        if sequence != expected:
            return ChainReport(expected - 1, expected, f"event {expected} is missing or out of place")
        if row[1] != previous:
            return ChainReport(expected - 1, sequence, "the link to the previous event is broken")
        if not hmac.compare_digest(mac(key, sequence, previous, body(row[3:])), row[2]):
            return ChainReport(expected - 1, sequence, "the event's MAC does not match its content")
        previous = row[2]
        expected += 1
    return _check_head(using, expected - 1, previous, expected - 1)
