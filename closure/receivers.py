"""closure listens to the referral's domain signals; referrals never imports closure."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from referrals.signals import referral_closed, referral_demo_dated_back, referral_submitted

from .services import transfer_record
from .statistics import statistical_record_redate_demo, statistical_record_write


@receiver(referral_closed, dispatch_uid="closure.transfer_record")
def transfer_record_on_close(*, referral_id: Any, actor: Any, **_: Any) -> None:
    transfer_record(referral_id=referral_id, actor=actor)


@receiver(referral_submitted, dispatch_uid="closure.statistical_record_write")
def statistical_record_on_submit(*, referral: Any, **_: Any) -> None:
    statistical_record_write(referral)


@receiver(referral_demo_dated_back, dispatch_uid="closure.statistical_record_follows_demo_dates")
def statistical_record_follows_demo_dates(*, referral_id: Any, **_: Any) -> None:
    statistical_record_redate_demo(referral_id)
