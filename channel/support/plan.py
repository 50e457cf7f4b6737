"""The support plan: interventions (with the provider's per-intervention grant), their start and sessions.

Support cannot start without consent given (consent.consent_allows_support): adding, starting and logging
are refused with a message before anything is written."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import Permission
from django.db import transaction

from accounts.models import Role
from audit import services as audit
from audit.actions import AuditAction

from ..exceptions import ChannelInvalid
from ..models import ChannelCase
from .choices import InterventionEndReason
from .common import refuse, require_coordinator, support_date_errors
from .consent import consent_allows_support
from .models import Intervention, InterventionSession, InterventionType, InterventionUserObjectPermission
from .permissions import can_deliver

NO_CONSENT = "Support cannot start without consent: record consent given first"
VIEW_PERMISSION = "view_intervention"
MAX_MINUTES = 600


def _require_consent(channel_case: ChannelCase, *, after_exit: bool = False) -> None:
    if not consent_allows_support(channel_case, after_exit=after_exit):
        raise ChannelInvalid({"__all__": [NO_CONSENT]})


def _people_errors(channel_case: ChannelCase, *, intervention_type: Any, owner: Any, provider: Any) -> dict:
    errors: dict[str, list[str]] = {}
    authority = channel_case.referral.local_authority_id
    if provider is not None and not (
        provider.has_role(Role.INTERVENTION_PROVIDER) and provider.local_authority_id == authority
    ):
        errors["provider"] = ["Select an Intervention Provider of this council"]
    if owner is not None and (
        owner.has_role(Role.INTERVENTION_PROVIDER, Role.REFERRER, Role.AUDITOR, Role.PARTNER_CONTRIBUTOR)
        or owner.local_authority_id != authority
    ):
        errors["owner"] = ["Select an owner from this council's Channel staff"]
    if owner is None and provider is None:
        errors["owner"] = ["Select who owns the intervention, or its Intervention Provider"]
    if isinstance(intervention_type, InterventionType) and intervention_type.by_provider and provider is None:
        errors["provider"] = [f"{intervention_type.label} is delivered by an Intervention Provider: select one"]
    return errors


def intervention_create(
    *,
    channel_case: ChannelCase,
    actor: Any,
    intervention_type: InterventionType | None,
    planned_start: datetime.date | None,
    owner: Any = None,
    provider: Any = None,
    description: str = "",
) -> Intervention:
    """Add an intervention to the plan of a supported case; a provider gets a grant to it (and to nothing else)."""
    require_coordinator(channel_case=channel_case, actor=actor, step="intervention_create")
    _require_consent(channel_case)
    errors: dict[str, list[str]] = {}
    if not isinstance(intervention_type, InterventionType) or not intervention_type.is_active:
        errors["intervention_type"] = ["Select the kind of intervention"]
    if not isinstance(planned_start, datetime.date):
        errors["planned_start"] = ["Enter the date the intervention should start"]
    errors |= _people_errors(channel_case, intervention_type=intervention_type, owner=owner, provider=provider)
    if errors:
        raise ChannelInvalid(errors)
    with transaction.atomic():
        intervention = Intervention.objects.create(
            channel_case=channel_case,
            intervention_type=intervention_type,
            owner=owner,
            provider=provider,
            planned_start=planned_start,
            description=(description or "").strip(),
            created_by=actor,
        )
        if provider is not None:
            InterventionUserObjectPermission.objects.create(
                user=provider,
                permission=Permission.objects.get(content_type__app_label="channel", codename=VIEW_PERMISSION),
                content_object=intervention,
                granted_by=actor,
            )
        audit.record(
            actor=actor,
            action=AuditAction.CHANNEL_INTERVENTION_ADDED,
            target=channel_case,
            details={
                "intervention_id": intervention.pk,
                "intervention_type": intervention_type.code,
                **({"provider_id": provider.pk} if provider else {}),
                **({"owner_id": owner.pk} if owner else {}),
            },
        )
    return intervention


def _require_deliverer(intervention: Intervention, actor: Any, step: str) -> None:
    if not can_deliver(intervention, actor):
        raise refuse(actor=actor, channel_case=intervention.channel_case, step=step, intervention_id=intervention.pk)


def _start(intervention: Intervention, *, actor: Any, started_on: datetime.date) -> None:
    intervention.actual_start = started_on
    intervention.save(update_fields=["actual_start", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditAction.CHANNEL_INTERVENTION_STARTED,
        target=intervention.channel_case,
        details={"intervention_id": intervention.pk},
    )


def intervention_start(*, intervention: Intervention, actor: Any, started_on: datetime.date | None) -> Intervention:
    """Record the day the intervention actually started (its provider, or a coordinator)."""
    _require_deliverer(intervention, actor, "intervention_start")
    _require_consent(intervention.channel_case)
    errors = support_date_errors(intervention.channel_case, started_on, field="started_on", what="the date it started")
    if intervention.actual_start is not None:
        errors["started_on"] = ["This intervention has started already"]
    if errors:
        raise ChannelInvalid(errors)
    with transaction.atomic():
        _start(intervention, actor=actor, started_on=started_on)
    return intervention


def intervention_end(
    *, intervention: Intervention, actor: Any, ended_on: datetime.date | None, end_reason: str
) -> Intervention:
    """Record that an intervention ended (completed, or stopped early) and why; a coordinator of the council.

    An intervention that ends without having started counts as never started ("Lessons for Prevent")."""
    require_coordinator(channel_case=intervention.channel_case, actor=actor, step="intervention_end")
    errors = support_date_errors(intervention.channel_case, ended_on, field="ended_on", what="the date it ended")
    if not errors and intervention.actual_start and ended_on < intervention.actual_start:
        started = intervention.actual_start.strftime("%-d %B %Y")
        errors["ended_on"] = [f"The date it ended must be on or after the day it started, {started}"]
    if end_reason not in InterventionEndReason.values:
        errors["end_reason"] = ["Select why the intervention ended"]
    if intervention.ended_on is not None:
        errors = {"__all__": ["This intervention has ended already"]}
    if errors:
        raise ChannelInvalid(errors)
    with transaction.atomic():
        intervention.ended_on, intervention.end_reason = ended_on, end_reason
        intervention.save(update_fields=["ended_on", "end_reason", "updated_at"])
        audit.record(
            actor=actor,
            action=AuditAction.CHANNEL_INTERVENTION_ENDED,
            target=intervention.channel_case,
            details={
                "intervention_id": intervention.pk,
                "end_reason": end_reason,
                "started": intervention.actual_start is not None,
            },
        )
    return intervention


def _session_errors(intervention: Intervention, held_on: Any, duration_minutes: Any) -> dict[str, list[str]]:
    errors = support_date_errors(intervention.channel_case, held_on, field="held_on", what="the date of the session")
    if not errors and intervention.ended_on and held_on > intervention.ended_on:
        ended = intervention.ended_on.strftime("%-d %B %Y")
        errors["held_on"] = [f"This intervention ended on {ended}: enter a session held on or before that day"]
    if not isinstance(duration_minutes, int) or not 1 <= duration_minutes <= MAX_MINUTES:
        errors["duration_minutes"] = [f"Enter how long the session lasted, in minutes, from 1 to {MAX_MINUTES}"]
    return errors


def intervention_session_log(
    *, intervention: Intervention, actor: Any, held_on: datetime.date | None, duration_minutes: Any, note: str = ""
) -> InterventionSession:
    """Log one session of an intervention; the first one marks it started on its date if it was not yet.

    Only the intervention's own provider (or a coordinator of the council): anyone else is refused, audited."""
    _require_deliverer(intervention, actor, "intervention_session_log")
    _require_consent(intervention.channel_case, after_exit=True)
    errors = _session_errors(intervention, held_on, duration_minutes)
    if errors:
        raise ChannelInvalid(errors)
    with transaction.atomic():
        session = InterventionSession.objects.create(
            intervention=intervention,
            held_on=held_on,
            duration_minutes=duration_minutes,
            note=(note or "").strip(),
            logged_by=actor,
        )
        if intervention.actual_start is None:
            _start(intervention, actor=actor, started_on=held_on)
        audit.record(
            actor=actor,
            action=AuditAction.CHANNEL_SESSION_LOGGED,
            target=intervention.channel_case,
            details={"intervention_id": intervention.pk, "session_id": session.pk, "minutes": duration_minutes},
        )
    return session
