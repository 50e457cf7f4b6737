"""mash listens to the referral's domain signals; referrals never imports mash."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from referrals.signals import referral_submitted

from . import services


@receiver(referral_submitted, dispatch_uid="mash.assessment_open")
def assessment_open_on_submit(*, referral: Any, actor: Any, **_: Any) -> None:
    services.assessment_open(referral=referral)
