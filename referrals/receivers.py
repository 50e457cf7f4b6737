"""Answers to the accounts app's domain signals (accounts never imports referrals; STYLE.md section 3)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from accounts.signals import membership_changed, user_deactivated
from referrals.choices import GrantEndReason
from referrals.services import case_grants_end_for_holder


@receiver(membership_changed, dispatch_uid="referrals_grants_end_on_membership_change")
def end_grants_on_membership_change(sender: Any, user: Any, actor: Any, changed: tuple, **kwargs: Any) -> None:
    reason = GrantEndReason.AUTHORITY_CHANGED if "local_authority" in changed else GrantEndReason.ROLE_CHANGED
    case_grants_end_for_holder(holder=user, actor=actor, reason_code=reason)


@receiver(user_deactivated, dispatch_uid="referrals_grants_end_on_deactivation")
def end_grants_on_deactivation(sender: Any, user: Any, actor: Any, **kwargs: Any) -> None:
    case_grants_end_for_holder(holder=user, actor=actor, reason_code=GrantEndReason.ACCOUNT_DEACTIVATED)
