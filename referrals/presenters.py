"""Display rows for summary lists: answers as GOV.UK summary list rows, with change links."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse

from .forms import CHOICES, QUESTION_LABELS
from .journey import Step
from .selectors import referral_attachment_count
from .validation import ANSWERS, age_on


def answer_display(name: str, value: Any) -> str:
    if value in (None, "", []):
        return "Not given"
    labels = dict(CHOICES.get(name, []))
    if isinstance(value, list):
        return ", ".join(labels.get(v, v) for v in value)
    if isinstance(value, datetime.date):
        return value.strftime("%-d %B %Y")
    return labels.get(value, value)


def answer_rows(*, referral: Any, answers: dict[str, Any], steps: list[Step], change: bool = True) -> list[dict]:
    """Sections of rows, one per page of the journey, each row with its question, answer and change link."""
    sections = []
    for step in steps:
        if step.slug == "council":
            rows = [{"key": "Council area", "value": referral.local_authority.name}]
        elif step.slug == "attachments":
            rows = [{"key": "Documents", "value": f"{referral_attachment_count(referral)} uploaded"}]
        else:
            rows = [
                {"key": QUESTION_LABELS.get(name, ANSWERS[name].label), "value": answer_display(name, answers[name])}
                for name in step.answer_names
            ]
        if change:
            url = reverse("referrals:draft-step", args=[referral.pk, step.slug]) + "?return=check"
            for row in rows:
                row["change_url"] = url
        sections.append({"title": step.title, "rows": rows})
    return sections


# Age bands shown on the case summary: enough to triage, never the date of birth itself.
AGE_BANDS = ((18, "Under 18"), (25, "18 to 24"), (35, "25 to 34"), (45, "35 to 44"), (55, "45 to 54"), (65, "55 to 64"))


def age_band(answers: dict[str, Any], *, today: datetime.date) -> str:
    age = age_on(
        date_of_birth=answers.get("date_of_birth"), approximate_age=answers.get("approximate_age") or "", today=today
    )
    if age is None:
        return "Not known"
    return next((label for limit, label in AGE_BANDS if age < limit), "65 or over")


# The flags a caseworker scans for, as MOJ badges: the colour says how urgent, the words say what (colour is
# never the only signal). The queue (mash/queue.html) uses the same words and colours.
FLAG_BADGES = {
    "immediate_risk": "moj-badge--red",
    "under_18": "moj-badge--purple",
    "repeat": "moj-badge--bright-purple",
    "attachments": "moj-badge--grey",
}


def case_summary(*, referral: Any, answers: dict[str, Any], repeats: Any, today: datetime.date) -> dict[str, Any]:
    """The summary card of the case page: who, where, what, and the flags a caseworker scans for.

    The age band is worked out now, from the date of birth (or the approximate age), never stored."""
    flags = []
    if answers.get("immediate_risk") == "yes":
        flags.append(("Immediate risk", FLAG_BADGES["immediate_risk"]))
    age = age_on(
        date_of_birth=answers.get("date_of_birth"), approximate_age=answers.get("approximate_age") or "", today=today
    )
    if age is not None and age < AGE_BANDS[0][0]:
        flags.append(("Under 18", FLAG_BADGES["under_18"]))
    if repeats is not None and (repeats.visible or repeats.elsewhere_count):
        flags.append(("Possible repeat referral", FLAG_BADGES["repeat"]))
    attachments = referral_attachment_count(referral)
    if attachments:
        flags.append((f"{attachments} document{'s' if attachments != 1 else ''}", FLAG_BADGES["attachments"]))
    person = [
        {"key": "First name", "value": answers.get("given_name") or "Not given"},
        {"key": "Age", "value": age_band(answers, today=today)},
        {"key": "Council area", "value": referral.local_authority.name},
        {"key": "Type of concern", "value": answer_display("concern_type", answers.get("concern_type"))},
    ]
    header = dict(zip(("first_name", "age", "council", "concern"), (row["value"] for row in person), strict=True))
    return {"rows": person, "person": header, "flags": flags}
