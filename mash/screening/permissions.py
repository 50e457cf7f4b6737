"""Who may record what in screening (ACCESS.md, the Actions table), and at which stage.

`may_*` is the role rule alone (a 403 page when it fails); `can_*` adds the stage, for the buttons.
"""

from __future__ import annotations

from typing import Any

from accounts.models import Role
from mash.models import GatewayCheck
from referrals.choices import ReferralStatus

# Record the police gateway check: police Prevent officer (own LA).
GATEWAY_ROLES = (Role.POLICE_PREVENT_OFFICER,)
# Record the screening outcome: triage officer, police Prevent officer (own LA).
OUTCOME_ROLES = (Role.TRIAGE_OFFICER, Role.POLICE_PREVENT_OFFICER)
# Refer to Channel, or close after information gathering: triage officer, Prevent lead (own LA).
DECISION_ROLES = (Role.TRIAGE_OFFICER, Role.PREVENT_LEAD)


def _own(referral: Any, user: Any, roles: tuple[str, ...]) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.has_role(*roles)
        and referral.status != ReferralStatus.DRAFT
        and user.local_authority_id == referral.local_authority_id
    )


def may_record_gateway_check(referral: Any, user: Any) -> bool:
    return _own(referral, user, GATEWAY_ROLES)


def may_record_screening_outcome(referral: Any, user: Any) -> bool:
    return _own(referral, user, OUTCOME_ROLES)


def may_record_decision(referral: Any, user: Any) -> bool:
    return _own(referral, user, DECISION_ROLES)


def has_gateway_check(referral: Any) -> bool:
    return GatewayCheck.objects.filter(referral_id=referral.pk).exists()


def can_record_gateway_check(referral: Any, user: Any) -> bool:
    """While the case is screened (the outcome, once recorded, moves it on and the check is final)."""
    return referral.status == ReferralStatus.SCREENING and may_record_gateway_check(referral, user)


def can_record_screening_outcome(referral: Any, user: Any) -> bool:
    """While the case is screened, once the police gateway check is recorded (deconfliction comes first)."""
    return (
        referral.status == ReferralStatus.SCREENING
        and may_record_screening_outcome(referral, user)
        and has_gateway_check(referral)
    )


def can_record_decision(referral: Any, user: Any) -> bool:
    return referral.status == ReferralStatus.INFORMATION_GATHERING and may_record_decision(referral, user)
