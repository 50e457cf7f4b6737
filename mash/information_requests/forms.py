"""GOV.UK question pages for information requests: the shape of the input; the rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms

from referrals.forms import GovukDateField
from referrals.validation import ATTACHMENT_UNREADABLE

from .selectors import contributors_for_case, organisations_with_contributors


class ContributorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name or obj.email} ({obj.membership_record.organisation.name})"


class InformationRequestForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="Which organisation are you asking?",
        queryset=None,
        empty_label="Choose an organisation",
        error_messages={
            "required": "Select the organisation to ask",
            "invalid_choice": "Select the organisation to ask",
        },
    )
    addressee = ContributorChoiceField(
        label="Who in that organisation should answer?",
        queryset=None,
        empty_label="Choose a person",
        help_text="Only they will see the question. They will not see the case.",
        error_messages={"required": "Select who should answer", "invalid_choice": "Select who should answer"},
    )
    question = forms.CharField(
        label="What do you want to know?",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Ask only what the MASH needs to decide. Do not include more about the person than needed.",
        error_messages={"required": "Enter the question"},
    )
    due_on = GovukDateField(
        noun="The due date",
        label="When is the answer due?",
        help_text="A working day, for example 27 3 2027.",
        error_messages={"required": "Enter the date the answer is due"},
    )

    def __init__(self, *args: Any, referral: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations_with_contributors(referral=referral)
        self.fields["addressee"].queryset = contributors_for_case(referral=referral)


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label="Your answer",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Enter your answer"},
    )
    file = forms.FileField(
        label="Attach a file (optional)",
        required=False,
        help_text="PDF, Word document, JPG, PNG or GIF, smaller than 10MB.",
        error_messages={"invalid": ATTACHMENT_UNREADABLE},
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Why can you not answer?",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="For example, your organisation holds no information about this person.",
        error_messages={"required": "Enter why you cannot answer"},
    )
