"""The referral journey's pages, declared once: each step's question, its form and when it applies."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import forms as f
from .validation import is_under_18


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    form_class: type | None
    condition: Callable[[dict[str, Any]], bool] | None = None
    caption: str = ""

    def applies(self, answers: dict[str, Any]) -> bool:
        return self.condition is None or self.condition(answers)

    @property
    def answer_names(self) -> tuple[str, ...]:
        return getattr(self.form_class, "answer_names", ())


ABOUT = "About the person"
YOU = "About you"
CONCERN = "Your concern"

STEPS: list[Step] = [
    Step("council", "Which council area does the person live in?", f.CouncilForm, caption=ABOUT),
    Step(
        "name",
        "What is their name?",
        f.answers_form("given_name", "family_name", "other_names", required=("given_name", "family_name")),
        caption=ABOUT,
    ),
    Step("date-of-birth", "What is their date of birth?", f.DateOfBirthForm, caption=ABOUT),
    Step(
        "details",
        "Tell us about them",
        f.answers_form("gender", "first_language", "interpreter_needed", required=("gender", "interpreter_needed")),
        caption=ABOUT,
    ),
    Step(
        "address",
        "Where do they live?",
        f.answers_form("address", "postcode", "contact", required=("address", "postcode")),
        caption=ABOUT,
    ),
    Step(
        "education",
        "Which school, college or employer are they with?",
        f.answers_form("education_or_employer"),
        caption=ABOUT,
    ),
    Step(
        "parent-carer",
        "Who is their parent or carer?",
        f.answers_form(
            "parent_name",
            "parent_relationship",
            "parent_contact",
            "parent_address",
            required=("parent_name", "parent_relationship", "parent_contact"),
        ),
        condition=is_under_18,
        caption=ABOUT,
    ),
    Step(
        "your-details",
        "Your details",
        f.answers_form(
            "referrer_name",
            "referrer_role",
            "referrer_organisation",
            "referrer_sector",
            "referrer_email",
            "referrer_phone",
            required=("referrer_name", "referrer_role", "referrer_organisation", "referrer_sector", "referrer_email"),
        ),
        caption=YOU,
    ),
    Step(
        "safeguarding-lead",
        "Your safeguarding or Prevent lead",
        f.answers_form("safeguarding_lead_aware", required=("safeguarding_lead_aware",)),
        caption=YOU,
    ),
    Step(
        "concern",
        "Describe your concerns",
        f.answers_form("concern_description", required=("concern_description",)),
        caption=CONCERN,
    ),
    Step(
        "concern-when",
        "When did this happen and how did you find out?",
        f.answers_form("concern_when", "concern_how_learned", required=("concern_when", "concern_how_learned")),
        caption=CONCERN,
    ),
    Step(
        "concern-type", "Type of concern", f.answers_form("concern_type", required=("concern_type",)), caption=CONCERN
    ),
    Step("indicators", "What you have noticed", f.answers_form("indicators", "complex_needs"), caption=CONCERN),
    Step(
        "person-aware",
        "Does the person know?",
        f.answers_form("person_aware", required=("person_aware",)),
        caption=CONCERN,
    ),
    Step("other-agencies", "Are other agencies involved?", f.answers_form("other_agencies"), caption=CONCERN),
    Step(
        "immediate-risk",
        "Immediate risk",
        f.answers_form("immediate_risk", required=("immediate_risk",)),
        caption=CONCERN,
    ),
    Step("attachments", "Upload documents", f.AttachmentForm, caption=CONCERN),
]
BY_SLUG = {step.slug: step for step in STEPS}
STEP_OF_ANSWER = {name: step.slug for step in STEPS for name in step.answer_names}


def steps_for(answers: dict[str, Any]) -> list[Step]:
    """The steps that apply to these answers (the parent or carer page only for a child)."""
    return [step for step in STEPS if step.applies(answers)]


def step_after(slug: str, answers: dict[str, Any]) -> Step | None:
    applicable = steps_for(answers)
    slugs = [step.slug for step in applicable]
    if slug not in slugs:
        return applicable[0]
    index = slugs.index(slug)
    return applicable[index + 1] if index + 1 < len(applicable) else None


def step_before(slug: str, answers: dict[str, Any]) -> Step | None:
    applicable = steps_for(answers)
    slugs = [step.slug for step in applicable]
    if slug not in slugs or slugs.index(slug) == 0:
        return None
    return applicable[slugs.index(slug) - 1]


def _answered(name: str, answers: dict[str, Any]) -> bool:
    if name == "date_of_birth":
        return bool(answers.get("date_of_birth") or answers.get("approximate_age"))
    return answers.get(name) not in (None, "", [])


def step_to_resume(answers: dict[str, Any]) -> Step | None:
    """The first page with a required answer still missing; None when only checking is left."""
    for step in steps_for(answers):
        form_fields = getattr(step.form_class, "base_fields", {})
        names = [n for n in step.answer_names if form_fields[n].required or n == "date_of_birth"]
        if any(not _answered(name, answers) for name in names):
            return step
    return None
