"""Who may take the support steps (ACCESS.md "Actions"): the coordinators of the case's council record the
VAF, consent, the support plan and post-exit reviews; the Intervention Provider of an intervention logs its
sessions and marks it started, through their per-intervention grant."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..permissions import can_coordinate
from .selectors import provider_interventions

if TYPE_CHECKING:
    from .models import Intervention


def holds_intervention_grant(intervention: Intervention, user: Any) -> bool:
    """The provider named on the intervention, holding an unexpired grant to it (the selectors' one rule)."""
    return provider_interventions(user).filter(pk=intervention.pk).exists()


def can_deliver(intervention: Intervention, user: Any) -> bool:
    """Log a session, mark started: the intervention's own provider (grant), or a coordinator of the council."""
    return holds_intervention_grant(intervention, user) or can_coordinate(intervention.channel_case, user)
