"""Who may see transfers and confirm receipts (ACCESS.md); each starts from the case's visibility rules."""

from __future__ import annotations

from typing import Any

from accounts.models import Role
from referrals.permissions import can_confirm_transfer, can_purge, can_read

# The transfers in progress of a council: its Prevent lead, and its police Prevent officer (the CTP liaison,
# who confirms receipts).
TRANSFER_LIST_ROLES = (Role.PREVENT_LEAD, Role.POLICE_PREVENT_OFFICER)


# The purge certificates of a council: its Prevent lead and its auditor (ACCESS.md, DESIGN.md "Closure").
CERTIFICATE_ROLES = (Role.PREVENT_LEAD, Role.AUDITOR)


def can_list_certificates(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(*CERTIFICATE_ROLES))


def can_purge_now(referral: Any, user: Any) -> bool:
    """Offer "Purge now" on the Closure section: a person, and one the purge transition permits."""
    return user is not None and getattr(user, "is_authenticated", False) and can_purge(referral, user)


def can_list_transfers(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(*TRANSFER_LIST_ROLES))


def can_see_transfer(referral: Any, user: Any) -> bool:
    """The case's readers (a grantee reads the case, not what is done with it)."""
    return can_read(referral, user)


def can_confirm_receipt(referral: Any, user: Any) -> bool:
    """A person confirms a receipt: the police Prevent officer of the case's own authority (never the service)."""
    return user is not None and can_confirm_transfer(referral, user)
