"""Display rows for summary lists: answers as GOV.UK summary list rows, with change links."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse

from .forms import CHOICES, QUESTION_LABELS
from .journey import Step
from .validation import ANSWERS


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
            rows = [{"key": "Documents", "value": f"{referral.attachments.count()} uploaded"}]
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
