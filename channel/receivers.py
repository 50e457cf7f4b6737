"""channel listens to the referral's domain signals; referrals never imports channel."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from referrals.signals import referral_handed_to_channel

from . import services


@receiver(referral_handed_to_channel, dispatch_uid="channel.channel_case_open")
def channel_case_open_on_hand_over(*, referral_id: Any, actor: Any, **_: Any) -> None:
    services.channel_case_open(referral_id=referral_id, actor=actor)
