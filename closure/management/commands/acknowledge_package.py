"""Write CTP's signed receipt of a transfer package, after verifying it (CTP's side; for tests and demos)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import CommandError, CommandParser

from closure import keys
from closure.package import PackageRefused
from closure.recipient import package_open_checked, receipt_for
from core.management.base import OperatorCommand

from .open_package import read_inputs

DEV_SIGNING_KEY = "ctp_signing.key"


def _signing_key(path: str | None) -> bytes:
    """CTP's Ed25519 receipt key: --signing-key, or (outside production) the development key of keys_init."""
    if path is not None and not path.strip():  # an unset variable: not the development key
        raise CommandError("Refused: --signing-key is empty: give CTP's receipt signing key file, or leave it out.")
    if not path:
        if settings.ENVIRONMENT == "production":
            raise CommandError("Refused: give CTP's receipt signing key with --signing-key.")
        path = str(Path(settings.DEV_KEYS_DIR) / DEV_SIGNING_KEY)
    try:
        return keys.key_file(path, "--signing-key")
    except (ImproperlyConfigured, ValueError) as exc:
        raise CommandError(f"Refused: {str(exc).splitlines()[0]}") from None


class Command(OperatorCommand):
    help = "Verify and open a transfer package, then write CTP's receipt of its SHA-256, signed with CTP's key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the package file")
        parser.add_argument("--private-key", required=True, help="file holding CTP's X25519 private key (base64)")
        parser.add_argument("--out", required=True, help="where to write the receipt (JSON)")
        parser.add_argument(
            "--signing-key",
            help="file holding CTP's Ed25519 receipt key (default outside production: .devkeys/ctp_signing.key)",
        )
        parser.add_argument("--sender-public-key", help="file holding the sender's Ed25519 public key")

    def handle(self, *args: object, **options: Any) -> None:
        data, private_key, sender = read_inputs(options)
        signing_key = _signing_key(options.get("signing_key"))
        try:
            opened = package_open_checked(
                data=data, private_key=private_key, sender_public_key=sender, command="acknowledge_package"
            )
        except PackageRefused as error:
            raise CommandError(str(error)) from None
        out = Path(options["out"])
        try:
            fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            with os.fdopen(fd, "wb") as handle:
                handle.write(receipt_for(opened=opened, signing_key=signing_key))
        except OSError:
            raise CommandError(f"Refused: cannot write the receipt to {out}.") from None
        self.stdout.write(f"Wrote the receipt of package {opened.package_id} (SHA-256 {opened.sha256}) to {out}")
