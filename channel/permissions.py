"""Who may move a Channel case (ACCESS.md, the Actions table): the FSM permission callables `can_<verb>`.

Each starts from the case's own local authority, so a role of another council never qualifies.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from accounts.models import Role

if TYPE_CHECKING:
    from .models import ChannelCase

# Panel decisions (adopt, not adopt, exit, re-list): the Channel chair records them.
DECIDER_ROLES = (Role.CHANNEL_CHAIR,)
# Consent, and reviews (post-exit reviews included): the chair or the triage officer as Channel coordinator.
COORDINATOR_ROLES = (Role.CHANNEL_CHAIR, Role.TRIAGE_OFFICER)
# Withdrawing a case (it closes the referral): the chair or the Prevent lead.
WITHDRAWER_ROLES = (Role.CHANNEL_CHAIR, Role.PREVENT_LEAD)


def _in_own_authority(channel_case: ChannelCase, user: Any, roles: tuple[str, ...]) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.has_role(*roles)
        and user.local_authority_id is not None
        and user.local_authority_id == channel_case.referral.local_authority_id
    )


def can_decide(channel_case: ChannelCase, user: Any) -> bool:
    """Adopt, not adopt, exit, re-list: the Channel chair of the case's council (s.37: the council chairs)."""
    return _in_own_authority(channel_case, user, DECIDER_ROLES)


def can_coordinate(channel_case: ChannelCase, user: Any) -> bool:
    """Consent given or refused, post-exit reviews: the chair or the triage officer of the case's council."""
    return _in_own_authority(channel_case, user, COORDINATOR_ROLES)


def can_withdraw(channel_case: ChannelCase, user: Any) -> bool:
    """Withdraw an open case: the chair or the Prevent lead of the case's council."""
    return _in_own_authority(channel_case, user, WITHDRAWER_ROLES)


# The council's list of Channel cases: the chair and the roles that read the council's cases.
LIST_ROLES = (Role.CHANNEL_CHAIR, Role.TRIAGE_OFFICER, Role.POLICE_PREVENT_OFFICER, Role.PREVENT_LEAD)


def can_list(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(*LIST_ROLES))
