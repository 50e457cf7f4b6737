"""Load demo Channel cases so the Channel section shows listed, awaiting-consent, supported, exited and
consent-refused cases (development only)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import CommandError

from channel.demo import channel_demo_seed
from core.management.base import OperatorCommand
from referrals.exceptions import ReferralInvalid


class Command(OperatorCommand):
    help = "Hand demo cases of the first demo council to Channel, in several Channel stages (idempotent)."

    def handle(self, *args: object, **options: object) -> None:
        # Made-up cases must never enter a live service.
        if settings.ENVIRONMENT == "production":
            raise CommandError("seed_demo_channel refuses to run under production settings.")
        try:
            rows = channel_demo_seed()
        except ReferralInvalid as exc:
            raise CommandError("Run seed_demo first: the demo users do not exist.") from exc
        if not rows:
            self.stdout.write("Demo Channel cases already exist.")
            return
        self.stdout.write("Demo Channel cases (the Channel section of each case, Northmoor City Council):")
        for reference, shows in rows:
            self.stdout.write(f"  {reference}  {shows}")
