"""The Screening section of the case page, its actions and its history phrases, registered from
mash/apps.py into the referrals registry (referrals never imports mash)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from referrals import sections
from referrals.permissions import can_read

from ..models import Decision, DecisionRoute, GatewayCheck, ScreeningOutcome, ScreeningReason
from .forms import DecisionForm, GatewayCheckForm, ScreeningOutcomeForm
from .permissions import (
    can_record_decision,
    can_record_gateway_check,
    can_record_screening_outcome,
    has_gateway_check,
)

SLUG = "screening"


def _form(form_class: type, referral: Any, url_name: str, title: str, button: str) -> dict[str, Any]:
    return {
        "form": form_class(initial=form_class.initial_for(referral) | {"shown_status": referral.status}),
        "action": reverse(f"referrals:{url_name}", args=[referral.reference]),
        "title": title,
        "button": button,
    }


def _context(referral: Any, user: Any) -> dict[str, Any]:
    """What screening recorded (decrypted: the section's read is recorded by the case page), and the forms
    this user may fill in now."""
    forms = []
    if can_record_screening_outcome(referral, user):
        forms.append(
            _form(
                ScreeningOutcomeForm,
                referral,
                "screening-outcome",
                "Record the screening outcome",
                "Save screening outcome",
            )
        )
    if can_record_gateway_check(referral, user):
        title = "Change the gateway check" if has_gateway_check(referral) else "Record the police gateway check"
        forms.append(_form(GatewayCheckForm, referral, "screening-gateway-check", title, "Save gateway check"))
    if can_record_decision(referral, user):
        forms.append(_form(DecisionForm, referral, "screening-decision", "Record the decision", "Save decision"))
    return {
        "gateway_check": GatewayCheck.objects.select_related("recorded_by").filter(referral=referral).first(),
        "screening_outcome": ScreeningOutcome.objects.select_related("recorded_by", "reason")
        .filter(referral=referral)
        .first(),
        "decision": Decision.objects.select_related("recorded_by").filter(referral=referral).first(),
        "screening_forms": forms,
        "back_url": reverse("referrals:referral-section", args=[referral.reference, SLUG]),
    }


def _url(url_name: str) -> Any:
    return lambda referral, user: reverse(f"referrals:{url_name}", args=[referral.reference])


# Built once, so registering again (a second ready()) registers equal actions, not a clash.
_OUTCOME_URL, _GATEWAY_URL, _DECISION_URL = (
    _url("screening-outcome"),
    _url("screening-gateway-check"),
    _url("screening-decision"),
)


def _may_change_gateway_check(referral: Any, user: Any) -> bool:
    return can_record_gateway_check(referral, user) and has_gateway_check(referral)


def _may_record_first_gateway_check(referral: Any, user: Any) -> bool:
    return can_record_gateway_check(referral, user) and not has_gateway_check(referral)


def _gateway_recorded(event: Any, names: dict[int, str]) -> tuple[str, str]:
    details = event.details or {}
    answer = "yes" if details.get("counter_terrorism") else "no"
    title = "Gateway check recorded again" if details.get("rerecorded") else "Gateway check recorded"
    return title, f"A matter for a police-led counter-terrorism investigation: {answer}."


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _outcome_recorded(event: Any, names: dict[int, str]) -> tuple[str, str]:
    label = ScreeningReason.objects.filter(code=event.reason_code).values_list("label", flat=True).first()
    return f"Screening outcome: {_lower_first(label or 'recorded')}", ""


def _decision_recorded(event: Any, names: dict[int, str]) -> tuple[str, str]:
    if (event.details or {}).get("route") == DecisionRoute.CHANNEL:
        return "Decision: refer to the Channel panel", ""
    return "Decision: close the case", ""


def _decision_chased(event: Any, names: dict[int, str]) -> tuple[str, str]:
    assignee_id = (event.details or {}).get("assignee_id")
    if isinstance(assignee_id, int):
        return "Reminder sent: the screening decision is overdue", f"Sent to {names.get(assignee_id, 'a former user')}."
    return "Reminder sent: the screening decision is overdue", "Sent to the council's triage officers: not assigned."


def register() -> None:
    sections.register(sections.CaseSection(SLUG, "Screening", 20, "mash/sections/screening.html", _context, can_read))
    sections.register_action(
        sections.CaseAction(
            "mash-screening-outcome",
            "Record screening outcome",
            10,
            _OUTCOME_URL,
            can_record_screening_outcome,
            "primary",
        )
    )
    sections.register_action(
        sections.CaseAction(
            "mash-gateway-check",
            "Record gateway check",
            20,
            _GATEWAY_URL,
            _may_record_first_gateway_check,
            "primary",
        )
    )
    sections.register_action(
        sections.CaseAction(
            "mash-gateway-check-change",
            "Change gateway check",
            30,
            _GATEWAY_URL,
            _may_change_gateway_check,
            "secondary",
        )
    )
    sections.register_action(
        sections.CaseAction("mash-decision", "Record decision", 40, _DECISION_URL, can_record_decision, "primary")
    )
    sections.register_history_phrase("GATEWAY_CHECK_RECORDED", _gateway_recorded)
    sections.register_history_phrase("SCREENING_OUTCOME_RECORDED", _outcome_recorded)
    sections.register_history_phrase("MASH_DECISION_RECORDED", _decision_recorded)
    sections.register_history_phrase("SCREENING_DECISION_CHASED", _decision_chased)


__all__ = ["SLUG", "register"]
