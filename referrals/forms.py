"""GOV.UK question pages of the referral journey; every field's shape comes from referrals.validation.ANSWERS."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from accounts.models import LocalAuthority, Sector

from .choices import BreakGlassReason, ConcernType, Gender, GrantReason, Indicator, YesNoUnknown
from .validation import (
    ANSWERS,
    ATTACHMENT_UNREADABLE,
    COUNCIL_MESSAGES,
    DATE_OF_BIRTH_OR_AGE_REQUIRED,
    answers_validate,
    field_messages,
)

YES_NO_CHOICES = [("yes", "Yes"), ("no", "No")]
CHOICES: dict[str, list[tuple[str, str]]] = {
    "gender": Gender.choices,
    "interpreter_needed": YES_NO_CHOICES,
    "referrer_sector": Sector.choices,
    "safeguarding_lead_aware": YesNoUnknown.choices,
    "concern_type": ConcernType.choices,
    "indicators": Indicator.choices,
    "person_aware": YesNoUnknown.choices,
    "immediate_risk": YES_NO_CHOICES,
}
LONG_TEXT = {
    "address",
    "parent_address",
    "concern_description",
    "concern_how_learned",
    "complex_needs",
    "other_agencies",
}
HINTS = {
    "other_names": "For example, a previous name or a name they use online",
    "approximate_age": "Only if you do not know their date of birth",
    "date_of_birth": "For example, 27 3 2010",
    "contact": "Optional",
    "concern_description": "What happened, what was said or done, and by whom. Do not include rumours.",
    "concern_when": "For example, 'last Tuesday' or 'over the past month'",
    "concern_type": "The assessors decide the type of concern; choose 'Not sure' if you do not know",
    "indicators": "Select all that apply",
    "complex_needs": "For example, mental health, special educational needs, bullying or family problems",
    "other_agencies": "For example, children's social care, a GP or the youth offending team",
}
QUESTION_LABELS = {
    "safeguarding_lead_aware": "Have you discussed this referral with your safeguarding or Prevent lead?",
    "person_aware": "Does the person (or their parent or carer) know about this referral?",
    "immediate_risk": "Is there an immediate risk of harm to the person or others?",
    "interpreter_needed": "Do they need an interpreter?",
    "concern_type": "What type of concern do you think this is?",
    "indicators": "What have you noticed?",
}


class GovukDateInput(forms.Widget):
    """Three boxes (day, month, year); field.html renders them as the GOV.UK date input."""

    parts = ("day", "month", "year")

    def value_from_datadict(self, data: Any, files: Any, name: str) -> dict[str, str]:
        return {part: str(data.get(f"{name}_{part}", "")).strip() for part in self.parts}

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return not any(f"{name}_{part}" in data for part in self.parts)


class GovukDateField(forms.Field):
    widget = GovukDateInput

    def __init__(self, *, noun: str = "Date", **kwargs: Any) -> None:
        self.noun = noun
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> datetime.date | None:
        if isinstance(value, datetime.date) or value in (None, ""):
            return value or None
        parts = {k: (value.get(k) or "") for k in GovukDateInput.parts}
        if not any(parts.values()):
            return None
        missing = [k for k in GovukDateInput.parts if not parts[k]]
        if missing:
            raise forms.ValidationError(f"{self.noun} must include a {' and a '.join(missing)}")
        try:
            day, month, year = (int(parts[k]) for k in GovukDateInput.parts)
            if year < 1000:  # noqa: PLR2004 - a four-digit year
                raise ValueError
            return datetime.date(year, month, day)
        except (ValueError, OverflowError):
            raise forms.ValidationError(f"{self.noun} must be a real date") from None


def answer_field(name: str, *, required: bool = False) -> forms.Field:
    """A form field shaped by the answer's rule; GOV.UK messages for required, too long and bad choices."""
    spec = ANSWERS[name]
    label = QUESTION_LABELS.get(name, spec.label)
    common: dict[str, Any] = {"label": label, "required": required, "help_text": HINTS.get(name, "")}
    errors = field_messages(name)
    if spec.kind == "date":
        return GovukDateField(noun=spec.label, error_messages=errors, **common)
    if spec.kind == "choice":
        widget = forms.Select if name == "referrer_sector" else forms.RadioSelect
        choices = CHOICES[name] if widget is forms.RadioSelect else [("", "Select a sector"), *CHOICES[name]]
        return forms.ChoiceField(choices=choices, widget=widget, error_messages=errors, **common)
    if spec.kind == "choices":
        return forms.MultipleChoiceField(
            choices=CHOICES[name], widget=forms.CheckboxSelectMultiple, error_messages=errors, **common
        )
    widget = forms.Textarea(attrs={"rows": 5}) if name in LONG_TEXT else forms.TextInput
    if spec.kind == "age":
        # A number of up to three digits: a narrow box, the numeric keypad on phones (GOV.UK number inputs).
        widget = forms.TextInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"})
    return forms.CharField(max_length=spec.max_length or None, widget=widget, error_messages=errors, **common)


class AnswersForm(forms.Form):
    """One page of answers; after the fields' own checks the service's rules run too (one source of truth)."""

    answer_names: tuple[str, ...] = ()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        given = {name: cleaned[name] for name in self.answer_names if name in cleaned}
        _, errors = answers_validate(given)
        for name, messages in errors.items():
            self.add_error(name, messages[0])
        return cleaned

    def answers(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.answer_names}


def answers_form(*names: str, required: tuple[str, ...] = ()) -> type[AnswersForm]:
    fields = {name: answer_field(name, required=name in required) for name in names}
    return type("AnswersForm", (AnswersForm,), {**fields, "answer_names": names})


class DateOfBirthForm(answers_form("date_of_birth", "approximate_age")):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not self.errors and not cleaned.get("date_of_birth") and not cleaned.get("approximate_age"):
            self.add_error("date_of_birth", DATE_OF_BIRTH_OR_AGE_REQUIRED)
        return cleaned


class CouncilForm(forms.Form):
    local_authority = forms.ModelChoiceField(
        queryset=LocalAuthority.objects.all(),
        label="Council area",
        empty_label="Select a council",
        help_text="The council area where the person lives. If you are not sure, choose your own council.",
        error_messages=COUNCIL_MESSAGES,
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        required=False,
        help_text="PDF, Word document, JPG, PNG or GIF, smaller than 10MB. Optional.",
        error_messages={"invalid": ATTACHMENT_UNREADABLE},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        # "Upload file" pressed with no file chosen says so (Continue without a file is fine: files are optional).
        if "upload" in self.data and not cleaned.get("file") and "file" not in self.errors:
            self.add_error("file", "Select a file to upload")
        return cleaned


class DeclarationForm(forms.Form):
    declaration = forms.BooleanField(
        label="I confirm that the information I have given is correct to the best of my knowledge",
        error_messages={"required": "Confirm that the information you have given is correct"},
    )
    # The version of the answers this page showed: sending refuses if another tab has saved since.
    answers_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_answers_version(self) -> int:
        value = self.cleaned_data.get("answers_version")
        # A page that did not say which answers it showed cannot send them: -1 never matches a version.
        return -1 if value is None else value


class FurtherInformationForm(forms.Form):
    text = forms.CharField(
        label="What would you like to add?",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="This is added to your referral. It does not change what you sent before.",
        error_messages={
            "required": "Enter the further information",
            "max_length": "Further information must be 5000 characters or fewer",
        },
    )


class GranteeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        name = obj.display_name or obj.email
        return f"{name} ({obj.membership.get_role_display()})"


class CaseGrantForm(forms.Form):
    """Give a named Channel panel member of the case's authority access for N days (a case with Channel)."""

    grantee = GranteeChoiceField(
        label="Who needs access to this case?",
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Select who needs access", "invalid_choice": "Select who needs access"},
    )
    days = forms.IntegerField(
        label="For how many days?",
        error_messages={"required": "Enter a number of days", "invalid": "Enter the number of days as a number"},
    )
    reason_code = forms.ChoiceField(
        label="Why do they need access?",
        choices=GrantReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select why this person needs access"},
    )

    def __init__(self, *args: Any, grantees: Any, max_days: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grantee"].queryset = grantees
        days = self.fields["days"]
        days.help_text = f"Between 1 and {max_days} days. Access ends by itself after that."
        days.widget.attrs.update({"min": 1, "max": max_days})
        bounds = f"Enter a number of days between 1 and {max_days}"
        days.validators += [MinValueValidator(1, bounds), MaxValueValidator(max_days, bounds)]


class BreakGlassForm(forms.Form):
    """A Prevent lead's reason for opening another authority's case."""

    reason_code = forms.ChoiceField(
        label="Why do you need to open this case now?",
        choices=BreakGlassReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select why you need to open this case"},
    )
    confirm = forms.BooleanField(
        label="I understand that this access is recorded and reported to the case authority's auditors",
        error_messages={"required": "Confirm that you understand this access is recorded and reported"},
    )


class CaseReferenceForm(forms.Form):
    reference = forms.RegexField(
        label="Case reference",
        regex=r"^PRV-\d{4}-\d{6}$",
        help_text="For example, PRV-2026-000123",
        error_messages={"required": "Enter a case reference", "invalid": "Enter a reference like PRV-2026-000123"},
    )
