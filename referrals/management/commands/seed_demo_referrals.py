"""Load demo referrals showing repeat detection within and across councils (development only)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import CommandError

from core.management.base import OperatorCommand
from referrals.exceptions import ReferralInvalid
from referrals.services.demo import referral_demo_seed


class Command(OperatorCommand):
    help = "Submit three demo referrals of one fictional person in the two demo councils (idempotent)."

    def handle(self, *args: object, **options: object) -> None:
        # Made-up cases must never enter a live service.
        if settings.ENVIRONMENT == "production":
            raise CommandError("seed_demo_referrals refuses to run under production settings.")
        try:
            rows = referral_demo_seed()
        except ReferralInvalid as exc:
            raise CommandError("Run seed_demo first: the demo referrers do not exist.") from exc
        if not rows:
            self.stdout.write("Demo referrals already exist.")
            return
        self.stdout.write("Demo referrals of one person (repeat detection within and across councils):")
        for reference, authority in rows:
            self.stdout.write(f"  {reference}  {authority}")
