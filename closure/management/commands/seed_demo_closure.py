"""Load a demo case closed and delivered to CTP, awaiting CTP's receipt, and a purged one (development only)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import CommandError

from closure.demo import closure_demo_purged_seed, closure_demo_seed
from core.management.base import OperatorCommand
from referrals.exceptions import ReferralInvalid


class Command(OperatorCommand):
    help = (
        "Close a demo case of the first demo council and deliver its transfer package to the drop folder, and "
        "take a second one through CTP's receipt to its purge and certificate (idempotent)."
    )

    def handle(self, *args: object, **options: object) -> None:
        # Made-up cases must never enter a live service.
        if settings.ENVIRONMENT == "production":
            raise CommandError("seed_demo_closure refuses to run under production settings.")
        try:
            seeded = closure_demo_seed()
            purged = closure_demo_purged_seed()
        except ReferralInvalid as exc:
            raise CommandError("Run seed_demo first: the demo users do not exist.") from exc
        if purged is not None:
            self.stdout.write(f"Demo case acknowledged by CTP and purged; its certificate remains: {purged}")
        if seeded is None:
            self.stdout.write("The demo case awaiting CTP's receipt already exists.")
            return
        reference, path = seeded
        self.stdout.write(f"Demo case closed and delivered to CTP, awaiting the receipt: {reference}")
        self.stdout.write(f"  package: {path}")
        self.stdout.write(
            "  play CTP: manage.py acknowledge_package PACKAGE --private-key .devkeys/ctp.key --out receipt.json, "
            "then manage.py receive_receipt receipt.json (or upload it as the police Prevent officer)"
        )
