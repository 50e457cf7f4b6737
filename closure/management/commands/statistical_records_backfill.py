"""Write the unlinked statistical record of each live case submitted before records existed (once, after the
migration that added them). Opens each case's answers (as the purge does); prints counts only."""

from __future__ import annotations

import uuid

from django.db import transaction

from closure.statistics import statistical_record_write
from core.management.base import OperatorCommand
from referrals.choices import ReferralStatus
from referrals.models import Referral


class Command(OperatorCommand):
    help = "Write a statistical record for each submitted, unpurged case that has none (idempotent)."

    def handle(self, *args: object, **options: object) -> None:
        written = 0
        live = Referral.objects.exclude(status__in=(ReferralStatus.DRAFT, ReferralStatus.PURGED)).filter(
            statistics_record__isnull=True
        )
        for pk in live.values_list("pk", flat=True).iterator():
            with transaction.atomic():
                referral = Referral.objects.select_for_update().select_related("local_authority").get(pk=pk)
                if referral.statistics_record is not None or referral.status == ReferralStatus.PURGED:
                    continue
                referral.statistics_record = str(uuid.uuid4())
                referral.save(update_fields=["statistics_record", "updated_at"])
                statistical_record_write(referral)
                written += 1
        self.stdout.write(f"Statistical records written: {written}.")
