"""Verify the audit chain: exit 0 when intact, 1 naming the first bad sequence number otherwise."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS

from audit.verification import chain_check


class Command(BaseCommand):
    help = "Recompute every audit event's HMAC and check the chain; read-only."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        report = chain_check(using=options["database"])
        seconds = time.perf_counter() - started
        if not report.intact:
            where = f"at sequence {report.first_bad_sequence}" if report.first_bad_sequence is not None else ""
            raise CommandError(
                f"Audit chain broken {where}: {report.problem} ({report.verified} events verified before it)",
                returncode=1,
            )
        self.stdout.write(f"{report.verified} events verified, chain intact ({seconds:.2f} s)")
