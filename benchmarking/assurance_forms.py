"""The assurance pages' questions: the year, a section's benchmarks (rating and evidence each), one area of the
assurance statement (rating and comment), and a download's year and format."""

from __future__ import annotations

from typing import Any

from django import forms

from .forms import current_financial_year, format_field
from .statistics import Period, PeriodError
from .toolkit import EVIDENCE_MAX_LENGTH, Rating, Section

RATED = [(code, label) for code, label in Rating.choices if code != Rating.NOT_ASSESSED]
EVIDENCE_HINT = "What shows it is met: documents, dates, the figures shown. Do not name anyone or describe a case."
TEXTAREA = {"class": "govuk-textarea", "rows": 4}


def field_name(code: str) -> str:
    """A benchmark's code as a field name: 4.2 -> 4_2."""
    return code.replace(".", "_")


class YearForm(forms.Form):
    year = forms.CharField(
        label="Financial year starting in April of",
        required=False,
        help_text="For example, 2025 for April 2025 to March 2026.",
        max_length=4,
        error_messages={"max_length": "Enter a year such as 2025"},
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-4", "inputmode": "numeric"}),
    )

    def clean_year(self) -> int:
        year = self.cleaned_data.get("year", "").strip()
        if not year:
            return current_financial_year()
        if not year.isdigit():
            raise forms.ValidationError("Enter a year such as 2025")
        try:
            Period.financial_year(int(year))
        except PeriodError as error:
            raise forms.ValidationError(str(error)) from None
        return int(year)


class AssuranceDownloadForm(YearForm):
    format = format_field()

    def clean_format(self) -> str:
        return self.cleaned_data.get("format") or "csv"


class SectionForm(forms.Form):
    """One section of the toolkit: for each benchmark, how far it is met and the evidence."""

    def __init__(self, *args: Any, section: Section, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.section = section
        for benchmark in section.benchmarks:
            name = field_name(benchmark.code)
            self.fields[f"rating_{name}"] = forms.ChoiceField(
                label=f"{benchmark.code} {benchmark.statement}",
                choices=Rating.choices,
                widget=forms.RadioSelect,
                error_messages={"required": f"Select how far benchmark {benchmark.code} is met"},
            )
            self.fields[f"evidence_{name}"] = forms.CharField(
                label=f"Evidence for benchmark {benchmark.code}",
                required=False,
                max_length=EVIDENCE_MAX_LENGTH,
                help_text=EVIDENCE_HINT,
                error_messages={
                    "max_length": f"Evidence for benchmark {benchmark.code} must be {EVIDENCE_MAX_LENGTH:,} characters "
                    "or fewer"
                },
                widget=forms.Textarea(attrs=TEXTAREA),
            )

    def benchmark_fields(self) -> list[tuple[Any, Any, Any]]:
        """(benchmark, rating field, evidence field) in order, for the template."""
        return [
            (b, self[f"rating_{field_name(b.code)}"], self[f"evidence_{field_name(b.code)}"])
            for b in self.section.benchmarks
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for benchmark in self.section.benchmarks:
            name = field_name(benchmark.code)
            met = data.get(f"rating_{name}") in (Rating.FULLY_MET, Rating.PARTLY_MET)
            if met and not (data.get(f"evidence_{name}") or "").strip():
                self.add_error(f"evidence_{name}", f"Enter the evidence that benchmark {benchmark.code} is met")
        return data

    def answers(self) -> dict[str, tuple[str, str]]:
        data = self.cleaned_data
        return {
            b.code: (data[f"rating_{field_name(b.code)}"], data[f"evidence_{field_name(b.code)}"])
            for b in self.section.benchmarks
        }


class AreaForm(forms.Form):
    rating = forms.ChoiceField(
        label="How far is this area met?",
        choices=RATED,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how far this area is met"},
    )
    comment = forms.CharField(
        label="Comment",
        required=False,
        max_length=EVIDENCE_MAX_LENGTH,
        help_text="Needed unless fully met: what is not met and what the council is doing. Do not name anyone.",
        error_messages={"max_length": f"The comment must be {EVIDENCE_MAX_LENGTH} characters or fewer"},
        widget=forms.Textarea(attrs=TEXTAREA),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        rating = data.get("rating")
        if rating and rating != Rating.FULLY_MET and not (data.get("comment") or "").strip():
            self.add_error("comment", "Enter a comment: say what is not met and what the council is doing")
        return data
