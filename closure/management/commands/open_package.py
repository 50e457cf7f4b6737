"""Verify and open a transfer package with the recipient's private key (CTP's side; for tests and demos)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import CommandError, CommandParser

from closure import keys
from closure.package import PackageRefused
from closure.recipient import package_open_checked, package_write_out
from core.management.base import OperatorCommand


def read_inputs(options: dict[str, Any]) -> tuple[bytes, bytes, bytes]:
    """The package's bytes, the recipient's X25519 private key, and the sender's Ed25519 public key."""
    try:
        data = Path(options["path"]).read_bytes()
    except OSError:
        raise CommandError(f"Refused: cannot read the package file {options['path']}.") from None
    try:
        private_key = keys.key_file(options["private_key"], "--private-key")
        sender = (
            keys.key_file(options["sender_public_key"], "--sender-public-key")
            if options.get("sender_public_key")
            else keys.signing_public_key()
        )
    except (ImproperlyConfigured, ValueError) as exc:
        raise CommandError(f"Refused: {str(exc).splitlines()[0]}") from None
    return data, private_key, sender


class Command(OperatorCommand):
    help = "Verify a transfer package (this service's signature) and open it: case.json and the attachments."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the package file")
        parser.add_argument("--private-key", required=True, help="file holding CTP's X25519 private key (base64)")
        parser.add_argument("--out", help="folder to write case.json and attachments/ into (default: print the case)")
        parser.add_argument(
            "--sender-public-key",
            help="file holding the sender's Ed25519 public key (default: from TRANSFER_SIGNING_KEY)",
        )

    def handle(self, *args: object, **options: Any) -> None:
        if options.get("out") is not None and not options["out"].strip():
            # An unset variable would otherwise print the whole case, personal data included, to the terminal.
            raise CommandError("Refused: --out is empty: give the folder to write into, or leave it out to print.")
        data, private_key, sender = read_inputs(options)
        try:
            opened = package_open_checked(
                data=data, private_key=private_key, sender_public_key=sender, command="open_package"
            )
        except PackageRefused as error:
            raise CommandError(str(error)) from None
        if options.get("out"):
            folder = Path(options["out"])
            try:
                written = package_write_out(opened=opened, folder=folder)
            except OSError as exc:
                reason = "it is a file, not a folder" if folder.exists() and not folder.is_dir() else exc.strerror
                raise CommandError(f"Refused: cannot write into --out {folder}: {reason or exc}.") from None
            count = len(written)
            self.stdout.write(f"Opened package {opened.package_id} (SHA-256 {opened.sha256}): {count} files written")
            return
        self.stdout.write(json.dumps(opened.document, indent=2, ensure_ascii=False))
