"""Write a signed checkpoint of the audit chain into AUDIT_CHECKPOINT_DIR and print it; exit 1 with one line if not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS

from audit.services import CheckpointError, audit_checkpoint_create
from core.management.base import OperatorCommand


def database_check(alias: str) -> None:
    """An unknown --database is one line, not Django's ConnectionDoesNotExist traceback."""
    if alias not in settings.DATABASES:
        raise CommandError(f"Unknown --database {alias!r}: give one of {', '.join(settings.DATABASES)}.")


def folder_option(value: str | Path | None, name: str) -> Path | None:
    """A folder option as given; empty (an unset variable) would mean the current folder, so it is refused."""
    if value is None:
        return None
    if not str(value).strip():
        raise CommandError(f"{name} needs a folder; an empty one is refused.")
    return Path(value)


class Command(OperatorCommand):
    help = "Sign the audit chain's last event (sequence, MAC, time) with Ed25519 and write it as a new file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument("--dir", default=None, help="folder to write into (default AUDIT_CHECKPOINT_DIR)")

    def handle(self, *args: Any, **options: Any) -> None:
        database_check(options["database"])
        folder = folder_option(options["dir"], "--dir")
        try:
            checkpoint = audit_checkpoint_create(using=options["database"], folder=folder)
        except (CheckpointError, ImproperlyConfigured) as error:
            raise CommandError(str(error), returncode=1) from error
        except OSError as error:  # a --dir that is a file, or a folder that cannot be made or written
            where = Path(folder or settings.AUDIT_CHECKPOINT_DIR)
            reason = "it is a file, not a folder" if where.exists() and not where.is_dir() else error.strerror
            raise CommandError(f"Cannot write a checkpoint into {where}: {reason or error}.") from None
        self.stdout.write(checkpoint.to_json(), ending="")
