"""Who may do what with information requests (ACCESS.md, the Actions table)."""

from __future__ import annotations

from typing import Any

from accounts.models import Role
from referrals.choices import ReferralStatus
from referrals.permissions import can_read

# Create, chase, withdraw: the triage officer of the case's council.
REQUESTER_ROLES = (Role.TRIAGE_OFFICER,)
ADDRESSEE_ROLES = (Role.PARTNER_CONTRIBUTOR,)


def _triage_officer_of(referral: Any, user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.has_role(*REQUESTER_ROLES)
        and user.local_authority_id == referral.local_authority_id
    )


def can_create_request(referral: Any, user: Any) -> bool:
    """A triage officer of the case's council, while the case is in information gathering."""
    return referral.status == ReferralStatus.INFORMATION_GATHERING and _triage_officer_of(referral, user)


def can_manage_request(information_request: Any, user: Any) -> bool:
    """Chase or withdraw: a triage officer of the case's council, while the request is open."""
    return information_request.is_open and _triage_officer_of(information_request.referral, user)


def can_see_requests(referral: Any, user: Any) -> bool:
    """The case's readers (triage, police Prevent officer, Prevent lead of its council) see its requests."""
    return can_read(referral, user)


def is_addressee(information_request: Any, user: Any) -> bool:
    """The partner contributor it is addressed to, still a partner contributor of the case's council."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.has_role(*ADDRESSEE_ROLES)
        and information_request.addressee_id == user.pk
        and user.local_authority_id == information_request.referral.local_authority_id
    )
