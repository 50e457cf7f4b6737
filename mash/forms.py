from __future__ import annotations

from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator

from .selectors import queue_assignees


class _QuerySetChoiceIterator(ModelChoiceIterator):
    """The choices from one ordinary SELECT, kept in the queryset's cache for every later pass.

    Django's own iterator reads `queryset.iterator()`, which on PostgreSQL opens a server-side cursor (DECLARE,
    FETCH, CLOSE: three round trips) on every render, for the handful of officers of a council. The queue
    renders this list on every view (docs/mash.md, the benchmark)."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class AssigneeChoiceField(forms.ModelChoiceField):
    iterator = _QuerySetChoiceIterator

    def label_from_instance(self, obj: Any) -> str:
        return obj.display_name or obj.email


class AssignForm(forms.Form):
    """Assign the ticked cases of the queue (one or several) to a triage or police Prevent officer."""

    references = forms.MultipleChoiceField(
        label="Cases", error_messages={"required": "Select one or more cases to assign"}
    )
    assignee = AssigneeChoiceField(
        label="Assign the selected cases to",
        queryset=None,
        empty_label="Choose a person",
        error_messages={
            "required": "Select who to assign the cases to",
            "invalid_choice": "Select who to assign the cases to",
        },
    )

    def __init__(self, *args: Any, user: Any, references: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = queue_assignees(user=user)
        # The cases on the page: a reference not offered is refused as an invalid choice.
        self.fields["references"].choices = [(reference, reference) for reference in references]
        self.fields["references"].error_messages["invalid_choice"] = "Select cases from the list"


class ReferralAssignForm(forms.Form):
    """Assign or reassign one case, from its case page: one question, the council's officers as radios."""

    assignee = AssigneeChoiceField(
        label="Who should work on this case?",
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        help_text="Triage officers and police Prevent officers of this council.",
        error_messages={
            "required": "Select who to assign the case to",
            "invalid_choice": "Select who to assign the case to",
        },
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = queue_assignees(user=user)
