"""Load CTP's signed receipt of a transfer package: the case becomes "transferred" (operators)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from closure.receipts import ReceiptRefused
from closure.services import transfer_receipt_accept
from core.management.base import OperatorCommand
from referrals.exceptions import CaseChangedMeanwhile, TransitionNotPossible


class Command(OperatorCommand):
    help = "Verify CTP's receipt (signature by CTP_SIGNING_PUBLIC_KEY, hash of the package sent) and record it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the receipt file (JSON)")

    def handle(self, *args: object, **options: Any) -> None:
        try:
            data = Path(options["path"]).read_bytes()
        except OSError:
            raise CommandError(f"Refused: cannot read the receipt file {options['path']}.") from None
        try:
            transfer = transfer_receipt_accept(data=data, actor=None, via="command")
        except ReceiptRefused as error:
            raise CommandError(str(error)) from None
        except (TransitionNotPossible, CaseChangedMeanwhile):
            raise CommandError("Refused: the case is not awaiting a receipt.") from None
        self.stdout.write(f"Receipt accepted: case {transfer.referral.reference} is transferred to CTP.")
