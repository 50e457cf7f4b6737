"""GOV.UK question pages of screening: the shape of the input (the services check the rest)."""

from __future__ import annotations

from typing import Any

from django import forms

from referrals.choices import PRE_CHANNEL_CLOSING_REASONS

from ..models import DecisionRoute, GatewayCheck, ScreeningReason

YES_NO = (("yes", "Yes"), ("no", "No"))
TEXT_MAX = 5000


def _text_field(label: str, missing: str, hint: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": missing,
            "max_length": f"{label} must be {TEXT_MAX} characters or fewer",
        },
    )


class _ScreeningForm(forms.Form):
    """Field ids carry the form's prefix of ids, so the section can show two of them on one page."""

    @staticmethod
    def initial_for(referral: Any) -> dict[str, Any]:
        return {}

    ids = "screening-%s"
    # The stage the page showed: if someone moves the case on meanwhile, the service says so (a 409 page).
    shown_status = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", self.ids)
        super().__init__(*args, **kwargs)


class GatewayCheckForm(_ScreeningForm):
    ids = "gateway-%s"
    counter_terrorism = forms.ChoiceField(
        label="Is this a matter for a police-led counter-terrorism investigation?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if this is a matter for a police-led counter-terrorism investigation"},
    )
    note = _text_field(
        "Gateway check note",
        "Enter a note about the gateway check",
        "What the checks found. Only the case's officers can read it.",
    )

    def service_arguments(self) -> dict[str, Any]:
        return {"counter_terrorism": self.cleaned_data["counter_terrorism"] == "yes", "note": self.cleaned_data["note"]}

    @staticmethod
    def initial_for(referral: Any) -> dict[str, Any]:
        """Re-recording starts from the check as recorded (the case's officers may read its note)."""
        check = GatewayCheck.objects.filter(referral=referral).first()
        if check is None:
            return {}
        return {"counter_terrorism": "yes" if check.counter_terrorism else "no", "note": check.note}


class ScreeningOutcomeForm(_ScreeningForm):
    ids = "outcome-%s"
    reason_code = forms.ChoiceField(
        label="What is the screening outcome?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the screening outcome", "invalid_choice": "Select the screening outcome"},
    )
    rationale = _text_field("Rationale", "Enter the rationale for the screening outcome", "Why this outcome.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason_code"].choices = list(
            ScreeningReason.objects.filter(active=True).values_list("code", "label")
        )

    def service_arguments(self) -> dict[str, Any]:
        return {"reason_code": self.cleaned_data["reason_code"], "rationale": self.cleaned_data["rationale"]}


class DecisionForm(_ScreeningForm):
    ids = "decision-%s"
    route = forms.ChoiceField(
        label="What is the decision?",
        choices=DecisionRoute.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether to close the case or refer it to the Channel panel",
            "invalid_choice": "Select whether to close the case or refer it to the Channel panel",
        },
    )
    reason_code = forms.ChoiceField(
        label="If you close the case: why?",
        choices=[(reason.value, reason.label) for reason in PRE_CHANNEL_CLOSING_REASONS],
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Select why the case is being closed"},
    )
    summary = _text_field(
        "Summary",
        "Enter a summary",
        "If you close the case, the closing summary. If you refer it, what the Channel panel needs to know.",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("route") == DecisionRoute.CLOSE and not cleaned.get("reason_code"):
            self.add_error("reason_code", "Select why the case is being closed")
        return cleaned

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"route": data["route"], "reason_code": data.get("reason_code", ""), "summary": data["summary"]}
