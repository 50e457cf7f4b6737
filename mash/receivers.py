"""mash listens to the referral's domain signals; referrals never imports mash."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from accounts.signals import membership_changed, user_deactivated
from referrals.choices import GrantEndReason
from referrals.signals import referral_demo_dated_back, referral_submitted

from . import services
from .information_requests.grants import request_grants_end_for_holder


@receiver(referral_submitted, dispatch_uid="mash.assessment_open")
def assessment_open_on_submit(*, referral: Any, actor: Any, **_: Any) -> None:
    services.assessment_open(referral=referral)


@receiver(referral_demo_dated_back, dispatch_uid="mash.assessment_follows_demo_dates")
def assessment_follows_demo_dates(*, referral_id: Any, **_: Any) -> None:
    services.assessment_redate_demo(referral_id=referral_id)


# ACCESS.md "Grants follow their reason": a partner's per-request grants end with their role, council or account.
@receiver(membership_changed, dispatch_uid="mash.request_grants_end_on_membership_change")
def request_grants_end_on_membership_change(*, user: Any, actor: Any, changed: tuple, **_: Any) -> None:
    reason = GrantEndReason.AUTHORITY_CHANGED if "local_authority" in changed else GrantEndReason.ROLE_CHANGED
    request_grants_end_for_holder(holder=user, actor=actor, reason_code=reason)


@receiver(user_deactivated, dispatch_uid="mash.request_grants_end_on_deactivation")
def request_grants_end_on_deactivation(*, user: Any, actor: Any, **_: Any) -> None:
    request_grants_end_for_holder(holder=user, actor=actor, reason_code=GrantEndReason.ACCOUNT_DEACTIVATED)
