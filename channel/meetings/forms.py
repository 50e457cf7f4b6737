"""The question pages of a panel meeting; the services check the same rules again."""

from __future__ import annotations

from typing import Any

from django import forms

from accounts.models import Sector
from channel.choices import ExitReason, NotAdoptedReason, RelistReason
from channel.models import AttendanceStatus
from referrals.forms import GovukDateField

from .choices import MemberView
from .models import MINUTES_MAX_LENGTH

# The reasons a decided view asks for (the Channel step's reason list), by view.
VIEW_REASONS = {
    MemberView.NOT_ADOPT: NotAdoptedReason,
    MemberView.EXIT: ExitReason,
    MemberView.RELIST: RelistReason,
}


class MeetingDateForm(forms.Form):
    date = GovukDateField(
        label="Date of the meeting",
        noun="The date of the meeting",
        help_text="For example, 27 3 2027",
        error_messages={"required": "Enter the date of the meeting"},
    )


class AgendaAddForm(forms.Form):
    def __init__(self, *args: Any, candidates: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case"] = forms.ChoiceField(
            label="Add a case to the agenda",
            choices=[("", "Select a case")]
            + [
                (case.referral.reference, f"{case.referral.reference} ({case.get_state_display()})")
                for case in candidates
            ],
            error_messages={"required": "Select a case to add", "invalid_choice": "Select a case to add"},
        )


class AttendanceForm(forms.Form):
    """One question per member: present, apologies or absent."""

    def __init__(self, *args: Any, members: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for member in members:
            organisation = member.organisation.name if member.organisation else member.get_sector_display()
            self.fields[f"member_{member.pk}"] = forms.ChoiceField(
                label=f"{member.user.display_name or member.user.email} ({organisation})",
                choices=AttendanceStatus.choices,
                widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline"}),
                error_messages={
                    "required": "Select whether the member was present, sent apologies or was absent",
                    "invalid_choice": "Select whether the member was present, sent apologies or was absent",
                },
            )


class ViewsForm(forms.Form):
    """One question per present member: their view on the case (the views possible at its stage)."""

    def __init__(self, *args: Any, members: list[Any], allowed: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(MemberView.choices)
        for member in members:
            self.fields[f"member_{member.pk}"] = forms.ChoiceField(
                label=f"View of {member.user.display_name or member.user.email}",
                choices=[("", "No view recorded")] + [(view, labels[view]) for view in allowed],
                required=False,
                error_messages={"invalid_choice": "Select a view the panel can take on this case now"},
            )


class DecisionForm(forms.Form):
    reason_code = forms.ChoiceField(
        label="Reason (needed when the panel does not adopt, exits or re-lists the case)",
        required=False,
        error_messages={"invalid_choice": "Select a reason"},
    )
    note = forms.CharField(
        label="The panel's reasons, as they will be read in the case record",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": "The reasons must be 5000 characters or fewer"},
    )

    def __init__(self, *args: Any, allowed: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, str]] = [("", "No reason needed")]
        for view in allowed:
            if view in VIEW_REASONS:
                choices += list(VIEW_REASONS[view].choices)
        self.fields["reason_code"].choices = choices


class MinutesForm(forms.Form):
    text = forms.CharField(
        label="Minutes for this case",
        max_length=MINUTES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": "Enter the minutes for this case",
            "max_length": f"The minutes must be {MINUTES_MAX_LENGTH} characters or fewer",
        },
    )


def _person(user: Any) -> str:
    return user.display_name or user.email


class PanelForm(forms.Form):
    name = forms.CharField(
        label="Name of the panel",
        max_length=200,
        error_messages={
            "required": "Enter the name of the panel",
            "max_length": "Name of the panel must be 200 characters or fewer",
        },
    )
    police_force = forms.CharField(
        label="Police force area",
        max_length=200,
        error_messages={
            "required": "Enter the police force area",
            "max_length": "Police force area must be 200 characters or fewer",
        },
    )

    def __init__(self, *args: Any, chairs: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.chairs = {str(user.pk): user for user in chairs}
        self.fields["chair"] = forms.ChoiceField(
            label="Chair",
            help_text="The council chairs the panel (CTSA 2015 s.37)",
            choices=[("", "Select the chair")] + [(key, _person(user)) for key, user in self.chairs.items()],
            error_messages={
                "required": "Select a Channel chair of your council",
                "invalid_choice": "Select a Channel chair of your council",
            },
        )


class MemberAddForm(forms.Form):
    sector = forms.ChoiceField(
        label="Sector they represent",
        choices=[("", "Select the sector"), *Sector.choices],
        error_messages={
            "required": "Select the sector the member represents",
            "invalid_choice": "Select the sector the member represents",
        },
    )

    def __init__(self, *args: Any, people: list[Any], organisations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {str(user.pk): user for user in people}
        self.organisations = {str(organisation.pk): organisation for organisation in organisations}
        self.fields["user"] = forms.ChoiceField(
            label="Person",
            choices=[("", "Select a person")] + [(key, _person(user)) for key, user in self.people.items()],
            error_messages={
                "required": "Select a person of your council",
                "invalid_choice": "Select a person of your council",
            },
        )
        self.fields["organisation"] = forms.ChoiceField(
            label="Organisation they represent (optional)",
            required=False,
            choices=[("", "None")] + [(key, org.name) for key, org in self.organisations.items()],
            error_messages={"invalid_choice": "Select an organisation of your council"},
        )
        self.order_fields(["user", "organisation", "sector"])
