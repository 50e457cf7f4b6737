"""Who may take the support steps (ACCESS.md "Actions"): the coordinators of the case's council record the
VAF, consent, the support plan and post-exit reviews; the Intervention Provider of an intervention logs its
sessions and marks it started, through their per-intervention grant."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils import timezone

from accounts.models import Role

from ..permissions import can_coordinate

if TYPE_CHECKING:
    from .models import Intervention

PROVIDER_ROLES = (Role.INTERVENTION_PROVIDER,)


def is_provider(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(*PROVIDER_ROLES))


def holds_intervention_grant(intervention: Intervention, user: Any) -> bool:
    """The provider named on the intervention, holding an unexpired grant to it (the selectors' rule)."""
    if not is_provider(user) or intervention.provider_id != user.pk:
        return False
    now = timezone.now()
    return intervention.user_grants.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now), user=user).exists()


def can_deliver(intervention: Intervention, user: Any) -> bool:
    """Log a session, mark started: the intervention's own provider (grant), or a coordinator of the council."""
    return holds_intervention_grant(intervention, user) or can_coordinate(intervention.channel_case, user)
