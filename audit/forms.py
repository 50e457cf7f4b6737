"""The auditor's search: every field optional, every error in the GOV.UK voice."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from audit.actions import AuditAction, Outcome
from audit.details import REFERENCE_RE
from audit.selectors import SearchFilters, staff_id_visible

DATE_FORMATS = ["%d/%m/%Y", "%d %m %Y", "%d-%m-%Y", "%Y-%m-%d"]
# The service's lifetime, with room: keeps date arithmetic far from datetime's limits.
EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2099, 12, 31)


def _date_field(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_FORMATS,
        help_text="For example, 27/3/2026",
        error_messages={"invalid": f"{label} must be a real date, like 27/3/2026"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class AuditSearchForm(forms.Form):
    case_reference = forms.CharField(
        label="Case reference",
        required=False,
        max_length=20,
        help_text="For example, PRV-2026-000123",
        error_messages={"max_length": "Case reference must be 20 characters or fewer"},
    )
    user = forms.CharField(
        label="User",
        required=False,
        max_length=254,
        help_text="Their email address or user number",
        error_messages={"max_length": "User must be 254 characters or fewer"},
    )
    # A value not in the list comes only from an edited URL: refused in words, never Django's "valid choice".
    action = forms.ChoiceField(
        label="Action",
        required=False,
        choices=[("", "Any action"), *AuditAction.choices],
        error_messages={"invalid_choice": "Select an action from the list"},
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        required=False,
        choices=[("", "Any outcome"), *Outcome.choices],
        error_messages={"invalid_choice": "Select an outcome from the list"},
    )
    date_from = _date_field("Date from")
    date_to = _date_field("Date to")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user  # the auditor: a user is looked up among the staff of their own authority only

    def clean_case_reference(self) -> str:
        reference = self.cleaned_data["case_reference"].strip().upper()
        if reference and not REFERENCE_RE.match(reference):
            raise forms.ValidationError("Enter a case reference in the format PRV-2026-000123")
        return reference

    def clean_user(self) -> int | None:
        identifier = self.cleaned_data["user"].strip()
        if not identifier:
            return None
        user_id = staff_id_visible(user=self.user, identifier=identifier)
        if user_id is None:
            # The same words for another authority's user as for nobody: the look-up reveals no other staff.
            raise forms.ValidationError("No user has that email address or user number in your local authority")
        return user_id

    def _clean_date(self, name: str, label: str) -> dt.date | None:
        value = self.cleaned_data[name]
        if value is not None and not EARLIEST <= value <= LATEST:
            raise forms.ValidationError(f"{label} must be between 1 January 2000 and 31 December 2099")
        return value

    def clean_date_from(self) -> dt.date | None:
        return self._clean_date("date_from", "Date from")

    def clean_date_to(self) -> dt.date | None:
        return self._clean_date("date_to", "Date to")

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "Date to must be the same as or after date from")
        return cleaned

    def filters(self) -> SearchFilters:
        data = self.cleaned_data
        return SearchFilters(
            case_reference=data["case_reference"],
            user_id=data["user"],
            action=data["action"],
            outcome=data["outcome"],
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
