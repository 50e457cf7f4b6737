"""Producing the statistics: computed, withheld where small, rendered, and audited (one event per export)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction

from audit import services as audit
from audit.actions import AuditAction

from . import disclosure, exports
from .statistics import Period, Statistics, compute

STEPS = ("counting cases", "disclosure control", "writing", "audit")


class ExportRefused(Exception):
    """One line: who may not, or what cannot be produced."""


def statistics_produce(*, authority: Any, period: Period) -> Statistics:
    return disclosure.apply(compute(authority, period))


def statistics_export(
    *,
    actor: Any,
    authority: Any,
    period: Period,
    fmt: str,
    via: str,
    progress: Callable[[str], None] | None = None,
) -> tuple[Statistics, bytes]:
    """The statistics of `authority` for `period` as `fmt` bytes, with the export audited.

    `actor` is the person (the page) or None (the command, run by an operator: the service).
    """
    from .permissions import can_export_statistics

    if fmt not in exports.FORMATS:
        raise ExportRefused(f"Unknown format {fmt!r}: choose one of {', '.join(exports.FORMATS)}.")
    if actor is not None and not (can_export_statistics(actor) and actor.local_authority_id == authority.pk):
        raise ExportRefused("Only the council's Prevent lead or auditor may produce its statistics.")
    step = progress or (lambda _name: None)
    stats = compute(authority, period)
    step(STEPS[0])
    disclosure.apply(stats)
    step(STEPS[1])
    content = exports.render(stats, fmt)
    step(STEPS[2])
    with transaction.atomic():
        audit.record(
            actor=actor,
            action=AuditAction.BENCHMARKING_EXPORTED,
            local_authority_id=authority.pk,
            details={
                "format": fmt,
                "date_from": period.start.isoformat(),
                "date_to": period.end.isoformat(),
                "via": via,
            },
        )
    step(STEPS[3])
    return stats, content
