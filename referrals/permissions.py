"""Predicates `can_<verb>(referral, user)`: the FSM permission callables and the case page's buttons.

Each starts from "may this user see the case at all" (its local authority and role), as in ACCESS.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from accounts.models import Role

from .choices import ClosingReason, CoarseStatus, ReferralStatus

if TYPE_CHECKING:
    from .models import Referral

CASE_READER_ROLES = (Role.TRIAGE_OFFICER, Role.POLICE_PREVENT_OFFICER, Role.PREVENT_LEAD)
# Who may be given a per-case grant by the case's authority (ACCESS.md): a panel member, for a case with
# the Channel panel. A partner contributor never sees the case, only the information request addressed
# to them. A grant row held by anyone else (a role changed since) gives nothing. Prevent leads hold
# break-glass grants to other authorities' cases.
GRANTEE_ROLES = (Role.PANEL_MEMBER,)
GRANT_HOLDER_ROLES = (*GRANTEE_ROLES, Role.PREVENT_LEAD)
# The stages in which a role's grant opens the case (ACCESS.md); a role absent here: every stage once submitted.
GRANT_STAGES = {Role.PANEL_MEMBER: (ReferralStatus.WITH_CHANNEL,)}
GRANT_MANAGER_ROLES = (Role.TRIAGE_OFFICER, Role.PREVENT_LEAD)


def grant_may_open(referral: Referral, role: str) -> bool:
    """Would a current grant held by this role open this case at its stage?"""
    stages = GRANT_STAGES.get(role)
    return role in GRANT_HOLDER_ROLES and (stages is None or referral.status in stages)


def _in_own_authority(referral: Referral, user: Any, *roles: str) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.has_role(*roles)
        and user.local_authority_id == referral.local_authority_id
    )


def chair_may_read(referral: Referral) -> bool:
    """ACCESS.md: the Channel chair reads a case of their own authority while it is with Channel, and once
    closed until transferred. Security over convenience: "closed" means closed after being with Channel
    (referred_to_channel_at set); a case closed at screening was never the chair's to read."""
    return referral.status == ReferralStatus.WITH_CHANNEL or (
        referral.status in (ReferralStatus.CLOSED, ReferralStatus.TRANSFERRING)
        and referral.referred_to_channel_at is not None
    )


def can_read(referral: Referral, user: Any) -> bool:
    """Triage officer, police Prevent officer or Prevent lead of the case's own authority, once submitted;
    the Channel chair of the case's own authority in the stages of `chair_may_read`."""
    if referral.status == ReferralStatus.DRAFT:
        return False
    if _in_own_authority(referral, user, *CASE_READER_ROLES):
        return True
    return chair_may_read(referral) and _in_own_authority(referral, user, Role.CHANNEL_CHAIR)


def can_manage_grants(referral: Referral, user: Any) -> bool:
    """Triage officer or Prevent lead of the case's own authority give and revoke per-case grants."""
    return referral.status != ReferralStatus.DRAFT and _in_own_authority(referral, user, *GRANT_MANAGER_ROLES)


def can_see_repeat_councils(referral: Referral, user: Any) -> bool:
    """The case's own Prevent lead learns which council holds a possible repeat they cannot read, to ask it.

    Others learn only that one may exist elsewhere (ACCESS.md "Repeat referrals across councils").
    """
    return referral.status != ReferralStatus.DRAFT and _in_own_authority(referral, user, Role.PREVENT_LEAD)


def can_view_access_report(referral: Referral, user: Any) -> bool:
    """The Prevent lead of the case's own authority (ACCESS.md "Access reports"); never through a grant."""
    return referral.status != ReferralStatus.DRAFT and _in_own_authority(referral, user, Role.PREVENT_LEAD)


def can_break_glass(referral: Referral, user: Any) -> bool:
    """A Prevent lead of another authority, for a submitted case, stating a reason (ACCESS.md "Break-glass")."""
    return bool(
        referral.status != ReferralStatus.DRAFT
        and getattr(user, "is_authenticated", False)
        and user.has_role(Role.PREVENT_LEAD)
        and user.local_authority_id is not None
        and user.local_authority_id != referral.local_authority_id
    )


def can_edit_draft(referral: Referral, user: Any) -> bool:
    return (
        referral.status == ReferralStatus.DRAFT
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and referral.created_by_id == user.pk
    )


def can_add_attachment(referral: Referral, user: Any) -> bool:
    """The author adds files to their draft, or to their submitted referral until screening starts (the API)."""
    return (
        referral.status in (ReferralStatus.DRAFT, ReferralStatus.SUBMITTED)
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and referral.created_by_id == user.pk
    )


def can_submit(referral: Referral, user: Any) -> bool:
    """Whoever wrote the draft submits it (any role may refer, as a referrer)."""
    return can_edit_draft(referral, user)


def can_add_information(referral: Referral, user: Any) -> bool:
    """The referrer, to their own referral once sent and until it is closed (a closed case takes nothing more)."""
    return (
        referral.status != ReferralStatus.DRAFT
        and referral.coarse_status != CoarseStatus.CLOSED
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and referral.created_by_id == user.pk
    )


def can_start_screening(referral: Referral, user: Any) -> bool:
    return _in_own_authority(referral, user, Role.TRIAGE_OFFICER, Role.POLICE_PREVENT_OFFICER)


def can_start_information_gathering(referral: Referral, user: Any) -> bool:
    return _in_own_authority(referral, user, Role.TRIAGE_OFFICER, Role.POLICE_PREVENT_OFFICER)


def can_refer_to_channel(referral: Referral, user: Any) -> bool:
    return _in_own_authority(referral, user, Role.TRIAGE_OFFICER, Role.PREVENT_LEAD)


def can_close(referral: Referral, user: Any) -> bool:
    """At screening the screeners or the lead close; after information gathering, triage or the lead."""
    if referral.status == ReferralStatus.SCREENING:
        return _in_own_authority(referral, user, *CASE_READER_ROLES)
    return _in_own_authority(referral, user, Role.TRIAGE_OFFICER, Role.PREVENT_LEAD)


def can_close_from_channel(referral: Referral, user: Any) -> bool:
    """ACCESS.md "Close a case": the Channel chair or the Prevent lead of the case's own authority; a triage
    officer (as Channel coordinator) only to complete a case after its 12-month post-exit review."""
    roles = [Role.CHANNEL_CHAIR, Role.PREVENT_LEAD]
    if referral.closing_reason == ClosingReason.CHANNEL_COMPLETED:
        roles.append(Role.TRIAGE_OFFICER)
    return _in_own_authority(referral, user, *roles)


def can_start_transfer(referral: Referral, user: Any) -> bool:
    """The service itself (user None: the delivery task, once the closing has committed and the package is
    built), never a person: nobody hands a case to CTP by hand (DESIGN.md "Closure")."""
    return user is None


def can_confirm_transfer(referral: Referral, user: Any) -> bool:
    """ACCESS.md "Confirm a transfer receipt in the UI": the police Prevent officer of the case's own authority
    (as the CTP liaison); or the service itself (user None) loading a receipt whose CTP signature it verified
    (`receive_receipt`). The receipt's checks are the closure app's; this is who may act on one."""
    return user is None or _in_own_authority(referral, user, Role.POLICE_PREVENT_OFFICER)


def can_purge(referral: Referral, user: Any) -> bool:
    """DESIGN.md "Closure": the service itself (user None: the scheduled sweep once the hold period is over),
    or the Prevent lead of the case's own authority. Whether a receipt was accepted is the closure app's check."""
    return user is None or _in_own_authority(referral, user, Role.PREVENT_LEAD)


def transitions_available(referral: Referral, user: Any) -> list[Any]:
    """The transitions this user may take from the current state, for the case page's buttons.

    Like `get_available_user_status_transitions` but ignoring conditions that the action's own page
    fulfils (closing asks for its reason and summary first), and leaving out the transitions declared as
    `recorded_in` a case section (that section's record drives them; referrals/models.py).
    """
    available = [
        transition
        for transition in referral.get_all_status_transitions()
        if transition.source in (referral.status, "*")
        and not transition.custom.get("internal")
        and transition.has_perm(referral, user)
        and not transition.custom.get("recorded_in")  # taken through its section's record, never bare
    ]
    # GOV.UK button order: the actions that move the case on first, closing (the warning button) always last.
    return sorted(available, key=lambda transition: bool(transition.custom.get("needs_reason")))
