"""A case page section of an app that is not `referrals`, registered as MASH, Channel and closure will do it."""

from __future__ import annotations

from typing import Any

from referrals.sections import CaseSection, SummaryItem

FAKE_SECTION = CaseSection(
    slug="screening-notes",
    title="Screening notes",
    order=20,
    template="testapp/case_section.html",
    context=lambda referral, user: {"note_count": 3},
    visible=lambda referral, user: user.role != "prevent_lead",
)


def _due(referral: Any, user: Any) -> str:
    return "Overdue"


FAKE_SUMMARY_ITEM = SummaryItem(key="due", label="Screening due", order=10, value=_due)
