"""The period of the statistics: a financial year, or a range of dates (whole months)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from referrals.forms import GovukDateField

from .exports import FORMATS
from .statistics import Period, PeriodError

FORMAT_LABELS = {"csv": "CSV", "xlsx": "Excel", "json": "JSON", "html": "HTML report"}


def _format_error() -> str:
    """The GOV.UK words for a format not offered (a URL edited by hand): the formats, by their labels."""
    labels = [FORMAT_LABELS[f] for f in FORMATS]
    return f"Select a format: {', '.join(labels[:-1])} or {labels[-1]}"


def format_field() -> forms.ChoiceField:
    """A download's format: optional (CSV by default), any other value refused in words people read."""
    return forms.ChoiceField(
        choices=[(f, FORMAT_LABELS[f]) for f in FORMATS],
        required=False,
        error_messages={"invalid_choice": _format_error()},
    )


def current_financial_year() -> int:
    today = timezone.localdate()
    return today.year if today.month >= 4 else today.year - 1  # noqa: PLR2004 - April


class PeriodForm(forms.Form):
    year = forms.CharField(
        label="Financial year starting in April of",
        required=False,
        help_text="For example, 2024 for April 2024 to March 2025. Leave empty to give dates instead.",
        error_messages={"max_length": "Enter a year such as 2024"},
        max_length=4,
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-4", "inputmode": "numeric"}),
    )
    date_from = GovukDateField(
        label="Or from", noun="The first date", required=False, help_text="For example, 1 4 2024"
    )
    date_to = GovukDateField(label="To", noun="The last date", required=False, help_text="For example, 30 9 2024")
    format = format_field()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        year, start, end = data.get("year", ""), data.get("date_from"), data.get("date_to")
        if self.errors:
            return data
        try:
            if year:
                if not year.isdigit():
                    raise forms.ValidationError({"year": "Enter a year such as 2024"})
                if start or end:
                    raise forms.ValidationError({"year": "Enter a financial year or dates, not both"})
                data["period"] = Period.financial_year(int(year))
            elif start or end:
                if not (start and end):
                    raise forms.ValidationError({"date_to" if start else "date_from": "Enter both dates"})
                data["period"] = Period.between(start, end)
            else:
                data["period"] = Period.financial_year(current_financial_year())
        except PeriodError as error:
            field = "year" if year else "date_to"
            raise forms.ValidationError({field: str(error)}) from None
        data["format"] = data.get("format") or "csv"
        return data
