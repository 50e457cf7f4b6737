"""Load demo MASH cases so the queue shows new, assigned, overdue and in-screening work, and the case page shows
screening in each of its states: gateway check recorded, closed at screening, referred to Channel (development only)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import CommandError

from core.management.base import OperatorCommand
from mash.demo import information_requests_demo_seed, mash_demo_seed, screening_demo_seed
from referrals.exceptions import ReferralInvalid


class Command(OperatorCommand):
    help = "Submit demo cases in the first demo council for the MASH queue (idempotent)."

    def handle(self, *args: object, **options: object) -> None:
        # Made-up cases must never enter a live service.
        if settings.ENVIRONMENT == "production":
            raise CommandError("seed_demo_mash refuses to run under production settings.")
        try:
            rows = mash_demo_seed() + screening_demo_seed()
            # Information gathering with an open, an overdue and an answered request (their own check: additive).
            rows += information_requests_demo_seed()
        except ReferralInvalid as exc:
            raise CommandError("Run seed_demo first: the demo users do not exist.") from exc
        if not rows:
            self.stdout.write("Demo MASH cases already exist.")
            return
        self.stdout.write("Demo MASH cases (Referrals received, Northmoor City Council):")
        for reference, shows in rows:
            self.stdout.write(f"  {reference}  {shows}")
