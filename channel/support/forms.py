"""GOV.UK question pages of Channel support: the shape of the input; the rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms

from accounts.models import Role, User
from referrals.forms import GovukDateField

from .choices import (
    AssessmentOccasion,
    ConsentGivenBy,
    ConsentHow,
    ConsentOutcome,
    InterventionEndReason,
    PostExitOutcome,
    VAFRating,
)
from .models import InterventionType, VAFCatalogue

NOTE_MAX = 5000
OWNER_ROLES = (
    Role.CHANNEL_CHAIR,
    Role.TRIAGE_OFFICER,
    Role.POLICE_PREVENT_OFFICER,
    Role.PREVENT_LEAD,
    Role.PANEL_MEMBER,
)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.display_name or obj.email


class VAFAssessmentForm(forms.Form):
    """One rating (radios) and the evidence (optional) per factor of the catalogue version, by dimension."""

    occasion = forms.ChoiceField(
        label="When is this assessment made?",
        choices=AssessmentOccasion.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select when the assessment was made"},
    )
    assessed_on = GovukDateField(
        label="Date of the assessment",
        noun="The date of the assessment",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date of the assessment"},
    )

    def __init__(self, *args: Any, catalogue: VAFCatalogue, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.catalogue = catalogue
        self.factors = list(catalogue.factors.all())
        for factor in self.factors:
            self.fields[f"rating_{factor.pk}"] = forms.TypedChoiceField(
                label=factor.name,
                choices=VAFRating.choices,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Select a rating for {factor.name.lower()}",
                    "invalid_choice": f"Select a rating for {factor.name.lower()}",
                },
            )
            self.fields[f"evidence_{factor.pk}"] = forms.CharField(
                label=f"Evidence for {factor.name.lower()} (optional)",
                required=False,
                max_length=NOTE_MAX,
                widget=forms.Textarea(attrs={"rows": 2}),
                error_messages={"max_length": f"The evidence must be {NOTE_MAX} characters or fewer"},
            )
        self.fields["summary"] = forms.CharField(
            label="Summary, and significant changes since the last assessment (optional)",
            required=False,
            max_length=NOTE_MAX,
            widget=forms.Textarea(attrs={"rows": 5}),
            error_messages={"max_length": f"The summary must be {NOTE_MAX} characters or fewer"},
        )

    def groups(self) -> list[dict[str, Any]]:
        """The factors' fields by dimension, for the page's headings."""
        from .choices import VAFDimension

        return [
            {
                "label": dimension.label,
                "fields": [
                    (self[f"rating_{factor.pk}"], self[f"evidence_{factor.pk}"])
                    for factor in self.factors
                    if factor.dimension == dimension
                ],
            }
            for dimension in VAFDimension
        ]

    def ratings(self) -> dict[str, tuple[Any, str]]:
        data = self.cleaned_data
        return {
            str(factor.pk): (data.get(f"rating_{factor.pk}"), data.get(f"evidence_{factor.pk}", ""))
            for factor in self.factors
        }


class ConsentForm(forms.Form):
    outcome = forms.ChoiceField(
        label="What was the answer?",
        choices=ConsentOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether consent was given, refused or withdrawn"},
    )
    given_by = forms.ChoiceField(
        label="Who answered?",
        choices=ConsentGivenBy.choices,
        widget=forms.RadioSelect,
        help_text="Their age on the date of the answer decides: 18 or over, their own; under 18, a parent or carer.",
        error_messages={"required": "Select who answered"},
    )
    decided_on = GovukDateField(
        label="Date of the answer",
        noun="The date of the answer",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date of the answer"},
    )
    how_obtained = forms.ChoiceField(
        label="How was the answer obtained?",
        choices=ConsentHow.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the answer was obtained"},
    )
    reassess_on = GovukDateField(
        label="If consent was refused: when will the panel re-assess the case?",
        noun="The re-assessment date",
        required=False,
        help_text="CTSA 2015 s.36: the panel re-assesses after refused consent. For example, 27 3 2027",
    )
    note = forms.CharField(
        label="Anything the panel should know (optional)",
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": f"The note must be {NOTE_MAX} characters or fewer"},
    )


class InterventionForm(forms.Form):
    intervention_type = forms.ModelChoiceField(
        label="What kind of intervention?",
        queryset=InterventionType.objects.filter(is_active=True),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Select the kind of intervention",
            "invalid_choice": "Select the kind of intervention",
        },
    )
    provider = PersonChoiceField(
        label="Intervention Provider",
        queryset=User.objects.none(),
        required=False,
        empty_label="No provider",
        help_text="Mentoring is delivered by a Home Office approved Intervention Provider.",
        error_messages={"invalid_choice": "Select an Intervention Provider of this council"},
    )
    owner = PersonChoiceField(
        label="Owner (if no provider delivers it)",
        queryset=User.objects.none(),
        required=False,
        empty_label="No owner",
        error_messages={"invalid_choice": "Select an owner from this council's Channel staff"},
    )
    planned_start = GovukDateField(
        label="When should it start?",
        noun="The planned start date",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date the intervention should start"},
    )
    description = forms.CharField(
        label="What it is for (optional)",
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": f"The description must be {NOTE_MAX} characters or fewer"},
    )

    def __init__(self, *args: Any, local_authority_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        council = User.objects.filter(is_active=True, membership_record__local_authority_id=local_authority_id)
        self.fields["provider"].queryset = council.filter(membership_record__role=Role.INTERVENTION_PROVIDER)
        self.fields["owner"].queryset = council.filter(membership_record__role__in=OWNER_ROLES)


class SessionForm(forms.Form):
    held_on = GovukDateField(
        label="Date of the session",
        noun="The date of the session",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date of the session"},
    )
    duration_minutes = forms.IntegerField(
        label="How long did it last, in minutes?",
        min_value=1,
        max_value=600,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input govuk-input--width-4"}),
        error_messages={
            "required": "Enter how long the session lasted, in minutes",
            "invalid": "Enter how long the session lasted as a number of minutes, like 60",
            "min_value": "Enter how long the session lasted, in minutes, from 1 to 600",
            "max_value": "Enter how long the session lasted, in minutes, from 1 to 600",
        },
    )
    note = forms.CharField(
        label="Notes of the session (optional)",
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": f"The notes must be {NOTE_MAX} characters or fewer"},
    )


class StartForm(forms.Form):
    started_on = GovukDateField(
        label="When did it start?",
        noun="The start date",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date it started"},
    )


class EndForm(forms.Form):
    ended_on = GovukDateField(
        label="When did it end?",
        noun="The date it ended",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date it ended"},
    )
    end_reason = forms.ChoiceField(
        label="Why did it end?",
        choices=InterventionEndReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select why the intervention ended"},
    )


class PostExitReviewForm(forms.Form):
    # The stage the form was shown at: the service answers 409 if the case moved on (a second submission).
    shown_state = forms.CharField(widget=forms.HiddenInput, required=False)
    outcome = forms.ChoiceField(
        label="What did the review find?",
        choices=PostExitOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the review found"},
    )
    note = forms.CharField(
        label="What the review found, in words",
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": "Enter what the review found",
            "max_length": f"The note must be {NOTE_MAX} characters or fewer",
        },
    )
