"""Thin pages for the Channel steps: fetch through the selector, validate, call the service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from referrals.exceptions import CaseChangedMeanwhile, TransitionNotPossible, TransitionRefused

from . import services
from .case_sections import STEP_TITLES
from .exceptions import ChannelInvalid
from .forms import ChannelStepForm
from .models import ChannelCase
from .permissions import can_list
from .selectors import channel_case_get, channel_case_list_visible
from .support.selectors import interventions_overdue_visible


def _section_url(reference: str) -> str:
    return reverse("referrals:referral-section", args=[reference, "channel"])


def _at_a_meeting(request: HttpRequest, reference: str) -> HttpResponse:
    """A panel decision is recorded at a panel meeting, with quorum (ACCESS.md): nothing changes here."""
    messages.info(request, "The panel's decisions are recorded at a panel meeting, from the case's Panel section.")
    return redirect(reverse("referrals:referral-section", args=[reference, "panel"]))


def _review_form(request: HttpRequest, reference: str, *, posted: bool = False) -> HttpResponse:
    """A post-exit review is recorded with its outcome on the Reviews section's form, the only way to take it
    (channel.support.reviews.post_exit_review_record): a step page of its own would move the stage without one."""
    if posted:
        messages.error(request, "Nothing was recorded: record the post-exit review with what it found.")
    return redirect(reverse("channel:post-exit-review-record", args=[reference]))


class ChannelCaseListView(LoginRequiredMixin, View):
    """The council's Channel cases, for the chair and the council's case readers (the chair's way in)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not can_list(request.user):
            raise PermissionDenied
        cases = list(channel_case_list_visible(user=request.user))
        overdue = list(interventions_overdue_visible(user=request.user))  # Channel support: late starts
        return render(request, "channel/case_list.html", {"cases": cases, "overdue_interventions": overdue})


class ChannelStepView(LoginRequiredMixin, View):
    """GET the form of one step; POST it. 404 for a case the user may not see (or not with Channel), a
    message for a step not possible at this stage, 403 (audited) for a role that may not, 409 if the case
    moved on since the form was shown. A post-exit review step, past those checks, goes to the review's own form
    (which records the outcome); a panel decision to the case's Panel section."""

    def _render(self, request: HttpRequest, channel_case: ChannelCase, step: str, form: Any) -> HttpResponse:
        spec = services.transition_spec(channel_case, step)
        context = {
            "referral": channel_case.referral,
            "channel_case": channel_case,
            "step_label": spec.custom["label"],
            "warning": spec.custom.get("warning"),
            "form": form,
            "back_url": _section_url(channel_case.referral.reference),
        }
        return render(request, "channel/step.html", context)

    def _form(self, channel_case: ChannelCase, step: str, data: Any = None) -> ChannelStepForm:
        needs = services.transition_spec(channel_case, step).custom.get("needs", ())
        return ChannelStepForm(data, step=step, needs=needs, initial={"shown_state": channel_case.state})

    def _load(self, request: HttpRequest, reference: str, transition: str) -> ChannelCase:
        channel_case = channel_case_get(user=request.user, reference=reference)
        try:
            services.transition_method(channel_case, transition)
        except TransitionNotPossible as exc:
            raise Http404 from exc
        return channel_case

    def get(self, request: HttpRequest, reference: str, transition: str) -> HttpResponse:
        return self._show(request, reference, transition)

    def _show(self, request: HttpRequest, reference: str, transition: str, *, posted: bool = False) -> HttpResponse:
        channel_case = self._load(request, reference, transition)
        if transition in services.PANEL_DECISIONS:
            return _at_a_meeting(request, reference)
        try:
            services.channel_case_check(channel_case, transition, actor=request.user)
        except TransitionNotPossible:
            messages.error(request, "That step is not possible for this case now.")
            return redirect(_section_url(reference))
        except TransitionRefused as exc:
            raise PermissionDenied from exc
        if transition in services.REVIEW_STEPS:  # its form says from when, before the window opens
            return _review_form(request, reference, posted=posted)
        return self._render(request, channel_case, transition, self._form(channel_case, transition))

    def post(self, request: HttpRequest, reference: str, transition: str) -> HttpResponse:
        if transition in services.REVIEW_STEPS | services.PANEL_DECISIONS:  # recorded elsewhere, never here
            return self._show(request, reference, transition, posted=True)
        channel_case = self._load(request, reference, transition)
        form = self._form(channel_case, transition, request.POST)
        shown_state = request.POST.get("shown_state", "")
        try:
            if not form.is_valid():
                services.channel_case_check(channel_case, transition, actor=request.user, shown_state=shown_state)
                return self._render(request, channel_case, transition, form)
            fields = {k: v for k, v in form.cleaned_data.items() if k != "shown_state"}
            services.channel_case_transition(
                channel_case=channel_case, actor=request.user, transition=transition, shown_state=shown_state, **fields
            )
        except TransitionRefused as exc:
            raise PermissionDenied from exc
        except CaseChangedMeanwhile:
            return render(request, "errors/409.html", {"back_url": _section_url(reference)}, status=409)
        except TransitionNotPossible:
            messages.error(request, "That step is not possible for this case now.")
            return redirect(_section_url(reference))
        except ChannelInvalid as exc:
            for field, errors in exc.errors.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
            return self._render(request, channel_case, transition, form)
        messages.success(request, f"{STEP_TITLES[transition]}: case {reference}")
        return redirect(_section_url(reference))
