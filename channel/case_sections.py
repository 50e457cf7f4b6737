"""The case page's Channel section, summary row and history phrases, registered from ChannelConfig.ready()
into the registry `referrals` owns (referrals/sections.py): referrals never imports channel."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django_fsm import can_proceed

from referrals import sections

from .choices import ALL_REASONS, ChannelStage
from .models import ChannelCase
from .selectors import channel_case_for, channel_decisions, channel_stage_of
from .services import PANEL_DECISIONS, REVIEW_STEPS, is_permitted

# Consent is recorded in the Consent section (channel/support): who answered, how, and the age rule.
CONSENT_STEPS = ("record_consent_given", "record_consent_refused")

# The caseworker's words for each step (the history, and the Channel section's record of decisions).
STEP_TITLES = {
    "adopt": "Adopted by the Channel panel",
    "not_adopt": "Not adopted by the Channel panel",
    "record_consent_given": "Consent to Channel support given",
    "record_consent_refused": "Consent to Channel support refused",
    "exit": "Exited from Channel support",
    "record_six_month_review": "6-month post-exit review recorded",
    "complete": "12-month post-exit review recorded: Channel case completed",
    "relist": "Listed for the Channel panel again",
    "withdraw": "Withdrawn from Channel",
}
REASON_LABELS = {code: label for reasons in ALL_REASONS for code, label in reasons.choices}
STAGE_LABELS = dict(ChannelStage.choices)


def steps_for(channel_case: ChannelCase, user: Any) -> list[dict[str, Any]]:
    """The steps this user may take from the case's stage now, in the model's order, withdrawing last; the
    panel's decisions are taken at a meeting (the Panel section), never from here."""
    steps = []
    for spec in channel_case.get_all_state_transitions():
        if spec.source not in (channel_case.state, "*") or spec.name in (*PANEL_DECISIONS, *CONSENT_STEPS):
            continue
        method = getattr(channel_case, spec.name)
        # With its conditions: a post-exit review step is not offered before its window opens (channel/conditions.py).
        if can_proceed(method) and is_permitted(channel_case, spec.name, user):
            steps.append(
                {
                    "name": spec.name,
                    "label": spec.custom["label"],
                    "warning": spec.custom.get("warning"),
                    "url": _step_url(channel_case.referral.reference, spec.name),
                }
            )
    return sorted(steps, key=lambda step: bool(step["warning"]))


def _step_url(reference: str, name: str) -> str:
    """A post-exit review is recorded with its outcome, on the Reviews section's form (the only service that
    takes those steps); every other step has its own step page."""
    if name in REVIEW_STEPS:
        return reverse("channel:post-exit-review-record", args=[reference])
    return reverse("channel:case-step", args=[reference, name])


def _dates(channel_case: ChannelCase) -> list[dict[str, str]]:
    def day(value: Any) -> str:
        if value is None:
            return ""
        value = timezone.localdate(value) if hasattr(value, "tzinfo") else value
        return f"{value:%-d %B %Y}"

    rows = [
        ("Listed for the panel", day(channel_case.listed_at)),
        ("Panel decision", day(channel_case.decided_at)),
        ("Consent given", day(channel_case.consent_given_on)),
        ("Consent refused", day(channel_case.consent_refused_on)),
        ("Re-assessment due", day(channel_case.reassess_on)),
        ("Exited", day(channel_case.exited_at)),
        ("6-month review recorded", day(channel_case.six_month_review_at)),
        ("Closed", day(channel_case.closed_at)),
    ]
    return [{"key": key, "value": value} for key, value in rows if value]


def _context(referral: Any, user: Any) -> dict[str, Any]:
    channel_case = channel_case_for(referral)
    if channel_case is None:  # the section is not visible then; kept safe for a direct call
        return {}
    channel_case.referral = referral
    decisions = [
        {
            "title": STEP_TITLES.get(decision.transition, "Channel step recorded"),
            "reason": REASON_LABELS.get(decision.reason_code, ""),
            "note": decision.note,
            "by": decision.decided_by.display_name or "a user",
            "at": decision.created_at,
        }
        for decision in channel_decisions(channel_case=channel_case)
    ]
    return {
        "channel_case": channel_case,
        "channel_stage": channel_case.get_state_display(),
        "channel_dates": _dates(channel_case),
        "channel_decisions": decisions[::-1],
        "channel_steps": steps_for(channel_case, user),
        "awaiting_consent": channel_case.state == ChannelStage.AWAITING_CONSENT,
    }


def _visible(referral: Any, user: Any) -> bool:
    return channel_stage_of(referral) is not None


def _stage(referral: Any, user: Any) -> str | None:
    state = channel_stage_of(referral)
    return STAGE_LABELS.get(state) if state else None


def _opened(event: Any, names: dict[int, str]) -> tuple[str, str]:
    return "Listed for the Channel panel", ""


def _step(event: Any, names: dict[int, str]) -> tuple[str, str]:
    details = event.details or {}
    title = STEP_TITLES.get(details.get("transition", ""), "Channel stage changed")
    before = STAGE_LABELS.get(details.get("stage_before"), "another stage")
    after = STAGE_LABELS.get(details.get("stage_after"), "another stage")
    reason = REASON_LABELS.get(event.reason_code or "", "")
    move = f"Channel stage moved from {before} to {after}."
    return title, f"{reason}. {move}" if reason else move


def register_case_sections() -> None:
    sections.register(sections.CaseSection("channel", "Channel", 60, "channel/section.html", _context, _visible))
    sections.register_summary_item(sections.SummaryItem("channel_stage", "Channel stage", 50, _stage))
    sections.register_history_phrase("CHANNEL_CASE_OPENED", _opened)
    sections.register_history_phrase("CHANNEL_STAGE_CHANGED", _step)
