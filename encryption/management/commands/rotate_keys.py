"""Rewrap every case data key under the active KEK; optionally generate a development KEK or retire an old one."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import CommandError

from core.management.base import OperatorCommand
from encryption.exceptions import EncryptionError, KeyInUse
from encryption.keyring import keyring_file_add_key, keyring_file_path, keyring_get
from encryption.services import RewrapProgress, data_keys_remaining, data_keys_rewrap, kek_retire

# A batch is one transaction: at least one key (0 would rewrap nothing and report success), and few enough that
# the database's limit on a query's LIMIT is never reached.
BATCH_SIZE_MAX = 100_000


class Command(OperatorCommand):
    help = (
        "Rewrap every data key not under the active key-encryption key (resumable: rerun after an interruption). "
        "--generate adds and activates a new development KEK first; --retire KEY_ID removes an unused KEK."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--generate", action="store_true", help="Development only: add a new active KEK.")
        parser.add_argument("--retire", metavar="KEY_ID", help="Retire a KEK; refused while any data key uses it.")
        parser.add_argument("--batch-size", type=int, default=500, help="Data keys per transaction (default 500).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["retire"] is not None and options["generate"]:
            raise CommandError("Give --generate or --retire, not both: nothing was changed.")
        if options["retire"] is not None:  # an empty --retire "" (an unset variable) is refused, not a rotation
            self._retire(options["retire"].strip())
            return
        if not 1 <= options["batch_size"] <= BATCH_SIZE_MAX:
            raise CommandError(f"--batch-size must be a whole number from 1 to {BATCH_SIZE_MAX:,}.")
        if options["generate"]:
            self._generate()
        self._rewrap(options["batch_size"])

    def _generate(self) -> None:
        path = keyring_file_path()
        if settings.ENVIRONMENT == "production":
            raise CommandError("--generate writes development keys and refuses production settings.")
        if path is None or not keyring_get().development:
            raise CommandError("--generate needs a development key ring in a file (ENCRYPTION_KEYRING=file:...).")
        key_id = keyring_file_add_key(path)
        self.stdout.write(f"Added key {key_id} to {path} and made it active.")

    def _rewrap(self, batch_size: int) -> None:
        active = keyring_get().active_id
        total = data_keys_remaining()
        self.stdout.write(f"{total} data key(s) to rewrap under {active}.")
        bar = None
        if total and self.stdout.isatty():
            from tqdm import tqdm

            bar = tqdm(total=total, unit="key", desc=f"Rewrapping under {active}")

        def on_batch(progress: RewrapProgress) -> None:
            if bar is not None:
                bar.update(progress.done - bar.n)

        try:
            progress = data_keys_rewrap(batch_size=batch_size, on_batch=on_batch)
        except EncryptionError as exc:
            raise CommandError(f"Rotation stopped, rerun to resume: {exc}") from exc
        finally:
            if bar is not None:
                bar.close()
        self.stdout.write(f"Rewrapped {progress.done} data key(s); every live data key is now under {active}.")

    def _retire(self, kek_id: str) -> None:
        if not kek_id:
            raise CommandError("--retire needs the id of the key-encryption key to retire; nothing was changed.")
        try:
            removed = kek_retire(kek_id=kek_id)
        except (KeyInUse, ImproperlyConfigured) as exc:
            raise CommandError(str(exc)) from exc
        if removed:
            self.stdout.write(f"Retired {kek_id}: removed from {keyring_file_path()}.")
        else:
            self.stdout.write(
                f"No data key uses {kek_id}: remove it from ENCRYPTION_KEYRING in the environment and restart."
            )
