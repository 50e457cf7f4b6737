"""Print a purged case's certificate and check that nothing else of the case remains (operators, auditors).

Exit status: 0 when nothing remains; 1 with one line per thing that remains; 2 for a reference never purged
(or never known to this service).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import CommandParser

from closure.certificate import certificate_document
from closure.models import PurgeCertificate
from closure.verification import purge_remains
from core.management.base import OperatorCommand
from referrals.models import Referral

EXIT_REMAINS = 1
EXIT_NOT_PURGED = 2


class Command(OperatorCommand):
    help = "Print the purge certificate of REFERENCE and check that nothing of the case remains (exit 0, 1 or 2)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("reference", help="the case reference, such as PRV-2026-000123")

    def handle(self, *args: object, **options: Any) -> None:
        reference = options["reference"].strip().upper()
        if not reference.isprintable() or not reference:  # an unset variable, or a line break that splits the line
            self.stderr.write("Give a case reference, such as PRV-2026-000123.")
            sys.exit(EXIT_NOT_PURGED)
        certificate = PurgeCertificate.objects.filter(reference=reference).first()
        if certificate is None:
            known = Referral.objects.filter(reference=reference).exists()
            self.stderr.write(
                f"{reference} was never purged: the case is still held." if known else f"{reference} is unknown here."
            )
            sys.exit(EXIT_NOT_PURGED)
        self.stdout.write(
            json.dumps({**certificate_document(certificate), "signature": certificate.signature}, indent=2)
        )
        remains = purge_remains(certificate)
        if remains:
            self.stdout.write(f"NOT PURGED: {len(remains)} thing(s) of {reference} remain:")
            for line in remains:
                self.stdout.write(f"- {line}")
            sys.exit(EXIT_REMAINS)
        self.stdout.write(
            f"Purged: nothing of {reference} remains but this certificate, its tombstone and the audit trail."
        )
