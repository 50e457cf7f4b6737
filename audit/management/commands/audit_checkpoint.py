"""Write a signed checkpoint of the audit chain into AUDIT_CHECKPOINT_DIR and print it; exit 1 with one line if not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS

from audit.services import CheckpointError, audit_checkpoint_create


class Command(BaseCommand):
    help = "Sign the audit chain's last event (sequence, MAC, time) with Ed25519 and write it as a new file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument(
            "--dir", type=Path, default=None, help="folder to write into (default AUDIT_CHECKPOINT_DIR)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            checkpoint = audit_checkpoint_create(using=options["database"], folder=options["dir"])
        except (CheckpointError, ImproperlyConfigured) as error:
            raise CommandError(str(error), returncode=1) from error
        self.stdout.write(checkpoint.to_json(), ending="")
