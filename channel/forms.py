"""One form per Channel step, built from the step's declared needs (ChannelCase transitions' custom["needs"])."""

from __future__ import annotations

from typing import Any

from django import forms

from referrals.forms import GovukDateField

from .services import NOTE_MAX_LENGTH, NOTE_OPTIONAL, STEP_REASONS

REASON_QUESTIONS = {
    "not_adopt": "Why is the case not adopted?",
    "exit": "Why is the case leaving Channel support?",
    "relist": "Why is the case listed again?",
    "withdraw": "Why is the case withdrawn?",
}
NOTE_LABELS = {
    "adopt": "The panel's reasons for adopting the case",
    "not_adopt": "The panel's reasons, and where the person was signposted",
    "exit": "The panel's reasons, and the closing report",
    "relist": "What has changed",
    "record_six_month_review": "What the 6-month review found",
    "complete": "What the 12-month review found (this is the case's closing summary)",
    "withdraw": "Why it is withdrawn (this is the case's closing summary)",
    "record_consent_given": "How consent was obtained (optional)",
    "record_consent_refused": "Anything the panel should know (optional)",
}


class ChannelStepForm(forms.Form):
    """The input of one step; the service checks the same rules again (STYLE.md: invariants in services)."""

    shown_state = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, step: str, needs: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "reason" in needs and step in STEP_REASONS:
            self.fields["reason_code"] = forms.ChoiceField(
                label=REASON_QUESTIONS.get(step, "Reason"),
                choices=STEP_REASONS[step].choices,
                widget=forms.RadioSelect,
                error_messages={"required": "Select a reason", "invalid_choice": "Select a reason"},
            )
        if "consent_date" in needs:
            what = "given" if step == "record_consent_given" else "refused"
            self.fields["consent_date"] = GovukDateField(
                label=f"Date consent was {what}",
                noun=f"The date consent was {what}",
                help_text="For example, 27 3 2026",
                error_messages={"required": f"Enter the date consent was {what}"},
            )
        if "reassess_on" in needs:
            self.fields["reassess_on"] = GovukDateField(
                label="When will the panel re-assess the case?",
                noun="The re-assessment date",
                help_text="CTSA 2015 s.36: the panel re-assesses after refused consent. For example, 27 3 2027",
                error_messages={"required": "Enter the date the panel will re-assess the case"},
            )
        self.fields["note"] = forms.CharField(
            label=NOTE_LABELS.get(step, "Reasons"),
            required=step not in NOTE_OPTIONAL,
            max_length=NOTE_MAX_LENGTH,
            widget=forms.Textarea(attrs={"rows": 6}),
            error_messages={
                "required": "Enter the reasons, as they will be read in the case record",
                "max_length": f"The reasons must be {NOTE_MAX_LENGTH} characters or fewer",
            },
        )
