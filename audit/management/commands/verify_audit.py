"""Verify the audit chain: exit 0 when intact, 1 naming the first bad sequence number or checkpoint otherwise."""

from __future__ import annotations

import time
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS

from audit.verification import chain_check
from core.management.base import OperatorCommand

from .audit_checkpoint import database_check, folder_option


class Command(OperatorCommand):
    help = "Recompute every audit event's HMAC, check the chain, its triggers and its signed checkpoints; read-only."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument(
            "--checkpoints",
            default=None,
            help="folder of checkpoints to check against, e.g. a copy from write-once storage (default "
            "AUDIT_CHECKPOINT_DIR)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        database_check(options["database"])
        folder = folder_option(options["checkpoints"], "--checkpoints")
        if folder is not None and not any(folder.glob("checkpoint-*.json")):
            # A folder named on purpose that holds none (a mistyped path, a copy that never arrived) would check
            # nothing and still say "intact".
            raise CommandError(f"The folder {folder} holds no checkpoint file: nothing to check against.", returncode=1)
        try:
            report = chain_check(using=options["database"], checkpoint_dir=folder)
        except ImproperlyConfigured as error:
            raise CommandError(str(error), returncode=1) from error
        seconds = time.perf_counter() - started
        if not report.intact:
            where = f" at sequence {report.first_bad_sequence}" if report.first_bad_sequence is not None else ""
            raise CommandError(
                f"Audit chain broken{where}: {report.problem} ({report.verified} events verified before it)",
                returncode=1,
            )
        checkpoints = f"{report.checkpoints} signed checkpoint{'' if report.checkpoints == 1 else 's'} matched"
        self.stdout.write(f"{report.verified} events verified, chain intact, {checkpoints} ({seconds:.2f} s)")
