"""Who may do what in the MASH (ACCESS.md, the Actions table)."""

from __future__ import annotations

from typing import Any

from accounts.models import Role
from referrals.choices import ReferralStatus

# Assign, start screening, record the screening outcome: triage officer, police Prevent officer (own LA).
ASSIGNER_ROLES = (Role.TRIAGE_OFFICER, Role.POLICE_PREVENT_OFFICER)
ASSIGNEE_ROLES = ASSIGNER_ROLES
# A case can be (re)assigned while the MASH works it; once with Channel or closed it is no longer MASH work.
ASSIGNABLE_STAGES = (ReferralStatus.SUBMITTED, ReferralStatus.SCREENING, ReferralStatus.INFORMATION_GATHERING)
# The queue: the case readers of the council.
QUEUE_ROLES = (Role.TRIAGE_OFFICER, Role.POLICE_PREVENT_OFFICER, Role.PREVENT_LEAD)


def can_assign(referral: Any, user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.has_role(*ASSIGNER_ROLES)
        and referral.status != ReferralStatus.DRAFT
        and user.local_authority_id == referral.local_authority_id
    )


def can_assign_now(referral: Any, user: Any) -> bool:
    """May assign, and the case is still MASH work (see services.ASSIGNABLE_STAGES): the case page's link."""
    return can_assign(referral, user) and referral.status in ASSIGNABLE_STAGES
