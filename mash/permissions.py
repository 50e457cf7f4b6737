"""Who may do what in the MASH (ACCESS.md, the Actions table)."""

from __future__ import annotations

from typing import Any

from accounts.models import Role
from referrals.choices import ReferralStatus

# Assign, start screening, record the screening outcome: triage officer, police Prevent officer (own LA).
ASSIGNER_ROLES = (Role.TRIAGE_OFFICER, Role.POLICE_PREVENT_OFFICER)
ASSIGNEE_ROLES = ASSIGNER_ROLES
# The queue: the case readers of the council.
QUEUE_ROLES = (Role.TRIAGE_OFFICER, Role.POLICE_PREVENT_OFFICER, Role.PREVENT_LEAD)


def can_assign(referral: Any, user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.has_role(*ASSIGNER_ROLES)
        and referral.status != ReferralStatus.DRAFT
        and user.local_authority_id == referral.local_authority_id
    )
