"""Every status change of a referral goes through `_run_transition`: permission, refusal audit, save, audit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django_fsm import ConcurrentTransition, can_proceed, has_transition_perm

from audit import services as audit
from audit.actions import AuditAction
from referrals.choices import CHANNEL_CLOSING_REASONS, PRE_CHANNEL_CLOSING_REASONS
from referrals.exceptions import CaseChangedMeanwhile, ReferralInvalid, TransitionNotPossible, TransitionRefused
from referrals.models import Referral
from referrals.signals import referral_closed, referral_handed_to_channel


def _permitted(method: Callable[[], None], *, actor: Any) -> bool:
    """The transition's permission callable alone (django_fsm.has_transition_perm also folds in conditions)."""
    meta = method._django_fsm
    referral = method.__self__
    state = meta.field.get_state(referral)
    return meta.has_transition(state) and meta.has_transition_perm(referral, state, actor)


def _check_transition(method: Callable[[], None], *, actor: Any) -> None:
    """Refuse (audited, committed on its own) before any transaction opens; then check state and conditions."""
    referral: Referral = method.__self__
    name = method.__name__
    if not can_proceed(method, check_conditions=False):
        raise TransitionNotPossible(name)
    if not _permitted(method, actor=actor):
        audit.record_refusal(
            actor=actor,
            action=AuditAction.REFERRAL_STATUS_CHANGED,
            target=referral,
            details={"transition": name, "source": referral.status},
        )
        raise TransitionRefused(name)
    if not has_transition_perm(method, actor):
        raise TransitionNotPossible(name)


def transition_update_fields(method: Callable[[], None], *also: str) -> list[str]:
    """The columns a transition writes: the status, updated_at, what its body sets, and `also` (set by the service)."""
    referral: Referral = method.__self__
    declared = next(t for t in referral.get_all_status_transitions() if t.name == method.__name__)
    return ["status", "updated_at", *declared.custom.get("writes", ()), *also]


def case_changed_meanwhile(
    *, referral: Referral, actor: Any, transition: str, source: str, **details: int
) -> CaseChangedMeanwhile:
    """Record (committed on its own) that a change was refused because the stored case had moved on.

    Call it after the failed transaction has rolled back; raise the error it returns.
    """
    current = Referral.objects.filter(pk=referral.pk).values_list("status", flat=True).first() or ""
    audit.record_refusal(
        actor=actor,
        action=AuditAction.REFERRAL_TRANSITION_CONFLICTED,
        target=referral,
        details={"transition": transition, "source": source, "current_status": current, **details},
    )
    return CaseChangedMeanwhile(transition=transition, current_status=current)


def _check_shown_status(method: Callable[[], None], *, actor: Any, shown_status: str) -> None:
    """The page offered this transition at `shown_status`: if the case has moved on since, say so (audited)."""
    referral: Referral = method.__self__
    if shown_status and shown_status != referral.status:
        raise case_changed_meanwhile(referral=referral, actor=actor, transition=method.__name__, source=shown_status)


def _run_transition(
    method: Callable[[], None],
    *,
    actor: Any,
    shown_status: str = "",
    reason_code: str = "",
    also_writes: tuple[str, ...] = (),
    on_saved: Callable[[], None] | None = None,
) -> Referral:
    """Run one declared transition as one audited transaction (STYLE.md section 3).

    The UPDATE names only the columns the transition changes (no answer is re-encrypted), and
    ConcurrentTransitionMixin makes it conditional on the status this copy was loaded with: if
    another user moved the case first, nothing is saved and CaseChangedMeanwhile is raised. So it
    is if the page that offered the transition showed another status (`shown_status`) than now.
    """
    referral: Referral = method.__self__
    _check_shown_status(method, actor=actor, shown_status=shown_status)
    _check_transition(method, actor=actor)
    source = referral.status
    update_fields = transition_update_fields(method, *also_writes)
    try:
        with transaction.atomic():
            method()
            referral.save(update_fields=update_fields)
            if on_saved is not None:
                on_saved()
            audit.record(
                actor=actor,
                action=AuditAction.REFERRAL_STATUS_CHANGED,
                target=referral,
                reason_code=reason_code,
                details={"transition": method.__name__, "source": source, "target_status": referral.status},
            )
    except ConcurrentTransition as exc:
        # Rolled back; the refusal is recorded after it, in its own transaction.
        raise case_changed_meanwhile(referral=referral, actor=actor, transition=method.__name__, source=source) from exc
    return referral


def referral_start_screening(*, referral: Referral, actor: Any, shown_status: str = "") -> Referral:
    """Move a submitted referral into screening (triage or police Prevent officer of its authority)."""
    return _run_transition(referral.start_screening, actor=actor, shown_status=shown_status)


def referral_start_information_gathering(*, referral: Referral, actor: Any, shown_status: str = "") -> Referral:
    """Screening found a concern worth a multi-agency look: start gathering information."""
    return _run_transition(referral.start_information_gathering, actor=actor, shown_status=shown_status)


def referral_refer_to_channel(*, referral: Referral, actor: Any, shown_status: str = "") -> Referral:
    """Hand the case to Channel; `channel` answers the signal sent inside this transaction."""
    return _run_transition(
        referral.refer_to_channel,
        actor=actor,
        shown_status=shown_status,
        on_saved=lambda: referral_handed_to_channel.send(sender=Referral, referral_id=referral.pk, actor=actor),
    )


def referral_close(
    *, referral: Referral, actor: Any, reason_code: str, summary: str, shown_status: str = ""
) -> Referral:
    """Close at screening or after information gathering, with a reason code and a closing summary."""
    _check_shown_status(referral.close, actor=actor, shown_status=shown_status)
    errors: dict[str, list[str]] = {}
    if reason_code not in PRE_CHANNEL_CLOSING_REASONS:
        errors["reason_code"] = ["Select why the case is being closed"]
    summary = (summary or "").strip()
    if not summary:
        errors["summary"] = ["Enter a closing summary"]
    elif len(summary) > Referral._meta.get_field("closing_summary").max_length:
        errors["summary"] = ["The closing summary must be 5000 characters or fewer"]
    if not _permitted(referral.close, actor=actor):
        _check_transition(referral.close, actor=actor)
    if errors:
        raise ReferralInvalid(errors)
    referral.closing_reason = reason_code
    referral.closing_summary = summary
    try:
        return _run_transition(
            referral.close,
            actor=actor,
            reason_code=reason_code,
            also_writes=("closing_reason", "closing_summary"),
            on_saved=lambda: _send_closed(referral, actor),
        )
    except (TransitionNotPossible, CaseChangedMeanwhile):
        referral.closing_reason, referral.closing_summary = "", ""
        raise


def referral_close_from_channel_permitted(*, referral: Referral, actor: Any, reason_code: str) -> bool:
    """Would this actor be allowed to close this case from Channel for this reason (no audit, no write)?

    The channel app asks before its own transaction opens, so that a refusal is recorded on its own.
    """
    previous = referral.closing_reason
    referral.closing_reason = reason_code
    try:
        return _permitted(referral.close_from_channel, actor=actor)
    finally:
        referral.closing_reason = previous


def referral_close_from_channel(*, referral: Referral, actor: Any, reason_code: str, summary: str) -> Referral:
    """Close a case that is with Channel: not adopted, completed after the post-exit reviews, or withdrawn.

    Called by the channel app inside its own transaction (the Channel stage and the referral's closing
    commit together or not at all), after it has checked `referral_close_from_channel_permitted`.
    """
    summary = (summary or "").strip()
    if reason_code not in CHANNEL_CLOSING_REASONS:
        raise ReferralInvalid({"reason_code": ["Select why the case is being closed"]})
    if not summary:
        raise ReferralInvalid({"summary": ["Enter a closing summary"]})
    if len(summary) > Referral._meta.get_field("closing_summary").max_length:
        raise ReferralInvalid({"summary": ["The closing summary must be 5000 characters or fewer"]})
    referral.closing_reason = reason_code
    referral.closing_summary = summary
    try:
        return _run_transition(
            referral.close_from_channel,
            actor=actor,
            reason_code=reason_code,
            also_writes=("closing_reason", "closing_summary"),
            on_saved=lambda: _send_closed(referral, actor),
        )
    except (TransitionNotPossible, TransitionRefused, CaseChangedMeanwhile):
        referral.closing_reason, referral.closing_summary = "", ""
        raise


def _send_closed(referral: Referral, actor: Any) -> None:
    referral_closed.send(sender=Referral, referral_id=referral.pk, actor=actor)


def referral_start_transfer(*, referral: Referral) -> Referral:
    """closed -> transferring, taken by the service itself (actor None) once the transfer package is built.

    Called by the closure app inside its own transaction, with the package it stores.
    """
    return _run_transition(referral.start_transfer, actor=None)


def referral_confirm_transfer(*, referral: Referral, actor: Any) -> Referral:
    """transferring -> transferred: CTP's receipt was verified (by the closure app, which calls this inside its
    transaction); `actor` is the police Prevent officer who confirmed it, or None for a loaded receipt."""
    return _run_transition(referral.confirm_transfer, actor=actor)


def referral_purge(*, referral: Referral, actor: Any) -> Referral:
    """transferred -> purged, inside the closure app's purge transaction (which deletes the case next)."""
    return _run_transition(referral.purge, actor=actor)
